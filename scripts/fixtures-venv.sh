#!/usr/bin/env bash
# Creates $REPO/.venv with the pinned Python packages the fixture generators
# (test/fixtures/onnx/generate.py, examples/digits/train.py) need. Idempotent:
# pip runs only when a pinned package is missing or at another version.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO/.venv"
PKGS=(numpy==1.26.4 onnx==1.16.2 onnxruntime==1.19.2 scikit-learn==1.5.2)

[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"

installed="$("$VENV/bin/python" -m pip freeze --disable-pip-version-check 2>/dev/null || true)"
for p in "${PKGS[@]}"; do
  if ! grep -qixF "$p" <<<"$installed"; then
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PKGS[@]}"
    break
  fi
done
echo "$VENV"
