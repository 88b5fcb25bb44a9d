// Unit tests of the server discovery (node:test; no VS Code needed).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { expandPath, findServer, type DiscoveryInput } from '../discovery';

/// An input where exactly the files in `executables` exist.
function input(overrides: Partial<DiscoveryInput>, executables: string[]): DiscoveryInput {
  return {
    configuredPath: null,
    extensionPath: '/ext',
    platform: 'linux',
    env: { PATH: '/usr/local/bin:/usr/bin', HOME: '/home/ada' },
    workspaceFolder: '/work/proj',
    isExecutable: (file) => executables.includes(file),
    ...overrides,
  };
}

describe('findServer', () => {
  it('prefers the setting over the bundled binary and PATH', () => {
    const found = findServer(
      input({ configuredPath: '/opt/cjoc' }, ['/opt/cjoc', '/ext/server/cjoc', '/usr/bin/cjoc']),
    );
    assert.deepEqual(found, { ok: true, path: '/opt/cjoc', source: 'setting' });
  });

  it('expands ~ and ${workspaceFolder} in the setting, and resolves a relative path in the workspace', () => {
    assert.deepEqual(findServer(input({ configuredPath: '~/bin/cjoc' }, ['/home/ada/bin/cjoc'])), {
      ok: true,
      path: '/home/ada/bin/cjoc',
      source: 'setting',
    });
    assert.deepEqual(
      findServer(input({ configuredPath: '${workspaceFolder}/target/debug/cjoc' }, ['/work/proj/target/debug/cjoc'])),
      { ok: true, path: '/work/proj/target/debug/cjoc', source: 'setting' },
    );
    assert.deepEqual(findServer(input({ configuredPath: 'target/debug/cjoc' }, ['/work/proj/target/debug/cjoc'])), {
      ok: true,
      path: '/work/proj/target/debug/cjoc',
      source: 'setting',
    });
  });

  it('reports a setting that names no executable instead of falling back', () => {
    const found = findServer(input({ configuredPath: '/nowhere/cjoc' }, ['/ext/server/cjoc', '/usr/bin/cjoc']));
    assert.equal(found.ok, false);
    if (!found.ok) {
      assert.match(found.message, /cjo\.server\.path/);
      assert.match(found.message, /\/nowhere\/cjoc/);
      assert.deepEqual(found.tried, ['/nowhere/cjoc']);
    }
  });

  it('treats an empty or blank setting as unset', () => {
    for (const configuredPath of ['', '   ', null, undefined]) {
      assert.deepEqual(findServer(input({ configuredPath }, ['/ext/server/cjoc'])), {
        ok: true,
        path: '/ext/server/cjoc',
        source: 'bundled',
      });
    }
  });

  it('uses the bundled binary before PATH', () => {
    assert.deepEqual(findServer(input({}, ['/ext/server/cjoc', '/usr/bin/cjoc'])), {
      ok: true,
      path: '/ext/server/cjoc',
      source: 'bundled',
    });
  });

  it('searches PATH in order', () => {
    assert.deepEqual(findServer(input({}, ['/usr/bin/cjoc', '/usr/local/bin/cjoc'])), {
      ok: true,
      path: '/usr/local/bin/cjoc',
      source: 'path',
    });
    assert.deepEqual(findServer(input({}, ['/usr/bin/cjoc'])), { ok: true, path: '/usr/bin/cjoc', source: 'path' });
  });

  it('says what to do when cjoc is nowhere, and lists where it looked', () => {
    const found = findServer(input({}, []));
    assert.equal(found.ok, false);
    if (!found.ok) {
      assert.match(found.message, /not found/);
      assert.match(found.message, /cjo\.server\.path/);
      assert.match(found.message, /cargo install/);
      assert.deepEqual(found.tried, ['/ext/server/cjoc', '/usr/local/bin/cjoc', '/usr/bin/cjoc']);
    }
  });

  it('copes with no PATH at all', () => {
    const found = findServer(input({ env: {} }, []));
    assert.equal(found.ok, false);
  });

  it('finds cjoc.exe on Windows: bundled, then Path with PATHEXT', () => {
    const win = (executables: string[]) =>
      input(
        {
          platform: 'win32',
          extensionPath: 'C:\\ext',
          env: { Path: 'C:\\tools;"C:\\Program Files\\cjo"', PATHEXT: '.COM;.EXE' },
          workspaceFolder: 'C:\\proj',
        },
        executables,
      );
    assert.deepEqual(findServer(win(['C:\\ext\\server\\cjoc.exe'])), {
      ok: true,
      path: 'C:\\ext\\server\\cjoc.exe',
      source: 'bundled',
    });
    assert.deepEqual(findServer(win(['C:\\Program Files\\cjo\\cjoc.exe'])), {
      ok: true,
      path: 'C:\\Program Files\\cjo\\cjoc.exe',
      source: 'path',
    });
    assert.deepEqual(findServer({ ...win(['C:\\proj\\bin\\cjoc.exe']), configuredPath: 'bin\\cjoc.exe' }), {
      ok: true,
      path: 'C:\\proj\\bin\\cjoc.exe',
      source: 'setting',
    });
  });
});

describe('expandPath', () => {
  it('expands ${userHome} and ${env:NAME}', () => {
    const env = { HOME: '/home/ada', CJO_HOME: '/opt/cjo' };
    assert.equal(expandPath('${userHome}/x', { env, platform: 'linux' }), '/home/ada/x');
    assert.equal(expandPath('${env:CJO_HOME}/bin/cjoc', { env, platform: 'linux' }), '/opt/cjo/bin/cjoc');
    assert.equal(expandPath('${env:MISSING}cjoc', { env, platform: 'linux' }), 'cjoc');
    assert.equal(expandPath('a~b', { env, platform: 'linux' }), 'a~b');
  });
});
