// Finding the `cjoc` executable that runs the language server.
//
// A pure function of its inputs (the setting, the extension's folder, the
// platform, the environment and a file check) so that it is tested without
// VS Code and without touching the disk.

import * as path from 'node:path';

/// Where the server was found.
export type ServerSource = 'setting' | 'bundled' | 'path';

export interface DiscoveryInput {
  /// `cjo.server.path`; empty or null when unset.
  configuredPath: string | null | undefined;
  /// The extension's install folder, which may hold `server/cjoc`.
  extensionPath: string;
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  /// The first workspace folder, for `${workspaceFolder}` and relative paths.
  workspaceFolder?: string;
  /// Whether `file` is an executable file.
  isExecutable(file: string): boolean;
}

export type Discovery =
  | { ok: true; path: string; source: ServerSource }
  | { ok: false; message: string; tried: string[] };

/// The server executable: the `cjo.server.path` setting, else the binary
/// bundled in the extension (`server/cjoc`, `server/cjoc.exe` on Windows),
/// else `cjoc` on `PATH`. A setting that names no executable is an error of
/// its own, not a reason to fall back: the user asked for that file.
export function findServer(input: DiscoveryInput): Discovery {
  const p = input.platform === 'win32' ? path.win32 : path.posix;
  const exe = input.platform === 'win32' ? 'cjoc.exe' : 'cjoc';

  const configured = (input.configuredPath ?? '').trim();
  if (configured !== '') {
    const expanded = expandPath(configured, input);
    const resolved =
      p.isAbsolute(expanded) || input.workspaceFolder === undefined
        ? expanded
        : p.resolve(input.workspaceFolder, expanded);
    if (input.isExecutable(resolved)) {
      return { ok: true, path: resolved, source: 'setting' };
    }
    return {
      ok: false,
      tried: [resolved],
      message:
        `The setting cjo.server.path is "${configured}", but there is no executable file at ${resolved}. ` +
        'Point it at the cjoc executable, or clear it to use the cjoc bundled with the extension or on PATH.',
    };
  }

  const tried: string[] = [];
  const bundled = p.join(input.extensionPath, 'server', exe);
  tried.push(bundled);
  if (input.isExecutable(bundled)) {
    return { ok: true, path: bundled, source: 'bundled' };
  }

  for (const candidate of pathCandidates(input, p)) {
    tried.push(candidate);
    if (input.isExecutable(candidate)) {
      return { ok: true, path: candidate, source: 'path' };
    }
  }

  return {
    ok: false,
    tried,
    message:
      'The cjo language server (cjoc) was not found: it is not bundled with this extension and not on PATH. ' +
      'Install cjoc (from a clone of cjo: cargo install --path compiler/cli) and reload the window, ' +
      'or set cjo.server.path to the cjoc executable.',
  };
}

/// `~`, `${userHome}`, `${workspaceFolder}` and `${env:NAME}` in a setting.
export function expandPath(value: string, input: Pick<DiscoveryInput, 'env' | 'workspaceFolder' | 'platform'>): string {
  const home = input.env.HOME ?? input.env.USERPROFILE ?? '';
  let out = value.replace(/\$\{userHome\}/g, home);
  if (input.workspaceFolder !== undefined) {
    out = out.replace(/\$\{workspaceFolder\}/g, input.workspaceFolder);
  }
  out = out.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => input.env[name] ?? '');
  if (home !== '' && (out === '~' || out.startsWith('~/') || (input.platform === 'win32' && out.startsWith('~\\')))) {
    out = home + out.slice(1);
  }
  return out;
}

/// `cjoc` in each folder of `PATH`, in order (with each `PATHEXT` on Windows).
function pathCandidates(input: DiscoveryInput, p: typeof path.posix): string[] {
  const win = input.platform === 'win32';
  // Windows keeps `Path`; the key's case varies.
  const pathKey = Object.keys(input.env).find((k) => (win ? k.toUpperCase() === 'PATH' : k === 'PATH'));
  const value = pathKey === undefined ? '' : (input.env[pathKey] ?? '');
  const dirs = value.split(win ? ';' : ':').filter((d) => d.trim() !== '');
  const names = win
    ? (input.env.PATHEXT ?? '.EXE;.CMD;.BAT')
        .split(';')
        .filter((e) => e !== '')
        .map((e) => `cjoc${e.toLowerCase()}`)
    : ['cjoc'];
  const out: string[] = [];
  for (const dir of dirs) {
    for (const name of names) {
      out.push(p.join(win ? dir.replace(/^"(.*)"$/, '$1') : dir, name));
    }
  }
  return out;
}
