#!/usr/bin/env bash
# Tests of the VS Code extension (editors/vscode): the grammar is what
# scripts/grammar.mjs generates, the client type-checks and bundles, the
# unit tests (server discovery; Show compiled SQL against a fake client), the grammar's scope tests
# (vscode-tmgrammar-test), the grammar over every example and stdlib file, and
# the .vsix that @vscode/vsce packages holds what the manifest names.
#
# node_modules lives outside the clone, in
# ${CJO_CACHE:-$HOME/.cache/cjo}/vscode-node_modules/<hash of package-lock.json>,
# installed by `npm ci` only when missing, and is symlinked into
# editors/vscode. Needs node and npm (Node.js 20 or later) and the npm
# registry the first time; offline after that.
#
# Exit status: 0 when every check passed, 1 otherwise.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
ext="$root/editors/vscode"
cd "$ext"

for tool in node npm python3; do
  command -v "$tool" >/dev/null || { echo "tests/vscode/run.sh: $tool is not installed (Debian: apt-get install nodejs npm python3)" >&2; exit 1; }
done
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "tests/vscode/run.sh: Node.js $(node --version) is too old; @vscode/vsce needs 20 or later" >&2
  exit 1
fi

# --- node_modules, cached outside the clone --------------------------------
key=$(sha256sum package-lock.json | cut -c1-16)
cache_root="${CJO_CACHE:-$HOME/.cache/cjo}/vscode-node_modules"
cache="$cache_root/$key"
if [ ! -d "$cache/node_modules" ]; then
  echo "==> npm ci into $cache (package-lock.json changed or first run)"
  mkdir -p "$cache_root"
  staging=$(mktemp -d "$cache_root/.staging.XXXXXX")
  cp package.json package-lock.json "$staging/"
  # --ignore-scripts: nothing here needs an install script (esbuild's binary
  # comes as an optional package; keytar, optional for vsce's publishing,
  # would try to download a prebuilt binary).
  (cd "$staging" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  # Another run may have filled the cache meanwhile: keep the first.
  [ -d "$cache/node_modules" ] || rm -rf "$cache"
  if ! mv -T "$staging" "$cache" 2>/dev/null; then
    rm -rf "$staging"
  fi
fi
if [ -L node_modules ] || [ -e node_modules ]; then
  if [ "$(readlink -f node_modules)" != "$(readlink -f "$cache/node_modules")" ]; then
    rm -rf node_modules
  fi
fi
[ -e node_modules ] || ln -s "$cache/node_modules" node_modules
bin="$ext/node_modules/.bin"

# --- the checks ---------------------------------------------------------------
passed=0
failed=0
failures=()
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {
  local what="$1"
  shift
  printf '\n==> %s\n' "$what"
  if "$@"; then
    passed=$((passed + 1))
    echo "ok: $what"
  else
    failed=$((failed + 1))
    failures+=("$what")
    echo "FAILED: $what"
  fi
}

vsix_contents() {
  # Lists the files the .vsix holds, and checks that the manifest's own
  # references (main, grammars, language configuration, icon) are among them
  # and that no source, test or node_modules file is.
  python3 - "$tmp/cjo.vsix" <<'PY'
import json, sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
manifest = json.loads(zipfile.ZipFile(sys.argv[1]).read("extension/package.json"))
c = manifest["contributes"]
wanted = {
    "extension/syntaxes/cjo.tmLanguage.json",
    "extension/language-configuration.json",
    "extension/dist/extension.js",
    "extension/package.json",
    "extension/readme.md",
    "extension/changelog.md",
    "extension/LICENSE.txt",
}
refs = [manifest["main"], manifest.get("icon")]
refs += [g["path"] for g in c["grammars"]]
refs += [l.get("configuration") for l in c["languages"]]
for ref in refs:
    if ref:
        wanted.add("extension/" + ref.removeprefix("./"))
ok = True
for name in sorted(wanted):
    present = name in names
    ok &= present
    print(f"  {'has' if present else 'MISSING'} {name}")
unwanted = sorted(n for n in names if n.startswith(("extension/node_modules/", "extension/src/", "extension/scripts/")) or n.endswith((".map", ".ts")))
for name in unwanted:
    print(f"  SHOULD NOT HOLD {name}")
print(f"  {len(names)} files in the .vsix")
sys.exit(0 if ok and not unwanted else 1)
PY
}

check "the grammar is what scripts/grammar.mjs generates" node scripts/grammar.mjs --check
check "type check (tsc --noEmit)" "$bin/tsc" --noEmit -p .
check "bundle (esbuild -> dist/extension.js)" npm run --silent bundle
check "unit tests: server discovery, Show compiled SQL (node:test)" npm run --silent test:unit
check "grammar scope tests (vscode-tmgrammar-test, tests/vscode/grammar/*.cjo)" \
  "$bin/vscode-tmgrammar-test" -c \
  -g syntaxes/cjo.tmLanguage.json -g node_modules/tm-grammars/grammars/sql.json \
  "$root/tests/vscode/grammar/*.cjo"
check "grammar over every example and stdlib file" node "$root/tests/vscode/grammar_examples.mjs"
check "package the .vsix (vsce package --no-dependencies)" \
  "$bin/vsce" package --no-dependencies --allow-missing-repository --out "$tmp/cjo.vsix"
check "the .vsix holds the grammar, the language configuration and dist/extension.js" vsix_contents

echo
if [ "$failed" -gt 0 ]; then
  printf 'failed: %s\n' "${failures[@]}"
fi
echo "vscode extension: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
