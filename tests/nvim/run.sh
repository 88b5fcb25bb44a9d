#!/usr/bin/env bash
# cjoc lsp in headless Neovim (Debian's `neovim`, installed when absent):
# tests/nvim/lsp_test.lua against examples/video_watch. CJOC names the
# cjoc to test (default: target/debug/cjoc, built when missing).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if ! command -v nvim >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq neovim >/dev/null
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq neovim >/dev/null
  fi
fi
cjoc="${CJOC:-$root/target/debug/cjoc}"
[ -x "$cjoc" ] || (cd "$root" && cargo build -q -p cjoc)
export CJOC="$(cd "$(dirname "$cjoc")" && pwd)/$(basename "$cjoc")"
export CJO_FILE="$root/examples/video_watch/core.cjo"
# A private, empty configuration: the user's init.lua must not interfere.
export XDG_CONFIG_HOME="$(mktemp -d)" XDG_DATA_HOME="$(mktemp -d)" XDG_STATE_HOME="$(mktemp -d)"
trap 'rm -rf "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_STATE_HOME"' EXIT
timeout 300 nvim --headless -u NONE -i NONE -n -c "luafile $here/lsp_test.lua" 2>&1
