#!/usr/bin/env bash
# Builds the web UI (web/) into web/dist, which `pantau serve` serves. Installs the locked npm
# packages first when package-lock.json changed; rebuilds only when a source is newer than the
# last build.
set -euo pipefail
cd "$(dirname "$0")/../web"

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "build-ui: installing the UI's npm packages (package-lock.json)"
  npm ci --no-audit --no-fund
fi
if [ -f dist/index.html ] &&
   [ -z "$(find src index.html vite.config.ts tsconfig.json package-lock.json -newer dist/index.html -print -quit)" ]; then
  exit 0
fi
echo "build-ui: building web/dist"
npm run --silent build
