// Tokenizes every .cjo file of the repository's examples/ and stdlib/ with
// the extension's grammar (and VS Code's SQL grammar for the bodies), and
// checks that each file ends outside every block (no SQL body, string or
// declaration left open: the grammar found every closing brace the lexer
// finds) and that no token is scoped invalid.
//
// Usage: node tests/vscode/grammar_examples.mjs   (from the repository root,
// with editors/vscode/node_modules installed)

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ext = join(root, 'editors', 'vscode');
const require = createRequire(join(ext, 'package.json'));
const vsctm = require('vscode-textmate');
const onig = require('vscode-oniguruma');

const grammars = {
  'source.cjo': join(ext, 'syntaxes', 'cjo.tmLanguage.json'),
  'source.sql': join(ext, 'node_modules', 'tm-grammars', 'grammars', 'sql.json'),
};
await onig.loadWASM(readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer);
const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (patterns) => new onig.OnigScanner(patterns),
    createOnigString: (s) => new onig.OnigString(s),
  }),
  loadGrammar: async (scope) =>
    grammars[scope] ? vsctm.parseRawGrammar(readFileSync(grammars[scope], 'utf8'), grammars[scope]) : null,
});
const grammar = await registry.loadGrammar('source.cjo');

function cjoFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (name.startsWith('.') || name === 'target') continue;
    if (statSync(path).isDirectory()) out.push(...cjoFiles(path));
    else if (name.endsWith('.cjo')) out.push(path);
  }
  return out;
}

const files = [...cjoFiles(join(root, 'examples')), ...cjoFiles(join(root, 'stdlib'))];
let failed = 0;
for (const file of files) {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  let stack = vsctm.INITIAL;
  const problems = [];
  lines.forEach((line, i) => {
    const result = grammar.tokenizeLine(line, stack);
    for (const t of result.tokens) {
      if (t.scopes.some((s) => s.startsWith('invalid.'))) {
        problems.push(`${i + 1}:${t.startIndex + 1}: invalid token ${JSON.stringify(line.slice(t.startIndex, t.endIndex))}`);
      }
    }
    stack = result.ruleStack;
  });
  // The scopes still open after the last line: none but source.cjo.
  const open = grammar.tokenizeLine('', stack).tokens[0]?.scopes ?? [];
  if (open.length > 1) problems.push(`ends inside ${open.slice(1).join(' ')}`);
  if (problems.length > 0) {
    failed += 1;
    console.log(`✖ ${relative(root, file)}`);
    for (const p of problems) console.log(`    ${p}`);
  }
}
console.log(`grammar on examples and stdlib: ${files.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 && files.length > 0 ? 0 : 1);
