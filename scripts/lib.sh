# shellcheck shell=bash
# Helpers sourced by the other scripts in this directory. Not meant to be run.

# Repository root, whatever the caller's working directory.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '==> %s\n' "$*" >&2; }
fail() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# Directories removed when the calling script exits, whatever the reason.
_cleanup_dirs=()
_cleanup_funcs=()
_run_cleanup() {
	local f d
	for f in "${_cleanup_funcs[@]+"${_cleanup_funcs[@]}"}"; do
		"$f" || true
	done
	for d in "${_cleanup_dirs[@]+"${_cleanup_dirs[@]}"}"; do
		rm -rf "$d"
	done
}
trap _run_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# tempdir VAR: makes a directory that is removed on exit and stores its path in VAR.
tempdir() {
	local dir
	dir=$(mktemp -d "${TMPDIR:-/tmp}/polardb.XXXXXX")
	_cleanup_dirs+=("$dir")
	printf -v "$1" '%s' "$dir"
}

# on_exit FUNC: runs FUNC when the calling script exits (before temp dirs go).
on_exit() { _cleanup_funcs+=("$1"); }

# select_cli: evaluates scripts/terraform-cli.sh, exporting TF_ACC_TERRAFORM_PATH
# and friends. Must run before hermetic_env replaces HOME, since the OpenTofu
# cache lives under the real HOME.
select_cli() {
	local exports
	exports=$("$REPO_ROOT/scripts/terraform-cli.sh") || fail "could not find or build a Terraform CLI"
	eval "$exports"
}

# cli_on_path: makes sure `terraform` on PATH is the selected CLI, through a
# temp dir put first on PATH (tfplugindocs and `terraform fmt` look for a
# binary called terraform, and tfplugindocs would download one if none were
# found).
#
# For Terraform that is a symlink. For OpenTofu a symlink alone is not enough:
# tfplugindocs lays out the provider it has just built under Terraform's
# registry host (plugins/registry.terraform.io/hashicorp/<name>), writes
# `provider "<name>" {}`, which OpenTofu resolves on its own default host
# (registry.opentofu.org), and then looks the schema up under
# registry.terraform.io. So `terraform` is a small wrapper that mirrors the
# plugin directory for OpenTofu's host and names the schema back.
cli_on_path() {
	local bindir
	tempdir bindir
	if [[ "${POLARDB_TEST_CLI:-terraform}" != tofu ]]; then
		ln -s "$TF_ACC_TERRAFORM_PATH" "$bindir/terraform"
	else
		cat >"$bindir/terraform" <<EOF
#!/usr/bin/env bash
# terraform -> OpenTofu for tfplugindocs; written by scripts/lib.sh.
set -euo pipefail
tofu=$(printf '%q' "$TF_ACC_TERRAFORM_PATH")
case "\${1:-}" in
init)
	dir="" next=false
	for arg in "\$@"; do
		if \$next; then dir=\$arg; next=false; fi
		case "\$arg" in
		-plugin-dir=*) dir=\${arg#-plugin-dir=} ;;
		-plugin-dir) next=true ;;
		esac
	done
	if [[ -n "\$dir" && -d "\$dir/registry.terraform.io" && ! -e "\$dir/registry.opentofu.org" ]]; then
		cp -R "\$dir/registry.terraform.io" "\$dir/registry.opentofu.org"
	fi
	;;
providers)
	if [[ "\${2:-}" == schema ]]; then
		"\$tofu" "\$@" | sed 's#"registry\.opentofu\.org/hashicorp/#"registry.terraform.io/hashicorp/#g'
		exit "\${PIPESTATUS[0]}"
	fi
	;;
esac
exec "\$tofu" "\$@"
EOF
		chmod +x "$bindir/terraform"
	fi
	export PATH="$bindir:$PATH"
}

