#!/bin/sh
# Fetches the GraphiQL page's assets from the npm registry at pinned versions (npm checks each
# package's integrity) into assets/, where go:embed puts them in the binary. Run it from this
# folder after changing a version; commit what it writes. The sourceMappingURL comments are
# dropped because the maps are not shipped.
set -eu
GRAPHIQL=3.8.3
REACT=18.3.1
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" >/dev/null)
for p in "graphiql-$GRAPHIQL" "react-$REACT" "react-dom-$REACT"; do
	mkdir -p "$tmp/$p" && tar xzf "$tmp/$p.tgz" -C "$tmp/$p"
done
strip() { sed -e 's|//# sourceMappingURL=[^ ]*$||' -e 's|/\*# sourceMappingURL=[^*]*\*/||' "$1" >"$2"; }
strip "$tmp/graphiql-$GRAPHIQL/package/graphiql.min.js" assets/graphiql.min.js
strip "$tmp/graphiql-$GRAPHIQL/package/graphiql.min.css" assets/graphiql.min.css
strip "$tmp/react-$REACT/package/umd/react.production.min.js" assets/react.production.min.js
strip "$tmp/react-dom-$REACT/package/umd/react-dom.production.min.js" assets/react-dom.production.min.js
{
	echo "graphiql $GRAPHIQL (MIT): graphiql.min.js, graphiql.min.css"
	echo "react $REACT (MIT): react.production.min.js"
	echo "react-dom $REACT (MIT): react-dom.production.min.js"
	echo "fetched from the npm registry by fetch-assets.sh"
} >assets/VERSIONS
