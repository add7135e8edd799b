#!/usr/bin/env bash
# Chooses the Terraform-compatible CLI that tests, docs generation and the
# demo drive, and prints shell `export` lines describing it. Use it as
#
#     eval "$(scripts/terraform-cli.sh)"
#
# POLARDB_TEST_CLI says which:
#   (unset)          `terraform` on PATH, else `tofu` on PATH, else OpenTofu
#                    1.12.6 built from source;
#   terraform        `terraform` on PATH;
#   tofu             `tofu` on PATH, else OpenTofu 1.12.6 built from source;
#   terraform@1.5.7, tofu@1.6.3 (any version the Go module proxy serves as a
#                    buildable module, or a prebuilt one in the shared tools):
#                    the CLI on PATH if it is that version, else that version
#                    built from source.
#
# A build is done once, through the Go module proxy (`go mod download`, then
# `go build` in the module's directory), or, for Terraform 1.9 and later,
# which do not build so, by unpacking ../shared/tools/terraform-VERSION.gz
# (POLARDB_SHARED_TOOLS) checked against its README's sha256; it is cached under
# ${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-polardb/<product>-v<version>/.
# The choice is reported on stderr; stdout carries only the export lines.
#
# Actions need Terraform 1.14 or later (OpenTofu has none): under any other
# CLI, Terraform 1.15.9 from the shared tools, when they hold it, runs the
# action's tests (testsupport.RequireActions), make generate and the demo's
# backup, alongside the CLI under test.
#
# Variables exported:
#   TF_ACC_TERRAFORM_PATH      absolute path of the CLI binary
#   POLARDB_TEST_CLI           "terraform" or "tofu"
#   POLARDB_TEST_CLI_VERSION   e.g. "1.11.4"
#   TF_ACC_PROVIDER_NAMESPACE, TF_ACC_PROVIDER_HOST
#                              set for OpenTofu (hashicorp, registry.opentofu.org),
#                              unset for Terraform
#   POLARDB_ACTIONS_CLI_PATH, POLARDB_ACTIONS_CLI_VERSION
#                              a Terraform that runs actions: the CLI above
#                              if it does, else the shared tools' 1.15.9;
#                              unset when there is neither, or when
#                              POLARDB_ACTIONS_CLI=off (CI's matrix rows:
#                              its terraform@1.15.9 row runs the actions)
set -euo pipefail

# The OpenTofu built when no CLI is on PATH.
DEFAULT_OPENTOFU_VERSION=1.12.6
# The Terraform of the shared tools that runs actions for older CLIs.
ACTIONS_TERRAFORM_VERSION=1.15.9

log() { printf 'terraform-cli: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The cache is under the caller's HOME, read before the tests swap HOME for
# an empty directory.
cache_root="${XDG_CACHE_HOME:-${HOME:?HOME must be set}/.cache}/terraform-provider-polardb"
shared_tools=${POLARDB_SHARED_TOOLS:-$(dirname "${BASH_SOURCE[0]}")/../../shared/tools}

# cli_version BINARY -> "1.11.4", from "Terraform v1.11.4" or "OpenTofu
# v1.12.6" (warnings about the CLI configuration may come first).
cli_version() {
	local out
	out=$(CHECKPOINT_DISABLE=1 "$1" version 2>/dev/null) || true
	sed -nE '/^(Terraform|OpenTofu) v[0-9]/{s/^[^ ]+ v([^ ]*).*/\1/p;q}' <<<"$out"
}

# build_cli NAME VERSION: compiles Terraform (NAME terraform) or OpenTofu
# (NAME tofu) VERSION from its module source, once, and prints the path of
# the cached binary.
build_cli() {
	local name=$1 version=$2 module package product
	case "$name" in
	terraform) module=github.com/hashicorp/terraform package=. product=terraform ;;
	tofu) module=github.com/opentofu/opentofu package=./cmd/tofu product=opentofu ;;
	esac
	local dir="$cache_root/$product-v$version"
	mkdir -p "$dir"

	# One build at a time per version, however many runs ask for it.
	exec 9>"$dir/.lock"
	flock 9
	local prebuilt="$shared_tools/$name-$version.gz"
	if [[ ! -x "$dir/$name" && -f "$prebuilt" ]]; then
		local want got
		want=$(sed -n 's/^sha256 of the unpacked binary: \([0-9a-f]\{64\}\)$/\1/p' "$shared_tools/README.md" 2>/dev/null)
		gunzip -c "$prebuilt" >"$dir/$name.tmp.$$"
		got=$(sha256sum "$dir/$name.tmp.$$" | cut -d' ' -f1)
		[[ -n "$want" && "$got" == "$want" ]] || { rm -f "$dir/$name.tmp.$$"; die "$prebuilt unpacks to sha256 $got, not $shared_tools/README.md's ${want:-(none)}"; }
		chmod +x "$dir/$name.tmp.$$" && mv -f "$dir/$name.tmp.$$" "$dir/$name"
		log "unpacked $name $version from $prebuilt"
	fi
	if [[ ! -x "$dir/$name" ]]; then
		log "building $name $version from the Go module proxy (several minutes on two cores, done once)"
		local json src
		# Outside any module, so that the project's go.mod plays no part.
		json=$(cd / && GOFLAGS='' go mod download -json "$module@v$version") ||
			die "go mod download $module@v$version failed (is that version served?)"
		src=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
		[[ -n "$src" && -d "$src" ]] || die "could not find the module directory in: $json"

		# -mod=mod: the module cache is read-only and its go.sum may lack
		# entries; Go adds them to its own view. version.dev=no makes the
		# CLI report "1.12.6" rather than "1.12.6-dev", as its release builds
		# do; where the version package has no such variable (Terraform
		# 1.5.7), the linker ignores it.
		local out="$dir/$name.tmp.$$" start=$SECONDS
		if ! (cd "$src" && GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod" go build -trimpath \
			-ldflags "-s -w -X $module/version.dev=no" -o "$out" "$package") 2>"$dir/build.log"; then
			rm -f "$out"
			sed 's/^/    /' "$dir/build.log" | tail -n 30 >&2
			die "building $name $version failed"
		fi
		mv -f "$out" "$dir/$name"
		log "built $name $version in $((SECONDS - start))s: $dir/$name"
	fi
	exec 9>&-
	printf '%s\n' "$dir/$name"
}

