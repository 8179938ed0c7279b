#!/usr/bin/env python3
"""Property test of kiln's matmul code generation: compiles MatMul/Gemm
models of many shapes (divisible by the register tiles and not, batched,
M = 1, weights as inputs and as initializers), links each into a C program
that fills the inputs with pseudo-random values and checks every output
element against a naive double-precision loop. Standard library only.

  matmul_shapes.py --kiln K --cc "CC FLAGS" --rt libkiln_rt.a --work DIR
                   --target T
"""
import argparse
import os
import random
import shlex
import subprocess
import sys

# (batch dims, M, K, N): shapes the tiler vectorizes (multiples of the
# register tiles of 128/256/512-bit targets) and shapes it must leave or
# handle at the edges (odd sizes, M = 1, N smaller than a vector).
SHAPES = [
    ((), 1, 64, 10), ((), 2, 8, 4), ((), 4, 16, 16), ((), 5, 7, 3),
    ((), 8, 32, 48), ((), 1, 256, 96), ((), 16, 64, 24), ((), 3, 128, 40),
    ((), 64, 300, 256), ((), 96, 64, 64), ((), 6, 33, 32), ((), 128, 96, 64),
    ((2,), 4, 16, 32), ((2, 3), 5, 16, 8), ((3,), 8, 40, 16),
]

C_MAIN = r"""
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "%(name)s.h"

static uint32_t state = %(seed)du;
static float next(void) {
  state = state * 1664525u + 1013904223u;
  return (float)((state >> 8) & 0xffff) / 32768.0f - 1.0f;
}

int main(void) {
  static float a[%(a_n)d], b[%(b_n)d], y[%(y_n)d];
  static unsigned char arena[%(upper)s_ARENA_SIZE + 1] __attribute__((aligned(64)));
  for (int i = 0; i < %(a_n)d; ++i) a[i] = next();
  for (int i = 0; i < %(b_n)d; ++i) b[i] = next();
  %(b_init)s
  %(run)s
  if (s != KILN_STATUS_OK) { printf("status %%d\n", (int)s); return 1; }
  const int batch = %(batch)d, M = %(m)d, K = %(k)d, N = %(n)d;
  int bad = 0;
  for (int g = 0; g < batch; ++g)
    for (int i = 0; i < M; ++i)
      for (int j = 0; j < N; ++j) {
        double ref = %(bias)s;
        for (int p = 0; p < K; ++p)
          ref += (double)a[(g * M + i) * K + p] *
                 (double)b[(%(b_batch)s * K + p) * N + j];
        %(act)s
        double got = y[(g * M + i) * N + j];
        if (!(fabs(got - ref) <= %(tol)s * (1.0 + fabs(ref))) && bad++ < 5)
          printf("%(name)s[%%d,%%d,%%d] = %%.7g, expected %%.7g\n", g, i, j,
                 got, ref);
      }
  if (bad) { printf("%(name)s: %%d wrong elements\n", bad); return 1; }
  printf("%(name)s ok\n");
  return 0;
}
"""


def dims(shape):
    return ", ".join(str(d) for d in shape)


def floats(values):
    return ", ".join("%.6f" % v for v in values)


# On the GPU path (kiln-cusim): shapes the 64x64 tensor-core tiles divide and
# shapes they do not, and one big enough for 128x128 tiles (17 x 16 = 272
# blocks: two per SM of an H100).
CUDA_SHAPES = [
    ((), 1, 64, 10), ((), 5, 7, 3), ((), 64, 300, 256), ((), 96, 64, 64),
    ((2,), 4, 16, 32), ((), 2176, 32, 2048),
]

# <name>_run_host: host buffers and a device workspace (the GPU path).
CUDA_RUN = """void *workspace = NULL;
  kiln_status_t s = kiln_cuda_malloc(&workspace, %(upper)s_HOST_WORKSPACE_SIZE);
  if (s == KILN_STATUS_OK) s = %(name)s_run_host(a, %(b_arg)s y, workspace);"""


