#!/usr/bin/env bash
# Installs schemathesis (the HTTP API fuzzer of test/faults/api-fuzz.test.ts) into its own
# environment, ~/.cache/memory-chat/schemathesis, and prints the path of its `st` command.
# Idempotent: does nothing when the pinned version is already there.
set -euo pipefail
version=4.32.5
venv="${XDG_CACHE_HOME:-$HOME/.cache}/memory-chat/schemathesis"
if [ "$("$venv/bin/st" --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -1)" = "$version" ]; then
  echo "$venv/bin/st"
  exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "error: Python 3 (with its venv module) is needed for the API fuzz; install python3, or skip that test" >&2
  exit 1
fi
python3 -m venv "$venv" >&2
echo "installing schemathesis $version into $venv ..." >&2
"$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" >&2
echo "$venv/bin/st"
