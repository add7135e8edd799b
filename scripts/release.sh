#!/usr/bin/env bash
# `make release`: builds the release from .goreleaser.yml with goreleaser
# v2.15.1 (pinned; `go run` compiles it once into Go's build cache). It
# never publishes.
#
#   scripts/release.sh                     # every platform, into dist/
#   scripts/release.sh --host --dist DIR   # a snapshot for this machine's platform only, into DIR
#   scripts/release.sh --new-key KEYS      # signed with a new key made in KEYS (for tests);
#                                          # its public half is KEYS/key.asc
#
# VERSION (the GNUmakefile's) is the version: with HEAD tagged v$VERSION,
# that release; otherwise, and always with --host (the tests), the snapshot
# $VERSION-snapshot. DIR is emptied first. With GPG_FINGERPRINT, that key of
# gpg's keyring signs SHA256SUMS and the emulator's zips. Last, the registry
# manifest is copied in under the name SHA256SUMS gives it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
say() { printf '==> %s\n' "$*" >&2; }
fail() { say "error: $*"; exit 1; }
: "${VERSION:?VERSION must be set: run make release}"

GORELEASER=(go run github.com/goreleaser/goreleaser/v2@v2.15.1)

host=false dist=dist keys=""
while [[ $# -gt 0 ]]; do
	case "$1" in
	--host) host=true ;;
	--dist) dist=${2:?--dist needs a directory} && shift ;;
	--new-key) keys=${2:?--new-key needs a directory} && shift ;;
	*) fail "usage: scripts/release.sh [--host] [--dist DIR] [--new-key KEYS]" ;;
	esac
	shift
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [[ -z $keys ]] || gpgconf --kill gpg-agent 2>/dev/null || true' EXIT

if [[ -n $keys ]]; then
	mkdir -p -m 700 "$keys"
	export GNUPGHOME=$keys
	gpg --batch --quiet --passphrase '' --quick-gen-key "terraform-provider-polardb test release <release@localhost.invalid>" rsa4096 sign never
	GPG_FINGERPRINT=$(gpg --batch --with-colons --list-secret-keys | awk -F: '$1 == "fpr" { print $10; exit }')
	export GPG_FINGERPRINT
	gpg --batch --armor --export "$GPG_FINGERPRINT" >"$keys/key.asc"
fi

args=(release --clean)
tag=""
$host || tag=$(git describe --tags --exact-match HEAD 2>/dev/null || true)
if [[ -n "$tag" ]]; then
	[[ "$tag" == "v$VERSION" ]] || fail "HEAD is tagged $tag, but the newest version in CHANGELOG.md is $VERSION"
	args+=(--skip=publish)
else
	args+=(--snapshot)
fi
if [[ -z "${GPG_FINGERPRINT:-}" ]]; then
	say "release: GPG_FINGERPRINT is not set: no signatures"
	args+=(--skip=sign)
fi

# Another platform list or folder: a copy of the configuration that says so.
config=.goreleaser.yml
if $host || [[ "$dist" != dist ]]; then
	platform="$(go env GOOS)_$(go env GOARCH)"
	awk -v host="$host" -v platform="$platform" -v dist="$dist" '
		NR == 1 { print "dist: " dist }
		skipping && /^ *- / { next }
		{ skipping = 0; print }
		host == "true" && /targets: &platforms$/ {
			indent = $0; sub(/[^ ].*/, "", indent)
			print indent "  - " platform
			skipping = 1
		}' .goreleaser.yml >"$tmp/goreleaser.yml"
	config="$tmp/goreleaser.yml"
fi

# No escape codes in a log: goreleaser colours whenever CI is set, NO_COLOR or not.
[[ -t 2 ]] || { export NO_COLOR=1; unset CI; }
version=$VERSION
[[ -n "$tag" ]] || version=$VERSION-snapshot
say "release: goreleaser ${args[*]} (version $version$($host && echo ", $platform only"))"
"${GORELEASER[@]}" "${args[@]}" --config "$config"

cp terraform-registry-manifest.json "$dist/terraform-provider-polardb_${version}_manifest.json"
