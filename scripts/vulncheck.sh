#!/usr/bin/env bash
# `make vulncheck`: govulncheck without vuln.go.dev. The same data is the
# OSV files of the module golang.org/x/vulndb, which the Go module proxy
# serves: its own indexer (cmd/indexdb) builds the database, once per
# snapshot (VULNDB_VERSION, default latest), cached under
# ${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-polardb/vulndb/. The
# standard library is checked at the version of the go that runs it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
fail() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

GOVULNCHECK=golang.org/x/vuln/cmd/govulncheck@v1.9.0
VULNDB_MODULE=golang.org/x/vulndb

# Resolve the snapshot outside this module, so its go.mod plays no part.
info=$(cd / && GOFLAGS='' go mod download -json "$VULNDB_MODULE@${VULNDB_VERSION:-latest}") ||
	fail "could not download $VULNDB_MODULE through the module proxy"
json_field() { sed -n "s/^[[:space:]]*\"$1\": \"\(.*\)\",\{0,1\}$/\1/p" <<<"$info"; }
version=$(json_field Version)
source_dir=$(json_field Dir)
[[ -n "$version" && -d "$source_dir/data/osv" ]] || fail "no data/osv in $VULNDB_MODULE ($info)"

db="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-polardb/vulndb/$version"
if [[ ! -f "$db/index/db.json" ]]; then
	echo "building the vulnerability database from $VULNDB_MODULE@$version" >&2
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	(cd / && GOFLAGS='' go run "$VULNDB_MODULE/cmd/indexdb@$version" -vulns "$source_dir/data/osv" -out "$tmp/db")
	# indexdb leaves the database's modified time at zero; govulncheck
	# reports it, so record when the snapshot was committed instead.
	modified=$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$(json_field Info)")
	printf '{"modified":"%s"}' "$modified" >"$tmp/db/index/db.json"
	gzip -c "$tmp/db/index/db.json" >"$tmp/db/index/db.json.gz"
	# Another run may have finished first: keep its database.
	mkdir -p "$(dirname "$db")"
	mv -T "$tmp/db" "$db" 2>/dev/null || [[ -f "$db/index/db.json" ]] || fail "could not store the database in $db"
fi

echo "govulncheck ($(go env GOVERSION), database $VULNDB_MODULE@$version)" >&2
go run "$GOVULNCHECK" -db "file://$db" ./...