def case(index, batch, m, k, n, const_b, gemm, cuda=False, tol="1e-4"):
    """ONNX text and C program for one case."""
    name = "mm%d" % index
    count = 1
    for d in batch:
        count *= d
    a_shape = batch + (m, k)
    # Batched cases give B its own batch dims half the time.
    b_batched = bool(batch) and index % 2 == 0
    b_shape = (batch if b_batched else ()) + (k, n)
    y_shape = batch + (m, n)
    b_n = (count if b_batched else 1) * k * n
    rng = random.Random(index)
    b_values = [rng.uniform(-1, 1) for _ in range(b_n)]
    bias_values = [rng.uniform(-1, 1) for _ in range(n)]
    inits, graph_inputs = [], ["float[%s] a" % dims(a_shape)]
    if const_b:
        inits.append("float[%s] b = {%s}" % (dims(b_shape), floats(b_values)))
    else:
        graph_inputs.append("float[%s] b" % dims(b_shape))
    if gemm:
        inits.append("float[%d] c = {%s}" % (n, floats(bias_values)))
        body = "t = Gemm(a, b, c)\n  y = Relu(t)"
    else:
        body = "y = MatMul(a, b)"
    text = "<ir_version: 8, opset_import: [\"\" : 13]>\n"
    text += "%s (%s) => (float[%s] y)\n" % (name, ", ".join(graph_inputs),
                                            dims(y_shape))
    if inits:
        text += "<%s>\n" % ", ".join(inits)
    text += "{\n  %s\n}\n" % body
    c = C_MAIN % dict(
        name=name, upper=name.upper(), seed=index + 1,
        a_n=count * m * k, b_n=b_n, y_n=count * m * n,
        b_init=("static const float bc[] = {%s};\n  for (int i = 0; i < %d; "
                "++i) b[i] = bc[i];" % (floats(b_values), b_n)) if const_b
        else "",
        b_arg="" if const_b else "b,",
        batch=count, m=m, k=k, n=n,
        b_batch="g" if b_batched else "0",
        bias="bc_bias[j]" if gemm else "0.0",
        act="if (ref < 0) ref = 0;" if gemm else "", tol=tol,
        run=(CUDA_RUN if cuda else
             "kiln_status_t s = %(name)s_run(a, %(b_arg)s y, arena);") % dict(
                 name=name, upper=name.upper(), b_arg="" if const_b else "b,"))
    if cuda:
        c = c.replace('#include "%s.h"' % name,
                      '#include "%s.h"\n#include <kiln/cuda.h>' % name, 1)
        c = "\n".join(line for line in c.split("\n")
                      if "_ARENA_SIZE + 1]" not in line)
    if gemm:
        c = c.replace("int main(void) {", "static const double bc_bias[] = "
                      "{%s};\nint main(void) {" % floats(bias_values), 1)
    return name, text, c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiln", required=True)
    ap.add_argument("--cc", required=True)
    ap.add_argument("--rt", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--precision", default="fp32",
                    help="--precision for a cuda: target (run on kiln-cusim, "
                         "with LD_LIBRARY_PATH set by the caller)")
    ap.add_argument("--tile", default="",
                    help="--cuda-gemm-tile for a cuda: target (MxNxK)")
    args = ap.parse_args()
    cuda = args.target.startswith("cuda:")
    flags = ["--cuda-simulate", "--precision=" + args.precision] if cuda else []
    if args.tile:
        flags.append("--cuda-gemm-tile=" + args.tile)
    # fp16/bf16/tf32 round the operands (relative 2^-11, 2^-8, 2^-11).
    tol = {"fp32": "1e-4", "tf32": "1e-2", "fp16": "1e-2",
           "bf16": "5e-2"}[args.precision]
    failures = 0
    index = 0
    for batch, m, k, n in CUDA_SHAPES if cuda else SHAPES:
        variants = [(False, False), (True, False)]
        if not batch:
            variants.append((True, True))
        if cuda and m * n > 1 << 20:
            variants = [(True, True)]  # the big one once: weights, bias, relu
        for const_b, gemm in variants:
            index += 1
            name, text, c = case(index, batch, m, k, n, const_b, gemm, cuda,
                                 tol)
            model = os.path.join(args.work, name + ".onnxtext")
            with open(model, "w") as fh:
                fh.write(text)
            with open(os.path.join(args.work, name + ".c"), "w") as fh:
                fh.write(c)
            obj = os.path.join(args.work, name + ".o")
            exe = os.path.join(args.work, name)
            steps = [
                [args.kiln, "compile", model, "--target=" + args.target,
                 "--name=" + name, "-o", obj] + flags,
                shlex.split(args.cc) + ["-I" + args.work, "-o", exe,
                                        os.path.join(args.work, name + ".c"),
                                        obj, args.rt, "-lm", "-ldl",
                                        "-lpthread"],
                [exe],
            ]
            for step in steps:
                r = subprocess.run(step, capture_output=True, text=True)
                if r.returncode != 0:
                    print("FAIL %s (batch %s, %dx%dx%d, const_b=%s, gemm=%s): "
                          "%s\n%s%s" % (name, batch, m, k, n, const_b, gemm,
                                        " ".join(step[:2]), r.stdout,
                                        r.stderr))
                    failures += 1
                    break
            else:
                print(r.stdout.strip())
    print("%d cases, %d failed" % (index, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
