#!/usr/bin/env bash
# kiln's GPU checks, for a machine with an NVIDIA GPU but no kiln build
# (the project's lent H100): prepare here, run there.
#
#   scripts/gpu-check.sh prepare [--simulate] [--models m1,m2]
#                                [--gemm-sizes N1,N2] [--dir D]
#       Here (needs a kiln build): compiles the e2e models for cuda:sm_90 at
#       each precision (fp32, fp16, bf16, tf32), links their checking
#       harnesses, latency runners (bench/gpu-latency.c) and the host-entry
#       and CUDA-graph tests into D (default gpu-check/, git-ignored), with
#       the fixtures they read, and N x N GEMMs of two inputs for each of
#       --gemm-sizes (default 4096,8192). --simulate compiles with
#       --cuda-simulate, to try the whole flow on kiln-cusim without a GPU.
#   scripts/gpu-check.sh run [--dir D] [--calls N]
#       There (needs only the driver): runs every check against the
#       fixtures' onnxruntime outputs and times every model, printing one
#       line each (N timed calls, default 50), times the GEMMs against
#       cuBLAS through PyTorch where python3 has torch
#       (bench/gpu-gemm-torch.py), and writes D/results.md (and a copy in
#       $OUT when set).
#       Exits non-zero if a check failed.
#
# On the lent machine, from this machine:
#   scripts/gpu-check.sh prepare
#   run(command="bash scripts/gpu-check.sh run", carry=["gpu-check"])
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${KILN_BUILD_DIR:-$root/build}"
mode="${1:-}"
shift || true
dir="$root/gpu-check"
models="mlp,cnn,resblock,mobileblock,encoder"
simulate=0
calls=50
gemm_sizes="4096,8192"
while [ $# -gt 0 ]; do
  case "$1" in
    --simulate) simulate=1 ;;
    --models) models="$2"; shift ;;
    --dir) dir="$2"; shift ;;
    --calls) calls="$2"; shift ;;
    --gemm-sizes) gemm_sizes="$2"; shift ;;
    *) echo "gpu-check: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
precisions="fp32 fp16 bf16 tf32"
# Tolerances against onnxruntime's fp32 outputs (atol rtol).
tolerance() { [ "$1" = fp32 ] && echo "1e-5 1e-4" || echo "2e-2 2e-2"; }

# compile_and_link MODEL NAME [HARNESS]: MODEL for cuda:sm_90 at precision
# $p as NAME, and its latency runner (and HARNESS's check) linked.
compile_and_link() {
  local model="$1" name="$2" harness="${3:-}" obj="$dir/obj/$2.o"
  "$kiln" compile "$model" --target=cuda:sm_90 --precision="$p" \
    --name="$name" "${flags[@]}" -o "$obj"
  "${cc[@]}" "${cflags[@]}" -include "${obj%.o}.h" -DKILN_MODEL="$name" \
    "$root/bench/gpu-latency.c" "$obj" "${libs[@]}" -o "$dir/bin/latency-$name"
  [ -z "$harness" ] || "${cc[@]}" "${cflags[@]}" -include "${obj%.o}.h" \
    -DKILN_MODEL="$name" "$harness" "$obj" "${libs[@]}" -o "$dir/bin/check-$name"
}

