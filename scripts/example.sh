#!/usr/bin/env bash
# Installs, builds kiln, compiles the shipped digits classifier and runs the
# example C program that links it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/build.sh"
build="${KILN_BUILD_DIR:-$root/build}"
out="$build/examples/digits"
mkdir -p "$out"
"$build/bin/kiln" compile "$root/examples/digits/digits.onnx" \
  --target=x86-64-v2 --name=digits -o "$out/digits.o"
clang-22 -std=c11 -O2 -Wall -Werror -I"$out" -I"$root/runtime/include" \
  -I"$root/examples/digits" "$root/examples/digits/main.c" "$out/digits.o" \
  "$build/lib/libkiln_rt.a" -lm -o "$out/digits"
"$out/digits"