# on_path NAME [VERSION]: the NAME on PATH, if any, and if VERSION is given
# only when it is that version.
on_path() {
	local path
	path=$(command -v "$1" 2>/dev/null) || return 1
	[[ -z "${2:-}" || "$(cli_version "$path")" == "$2" ]] || return 1
	printf '%s\n' "$path"
}

request=${POLARDB_TEST_CLI:-}
choice=${request%%@*}
wanted=""
[[ "$request" == *@* ]] && wanted=${request#*@}
case "$choice" in
"" | terraform | tofu) ;;
*) die "POLARDB_TEST_CLI must be terraform, tofu, terraform@VERSION or tofu@VERSION, not '$request'" ;;
esac
[[ -z "$wanted" || "$wanted" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
	die "POLARDB_TEST_CLI=$request: the version must look like 1.5.7"

path=""
if [[ -n "$wanted" ]]; then
	path=$(on_path "$choice" "$wanted") || path=$(build_cli "$choice" "$wanted")
elif [[ "$choice" == terraform ]]; then
	path=$(on_path terraform) || die "POLARDB_TEST_CLI=terraform but no terraform on PATH"
elif [[ "$choice" == tofu ]]; then
	path=$(on_path tofu) || path=$(build_cli tofu "$DEFAULT_OPENTOFU_VERSION")
elif path=$(on_path terraform); then
	choice=terraform
else
	choice=tofu
	path=$(on_path tofu) || path=$(build_cli tofu "$DEFAULT_OPENTOFU_VERSION")
fi

path=$(realpath "$path") # terraform-exec wants an absolute path

version=$(cli_version "$path")
[[ -n "$version" ]] || die "$path does not answer 'version'"
[[ -z "$wanted" || "$version" == "$wanted" ]] || die "$path says it is $version, not $wanted"

log "using $choice $version ($path)"

# runs_actions NAME VERSION: whether that CLI runs actions, which Terraform
# does from 1.14.
runs_actions() { [[ $1 == terraform ]] && printf '1.14.0\n%s\n' "$2" | sort -VC; }
actions_path="" actions_version=""
if runs_actions "$choice" "$version"; then
	actions_path=$path actions_version=$version
elif [[ ${POLARDB_ACTIONS_CLI:-} != off && -f "$shared_tools/terraform-$ACTIONS_TERRAFORM_VERSION.gz" ]]; then
	# A bad copy stops nothing but what needs actions.
	if actions_path=$(build_cli terraform "$ACTIONS_TERRAFORM_VERSION"); then
		actions_path=$(realpath "$actions_path") actions_version=$ACTIONS_TERRAFORM_VERSION
		log "for actions ($choice $version has none): terraform $actions_version from the shared tools ($actions_path)"
	else
		actions_path=""
		log "so no CLI for actions: their tests skip, make generate stops"
	fi
fi

printf 'export CHECKPOINT_DISABLE=1 TF_ACC_TERRAFORM_PATH=%q POLARDB_TEST_CLI=%q POLARDB_TEST_CLI_VERSION=%q\n' \
	"$path" "$choice" "$version"
if [[ "$choice" == tofu ]]; then
	printf 'export TF_ACC_PROVIDER_NAMESPACE=hashicorp\n'
	printf 'export TF_ACC_PROVIDER_HOST=registry.opentofu.org\n'
else
	printf 'unset TF_ACC_PROVIDER_NAMESPACE TF_ACC_PROVIDER_HOST\n'
fi
if [[ -n "$actions_path" ]]; then
	printf 'export POLARDB_ACTIONS_CLI_PATH=%q POLARDB_ACTIONS_CLI_VERSION=%q\n' "$actions_path" "$actions_version"
else
	printf 'unset POLARDB_ACTIONS_CLI_PATH POLARDB_ACTIONS_CLI_VERSION\n'
fi
