"""A peer runtime (onnxruntime or TensorFlow) serving timed runs to bench/run.py.

    .venv-bench/bin/python bench/worker.py --runtime ort|tf --threads T

One process per runtime and thread count (TensorFlow fixes its thread pools
once per process). It holds any number of loaded models and reads one
command per line on stdin, answering one line on stdout:

    load KEY JSON     JSON: {"path": model.onnx or saved_model dir,
                      "inputs": [{"file": raw float32 path, "shape": [...]}]}
                      answers "ok"
    run KEY N         N timed calls; "ok T1 ... TN" (nanoseconds per call)
    dump KEY DIR      the last outputs as DIR/output_<i>.bin (float32, in the
                      order of the sorted output names); "ok"
    unload KEY        "ok"
    quit

Failures answer "error MESSAGE" (one line). The same protocol, minus load and
KEY, is spoken by the kiln harness (bench/harness.c --serve).
Threads: ORT gets intra_op_num_threads=T, inter_op_num_threads=1 and
sequential execution; TF gets intra-op T and inter-op 1 threads. Both keep
their default spin-wait behaviour.
"""
import argparse
import gc
import json
import os
import pathlib
import sys
import time
import traceback

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402


class OrtModel:
    def __init__(self, threads, path, feeds):
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
        names = [i.name for i in self.sess.get_inputs()]
        self.feeds = dict(zip(names, feeds))
        order = sorted(range(len(self.sess.get_outputs())), key=lambda i: self.sess.get_outputs()[i].name)
        self.order = order
        self.outputs = None

    def __call__(self):
        out = self.sess.run(None, self.feeds)
        self.outputs = [out[i] for i in self.order]


class TfModel:
    def __init__(self, threads, path, feeds):
        import tensorflow as tf

        self.tf = tf
        self.loaded = tf.saved_model.load(path)
        self.fn = self.loaded.signatures["serving_default"]
        _, specs = self.fn.structured_input_signature
        self.feeds = {k: tf.constant(v) for k, v in zip(sorted(specs), feeds)}
        self.outputs = None

    def __call__(self):
        out = self.fn(**self.feeds)
        self.outputs = [out[k].numpy() for k in sorted(out)]


def configure(runtime, threads):
    if runtime == "tf":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        return TfModel
    return OrtModel


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runtime", choices=("ort", "tf"), required=True)
    ap.add_argument("--threads", type=int, required=True)
    args = ap.parse_args()
    cls = configure(args.runtime, args.threads)
    models = {}
    print(f"ready {args.runtime} threads {args.threads}", flush=True)
    for line in sys.stdin:
        cmd, _, rest = line.strip().partition(" ")
        try:
            if cmd == "quit":
                break
            key, _, arg = rest.partition(" ")
            if cmd == "load":
                spec = json.loads(arg)
                feeds = [np.fromfile(i["file"], dtype=np.float32).reshape(i["shape"]) for i in spec["inputs"]]
                models[key] = cls(args.threads, spec["path"], feeds)
                reply = "ok"
            elif cmd == "run":
                m = models[key]
                times = []
                for _ in range(int(arg)):
                    start = time.perf_counter_ns()
                    m()
                    times.append(time.perf_counter_ns() - start)
                reply = "ok " + " ".join(map(str, times))
            elif cmd == "dump":
                out = pathlib.Path(arg)
                out.mkdir(parents=True, exist_ok=True)
                for i, a in enumerate(models[key].outputs):
                    np.ascontiguousarray(a, dtype="<f4").tofile(out / f"output_{i}.bin")
                reply = "ok"
            elif cmd == "unload":
                models.pop(key, None)
                gc.collect()
                reply = "ok"
            else:
                reply = f"error unknown command {cmd!r}"
        except Exception as e:  # answer, keep serving the other models
            traceback.print_exc(file=sys.stderr)
            reply = "error " + f"{type(e).__name__}: {e}".replace("\n", " ")[:2000]
        print(reply, flush=True)


if __name__ == "__main__":
    main()
