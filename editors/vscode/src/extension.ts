// The cjo extension: starts `cjoc lsp` and wires its commands.

import * as fs from 'node:fs';
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

import { showCompiledSql } from './compiledSql';
import { findServer, type Discovery } from './discovery';

let server: Server | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  server = new Server(context);
  context.subscriptions.push(
    server,
    vscode.commands.registerCommand('cjo.showCompiledSql', (target?: unknown, name?: unknown) =>
      showCompiledSql(server?.client, target, name),
    ),
    vscode.commands.registerCommand('cjo.restartServer', () => server?.restart()),
    vscode.commands.registerCommand('cjo.showServerOutput', () => server?.output.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('cjo.server') || e.affectsConfiguration('cjo.environment')) {
        void server?.restart();
      }
    }),
  );
  await server.start();
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}

/// The running language server, if any, and what the user sees of it.
class Server implements vscode.Disposable {
  readonly output: vscode.OutputChannel;
  private readonly traceOutput: vscode.OutputChannel;
  private readonly status: vscode.LanguageStatusItem;
  client: LanguageClient | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('cjo Language Server');
    this.traceOutput = vscode.window.createOutputChannel('cjo Language Server Trace');
    this.status = vscode.languages.createLanguageStatusItem('cjo.server', { language: 'cjo' });
    this.status.name = 'cjo language server';
    this.status.command = { title: 'Show output', command: 'cjo.showServerOutput' };
  }

  async start(): Promise<void> {
    const config = vscode.workspace.getConfiguration('cjo');
    const found = discover(this.context, config);
    if (!found.ok) {
      this.output.appendLine(found.message);
      this.output.appendLine(`Looked for: ${found.tried.join(', ')}`);
      this.setStatus('cjoc not found', vscode.LanguageStatusSeverity.Error, found.message);
      void this.reportMissing(found.message);
      return;
    }

    const extraArgs = config.get<string[]>('server.extraArgs') ?? [];
    const extraEnv = config.get<Record<string, string>>('server.extraEnv') ?? {};
    const executable = {
      command: found.path,
      args: ['lsp', ...extraArgs],
      options: { env: { ...process.env, ...extraEnv } },
    };
    const serverOptions: ServerOptions = { run: executable, debug: executable };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'cjo' },
        { scheme: 'untitled', language: 'cjo' },
      ],
      synchronize: {
        // Saved outside the editor (git checkout, cjoc fmt): tell the server.
        fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.cjo,cjo.toml}'),
      },
      outputChannel: this.output,
      traceOutputChannel: this.traceOutput,
      // The `[environments.NAME]` of cjo.toml to check, as `cjoc --env`.
      initializationOptions: { environment: config.get<string | null>('environment') ?? '' },
    };
    // The id `cjo` makes the client read the `cjo.trace.server` setting.
    const client = new LanguageClient('cjo', 'cjo Language Server', serverOptions, clientOptions);
    this.client = client;
    this.output.appendLine(`Starting ${found.path} lsp (${describe(found.source)})`);
    this.setStatus('cjoc starting…', vscode.LanguageStatusSeverity.Information, found.path);
    this.status.busy = true;
    try {
      await client.start();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.status.busy = false;
      this.setStatus('cjoc failed to start', vscode.LanguageStatusSeverity.Error, message);
      const choice = await vscode.window.showErrorMessage(
        `cjo: the language server (${found.path} lsp) failed to start: ${message}`,
        'Show output',
        'Open settings',
      );
      this.onChoice(choice);
      return;
    }
    this.status.busy = false;
    const version = await serverVersion(found.path);
    this.setStatus(version ?? 'cjoc', vscode.LanguageStatusSeverity.Information, `${found.path} (${describe(found.source)})`);
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client === undefined) {
      return;
    }
    try {
      await client.stop(2000);
    } catch (e) {
      this.output.appendLine(`Stopping the server: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  dispose(): void {
    void this.stop();
    this.status.dispose();
    this.output.dispose();
    this.traceOutput.dispose();
  }

  private setStatus(text: string, severity: vscode.LanguageStatusSeverity, detail: string): void {
    this.status.text = text;
    this.status.severity = severity;
    this.status.detail = detail;
  }

  private async reportMissing(message: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(`cjo: ${message}`, 'Open settings', 'Show output');
    this.onChoice(choice);
  }

  private onChoice(choice: string | undefined): void {
    if (choice === 'Open settings') {
      void vscode.commands.executeCommand('workbench.action.openSettings', 'cjo.server.path');
    } else if (choice === 'Show output') {
      this.output.show(true);
    }
  }
}

function discover(context: vscode.ExtensionContext, config: vscode.WorkspaceConfiguration): Discovery {
  return findServer({
    configuredPath: config.get<string | null>('server.path'),
    extensionPath: context.extensionPath,
    platform: process.platform,
    env: process.env,
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    isExecutable,
  });
}

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (process.platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

function describe(source: 'setting' | 'bundled' | 'path'): string {
  switch (source) {
    case 'setting':
      return 'from the setting cjo.server.path';
    case 'bundled':
      return 'bundled with the extension';
    case 'path':
      return 'found on PATH';
  }
}

/// `cjoc 0.1.0`, for the language status; undefined when it cannot tell.
function serverVersion(file: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(file, ['--version'], { timeout: 5000 }, (error, stdout) => {
      const line = stdout.toString().trim().split('\n')[0];
      resolve(error === null && line !== undefined && line !== '' ? line : undefined);
    });
  });
}
