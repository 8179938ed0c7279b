"""Generates kiln's CPU bench set into bench/build/models/ (never committed).

Run with the venv from scripts/bench-venv.sh (bench/run.py does this for you):

    .venv-bench/bin/python bench/models.py [--force] [MODEL ...]

Every model is built in Keras 3 with weights drawn from seeded RNGs, saved as
a TF2 SavedModel with a symbolic batch dimension (Keras `model.export()`), and
then that SavedModel is converted to ONNX by tf2onnx, so the ONNX file and the
SavedModel hold the same weights and compute the same function. Per model
bench/build/models/<model>/:

    saved_model/   the SavedModel (signature serving_default, batch None)
    model.onnx     tf2onnx's export of saved_model/ (opset 17, batch symbolic)
    meta.json      input/output names and per-sample shapes, weight bytes

Models (all float32, NHWC images as Keras lays them out; tf2onnx keeps the
NHWC input and inserts the transposes):
  mlp        the Keras tutorial MLP: 784 -> Dense 128 relu -> Dropout 0.2 ->
             Dense 10 -> Softmax (test/fixtures/tf/generate.py's `mlp`)
  cnn        the Keras tutorial CNN: 28x28x1 -> Conv2D 32 3x3 relu ->
             MaxPool 2x2 -> Flatten -> Dense 10 (generate.py's `cnn`)
  mobilenet  keras.applications.MobileNetV2(weights=None), 224x224x3
  resnet50   keras.applications.ResNet50(weights=None), 224x224x3
  bert       a BERT-base-shaped encoder: input [batch,128,768] (embeddings
             already added), 12 post-LN layers of 12-head self-attention
             (Dense q/k/v, scaled dot product, softmax, Dense out) and an FFN
             768 -> 3072 (exact, erf GELU) -> 768, residuals and
             LayerNormalization(eps 1e-12) as in BERT
  gemm       micro-benchmark: y = x @ W, x [1024,1024], W a 1024x1024 constant
             (2.15 GFLOP); ONNX only, written with onnx.helper
  conv       micro-benchmark: 3x3 conv, stride 1, pad 1, NCHW [1,64,56,56]
             -> [1,64,56,56] with a constant 64x64x3x3 filter and bias
             (0.231 GFLOP); ONNX only

Weights: Keras' own initializers under keras.utils.set_random_seed(seed);
biases (which Keras starts at 0, and tf2onnx would then drop) and batch-norm
gamma/beta/moving statistics are then redrawn from a seeded numpy RNG
(variance positive) so that inference batch-norm is not the identity.
"""
import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "build" / "models"
OPSET = 17
MODELS = ("mlp", "cnn", "mobilenet", "resnet50", "bert", "gemm", "conv")
MICRO = ("gemm", "conv")


def keras_mlp(keras, layers):
    x = keras.Input((784,), name="pixels")
    h = layers.Dense(128, activation="relu", name="dense")(x)
    h = layers.Dropout(0.2, name="dropout")(h)
    h = layers.Dense(10, name="dense_1")(h)
    y = layers.Softmax(name="softmax")(h)
    return keras.Model(x, y, name="mlp")


def keras_cnn(keras, layers):
    x = keras.Input((28, 28, 1), name="image")
    h = layers.Conv2D(32, 3, activation="relu", name="conv2d")(x)
    h = layers.MaxPooling2D(2, name="max_pooling2d")(h)
    h = layers.Flatten(name="flatten")(h)
    y = layers.Dense(10, name="dense")(h)
    return keras.Model(x, y, name="cnn")


