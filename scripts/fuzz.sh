#!/usr/bin/env bash
# Builds kiln's libFuzzer targets (ASan + UBSan, build-fuzz/) and runs each on
# a seed corpus drawn from the repository's fixtures, for
# ${KILN_FUZZ_SECONDS:-60} seconds per target, or, with KILN_FUZZ_RUNS=N, for
# exactly N inputs from seed 1 (reproducible: what scripts/test.sh runs).
# KILN_FUZZ_FORK=N runs N fuzzing processes in parallel (libFuzzer -fork=N),
# for the long runs on a many-core machine.
# Crashes are written to build-fuzz/findings/<target>/ and fail the script.
#   scripts/fuzz.sh                 # all three targets
#   scripts/fuzz.sh onnx            # one: onnx | tf-graphdef | tf-checkpoint
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# ccache keys on paths relative to the checkout, so clones elsewhere share hits.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}"
# Debug info keeps the path it was built at; hits need not match it.
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
bash "$root/scripts/bootstrap.sh"
build="$root/build-fuzz"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_LINKER=lld -DCMAKE_C_COMPILER_LAUNCHER=ccache \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DKILN_FUZZ=ON -DKILN_BUILD_TESTS=OFF
fi
targets=("${@:-onnx tf-graphdef tf-checkpoint}")
targets=(${targets[*]})
ninja -C "$build" -j "${KILN_JOBS:-2}" "${targets[@]/#/kiln-fuzz-}"

# Seed corpora: the model files the test suite already uses.
seeds() {
  case "$1" in
  onnx)
    find "$root/test" "$root/examples" -name '*.onnx' -size -1024k
    find /usr/share/libonnx-testdata/data/node -name model.onnx 2>/dev/null |
      sort | awk 'NR % 8 == 0' ;;
  tf-graphdef) find "$root/test" -name '*.pb' -size -1024k ;;
  tf-checkpoint) find "$root/test" -name '*.index' ;;
  esac
}
status=0
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t" findings="$build/findings/$t"
  mkdir -p "$corpus" "$findings"
  n=0
  while read -r f; do
    n=$((n + 1))
    cp "$f" "$corpus/seed-$n"
  done < <(seeds "$t")
  if [ -n "${KILN_FUZZ_RUNS:-}" ]; then
    budget=(-runs="$KILN_FUZZ_RUNS" -seed=1)
    echo "== kiln-fuzz-$t: $n seeds, $KILN_FUZZ_RUNS inputs"
  else
    budget=(-max_total_time="${KILN_FUZZ_SECONDS:-60}")
    echo "== kiln-fuzz-$t: $n seeds, ${KILN_FUZZ_SECONDS:-60} s"
  fi
  if [ -n "${KILN_FUZZ_FORK:-}" ]; then
    budget+=(-fork="$KILN_FUZZ_FORK")
  fi
  # The corpus grows in a copy, so runs start from the same seeds.
  work="$build/corpus-work/$t"
  rm -rf "$work" && mkdir -p "$work"
  # -detect_leaks=0: no leak scan after every input that allocates more
  # than it frees (the shared MLIR context makes that most inputs, and the
  # scans took half the time); LeakSanitizer still checks the whole run at
  # exit, and a leak fails it.
  if ! "$build/bin/kiln-fuzz-$t" "$work" "$corpus" "${budget[@]}" -timeout=20 \
      -rss_limit_mb=4096 -max_len=1048576 -print_final_stats=1 \
      -detect_leaks=0 \
      -artifact_prefix="$findings/" 2>"$build/$t.log"; then
    echo "kiln-fuzz-$t FAILED; see $build/$t.log and $findings/"
    tail -30 "$build/$t.log"
    status=1
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$build/$t.log" || true
done
exit $status
