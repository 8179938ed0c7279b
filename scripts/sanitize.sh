#!/usr/bin/env bash
# Builds kiln with AddressSanitizer + UBSan (build-asan/, KILN_SANITIZE=ON:
# kiln's own code is instrumented, Debian's LLVM/MLIR and protobuf are not)
# and runs the whole lit suite, end-to-end numerics included, with it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# ccache keys on paths relative to the checkout, so clones elsewhere share hits.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}"
# Debug info keeps the path it was built at; hits need not match it.
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
bash "$root/scripts/bootstrap.sh"
build="$root/build-asan"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_LINKER=lld -DCMAKE_C_COMPILER_LAUNCHER=ccache \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DKILN_SANITIZE=ON
fi
ninja -C "$build" -j "${KILN_JOBS:-2}"
# Every sanitizer report aborts the process, so a report fails its test.
# allow_user_poisoning=0: LLVM allocator templates instantiated in kiln's
# instrumented code poison whole slabs that uninstrumented libMLIR then
# carves up without unpoisoning (false use-after-poison reports; see
# test/fuzz/FuzzCommon.h).
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:allow_user_poisoning=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ninja -C "$build" check-kiln
