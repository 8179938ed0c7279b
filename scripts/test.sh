#!/usr/bin/env bash
# Installs, builds and runs the whole test suite (lit: dialect, importer,
# passes, codegen, CLI errors, end-to-end numerics).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
start=$(date +%s)
bash "$root/scripts/build.sh"
build="${KILN_BUILD_DIR:-$root/build}"
echo "build: $(( $(date +%s) - start )) s"
t0=$(date +%s)
ninja -C "$build" check-kiln
echo "tests: $(( $(date +%s) - t0 )) s"
