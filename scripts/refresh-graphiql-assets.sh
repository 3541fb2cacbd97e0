#!/usr/bin/env bash
# Refreshes api/assets/graphiql/ (GraphiQL, React and ReactDOM, which the server embeds and
# serves itself so GraphiQL works without internet) from the npm registry.
# Change the versions below, run this, rebuild, and check with scripts/check-graphiql.sh.
set -euo pipefail
GRAPHIQL_VERSION=3.8.3
REACT_VERSION=18.3.1

cd "$(dirname "$0")/.."
out=api/assets/graphiql
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for package in "graphiql@$GRAPHIQL_VERSION" "react@$REACT_VERSION" "react-dom@$REACT_VERSION"; do
  name=${package%@*}
  tarball=$(cd "$work" && npm pack --silent "$package")
  mkdir -p "$work/$name"
  tar -xzf "$work/$tarball" -C "$work/$name" --strip-components=1
done

# The source maps are not shipped, so their references go (a browser would ask for them).
strip_map() { sed -e '/^\/\/# sourceMappingURL=/d' -e 's#/\*\# sourceMappingURL=[^*]*\*/##' "$1" > "$2"; }
strip_map "$work/graphiql/graphiql.min.js" "$out/graphiql.min.js"
strip_map "$work/graphiql/graphiql.min.css" "$out/graphiql.min.css"
strip_map "$work/react/umd/react.production.min.js" "$out/react.production.min.js"
strip_map "$work/react-dom/umd/react-dom.production.min.js" "$out/react-dom.production.min.js"
cp "$work/graphiql/LICENSE" "$out/LICENSE.graphiql"
cp "$work/react/LICENSE" "$out/LICENSE.react"
cp "$work/react-dom/LICENSE" "$out/LICENSE.react-dom"
cat > "$out/VERSIONS" <<VERSIONS
graphiql $GRAPHIQL_VERSION (graphiql.min.js, graphiql.min.css)
react $REACT_VERSION (umd/react.production.min.js)
react-dom $REACT_VERSION (umd/react-dom.production.min.js)
VERSIONS
echo "refreshed $out:"
cat "$out/VERSIONS"