# hermetic_env: the environment tests run in. No cloud credentials, profiles
# or endpoints of the person running them can leak in, and nothing reaches a
# metadata service; Go keeps using the real module and build caches.
hermetic_env() {
	# Go's caches and settings come from the real HOME: pin them first.
	local v
	for v in GOPATH GOMODCACHE GOCACHE GOENV; do
		export "$v=$(go env "$v")"
	done

	# Cloud settings of the caller.
	local name
	while IFS= read -r name; do
		unset "$name"
	done < <(compgen -e | grep -E '^(ALIBABA_CLOUD_|ALICLOUD_)' || true)
	unset POLARDB_ENDPOINT
	export ALIBABA_CLOUD_ECS_METADATA_DISABLED=true

	# Terraform settings of the caller (a dev_overrides file would change what
	# the tests exercise).
	while IFS= read -r name; do
		unset "$name"
	done < <(compgen -e | grep -E '^TF_CLI_ARGS' || true)
	unset TF_CLI_CONFIG_FILE TF_PLUGIN_CACHE_DIR TF_DATA_DIR TF_WORKSPACE TF_ACC
	export CHECKPOINT_DISABLE=1

	# Test servers listen on loopback; never send them through a proxy.
	export NO_PROXY="${NO_PROXY:+$NO_PROXY,}127.0.0.1,localhost,::1"
	export no_proxy="$NO_PROXY"

	# An empty HOME: no ~/.aliyun/config.json, ~/.alibabacloud/credentials or
	# ~/.terraformrc is read.
	local home
	tempdir home
	export HOME="$home"
	unset XDG_CONFIG_HOME XDG_CACHE_HOME XDG_DATA_HOME
}

# build_plugins DIR [FLAG...]: builds the provider into DIR/plugins, with
# the go build FLAGs if any (such as the release flags -trimpath -ldflags
# "-s -w"), and the emulator into DIR, and writes DIR/cli.tfrc, a CLI
# configuration whose dev_overrides make Terraform and OpenTofu use that
# provider without any registry.
build_plugins() {
	local dir=$1
	shift
	mkdir -p "$dir/plugins"
	say "building the provider${1:+ ($*)} and the emulator"
	(cd "$REPO_ROOT" && go build "$@" -o "$dir/plugins/terraform-provider-polardb" . &&
		go build -o "$dir/polardb-emulator" ./internal/emulator/cmd/polardb-emulator) || fail "build failed"
	cat >"$dir/cli.tfrc" <<EOT
# Written by scripts/lib.sh: use the provider just built, skip the registry.
provider_installation {
  dev_overrides {
    "registry.terraform.io/polardb-community/polardb"  = "$dir/plugins"
    "registry.opentofu.org/polardb-community/polardb" = "$dir/plugins"
  }
  direct {}
}
EOT
}

# start_emulator DIR LAST [FLAG...]: starts the emulator built by
# build_plugins on a free loopback port, with FLAGs, and waits until it has
# announced itself up to the line LAST=... (it prints POLARDB_ENDPOINT first,
# then, without --data, its demo credentials). The announced values are in
# emulator_vars[NAME]. stop_emulator, also run on exit, stops it.
declare -A emulator_vars=()
emulator_pid=""
stop_emulator() {
	if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
		kill "$emulator_pid" 2>/dev/null || true
		wait "$emulator_pid" 2>/dev/null || true
	fi
	emulator_pid=""
}
on_exit stop_emulator
start_emulator() {
	local dir=$1 last=$2 line deadline=$((SECONDS + 30))
	shift 2
	stop_emulator
	emulator_vars=()
	: >"$dir/emulator.out" # exists before the background job opens it
	"$dir/polardb-emulator" --listen 127.0.0.1:0 "$@" >"$dir/emulator.out" 2>"$dir/emulator.log" &
	emulator_pid=$!
	while [[ -z "${emulator_vars[$last]:-}" ]]; do
		if ! kill -0 "$emulator_pid" 2>/dev/null; then
			cat "$dir/emulator.log" >&2 || true
			emulator_pid=""
			fail "the emulator exited before announcing $last"
		fi
		if ((SECONDS >= deadline)); then
			cat "$dir/emulator.log" >&2 || true
			fail "the emulator did not announce $last within 30s"
		fi
		while IFS= read -r line; do
			[[ $line == [A-Z]*=* ]] && emulator_vars[${line%%=*}]=${line#*=}
		done <"$dir/emulator.out"
		[[ -n "${emulator_vars[$last]:-}" ]] || sleep 0.1
	done
}
