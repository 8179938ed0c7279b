#!/usr/bin/env python3
"""Writes a model with large weights at test time (never committed):
`LAYERS` MatMul + Relu layers of D x D float weights, held as ONNX external
data in weights.bin beside model.onnx, then compiles it with kiln and
reports kiln's peak resident memory against the weight bytes. Standard
library only.

  big_weights.py --kiln K --work DIR [--dim D] [--layers L] [--limit R]
                 [-- kiln compile flags...]

Exits non-zero when the compile fails or its peak RSS exceeds R times the
weight bytes (default 3).
"""
import argparse
import array
import math
import os
import resource
import subprocess
import sys


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        out.append(b | 0x80 if v else b)
        if not v:
            return bytes(out)


def field(number, payload):
    if isinstance(payload, str):
        payload = payload.encode()
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def int_field(number, value):
    return varint(number << 3) + varint(value)


def value_info(name, dims):
    shape = b"".join(field(1, int_field(1, d)) for d in dims)
    tensor_type = int_field(1, 1) + field(2, shape)  # elem_type FLOAT
    return field(1, name) + field(2, field(1, tensor_type))


def external_tensor(name, dims, offset, length):
    entries = [("location", "weights.bin"), ("offset", str(offset)),
               ("length", str(length))]
    t = b"".join(int_field(1, d) for d in dims) + int_field(2, 1)
    t += field(8, name)
    t += b"".join(field(13, field(1, k) + field(2, v)) for k, v in entries)
    t += int_field(14, 1)  # data_location = EXTERNAL
    return t


def node(op, inputs, outputs):
    return (b"".join(field(1, i) for i in inputs) +
            b"".join(field(2, o) for o in outputs) + field(4, op))


def layer_values(layer, dim):
    """Positive weights (i * 7 + layer) % 17 + 1 (mean 9) scaled by the
    power of two nearest 1/(9 * dim): no cancellation in the sums, so float
    rounding stays far below the test's tolerance, and activations stay
    near their input's size from layer to layer."""
    scale = 2.0 ** -round(math.log2(9 * dim))
    return array.array("f", [((i * 7 + layer) % 17 + 1) * scale
                             for i in range(17 * dim)])


def write_model(work, dim, layers):
    nodes, inits = [], []
    offset = 0
    with open(os.path.join(work, "weights.bin"), "wb") as fh:
        for l in range(layers):
            pattern = layer_values(l, dim)
            # Row r of the D x D matrix is pattern[(r % 17) * dim:][:dim].
            for r in range(dim):
                start = (r % 17) * dim
                pattern[start:start + dim].tofile(fh)
            length = dim * dim * 4
            inits.append(field(5, external_tensor("w%d" % l, [dim, dim],
                                                  offset, length)))
            offset += length
            src = "x" if l == 0 else "h%d" % (l - 1)
            nodes.append(field(1, node("MatMul", [src, "w%d" % l],
                                       ["m%d" % l])))
            out = "y" if l == layers - 1 else "h%d" % l
            nodes.append(field(1, node("Relu", ["m%d" % l], [out])))
    graph = b"".join(nodes) + field(2, "big") + b"".join(inits)
    graph += field(11, value_info("x", [1, dim]))
    graph += field(12, value_info("y", [1, dim]))
    model = int_field(1, 8) + field(8, int_field(2, 13)) + field(7, graph)
    with open(os.path.join(work, "model.onnx"), "wb") as fh:
        fh.write(model)
    return offset


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiln", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--dim", type=int, default=4096)
    ap.add_argument("--layers", type=int, default=8)
    ap.add_argument("--limit", type=float, default=3.0)
    ap.add_argument("flags", nargs="*")
    args = ap.parse_args()
    weight_bytes = write_model(args.work, args.dim, args.layers)
    cmd = [args.kiln, "compile", os.path.join(args.work, "model.onnx"),
           "--name=big", "-o", os.path.join(args.work, "big.o")] + args.flags
    r = subprocess.run(cmd, capture_output=True, text=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    ratio = peak / weight_bytes
    print("weights %d MB, kiln peak RSS %d MB (%.2fx)" %
          (weight_bytes >> 20, peak >> 20, ratio))
    if r.returncode != 0:
        print("kiln compile failed:\n" + r.stderr)
        return 1
    if ratio > args.limit:
        print("peak RSS above %.1fx the weights" % args.limit)
        return 1
    print("within %.1fx" % args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
