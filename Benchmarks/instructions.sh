#!/usr/bin/env bash
# make bench-instructions: instructions per request (poll, create, download) and, with
# --profile, per stage, from valgrind's callgrind. Repeatable on a busy machine; the figures go
# into Benchmarks/results.json beside the wrk ones.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
if ! command -v valgrind >/dev/null || ! command -v callgrind_annotate >/dev/null; then
  echo "installing valgrind"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq valgrind >/dev/null
fi
make --no-print-directory build >/dev/null
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# Valgrind 3.19 cannot read the DWARF 5 debug information Swift writes: count a copy without it
# (function names stay, from the symbol table).
cp .build/release/videomock "$WORK/videomock"
strip --strip-debug "$WORK/videomock"
VIDEOMOCK_FIXTURES=$PWD/Fixtures python3 Benchmarks/instructions.py "$WORK/videomock" "$PWD/scenarios/happy-path.yaml" \
  Benchmarks/results.json "$@"
