"""PyTorch on the GPU bench set scripts/gpu-check.sh times kiln on: the same
architectures as bench/models.py builds for kiln (random weights: timings
do not depend on them), in eager mode and under torch.compile, at each
requested batch size and precision. Prints one line per case:

    MODEL BATCH PRECISION MODE MEDIAN_MS

MODE is "eager", "compile" (torch.compile's default mode) or "graphs"
(torch.compile(mode="reduce-overhead"): the call replayed as a CUDA graph,
what kiln's graph replay compares with); MEDIAN_MS is "error:<reason>" when
a case cannot run (a model builder missing, out of memory). Needs torch
and a CUDA GPU (prints nothing without them); ResNet-50 and MobileNetV2
need torchvision.

  python3 bench/gpu-models-torch.py CASES [CALLS] [--device cpu]

CASES: comma-separated MODEL:BATCH:PRECISION (precision fp32 or fp16), e.g.
resnet50:1:fp16,resnet50:32:fp16,bert:1:fp32. --device cpu runs the same
flow on the CPU (a dry run of this script; no CUDA events).
"""
import statistics
import sys
import time

try:
    import torch
    from torch import nn
except ImportError:
    sys.exit(0)

args = [a for a in sys.argv[1:] if not a.startswith("--")]
device = "cpu" if "--device" in sys.argv and "cpu" in sys.argv else "cuda"
if device == "cuda" and not torch.cuda.is_available():
    sys.exit(0)
if not args:
    sys.exit(__doc__)
cases = [c.split(":") for c in args[0].split(",") if c]
calls = int(args[1]) if len(args) > 1 else 50


class Bert(nn.Module):
    """bench/models.py's BERT-base-shaped encoder: [batch, 128, 768] in
    (embeddings already added), 12 post-LN layers of 12-head attention and a
    768 -> 3072 (erf GELU) -> 768 FFN, LayerNorm eps 1e-12."""

    def __init__(self, layers=12, hidden=768, heads=12, ffn=3072):
        super().__init__()
        layer = nn.TransformerEncoderLayer(
            hidden, heads, ffn, dropout=0.0, activation="gelu",
            layer_norm_eps=1e-12, batch_first=True, norm_first=False)
        self.encoder = nn.TransformerEncoder(layer, layers,
                                             enable_nested_tensor=False)

    def forward(self, x):
        return self.encoder(x)


def build(name):
    """The model and one sample's input shape (NCHW images: PyTorch's
    layout; kiln's Keras models take NHWC, the same work)."""
    if name == "mlp":
        return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10),
                             nn.Softmax(dim=-1)), (784,)
    if name == "cnn":
        return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(32 * 13 * 13, 10)), (1, 28, 28)
    if name == "bert":
        return Bert(), (128, 768)
    import torchvision  # resnet50, mobilenet
    if name == "resnet50":
        return torchvision.models.resnet50(weights=None), (3, 224, 224)
    if name == "mobilenet":
        return torchvision.models.mobilenet_v2(weights=None), (3, 224, 224)
    raise ValueError(f"unknown model {name}")


def median_ms(fn):
    """Median of `calls` timed calls after warm-up, each waited for."""
    for _ in range(5):
        fn()
    times = []
    for _ in range(calls):
        if device == "cuda":
            start = torch.cuda.Event(enable_timing=True)
            end = torch.cuda.Event(enable_timing=True)
            start.record()
            fn()
            end.record()
            end.synchronize()
            times.append(start.elapsed_time(end))
        else:
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


torch.manual_seed(0)
for name, batch, precision in cases:
    batch = int(batch)
    dtype = {"fp32": torch.float32, "fp16": torch.float16}.get(precision)
    modes = ("eager", "compile", "graphs")
    try:
        if dtype is None:
            raise ValueError(f"precision {precision} (fp32 or fp16)")
        model, shape = build(name)
        model = model.to(device=device, dtype=dtype).eval()
        x = torch.randn(batch, *shape, device=device, dtype=dtype)
    except Exception as e:  # noqa: BLE001 - reported per case
        for mode in modes:
            print(f"{name} {batch} {precision} {mode} error:{type(e).__name__}:"
                  f"{str(e).splitlines()[0][:80] if str(e) else ''}", flush=True)
        continue
    # Exact fp32 as kiln's default: no TF32 in PyTorch's fp32 either.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    for mode in modes:
        try:
            with torch.inference_mode():
                if mode == "eager":
                    fn = model
                elif mode == "compile":
                    fn = torch.compile(model)
                else:
                    fn = torch.compile(model, mode="reduce-overhead")
                ms = median_ms(lambda: fn(x))
            result = f"{ms:.4f}"
        except Exception as e:  # noqa: BLE001 - reported per case
            result = f"error:{type(e).__name__}"
        print(f"{name} {batch} {precision} {mode} {result}", flush=True)
        if device == "cuda":
            torch.cuda.empty_cache()
