#!/usr/bin/env bash
# Runs a command with Node.js >= 22 first on PATH: the machine's when it is new enough, otherwise
# Node 24 that scripts/node-runtime.sh installs once from PyPI. package.json's start, test and
# quickstart go through it, so a machine whose Node is older (Debian and Ubuntu LTS ship Node 18
# or 20) still needs only `npm run quickstart` and `npm test`.
# Usage: bash scripts/with-node.sh <command> [args...]
set -euo pipefail
runtime=$(bash "$(dirname "$0")/node-runtime.sh")
PATH="$runtime:$PATH"
export PATH
exec "$@"
