# shellcheck shell=bash
# Helpers sourced by the other scripts in this directory. Not meant to be run.

# Repository root, whatever the caller's working directory.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Build with the toolchain go.mod names, as the GNUmakefile explains: what
# the scripts build (the release among it) must have its fixes.
export GOTOOLCHAIN=auto

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

# tempdir VAR: makes a directory that is removed on exit and stores its path
# in VAR (any name but "dir", which is tempdir's own).
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
# found): a link to Terraform, or for OpenTofu to scripts/tofu-as-terraform,
# which bridges what tfplugindocs expects of Terraform.
cli_on_path() {
	local bindir
	tempdir bindir
	if [[ "${POLARDB_TEST_CLI:-terraform}" != tofu ]]; then
		ln -s "$TF_ACC_TERRAFORM_PATH" "$bindir/terraform"
	else
		ln -s "$REPO_ROOT/scripts/tofu-as-terraform" "$bindir/terraform"
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

# build_plugins DIR [--release]: builds the provider at the version
# scripts/version.sh gives (with --release, as the release is built:
# -trimpath -ldflags "-s -w") and the emulator into DIR. The provider goes
# into DIR/plugins laid out as make install lays out ~/.terraform.d/plugins,
# an unpacked filesystem mirror, for both CLIs' registry hosts; DIR/cli.tfrc
# is a CLI configuration that installs providers from that mirror only, so
# that `terraform init` installs and locks it as a user's would, and never
# asks a registry.
build_plugins() {
	local dir=$1 version platform ldflags flags=()
	version=$("$REPO_ROOT/scripts/version.sh")
	platform="$(go env GOOS)_$(go env GOARCH)"
	ldflags="-X main.version=$version"
	if [[ "${2:-}" == --release ]]; then
		flags=(-trimpath)
		ldflags="-s -w $ldflags"
	fi
	say "building the provider $version${2:+ (as released)} and the emulator"
	local bin=terraform-provider-polardb_v$version host first=""
	for host in registry.terraform.io registry.opentofu.org; do
		local pkg="$dir/plugins/$host/polardb-community/polardb/$version/$platform"
		mkdir -p "$pkg"
		if [[ -z "$first" ]]; then
			(cd "$REPO_ROOT" && go build "${flags[@]+"${flags[@]}"}" -ldflags "$ldflags" -o "$pkg/$bin" .) || fail "build failed"
			first="$pkg/$bin"
		else
			cp "$first" "$pkg/$bin"
		fi
	done
	(cd "$REPO_ROOT" && go build -o "$dir/polardb-emulator" ./internal/emulator/cmd/polardb-emulator) || fail "build failed"
	mirror_config "$dir/cli.tfrc" "$dir/plugins"
}

# mirror_config FILE MIRROR: writes FILE, a CLI configuration that installs
# every provider from the filesystem mirror MIRROR and from nowhere else.
mirror_config() {
	cat >"$1" <<EOT
# Written by scripts/lib.sh: providers come from this mirror only.
provider_installation {
  filesystem_mirror {
    path = "$2"
  }
}
EOT
}

# throwaway_gpg_key DIR: makes a GPG keyring in DIR with one new signing
# key, for signing a release in tests. Exports GNUPGHOME and
# GPG_FINGERPRINT, and writes the public key, armored, to DIR/key.asc.
throwaway_gpg_key() {
	command -v gpg >/dev/null 2>&1 || fail "gpg is needed to sign the release (Debian: apt-get install gnupg)"
	mkdir -p "$1"
	chmod 700 "$1"
	export GNUPGHOME=$1
	on_exit stop_gpg_agent
	gpg --batch --quiet --passphrase '' --quick-gen-key "terraform-provider-polardb test release <release@localhost.invalid>" rsa4096 sign never ||
		fail "could not make a GPG key"
	GPG_FINGERPRINT=$(gpg --batch --with-colons --list-secret-keys | awk -F: '$1 == "fpr" { print $10; exit }')
	export GPG_FINGERPRINT
	gpg --batch --armor --export "$GPG_FINGERPRINT" >"$1/key.asc"
}
stop_gpg_agent() { [[ -z "${GNUPGHOME:-}" ]] || gpgconf --kill gpg-agent 2>/dev/null || true; }

# release_for_tests: the release the install and modules steps install
# from: POLARDB_RELEASE_DIR (with POLARDB_RELEASE_KEY, the public key that
# signed it) if set, else one built now for this machine's platform only
# and signed with a throwaway key, and exported so.
release_for_tests() {
	if [[ -n "${POLARDB_RELEASE_DIR:-}" ]]; then
		[[ -f "${POLARDB_RELEASE_KEY:-}" ]] || fail "POLARDB_RELEASE_DIR is set, but POLARDB_RELEASE_KEY names no public key file"
		return 0
	fi
	local work
	tempdir work
	throwaway_gpg_key "$work/gnupg"
	"$REPO_ROOT/scripts/release.sh" --host --dist "$work/dist" || fail "the release build failed"
	export POLARDB_RELEASE_DIR=$work/dist POLARDB_RELEASE_KEY=$work/gnupg/key.asc
}

# start_emulator DIR LAST [FLAG...]: starts DIR/polardb-emulator on a free
# loopback port, with FLAGs, and waits until it has
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
