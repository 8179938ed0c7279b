#!/usr/bin/env bash
# kiln's GPU checks, for a machine with an NVIDIA GPU but no kiln build
# (the project's lent H100): prepare here, run there.
#
#   scripts/gpu-check.sh prepare [--simulate] [--models m1,m2]
#                                [--gemm-sizes N1,N2] [--gemm-tiles T1,T2]
#                                [--bench CASES] [--conformance PATTERNS]
#                                [--dir D]
#       Here (needs a kiln build): compiles the e2e models (default
#       mlp,cnn,resblock,mobileblock,encoder,reductions) for cuda:sm_90 at
#       each precision (fp32, fp16, bf16, tf32), links their checking
#       harnesses, latency runners (bench/gpu-latency.c) and the host-entry,
#       CUDA-graph and dynamic-batch tests into D (default gpu-check/, git-ignored), with
#       the fixtures they read, and N x N GEMMs of two inputs for each of
#       --gemm-sizes (default 4096,8192), and again at fp16 and bf16 for
#       each tensor-core tile of --gemm-tiles (--cuda-gemm-tile, e.g.
#       128x128x16,64x64x32; default none: kiln's choice only), for tuning
#       SelectStrategy. --simulate compiles with
#       --cuda-simulate, to try the whole flow on kiln-cusim without a GPU.
#       --bench CASES (MODEL:BATCH:PRECISION[:TILE],..., e.g.
#       resnet50:32:fp16,bert:1:fp32,resnet50:32:fp16:128x128x16; TILE
#       forces --cuda-gemm-tile; models of bench/models.py, generated
#       with the bench venv when missing, or paths to .onnx files named
#       after their folder) also compiles those bench models
#       at that batch and precision, for timing against PyTorch eager and
#       torch.compile (bench/gpu-models-torch.py). --conformance PATTERNS
#       (comma-separated regexes of ONNX conformance cases, default all:
#       the expected-pass list but string models, ~30 MB; none: skip)
#       compiles those cases for the GPU and links their harnesses with
#       the cases' data (test/conformance/run.py --prepare-only). A device
#       call carries at most 64 MiB: the default checks are ~42 MiB with
#       the conformance cases; ResNet-50 is 52 MB at fp16 (weights
#       narrowed), 100 MB at fp32; put big models in a --dir of their own
#       (with --conformance none), one per call.
#   scripts/gpu-check.sh run [--dir D] [--calls N]
#       There (needs only the driver): runs every check against the
#       fixtures' onnxruntime outputs and times every model, printing one
#       line each (N timed calls, default 50), times the GEMMs against
#       cuBLAS through PyTorch where python3 has torch
#       (bench/gpu-gemm-torch.py), times the --bench models against
#       PyTorch (bench/gpu-models-torch.py) where it has torch, runs the
#       conformance cases against ONNX's reference outputs, and writes
#       D/results.md (and a copy in $OUT when set).
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
models="mlp,cnn,resblock,mobileblock,encoder,reductions"
simulate=0
calls=50
gemm_sizes="4096,8192"
gemm_tiles=""
bench=""
conformance=all
while [ $# -gt 0 ]; do
  case "$1" in
    --bench) bench="$2"; shift ;;
    --conformance) conformance="$2"; shift ;;
    --simulate) simulate=1 ;;
    --models) models="$2"; shift ;;
    --dir) dir="$2"; shift ;;
    --calls) calls="$2"; shift ;;
    --gemm-sizes) gemm_sizes="$2"; shift ;;
    --gemm-tiles) gemm_tiles="$2"; shift ;;
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
      echo "$n $p -" >>"$dir/gemms.txt"
    done
    for tile in ${gemm_tiles//,/ }; do
      for p in fp16 bf16; do
        flags_saved=("${flags[@]}")
        flags+=(--cuda-gemm-tile="$tile")
        compile_and_link "$dir/obj/gemm_$n.onnxtext" "gemm${n}_${p}_$tile"
        flags=("${flags_saved[@]}")
        echo "$n $p $tile" >>"$dir/gemms.txt"
      done
    done
  done
  cp "$root/bench/gpu-gemm-torch.py" "$root/bench/gpu-models-torch.py" "$dir/"
  # Bench models (bench/models.py's ONNX, batch bound here), zeros as
  # inputs: latency only.
  : >"$dir/bench.txt"
  local spec m b tile
  for spec in ${bench//,/ }; do
    IFS=: read -r m b p tile <<<"$spec"
    [ -n "$m" ] && [ -n "$b" ] && [ -n "$p" ] ||
      { echo "gpu-check: --bench wants MODEL:BATCH:PRECISION[:TILE], not '$spec'" >&2; exit 2; }
    local onnx="$root/bench/build/models/$m/model.onnx"
    # A model file instead: named after its folder.
    if [[ "$m" == *.onnx ]]; then
      onnx="$m"
      m="$(basename "$(dirname "$m")")"
    elif [ ! -f "$onnx" ]; then
      "$("$root/scripts/bench-venv.sh")/bin/python" "$root/bench/models.py" "$m"
    fi
    flags_saved=("${flags[@]}")
    flags+=(--batch="$b")
    [ -z "$tile" ] || flags+=(--cuda-gemm-tile="$tile")
    local variant="$p${tile:+_$tile}"
    compile_and_link "$onnx" "bench_${m}_${b}_$variant"
    flags=("${flags_saved[@]}")
    echo "$m $b $p ${tile:--}" >>"$dir/bench.txt"
  done
  # The host-pointer entry point and a CUDA graph, on the MLP.
  if [[ ",$models," == *,mlp,* ]]; then
    "$kiln" compile "$e2e/mlp/model.onnx" --target=cuda:sm_90 --name=mlp \
      "${flags[@]}" -o "$dir/obj/mlp.o"
    for t in cuda-host cuda-graph; do
      "${cc[@]}" "${cflags[@]}" -I"$dir/obj" "$e2e/$t.c" "$dir/obj/mlp.o" \
        "${libs[@]}" -o "$dir/bin/$t"
    done
    # --dynamic-batch: per-sample launches, the batch-sized host workspace.
    mkdir -p "$dir/obj/dyn"
    "$kiln" compile "$e2e/mlp/model.onnx" --target=cuda:sm_90 --name=mlp \
      --dynamic-batch --max-batch=8 "${flags[@]}" -o "$dir/obj/dyn/mlp.o"
    "${cc[@]}" "${cflags[@]}" -I"$dir/obj/dyn" "$e2e/cuda-dynamic-batch.c" \
      "$dir/obj/dyn/mlp.o" "${libs[@]}" -o "$dir/bin/cuda-dynamic-batch"
  fi
  # ONNX conformance cases: harnesses and data, run there by run.py.
  if [ "$conformance" != none ]; then
    local patterns=()
    [ "$conformance" = all ] || IFS=, read -ra patterns <<<"$conformance"
    local simulate_flag=()
    [ "$simulate" = 1 ] && simulate_flag=(--cuda-simulate)
    python3 "$root/test/conformance/run.py" --check --target=cuda:sm_90 \
      "${simulate_flag[@]}" --kiln "$kiln" --rt "$rt" --cc "${cc[0]}" \
      --prepare-only "$dir/conformance" "${patterns[@]}"
  fi
  # What a device call would carry (the objects are linked in: drop them).
  rm -rf "$dir/obj"/*.o "$dir/obj/dyn"
  local mib=$(( $(du -sk "$dir" | cut -f1) / 1024 ))
  echo "gpu-check: prepared $(wc -l <"$dir/checks.txt") model checks and" \
    "$(wc -l <"$dir/bench.txt") bench models in $dir ($mib MiB)"
  [ "$mib" -le 60 ] || echo "gpu-check: warning: $dir is over 60 MiB; a device call carries at most 64 MiB" >&2
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
      echo "| GEMM N^3 | precision | tile | kiln median ms | kiln TFLOP/s | cuBLAS (PyTorch) median ms | kiln / cuBLAS throughput |"
      echo "|---|---|---|---|---|---|---|"
    } >>"$report"
    while read -r n p tile; do
      local lat ms tflops theirs ratio name="gemm${n}_$p" shown="kiln's"
      [ "${tile:--}" = - ] || { name="${name}_$tile"; shown="$tile"; }
      lat=$("$dir/bin/latency-$name" - "$calls" 2>&1 || true)
      ms=$(echo "$lat" | sed -n 's/.*graph: median \([0-9.]*\) ms.*/\1/p')
      theirs=$(echo "$torch_times" | awk -v n="$n" -v p="$p" '$1 == n && $2 == p {print $3}')
      tflops=n/a ratio=n/a
      [ -n "$ms" ] && tflops=$(awk -v n="$n" -v ms="$ms" 'BEGIN {printf "%.1f", 2 * n^3 / (ms * 1e9)}')
      [ -n "$ms" ] && [ -n "$theirs" ] && ratio=$(awk -v a="$theirs" -v b="$ms" 'BEGIN {printf "%.2f", a / b}')
      echo "gemm $n $p $shown: ${ms:-error} ms, $tflops TFLOP/s; cuBLAS ${theirs:-n/a} ms; kiln/cuBLAS $ratio"
      echo "| $n | $p | $shown | ${ms:-error: $(echo "$lat" | tr '\n' ' ' | cut -c1-80)} | $tflops | ${theirs:-n/a} | $ratio |" >>"$report"
    done <"$dir/gemms.txt"
  fi
  # Bench models: kiln (launches; one replayed CUDA graph) against PyTorch.
  if [ -s "$dir/bench.txt" ]; then
    local torch_times
    torch_times=$(python3 "$dir/gpu-models-torch.py" \
      "$(awk '{print $1 ":" $2 ":" $3}' "$dir/bench.txt" | sort -u | paste -sd,)" \
      "$calls" 2>/dev/null || true)
    {
      echo
      echo "PyTorch: the same architectures with random weights (bench/gpu-models-torch.py), NCHW, all in the precision; kiln's fp16 runs GEMMs and convolutions on fp16 tensor cores and stores the activations between kernels in fp16 (the model's inputs and outputs stay f32). Ratios are kiln / PyTorch latency (below 1: kiln faster)."
      echo
      echo "| model | batch | precision | tile | kiln launches ms | kiln graph ms | eager ms | torch.compile ms | compile + CUDA graphs ms | kiln graph / torch.compile | kiln graph / compile + graphs |"
      echo "|---|---|---|---|---|---|---|---|---|---|---|"
    } >>"$report"
    while read -r m b p tile; do
      local lat launch graph eager compiled graphs r1 r2 variant="$p" shown="kiln's"
      [ "${tile:--}" = - ] || { variant="${p}_$tile"; shown="$tile"; }
      lat=$("$dir/bin/latency-bench_${m}_${b}_$variant" - "$calls" 2>&1 || true)
      launch=$(echo "$lat" | sed -n 's/.*launches: median \([0-9.]*\) ms.*/\1/p')
      graph=$(echo "$lat" | sed -n 's/.*graph: median \([0-9.]*\) ms.*/\1/p')
      [ -n "$launch" ] || { launch="error: $(echo "$lat" | tr '\n' ' ' | cut -c1-80)"; failed=1; }
      pick() { echo "$torch_times" | awk -v m="$m" -v b="$b" -v p="$p" -v mode="$1" \
        '$1 == m && $2 == b && $3 == p && $4 == mode {print $5}'; }
      eager=$(pick eager) compiled=$(pick compile) graphs=$(pick graphs)
      ratio() { [[ "$1" =~ ^[0-9.]+$ && "$2" =~ ^[0-9.]+$ ]] &&
        awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}' || echo n/a; }
      r1=$(ratio "$graph" "$compiled") r2=$(ratio "$graph" "$graphs")
      echo "bench $m b$b $p $shown: kiln ${launch} / ${graph:-?} ms (launches / graph); torch eager ${eager:-n/a}, compile ${compiled:-n/a}, graphs ${graphs:-n/a} ms"
      echo "| $m | $b | $p | $shown | $launch | ${graph:-n/a} | ${eager:-n/a} | ${compiled:-n/a} | ${graphs:-n/a} | $r1 | $r2 |" >>"$report"
    done <"$dir/bench.txt"
  fi
  # ONNX conformance: every prepared case against ONNX's reference
  # outputs (the cases kiln's CPU path passes; string models excluded).
  if [ -f "$dir/conformance/manifest.json" ]; then
    local conf rc=0
    conf=$(python3 "$root/test/conformance/run.py" \
      --run-prepared "$dir/conformance" --cusim-dir "$build/lib/cusim" 2>&1) || rc=$?
    echo "$conf" | head -20
    [ "$rc" = 0 ] || failed=1
    printf '\nONNX conformance (test/conformance/run.py --run-prepared): %s\n\n```\n%s\n```\n' \
      "$([ "$rc" = 0 ] && echo PASS || echo FAIL)" "$conf" >>"$report"
  fi
  for t in cuda-host cuda-graph cuda-dynamic-batch; do
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
