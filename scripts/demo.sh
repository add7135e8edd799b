#!/usr/bin/env bash
# `make demo`: builds the provider and the PolarDB emulator, starts the
# emulator on a free loopback port, and runs examples/demo/main.tf against it
# with `terraform init` and `terraform apply` (or OpenTofu), printing the
# backup tasks of the sample cluster pc-2zedemo0000000001. The provider is
# installed from a local mirror, as make install would install it, so init
# locks it like any provider. Nothing is left behind: the emulator is
# stopped and the temp dir removed on every exit path.
#
# No cloud account is used: the emulator hands out its own demo credentials,
# and everything stays on 127.0.0.1.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

select_cli # before hermetic_env: the OpenTofu cache lives under the real HOME
tf=$TF_ACC_TERRAFORM_PATH

# Go's caches are pinned before HOME moves; the user's cloud credentials and
# Terraform settings stay out of the demo.
hermetic_env

tmp=""
tempdir tmp
mkdir -p "$tmp/work"
build_plugins "$tmp"

say "starting the emulator on 127.0.0.1"
start_emulator "$tmp" ALIBABA_CLOUD_ACCESS_KEY_SECRET
endpoint=${emulator_vars[POLARDB_ENDPOINT]}
say "emulator listening on $endpoint (pid $emulator_pid)"

cp examples/demo/main.tf "$tmp/work/main.tf"

color=()
[[ -t 1 ]] || color=(-no-color)

say "$POLARDB_TEST_CLI $POLARDB_TEST_CLI_VERSION apply in $tmp/work"
(
	cd "$tmp/work"
	export TF_CLI_CONFIG_FILE="$tmp/cli.tfrc"
	export TF_IN_AUTOMATION=1
	export POLARDB_ENDPOINT="$endpoint"
	export ALIBABA_CLOUD_ACCESS_KEY_ID="${emulator_vars[ALIBABA_CLOUD_ACCESS_KEY_ID]}"
	export ALIBABA_CLOUD_ACCESS_KEY_SECRET="${emulator_vars[ALIBABA_CLOUD_ACCESS_KEY_SECRET]}"
	"$tf" init -input=false "${color[@]+"${color[@]}"}"
	"$tf" apply -auto-approve -input=false "${color[@]+"${color[@]}"}"
)
say "demo finished"
stop_emulator
say "emulator stopped"
