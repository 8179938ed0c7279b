"""cuBLAS (through PyTorch) on the GEMMs scripts/gpu-check.sh times kiln on:
C = A B for N x N f32 inputs at each precision, where "fp32" is exact fp32
(TF32 off), "tf32" lets cuBLAS use TF32 tensor cores, and "fp16"/"bf16"
multiply operands already in that type (f32 accumulation). Prints one line
per case: "N PRECISION MEDIAN_MS". Needs torch and a CUDA GPU; prints
nothing without them.

  python3 bench/gpu-gemm-torch.py 4096,8192 fp32,tf32,fp16,bf16 [CALLS]
"""
import sys

try:
    import torch
except ImportError:
    sys.exit(0)
if not torch.cuda.is_available():
    sys.exit(0)

sizes = [int(s) for s in sys.argv[1].split(",")]
precisions = sys.argv[2].split(",")
calls = int(sys.argv[3]) if len(sys.argv) > 3 else 20
types = {"fp32": torch.float32, "tf32": torch.float32,
         "fp16": torch.float16, "bf16": torch.bfloat16}
for n in sizes:
    for p in precisions:
        torch.backends.cuda.matmul.allow_tf32 = p == "tf32"
        a = torch.randn(n, n, device="cuda", dtype=types[p])
        b = torch.randn(n, n, device="cuda", dtype=types[p])
        for _ in range(3):
            torch.matmul(a, b)
        torch.cuda.synchronize()
        times = []
        for _ in range(calls):
            start = torch.cuda.Event(enable_timing=True)
            end = torch.cuda.Event(enable_timing=True)
            start.record()
            torch.matmul(a, b)
            end.record()
            end.synchronize()
            times.append(start.elapsed_time(end))
        times.sort()
        print("%d %s %.4f" % (n, p, times[len(times) // 2]), flush=True)
