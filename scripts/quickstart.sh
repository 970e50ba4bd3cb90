#!/usr/bin/env bash
# npm run quickstart [-- --user NAME]: install, fetch the local models, start the terminal chat.
# A script rather than "a && b && npm start": npm appends a quickstart's arguments to the last
# command of a chain as its own options, so `--user NAME` never reached the chat.
set -euo pipefail
cd "$(dirname "$0")/.."
# Node >= 22 first on PATH (Node 24 from PyPI when the machine's is older), for npm install too.
PATH="$(bash scripts/node-runtime.sh):$PATH"
export PATH
npm install
npm run models:fetch
exec npm start -s -- "$@"
