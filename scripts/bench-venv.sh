#!/usr/bin/env bash
# Creates $REPO/.venv-bench with the pinned Python packages the CPU benchmark
# (bench/run.py, bench/models.py) needs: TensorFlow to build the Keras models
# and time them, tf2onnx to export the same SavedModels to ONNX (so ONNX and
# SavedModel share their weights), onnx and onnxruntime as the ONNX peer.
# Kept apart from .venv and .venv-tf: those pin an older onnx/onnxruntime for
# the fixtures. tf2onnx 1.17.0 is the first release that imports with
# TensorFlow 2.21 / Keras 3 and protobuf 7. Large (~400 MB download, ~2 GB
# installed). Idempotent: pip runs only when a pinned package is missing or at
# another version.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO/.venv-bench"
PKGS=(tensorflow-cpu==2.21.0 keras==3.15.1 numpy==2.4.6 protobuf==7.36.2
      ml-dtypes==0.6.0 tf2onnx==1.17.0 onnx==1.23.2 onnxruntime==1.31.1)

[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"

# pip freeze spells names as in the wheel (tensorflow_cpu): compare with - for _.
installed="$("$VENV/bin/python" -m pip freeze --disable-pip-version-check 2>/dev/null | tr _ - || true)"
for p in "${PKGS[@]}"; do
  if ! grep -qixF "$p" <<<"$installed"; then
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PKGS[@]}" >&2
    break
  fi
done
echo "$VENV"
