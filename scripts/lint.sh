#!/usr/bin/env bash
# npm run lint: ESLint (eslint.config.js), Prettier's check (.prettierrc.json) and knip (knip.json:
# unused files, exports and dependencies). `npm run format` rewrites the layout Prettier wants.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== eslint"
eslint .
echo "== prettier --check"
prettier --check --log-level warn "**/*.{ts,js,mjs}"
echo "== knip"
knip
