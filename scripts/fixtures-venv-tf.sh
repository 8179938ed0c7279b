#!/usr/bin/env bash
# Creates $REPO/.venv-tf with the pinned Python packages the TensorFlow fixture
# generator (test/fixtures/tf/generate.py, test/fixtures/tf/inspect.py) needs.
# Kept apart from .venv because TensorFlow pins its own numpy/protobuf, which
# clash with the onnx/onnxruntime pins there. tensorflow-cpu 2.21.0 is the
# newest 2.x with a CPython 3.11 wheel; it pulls Keras 3 (tf.keras == keras 3).
# Large (~300 MB download, ~1.6 GB installed). Idempotent: pip runs only when a
# pinned package is missing or at another version.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO/.venv-tf"
PKGS=(tensorflow-cpu==2.21.0 keras==3.15.1 numpy==2.4.6 protobuf==7.36.2 ml-dtypes==0.6.0)

[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"

# pip freeze spells names as in the wheel (tensorflow_cpu): compare with - for _.
installed="$("$VENV/bin/python" -m pip freeze --disable-pip-version-check 2>/dev/null | tr _ - || true)"
for p in "${PKGS[@]}"; do
  if ! grep -qixF "$p" <<<"$installed"; then
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PKGS[@]}"
    break
  fi
done
echo "$VENV"
