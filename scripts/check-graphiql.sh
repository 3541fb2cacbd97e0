#!/usr/bin/env bash
# Checks GraphiQL in headless Chromium against a running server: the page renders without
# internet and its docs explorer lists the Query fields. Starts no server itself.
#   scripts/check-graphiql.sh [URL] [SCREENSHOT]   (default http://127.0.0.1:8080/, graphiql.png)
# Needs node and Debian's chromium (`apt-get install -y chromium`); installs playwright-core
# (pinned in scripts/check-graphiql/package.json) from the npm registry on first use.
set -euo pipefail
url=${1:-http://127.0.0.1:8080/}
screenshot=$(realpath -m "${2:-graphiql.png}")
dir="$(dirname "$0")/check-graphiql"
command -v chromium >/dev/null || { echo "chromium is missing: apt-get install -y chromium" >&2; exit 1; }
(cd "$dir" && npm install --no-audit --no-fund --silent)
node "$dir/check.mjs" "$url" "$screenshot"
