#!/usr/bin/env python3
"""Where a compiled bench model spends its time, by kind of kernel.

Compiles bench/build/models/MODEL/model.onnx with the current kiln
(build/bin/kiln, --target=native --batch=B), links it into bench/harness.c,
runs it under `perf record` on one thread, and sorts the samples of each
outlined kernel (main_kernelN) into classes read off its LLVM-dialect body:

  fma      vector FMAs (matmul register tiles, depthwise convolutions)
  vector   other vector code (elementwise tiles, vector copies)
  scalar   scalar loops (what no strategy vectorized: gathers, pads, ...)

plus the libc/kernel symbols (memset/memcpy from LLVM loop idioms). Needs
bench models (bench/run.sh builds them) and `perf`. A developer tool: it
measures nothing the benchmark report relies on.

  bench/profile.py mobilenet 8 [--iters 20] [--top 5]
"""
import argparse
import collections
import pathlib
import re
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent


def classify(body):
    if re.search(r"llvm\.intr\.fmuladd|llvm\.intr\.fma\b|vector\.fma", body) and "vector<" in body:
        return "fma"
    if "vector<" in body:
        return "vector"
    return "scalar"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("batch", type=int)
    ap.add_argument("--iters", type=int, default=20)
    ap.add_argument("--top", type=int, default=5, help="kernels listed per class")
    ap.add_argument("--kiln", default=str(REPO / "build" / "bin" / "kiln"))
    args = ap.parse_args()

    onnx = HERE / "build" / "models" / args.model / "model.onnx"
    inputs = HERE / "build" / "inputs" / f"{args.model}_b{args.batch}"
    if not onnx.exists() or not inputs.exists():
        sys.exit(f"profile.py: {onnx} or {inputs} missing; run bench/run.sh first")
    work = pathlib.Path(tempfile.mkdtemp(prefix="kiln-profile-"))
    compile_cmd = [args.kiln, "compile", str(onnx), "--target=native", "--name=q",
                   f"--batch={args.batch}"]
    subprocess.run(compile_cmd + ["-o", str(work / "q.o")], check=True)
    subprocess.run(compile_cmd + ["--emit=mlir", "--compile-to=llvm", "-o", str(work / "q.mlir")],
                   check=True)
    subprocess.run(["cc", "-O2", "-std=c11", "-D_POSIX_C_SOURCE=200809L",
                    "-I", str(REPO / "runtime" / "include"), "-include", str(work / "q.h"),
                    "-DKILN_MODEL=q", str(HERE / "harness.c"), str(work / "q.o"),
                    str(REPO / "build" / "lib" / "libkiln_rt.a"), "-lm", "-lpthread",
                    "-o", str(work / "h")], check=True)
    run = subprocess.run(["perf", "record", "-q", "-o", str(work / "perf.data"), str(work / "h"),
                          "--warmup", "2", "--iters", str(args.iters), "--threads", "1", str(inputs)],
                         capture_output=True, text=True, check=True)
    print(next((l for l in run.stdout.splitlines() if "median" in l), run.stdout.strip()))
    report = subprocess.run(["perf", "report", "-i", str(work / "perf.data"), "--no-children",
                             "--sort", "symbol"], capture_output=True, text=True, check=True).stdout

    src = (work / "q.mlir").read_text()
    bodies = {m.group(1): m.group(0) for m in
              re.finditer(r"llvm\.func internal @(main_kernel\d+)\(.*?\n  }\n", src, re.S)}
    totals, members, other = collections.Counter(), collections.defaultdict(list), []
    for line in report.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+\[[.k]\]\s+(\S+)", line)
        if not m:
            continue
        pct, sym = float(m.group(1)), m.group(2)
        kernel = re.sub(r"_task$", "", sym)
        if kernel in bodies:
            cls = classify(bodies[kernel])
            totals[cls] += pct
            members[cls].append((pct, kernel))
        else:
            other.append((pct, sym))
    for cls in ("fma", "vector", "scalar"):
        top = ", ".join(f"{k} {p:.1f}%" for p, k in sorted(members[cls], reverse=True)[:args.top])
        print(f"{cls:7s} {totals[cls]:5.1f}%   {top}")
    print("other   " + ", ".join(f"{s} {p:.1f}%" for p, s in other[:args.top]))
    print(f"(files in {work})")


if __name__ == "__main__":
    main()
