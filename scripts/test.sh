#!/usr/bin/env bash
# Installs, builds and runs the whole test suite (lit: dialect, importer,
# passes, codegen, CLI, end-to-end numerics).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
start=$(date +%s)
bash "$root/scripts/build.sh"
build="${KILN_BUILD_DIR:-$root/build}"
echo "build: $(( $(date +%s) - start )) s"
t0=$(date +%s)
set +e
ninja -C "$build" check-kiln 2>&1 | tee "$build/check-kiln.log"
status=${PIPESTATUS[0]}
set -e
echo "tests: $(( $(date +%s) - t0 )) s"
summary() { grep -oE "^ *$1 *: *[0-9]+" "$build/check-kiln.log" | grep -oE '[0-9]+$' || echo 0; }
echo "check-kiln: $(summary Passed) passed, $(( $(summary Failed) + $(summary Unresolved) )) failed"
# Fuzz smoke: every libFuzzer target (ASan + UBSan) on a fixed number of
# inputs from a fixed seed; KILN_FUZZ_RUNS=0 skips it.
if [ "${KILN_FUZZ_RUNS:-20000}" != 0 ]; then
  t0=$(date +%s)
  if ! KILN_FUZZ_RUNS="${KILN_FUZZ_RUNS:-20000}" bash "$root/scripts/fuzz.sh"; then
    status=1
  fi
  echo "fuzz smoke: $(( $(date +%s) - t0 )) s"
fi
exit "$status"