def keras_bert(keras, layers, num_layers=12, hidden=768, heads=12, ffn=3072, seq=128):
    ops = keras.ops
    head_dim = hidden // heads
    x = keras.Input((seq, hidden), name="hidden_states")

    def split_heads(t):  # [b, s, h*d] -> [b, h, s, d]
        return ops.transpose(ops.reshape(t, (-1, seq, heads, head_dim)), (0, 2, 1, 3))

    h = x
    for i in range(num_layers):
        p = f"layer_{i}"
        q = split_heads(layers.Dense(hidden, name=f"{p}_query")(h))
        k = split_heads(layers.Dense(hidden, name=f"{p}_key")(h))
        v = split_heads(layers.Dense(hidden, name=f"{p}_value")(h))
        scores = ops.matmul(q, ops.transpose(k, (0, 1, 3, 2))) * (1.0 / head_dim**0.5)
        probs = ops.softmax(scores, axis=-1)
        ctx = ops.reshape(ops.transpose(ops.matmul(probs, v), (0, 2, 1, 3)), (-1, seq, hidden))
        attn = layers.Dense(hidden, name=f"{p}_attn_out")(ctx)
        h = layers.LayerNormalization(epsilon=1e-12, name=f"{p}_attn_ln")(h + attn)
        f = layers.Dense(ffn, name=f"{p}_ffn_in")(h)
        # Exact GELU spelled with erf: ops.gelu lowers to TF's Erfc, which
        # tf2onnx passes through as an op ONNX does not have.
        f = 0.5 * f * (1.0 + ops.erf(f * (1.0 / 2.0**0.5)))
        f = layers.Dense(hidden, name=f"{p}_ffn_out")(f)
        h = layers.LayerNormalization(epsilon=1e-12, name=f"{p}_ffn_ln")(h + f)
    return keras.Model(x, h, name="bert")


def build_keras(name):
    import keras
    from keras import layers

    keras.backend.clear_session()
    seed = MODELS.index(name) + 1
    keras.utils.set_random_seed(seed)
    if name == "mlp":
        model = keras_mlp(keras, layers)
    elif name == "cnn":
        model = keras_cnn(keras, layers)
    elif name == "mobilenet":
        model = keras.applications.MobileNetV2(weights=None, input_shape=(224, 224, 3))
    elif name == "resnet50":
        model = keras.applications.ResNet50(weights=None, input_shape=(224, 224, 3))
    elif name == "bert":
        model = keras_bert(keras, layers)
    else:
        raise ValueError(name)
    rng = np.random.default_rng(1000 + seed)
    for v in model.weights:  # Keras starts biases at 0; tf2onnx would drop the adds
        if v.path.rsplit("/", 1)[-1] == "bias":
            v.assign(rng.normal(0.0, 0.02, tuple(v.shape)).astype("float32"))
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            c = tuple(layer.gamma.shape)
            layer.gamma.assign(rng.uniform(0.5, 1.5, c).astype("float32"))
            layer.beta.assign(rng.normal(0.0, 0.1, c).astype("float32"))
            layer.moving_mean.assign(rng.normal(0.0, 0.1, c).astype("float32"))
            layer.moving_variance.assign(rng.uniform(0.5, 1.5, c).astype("float32"))
    return model


def export_onnx_micro(name, out):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(7)
    if name == "gemm":
        n = 1024
        w = rng.uniform(-1, 1, (n, n)).astype(np.float32) / n**0.5
        node = helper.make_node("MatMul", ["x", "w"], ["y"], name="gemm")
        inits = [numpy_helper.from_array(w, "w")]
        xin, yout = [n, n], [n, n]
        flops = 2 * n**3
    else:
        c, hw = 64, 56
        w = rng.normal(0, (2 / (9 * c)) ** 0.5, (c, c, 3, 3)).astype(np.float32)
        b = rng.normal(0, 0.05, (c,)).astype(np.float32)
        node = helper.make_node("Conv", ["x", "w", "b"], ["y"], name="conv",
                                kernel_shape=[3, 3], pads=[1, 1, 1, 1])
        inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")]
        xin, yout = [1, c, hw, hw], [1, c, hw, hw]
        flops = 2 * hw * hw * c * c * 9
    graph = helper.make_graph(
        [node], name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, xin)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, yout)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, str(out / "model.onnx"))
    return {"inputs": [{"name": "x", "shape": xin}], "outputs": [{"name": "y", "shape": yout}],
            "static_batch": True, "flops": flops}