prepare() {
  kiln="$build/bin/kiln"
  local rt="$build/lib/libkiln_rt.a"
  local e2e="$root/test/e2e" p
  read -ra cc <<<"${CC:-cc}"
  [ -x "$kiln" ] || { echo "gpu-check: no kiln at $kiln (scripts/build.sh)" >&2; exit 2; }
  rm -rf "$dir"
  mkdir -p "$dir/bin" "$dir/obj" "$dir/fixtures"
  flags=()
  [ "$simulate" = 1 ] && flags+=(--cuda-simulate) && touch "$dir/SIMULATED"
  cflags=(-std=c11 -O2 -I"$root/runtime/include" -DKILN_CUDA)
  libs=("$rt" -lm -ldl -lpthread)
  : >"$dir/checks.txt"
  for m in ${models//,/ }; do
    mkdir -p "$dir/fixtures/$m"
    cp "$e2e/$m"/input_*.bin "$e2e/$m"/output_*.bin "$dir/fixtures/$m/"
    for p in $precisions; do
      compile_and_link "$e2e/$m/model.onnx" "${m}_$p" "$e2e/harness.c"
      echo "$m $p $(tolerance "$p")" >>"$dir/checks.txt"
    done
  done
  # GEMMs: C = A B on two N x N inputs (no weights: the objects stay small).
  : >"$dir/gemms.txt"
  for n in ${gemm_sizes//,/ }; do
    printf '<ir_version: 8, opset_import: ["" : 17]>\ngemm (float[%d,%d] a, float[%d,%d] b) => (float[%d,%d] c) {\n  c = MatMul(a, b)\n}\n' \
      "$n" "$n" "$n" "$n" "$n" "$n" >"$dir/obj/gemm_$n.onnxtext"
    for p in $precisions; do
      compile_and_link "$dir/obj/gemm_$n.onnxtext" "gemm${n}_$p"
      echo "$n $p" >>"$dir/gemms.txt"
    done
  done
  cp "$root/bench/gpu-gemm-torch.py" "$dir/"
  # The host-pointer entry point and a CUDA graph, on the MLP.
  if [[ ",$models," == *,mlp,* ]]; then
    "$kiln" compile "$e2e/mlp/model.onnx" --target=cuda:sm_90 --name=mlp \
      "${flags[@]}" -o "$dir/obj/mlp.o"
    for t in cuda-host cuda-graph; do
      "${cc[@]}" "${cflags[@]}" -I"$dir/obj" "$e2e/$t.c" "$dir/obj/mlp.o" \
        "${libs[@]}" -o "$dir/bin/$t"
    done
  fi
  echo "gpu-check: prepared $(wc -l <"$dir/checks.txt") model checks in $dir"
}

run_checks() {
  [ -f "$dir/checks.txt" ] || { echo "gpu-check: run 'prepare' first" >&2; exit 2; }
  if [ -f "$dir/SIMULATED" ]; then
    export LD_LIBRARY_PATH="$build/lib/cusim${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  fi
  local failed=0 report="$dir/results.md"
  {
    echo "# kiln GPU checks"
    echo
    echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') on $(uname -n)."
    if command -v nvidia-smi >/dev/null; then
      echo "GPU: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | head -1)"
    fi
    [ -f "$dir/SIMULATED" ] && echo "Simulated: compiled with --cuda-simulate, run on kiln-cusim (no GPU)."
    echo
    echo "| model | precision | check (vs onnxruntime fp32) | launches: median (best) ms | CUDA graph: median (best) ms |"
    echo "|---|---|---|---|---|"
  } >"$report"
  while read -r m p atol rtol; do
    local name="${m}_$p" out verdict lat launch graph
    if out=$("$dir/bin/check-$name" "$dir/fixtures/$m" "$atol" "$rtol" 2>&1); then
      verdict="PASS ($(echo "$out" | grep -o 'max abs error [^:]*' | head -1))"
    else
      verdict="FAIL: $(echo "$out" | tr '\n' ' ' | cut -c1-160)"
      failed=1
    fi
    lat=$("$dir/bin/latency-$name" "$dir/fixtures/$m" "$calls" 2>&1 || true)
    launch=$(echo "$lat" | sed -n 's/.*launches: median \([0-9.]*\) ms, best \([0-9.]*\) ms.*/\1 (\2)/p')
    graph=$(echo "$lat" | sed -n 's/.*graph: median \([0-9.]*\) ms, best \([0-9.]*\) ms.*/\1 (\2)/p')
    [ -n "$launch" ] || launch="error: $(echo "$lat" | tr '\n' ' ' | cut -c1-120)"
    echo "$m $p: $verdict; launches ${launch:-?} ms; graph ${graph:-?} ms"
    echo "| $m | $p | $verdict | $launch | ${graph:-n/a} |" >>"$report"
  done <"$dir/checks.txt"
  # GEMMs: kiln's TFLOP/s (graph replay: one launch) against cuBLAS.
  if [ -s "$dir/gemms.txt" ]; then
    local torch_times
    torch_times=$(python3 "$dir/gpu-gemm-torch.py" \
      "$(cut -d' ' -f1 "$dir/gemms.txt" | sort -un | paste -sd,)" \
      "$(cut -d' ' -f2 "$dir/gemms.txt" | sort -u | paste -sd,)" 2>/dev/null || true)
    {
      echo
      echo "| GEMM N^3 | precision | kiln median ms | kiln TFLOP/s | cuBLAS (PyTorch) median ms | kiln / cuBLAS throughput |"
      echo "|---|---|---|---|---|---|"
    } >>"$report"
    while read -r n p; do
      local lat ms tflops theirs ratio
      lat=$("$dir/bin/latency-gemm${n}_$p" - "$calls" 2>&1 || true)
      ms=$(echo "$lat" | sed -n 's/.*graph: median \([0-9.]*\) ms.*/\1/p')
      theirs=$(echo "$torch_times" | awk -v n="$n" -v p="$p" '$1 == n && $2 == p {print $3}')
      tflops=n/a ratio=n/a
      [ -n "$ms" ] && tflops=$(awk -v n="$n" -v ms="$ms" 'BEGIN {printf "%.1f", 2 * n^3 / (ms * 1e9)}')
      [ -n "$ms" ] && [ -n "$theirs" ] && ratio=$(awk -v a="$theirs" -v b="$ms" 'BEGIN {printf "%.2f", a / b}')
      echo "gemm $n $p: ${ms:-error} ms, $tflops TFLOP/s; cuBLAS ${theirs:-n/a} ms; kiln/cuBLAS $ratio"
      echo "| $n | $p | ${ms:-error: $(echo "$lat" | tr '\n' ' ' | cut -c1-80)} | $tflops | ${theirs:-n/a} | $ratio |" >>"$report"
    done <"$dir/gemms.txt"
  fi
  for t in cuda-host cuda-graph; do
    [ -x "$dir/bin/$t" ] || continue
    if out=$("$dir/bin/$t" "$dir/fixtures/mlp" 2>&1); then
      echo "$t: PASS"
      printf '\n%s: PASS\n\n```\n%s\n```\n' "$t" "$out" >>"$report"
    else
      echo "$t: FAIL: $out"
      printf '\n%s: FAIL\n\n```\n%s\n```\n' "$t" "$out" >>"$report"
      failed=1
    fi
  done
  [ -n "${OUT:-}" ] && cp "$report" "$OUT/"
  echo "gpu-check: wrote $report"
  return "$failed"
}

case "$mode" in
  prepare) prepare ;;
  run) run_checks ;;
  *) sed -n '2,25p' "$0"; exit 2 ;;
esac
