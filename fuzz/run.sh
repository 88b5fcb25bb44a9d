#!/usr/bin/env bash
# Runs one fuzz target for a number of seconds, on one core, from the seed
# corpus (written by seed.py when the target has none yet):
#
#   fuzz/run.sh TARGET SECONDS [CORPUS_ROOT] [-- LIBFUZZER_OPTIONS…]
#
# TARGET is parse, check, fmt, codegen or lsp; the corpus is
# CORPUS_ROOT/TARGET (default fuzz/corpus/TARGET), where libFuzzer adds
# what it finds. A finding stops the run, prints the input's path under
# fuzz/artifacts/TARGET/ and exits non-zero. Needs nightly Rust and
# cargo-fuzz; see docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")"
target=$1
seconds=$2
shift 2
root=corpus
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
  root=$1
  shift
fi
[ "${1:-}" = "--" ] && shift
# Inputs stay small so that each execution is cheap: a single file up to
# 8 KiB (the largest example file is 5 KB), a whole project up to 16 KiB.
case "$target" in
  codegen) max_len=16384 ;;
  *) max_len=8192 ;;
esac
if [ ! -d "$root/$target" ] || [ -z "$(ls -A "$root/$target")" ]; then
  python3 seed.py --out "$root"
fi
mkdir -p "artifacts/$target"
# No sanitizer: the workspace forbids unsafe code, and AddressSanitizer
# would halve the executions a second for what it cannot find there.
exec cargo +nightly fuzz run --sanitizer none "$target" "$root/$target" -- \
  -max_total_time="$seconds" -max_len="$max_len" -dict=cjo.dict \
  -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 "$@"