def export_keras_model(name, out):
    import tensorflow as tf

    model = build_keras(name)
    path = out / "saved_model"
    model.export(str(path), format="tf_saved_model", verbose=False)
    loaded = tf.saved_model.load(str(path))
    fn = loaded.signatures["serving_default"]
    _, in_specs = fn.structured_input_signature
    out_specs = fn.structured_outputs
    # tf2onnx on the SavedModel itself: the ONNX file has exactly its weights.
    subprocess.run(
        [sys.executable, "-m", "tf2onnx.convert", "--saved-model", str(path),
         "--signature_def", "serving_default", "--opset", str(OPSET),
         "--output", str(out / "model.onnx")],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return {"inputs": [{"name": k, "shape": s.shape.as_list()[1:]} for k, s in sorted(in_specs.items())],
            "outputs": [{"name": k, "shape": s.shape.as_list()[1:]} for k, s in sorted(out_specs.items())],
            "static_batch": False, "keras_params": int(model.count_params())}


def check_ort_vs_tf(name, out, meta):
    """ORT on model.onnx and TF on saved_model/ agree on a random batch of 2."""
    import onnxruntime as ort
    import tensorflow as tf

    rng = np.random.default_rng(5)
    feeds = {i["name"]: rng.uniform(0, 1, [2] + i["shape"]).astype(np.float32) for i in meta["inputs"]}
    sess = ort.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])
    onnx_inputs = [i.name for i in sess.get_inputs()]
    got = sess.run(None, {n: feeds[i["name"]] for n, i in zip(onnx_inputs, meta["inputs"])})
    fn = tf.saved_model.load(str(out / "saved_model")).signatures["serving_default"]
    want = fn(**{k: tf.constant(v) for k, v in feeds.items()})
    for g, o in zip(got, meta["outputs"]):
        w = want[o["name"]].numpy()
        err = float(np.max(np.abs(g - w)))
        scale = float(np.max(np.abs(w)))
        print(f"  {name}: ORT vs TF output {o['name']}: max abs err {err:.3g} (max |y| {scale:.3g})")
        if not err <= 1e-4 * max(scale, 1.0):
            raise SystemExit(f"{name}: ORT and TF disagree on {o['name']}: {err} (scale {scale})")


def weight_bytes(onnx_path):
    import onnx

    m = onnx.load(str(onnx_path))
    total = 0
    for t in m.graph.initializer:
        total += int(np.prod(t.dims, dtype=np.int64)) * onnx.helper.tensor_dtype_to_np_dtype(t.data_type).itemsize
    for n in m.graph.node:  # tf2onnx folds some weights into Constant nodes
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.type == onnx.AttributeProto.TENSOR:
                    t = a.t
                    total += int(np.prod(t.dims, dtype=np.int64)) * onnx.helper.tensor_dtype_to_np_dtype(t.data_type).itemsize
    return total


def generate(name, force=False):
    out = OUT / name
    if (out / "meta.json").exists() and not force:
        return json.loads((out / "meta.json").read_text())
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    print(f"generating {name} ...", flush=True)
    if name in MICRO:
        meta = export_onnx_micro(name, out)
    else:
        meta = export_keras_model(name, out)
        check_ort_vs_tf(name, out, meta)
    meta["name"] = name
    meta["weight_bytes"] = weight_bytes(out / "model.onnx")
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
    return meta


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs="*", help=f"subset of {', '.join(MODELS)} (default: all)")
    ap.add_argument("--force", action="store_true", help="regenerate even if present")
    args = ap.parse_args()
    unknown = set(args.models) - set(MODELS)
    if unknown:
        ap.error(f"unknown models {sorted(unknown)}; known: {', '.join(MODELS)}")
    for name in args.models or MODELS:
        meta = generate(name, args.force)
        print(f"{name}: inputs {meta['inputs']} outputs {meta['outputs']} weights {meta['weight_bytes']} B")


if __name__ == "__main__":
    main()
