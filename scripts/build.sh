#!/usr/bin/env bash
# Installs what is missing, configures (once) and builds kiln into build/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# ccache keys on paths relative to the checkout, so clones elsewhere share hits.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}"
bash "$root/scripts/bootstrap.sh"
build="${KILN_BUILD_DIR:-$root/build}"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_LINKER=lld \
    -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
fi
ninja -C "$build" -j "${KILN_JOBS:-2}" "$@"
