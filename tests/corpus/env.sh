#!/usr/bin/env bash
# Makes (or reuses) the differential corpus's virtualenv in the cache folder
# outside the clone, and sqlglot's source distribution beside it (its test
# fixtures hold TPC-H and TPC-DS texts the wheel leaves out):
#   tests/corpus/env.sh   ->  prints the venv's python
# A marker file is written only after a complete install, so an interrupted
# install is redone rather than half-used.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${CJO_CACHE:-$HOME/.cache/cjo}"
venv="$cache/corpus"
stamp="$(sha256sum "$here/requirements.txt" | cut -c1-16)"
if [ "$(cat "$venv/.cjo-complete" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
  version="$("$venv/bin/python" -c 'import sqlglot; print(sqlglot.__version__)')"
  "$venv/bin/pip" download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
    -d "$venv/sdist" "sqlglot==$version" >&2
  tar -xzf "$venv/sdist/sqlglot-$version.tar.gz" -C "$venv/sdist" >&2
  echo "$stamp" > "$venv/.cjo-complete"
fi
echo "$venv/bin/python"
