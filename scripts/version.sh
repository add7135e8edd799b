#!/usr/bin/env bash
# Prints the provider's version: VERSION if set, else the newest version
# CHANGELOG.md has a heading for ("## 0.1.0 (Unreleased)" -> 0.1.0). The one
# place the scripts and the GNUmakefile take it from.
set -euo pipefail
if [[ -n "${VERSION:-}" ]]; then
	printf '%s\n' "$VERSION"
	exit 0
fi
version=$(sed -nE 's/^## ([0-9]+\.[0-9]+\.[0-9]+[^ ]*).*/\1/p' "$(dirname "${BASH_SOURCE[0]}")/../CHANGELOG.md" | head -n 1)
[[ -n "$version" ]] || {
	echo "version.sh: CHANGELOG.md has no '## x.y.z' heading; set VERSION" >&2
	exit 1
}
printf '%s\n' "$version"
