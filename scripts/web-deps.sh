#!/usr/bin/env bash
# Installs the web console's npm packages (nhsuk-frontend, chart.js and sass, pinned by
# web/package-lock.json) into web/node_modules and builds web/css/nhsuk.css from
# nhsuk-frontend's Sass (npm's `prepare`). Nothing it fetches is committed. Does nothing
# when web/node_modules already matches the lockfile.
set -euo pipefail
cd "$(dirname "$0")/../web"
command -v npm >/dev/null || { echo "web-deps: npm is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
stamp=node_modules/.arrs-lockfile
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp" && [ -f css/nhsuk.css ]; then
  echo "web-deps: web/node_modules matches package-lock.json"
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
cp package-lock.json "$stamp"
echo "web-deps: installed $(ls node_modules | wc -l) packages; built css/nhsuk.css"
