#!/usr/bin/env bash
# Chooses the Terraform-compatible CLI that tests, docs generation and the
# demo drive, and prints shell `export` lines describing it. Use it as
#
#     eval "$(scripts/terraform-cli.sh)"
#
# Order of preference:
#   1. `terraform` on PATH;
#   2. `tofu` on PATH;
#   3. OpenTofu built from source through the Go module proxy, once, and
#      cached under ${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-polardb/.
#
# POLARDB_TEST_CLI=terraform|tofu forces a choice (tofu falls back to the
# source build when no `tofu` is on PATH). The choice is reported on stderr;
# stdout carries only the export lines.
#
# Variables exported:
#   TF_ACC_TERRAFORM_PATH      absolute path of the CLI binary
#   POLARDB_TEST_CLI           "terraform" or "tofu"
#   POLARDB_TEST_CLI_VERSION   e.g. "1.11.4"
#   TF_ACC_PROVIDER_NAMESPACE, TF_ACC_PROVIDER_HOST
#                              set for OpenTofu (hashicorp, registry.opentofu.org),
#                              unset for Terraform
set -euo pipefail

OPENTOFU_MODULE=github.com/opentofu/opentofu
OPENTOFU_VERSION=v1.12.6

log() { printf 'terraform-cli: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Cache location is derived from the caller's HOME, before anything (such as
# scripts/test.sh) swaps HOME for an empty directory.
cache_dir="${XDG_CACHE_HOME:-${HOME:?HOME must be set}/.cache}/terraform-provider-polardb/opentofu-${OPENTOFU_VERSION}"

# cli_version BINARY -> "1.11.4"
cli_version() {
	# Warnings about the CLI configuration may come first; the version line
	# reads "Terraform v1.11.4" or "OpenTofu v1.12.6". The whole output is
	# read before parsing, so that no pipe closes early under pipefail.
	local out line
	out=$(CHECKPOINT_DISABLE=1 "$1" version 2>/dev/null) || return 0
	while IFS= read -r line; do
		if [[ "$line" =~ ^(Terraform|OpenTofu)\ v([0-9][^ ]*) ]]; then
			printf '%s\n' "${BASH_REMATCH[2]}"
			return 0
		fi
	done <<<"$out"
}

# build_tofu: compiles OpenTofu from its module source into $cache_dir/tofu.
build_tofu() {
	command -v go >/dev/null 2>&1 || die "no terraform or tofu on PATH, and no go to build OpenTofu with"
	mkdir -p "$cache_dir"

	local lock="$cache_dir/.lock"
	exec 9>"$lock"
	if command -v flock >/dev/null 2>&1; then
		flock 9
	fi
	if [[ -x "$cache_dir/tofu" ]]; then
		return 0 # another run built it while we waited
	fi

	log "no terraform or tofu on PATH: building OpenTofu ${OPENTOFU_VERSION} from the Go module proxy (a few minutes, done once)"
	local json dir
	# Run outside any module so the project's go.mod plays no part.
	json=$(cd / && GOFLAGS='' go mod download -json "${OPENTOFU_MODULE}@${OPENTOFU_VERSION}") ||
		die "go mod download ${OPENTOFU_MODULE}@${OPENTOFU_VERSION} failed"
	dir=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
	[[ -n "$dir" && -d "$dir" ]] || die "could not find the module directory in: $json"

	local out="$cache_dir/tofu.tmp.$$"
	local flags="${GOFLAGS:+$GOFLAGS }-mod=mod"
	# version.dev=no makes it report "1.12.6" rather than "1.12.6-dev", as a
	# release build does.
	local ldflags="-s -w -X github.com/opentofu/opentofu/version.dev=no"
	local start=$SECONDS
	if ! (cd "$dir" && GOFLAGS="$flags" go build -trimpath -ldflags "$ldflags" -o "$out" ./cmd/tofu) 2>"$cache_dir/build.log"; then
		# The module cache is read-only; if go needs to touch go.sum, build from
		# a writable copy instead.
		log "build in the module cache failed (see below); retrying from a writable copy"
		sed 's/^/    /' "$cache_dir/build.log" | tail -n 20 >&2
		local work
		work=$(mktemp -d)
		cp -r "$dir/." "$work/"
		chmod -R u+w "$work"
		if ! (cd "$work" && GOFLAGS="$flags" go build -trimpath -ldflags "$ldflags" -o "$out" ./cmd/tofu) 2>"$cache_dir/build.log"; then
			rm -rf "$work" "$out"
			sed 's/^/    /' "$cache_dir/build.log" >&2
			die "building OpenTofu failed"
		fi
		rm -rf "$work"
	fi
	mv -f "$out" "$cache_dir/tofu"
	log "built OpenTofu in $((SECONDS - start))s: $cache_dir/tofu"
}

choice=${POLARDB_TEST_CLI:-}
path=""
case "$choice" in
"" | terraform)
	if path=$(command -v terraform 2>/dev/null); then
		choice=terraform
	elif [[ "$choice" == terraform ]]; then
		die "POLARDB_TEST_CLI=terraform but no terraform on PATH"
	fi
	;;
tofu) ;;
*) die "POLARDB_TEST_CLI must be terraform or tofu, not '$choice'" ;;
esac

if [[ "$choice" != terraform ]]; then
	choice=tofu
	if ! path=$(command -v tofu 2>/dev/null); then
		if [[ ! -x "$cache_dir/tofu" ]]; then
			build_tofu
		fi
		path="$cache_dir/tofu"
	fi
fi

# Resolve to an absolute path: terraform-exec wants one.
case "$path" in
/*) ;;
*) path="$(cd "$(dirname "$path")" && pwd)/$(basename "$path")" ;;
esac

version=$(cli_version "$path")
[[ -n "$version" ]] || die "$path does not answer 'version'"

log "using $choice $version ($path)"

printf 'export CHECKPOINT_DISABLE=1\n'
printf 'export TF_ACC_TERRAFORM_PATH=%q\n' "$path"
printf 'export POLARDB_TEST_CLI=%q\n' "$choice"
printf 'export POLARDB_TEST_CLI_VERSION=%q\n' "$version"
if [[ "$choice" == tofu ]]; then
	printf 'export TF_ACC_PROVIDER_NAMESPACE=hashicorp\n'
	printf 'export TF_ACC_PROVIDER_HOST=registry.opentofu.org\n'
else
	printf 'unset TF_ACC_PROVIDER_NAMESPACE TF_ACC_PROVIDER_HOST\n'
fi
