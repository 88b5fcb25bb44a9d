// Tests of "Show compiled SQL" against a fake language client and a stand-in
// for the vscode module (vscode-stub.ts): what is asked of the server, when
// the user picks a warehouse, and what is opened beside the editor.

import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';

import type { LanguageClient } from 'vscode-languageclient/node';
import { ResponseError } from 'vscode-languageclient/node';

import { showCompiledSql } from '../compiledSql';
import type { CompiledSqlParams, CompiledSqlResult } from '../protocol';
import * as vscode from './vscode-stub';

const URI = 'file:///proj/models.cjo';

function fakeClient(answer: (p: CompiledSqlParams) => CompiledSqlResult | null | Error) {
  const requests: { method: string; params: CompiledSqlParams }[] = [];
  const client = {
    isRunning: () => true,
    sendRequest: async (type: { method: string }, params: CompiledSqlParams) => {
      requests.push({ method: type.method, params });
      const a = answer(params);
      if (a instanceof Error) throw a;
      return a;
    },
  };
  return { client: client as unknown as LanguageClient, requests };
}

function kinds(): string[] {
  return vscode.calls.map((c) => c.kind);
}

beforeEach(() => {
  vscode.calls.length = 0;
  vscode.answers.quickPick = undefined;
  vscode.window.activeTextEditor = {
    document: { uri: vscode.Uri.parse(URI), languageId: 'cjo' },
    selection: { active: { line: 7, character: 3 } },
  };
});

describe('showCompiledSql', () => {
  it('from the code lens: asks by name, opens the SQL beside the editor', async () => {
    const { client, requests } = fakeClient(() => ({
      name: 'daily',
      dialect: 'bigquery',
      sql: 'SELECT 1\n',
      path: 'target/bigquery/daily.sql',
      dialects: ['bigquery'],
    }));
    await showCompiledSql(client, URI, 'daily');
    assert.deepEqual(requests, [{ method: 'cjo/compiledSql', params: { uri: URI, name: 'daily' } }]);
    assert.deepEqual(kinds(), ['open', 'show']);
    const [opened] = vscode.calls[0]!.args as [{ language: string; content: string }];
    assert.equal(opened.language, 'sql');
    assert.match(opened.content, /^-- daily, compiled for bigquery by cjoc\n-- cjoc build writes it to target\/bigquery\/daily.sql\n\nSELECT 1\n$/);
    const [, options] = vscode.calls[1]!.args as [unknown, { viewColumn: number }];
    assert.equal(options.viewColumn, vscode.ViewColumn.Beside);
  });

  it('from the palette: asks for the model at the cursor', async () => {
    const { client, requests } = fakeClient(() => ({ name: 'm', dialect: 'trino', sql: 'select 1' }));
    await showCompiledSql(client);
    assert.deepEqual(requests[0]!.params, { uri: URI, position: { line: 7, character: 3 } });
    assert.deepEqual(kinds(), ['open', 'show']);
  });

  it('asks which warehouse when the model compiles for several, then asks the server again', async () => {
    const { client, requests } = fakeClient((p) => ({
      name: 'm',
      dialect: p.dialect ?? 'bigquery',
      sql: `-- ${p.dialect ?? 'bigquery'}`,
      dialects: ['bigquery', 'redshift', 'trino'],
    }));
    vscode.answers.quickPick = (items) => {
      assert.deepEqual(
        items.map((i) => i.label),
        ['bigquery', 'redshift', 'trino'],
      );
      assert.equal(items[0]!.description, "the model's target");
      return items[2];
    };
    await showCompiledSql(client, URI, 'm');
    assert.deepEqual(
      requests.map((r) => r.params.dialect),
      [undefined, 'trino'],
    );
    assert.deepEqual(kinds(), ['quickPick', 'open', 'show']);
    assert.match((vscode.calls[1]!.args[0] as { content: string }).content, /compiled for trino/);
  });

  it('does nothing more when the pick is dismissed', async () => {
    const { client, requests } = fakeClient(() => ({ name: 'm', dialect: 'bigquery', sql: '', dialects: ['bigquery', 'trino'] }));
    await showCompiledSql(client, URI, 'm');
    assert.equal(requests.length, 1);
    assert.deepEqual(kinds(), ['quickPick']);
  });

  it('says so when there is no model there', async () => {
    const { client } = fakeClient(() => null);
    await showCompiledSql(client);
    assert.deepEqual(kinds(), ['info']);
    assert.match(String(vscode.calls[0]!.args[0]), /no model at the cursor/);
  });

  it("shows the server's error, and a hint for a cjoc without the request", async () => {
    await showCompiledSql(fakeClient(() => new ResponseError(-32603, 'the project has 1 error(s): E0300 …')).client, URI, 'm');
    assert.match(String(vscode.calls[0]!.args[0]), /could not compile the model: the project has 1 error/);
    vscode.calls.length = 0;
    await showCompiledSql(fakeClient(() => new ResponseError(-32601, 'Method not found')).client, URI, 'm');
    assert.match(String(vscode.calls[0]!.args[0]), /does not answer compiled-SQL requests/);
  });

  it('needs a running server, and a cjo file when called from the palette', async () => {
    await showCompiledSql(undefined);
    assert.match(String(vscode.calls[0]!.args[0]), /not running/);
    vscode.calls.length = 0;
    vscode.window.activeTextEditor = undefined;
    await showCompiledSql(fakeClient(() => null).client);
    assert.deepEqual(kinds(), ['info']);
    assert.match(String(vscode.calls[0]!.args[0]), /open a \.cjo file/);
  });
});
