#!/usr/bin/env bash
# `make generate`: formats examples/ and regenerates docs/ (tools/generate.go).
# tfplugindocs asks a binary called `terraform` for the provider's schema
# and would download one if none were on PATH: so `terraform` is made to be
# the CLI make has chosen (TF_ACC_TERRAFORM_PATH, through tofu-as-terraform for
# OpenTofu), without the caller's CLI configuration, which could change
# the schema's JSON (a dev_overrides warning).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -n ${TF_ACC_TERRAFORM_PATH:-} ]] || { echo "generate.sh: run make generate" >&2; exit 1; }
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
if [[ $POLARDB_TEST_CLI == tofu ]]; then
	ln -s "$PWD/scripts/tofu-as-terraform" "$bin/terraform"
else
	ln -s "$TF_ACC_TERRAFORM_PATH" "$bin/terraform"
fi
cd tools
env -u TF_CLI_ARGS TF_CLI_CONFIG_FILE=/dev/null PATH="$bin:$PATH" go generate ./...
