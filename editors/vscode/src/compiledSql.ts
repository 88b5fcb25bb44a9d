// "Show compiled SQL": asks the server for a model's SQL and opens it in an
// untitled `sql` document beside the editor.

import * as vscode from 'vscode';
import { ResponseError, type LanguageClient } from 'vscode-languageclient/node';

import { compiledSqlRequest, type CompiledSqlParams, type CompiledSqlResult, type Dialect } from './protocol';

const DIALECTS: readonly string[] = ['bigquery', 'redshift', 'trino'];
const METHOD_NOT_FOUND = -32601;

/// The command's arguments: `[uri, modelName]` from the server's code lens,
/// the file's `Uri` from the editor title menu, or nothing from the palette.
export async function showCompiledSql(
  client: LanguageClient | undefined,
  target?: unknown,
  name?: unknown,
): Promise<void> {
  if (client === undefined || !client.isRunning()) {
    void vscode.window.showErrorMessage(
      'cjo: the language server is not running, so there is no compiled SQL to show. Run "cjo: Restart language server".',
    );
    return;
  }
  const params = paramsFor(target, name);
  if (params === undefined) {
    void vscode.window.showInformationMessage('cjo: open a .cjo file and put the cursor inside a model.');
    return;
  }

  let result = await request(client, params);
  if (result === undefined) {
    return;
  }
  const choices = (result.dialects ?? []).filter((d) => DIALECTS.includes(d));
  if (choices.length > 1) {
    const picked = await pickDialect(result.name, result.dialect, choices);
    if (picked === undefined) {
      return;
    }
    if (picked !== result.dialect) {
      result = await request(client, { ...params, name: result.name, dialect: picked as Dialect });
      if (result === undefined) {
        return;
      }
    }
  }

  const header = [`-- ${result.name}, compiled for ${result.dialect} by cjoc`];
  if (result.path !== undefined && result.path !== '') {
    header.push(`-- cjoc build writes it to ${result.path}`);
  }
  const doc = await vscode.workspace.openTextDocument({
    language: 'sql',
    content: `${header.join('\n')}\n\n${result.sql.replace(/\s*$/, '')}\n`,
  });
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}

function paramsFor(target: unknown, name: unknown): CompiledSqlParams | undefined {
  const editor = vscode.window.activeTextEditor;
  let uri: string | undefined;
  if (typeof target === 'string' && target !== '') {
    uri = target;
  } else if (target instanceof vscode.Uri) {
    uri = target.toString();
  } else if (editor !== undefined && editor.document.languageId === 'cjo') {
    uri = editor.document.uri.toString();
  }
  if (uri === undefined) {
    return undefined;
  }
  const params: CompiledSqlParams = { uri };
  if (typeof name === 'string' && name !== '') {
    params.name = name;
  } else if (editor !== undefined && editor.document.uri.toString() === uri) {
    const { line, character } = editor.selection.active;
    params.position = { line, character };
  }
  return params;
}

async function request(client: LanguageClient, params: CompiledSqlParams): Promise<CompiledSqlResult | undefined> {
  try {
    const result = await client.sendRequest(compiledSqlRequest, params);
    if (result === null || result === undefined) {
      const where = params.name !== undefined ? `named ${params.name}` : 'at the cursor';
      void vscode.window.showInformationMessage(
        `cjo: there is no model ${where}. Put the cursor inside a model, or use the "Show compiled SQL" lens above it.`,
      );
      return undefined;
    }
    return result;
  } catch (e) {
    if (e instanceof ResponseError && e.code === METHOD_NOT_FOUND) {
      void vscode.window.showErrorMessage(
        'cjo: this cjoc does not answer compiled-SQL requests (cjo/compiledSql). Update cjoc.',
      );
    } else {
      const message = e instanceof Error ? e.message : String(e);
      void vscode.window.showErrorMessage(`cjo: could not compile the model: ${message}`);
    }
    return undefined;
  }
}

async function pickDialect(model: string, current: string, dialects: string[]): Promise<string | undefined> {
  const ordered = [current, ...dialects.filter((d) => d !== current)].filter((d) => dialects.includes(d));
  const items: vscode.QuickPickItem[] = ordered.map((d) => ({
    label: d,
    description: d === current ? "the model's target" : undefined,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: `Show compiled SQL of ${model}`,
    placeHolder: 'Which warehouse should the SQL be compiled for?',
  });
  return picked?.label;
}
