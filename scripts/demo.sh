#!/usr/bin/env bash
# `make demo`: builds the provider and the PolarDB emulator, starts the
# emulator on a free loopback port, and runs examples/demo/main.tf against it
# with `terraform apply` (or OpenTofu), printing the backup tasks of the
# sample cluster pc-2zedemo0000000001. Nothing is left behind: the emulator
# is stopped and the temp dir removed on every exit path.
#
# No cloud account is used: the emulator hands out its own demo credentials,
# and everything stays on 127.0.0.1.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

STARTUP_TIMEOUT=${DEMO_STARTUP_TIMEOUT:-30} # seconds to wait for the emulator

select_cli # before hermetic_env: the OpenTofu cache lives under the real HOME
tf=$TF_ACC_TERRAFORM_PATH

# Go's caches are pinned before HOME moves; the user's cloud credentials and
# Terraform settings stay out of the demo.
hermetic_env

tmp=""
tempdir tmp
mkdir -p "$tmp/plugins" "$tmp/work"

say "building the provider"
go build -o "$tmp/plugins/terraform-provider-polardb" .
say "building the emulator"
go build -o "$tmp/polardb-emulator" ./internal/emulator/cmd/polardb-emulator

emulator_pid=""
stop_emulator() {
	if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
		kill "$emulator_pid" 2>/dev/null || true
		wait "$emulator_pid" 2>/dev/null || true
		say "emulator stopped"
	fi
	emulator_pid=""
}
on_exit stop_emulator

say "starting the emulator on 127.0.0.1"
: >"$tmp/emulator.out" # exists before the background job opens it
"$tmp/polardb-emulator" --listen 127.0.0.1:0 >"$tmp/emulator.out" 2>"$tmp/emulator.log" &
emulator_pid=$!

# The emulator announces itself on stdout, one VAR=value a line:
# POLARDB_ENDPOINT first, then the demo access key pair.
endpoint="" key_id="" key_secret=""
deadline=$((SECONDS + STARTUP_TIMEOUT))
while [[ -z "$endpoint" || -z "$key_id" || -z "$key_secret" ]]; do
	if ! kill -0 "$emulator_pid" 2>/dev/null; then
		cat "$tmp/emulator.log" >&2 || true
		emulator_pid=""
		fail "the emulator exited before announcing its endpoint"
	fi
	if ((SECONDS >= deadline)); then
		cat "$tmp/emulator.log" >&2 || true
		fail "the emulator did not announce POLARDB_ENDPOINT and credentials within ${STARTUP_TIMEOUT}s"
	fi
	while IFS= read -r line; do
		case "$line" in
		POLARDB_ENDPOINT=*) endpoint=${line#*=} ;;
		ALIBABA_CLOUD_ACCESS_KEY_ID=*) key_id=${line#*=} ;;
		ALIBABA_CLOUD_ACCESS_KEY_SECRET=*) key_secret=${line#*=} ;;
		esac
	done <"$tmp/emulator.out"
	[[ -n "$endpoint" && -n "$key_id" && -n "$key_secret" ]] || sleep 0.1
done
say "emulator listening on $endpoint (pid $emulator_pid)"

cat >"$tmp/cli.tfrc" <<EOF
# Written by scripts/demo.sh: use the provider just built, skip the registry.
provider_installation {
  dev_overrides {
    "registry.terraform.io/polardb-community/polardb" = "$tmp/plugins"
  }
  direct {}
}
EOF
cp examples/demo/main.tf "$tmp/work/main.tf"

color=()
[[ -t 1 ]] || color=(-no-color)

say "$POLARDB_TEST_CLI $POLARDB_TEST_CLI_VERSION apply in $tmp/work"
(
	cd "$tmp/work"
	export TF_CLI_CONFIG_FILE="$tmp/cli.tfrc"
	export TF_IN_AUTOMATION=1
	export POLARDB_ENDPOINT="$endpoint"
	export ALIBABA_CLOUD_ACCESS_KEY_ID="$key_id"
	export ALIBABA_CLOUD_ACCESS_KEY_SECRET="$key_secret"
	"$tf" apply -auto-approve -input=false "${color[@]+"${color[@]}"}"
)
say "demo finished"
