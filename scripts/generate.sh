#!/usr/bin/env bash
# `make generate`: formats examples/ and regenerates docs/ (tools/generate.go).
# tfplugindocs asks a binary called `terraform` for the provider's schema
# and would download one if none were on PATH: so `terraform` is made to be
# the CLI make has chosen (TF_ACC_TERRAFORM_PATH), without the caller's CLI
# configuration, which could change the schema's JSON (a dev_overrides
# warning). Only Terraform 1.14 and later show it the action: with an older
# CLI or OpenTofu the action's page would silently go, so the Terraform that
# scripts/terraform-cli.sh found for actions (POLARDB_ACTIONS_CLI_PATH, from
# the shared tools) stands in for such a CLI, as this says.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -n ${TF_ACC_TERRAFORM_PATH:-} ]] || { echo "generate.sh: run make generate" >&2; exit 1; }
cli=${POLARDB_ACTIONS_CLI_PATH:-}
if [[ -z $cli ]]; then
	echo "generate.sh: the docs need Terraform 1.14 or later, which shows tfplugindocs the action; this is $POLARDB_TEST_CLI $POLARDB_TEST_CLI_VERSION." >&2
	echo "generate.sh: put one on PATH, or terraform-1.15.9.gz in ../shared/tools (POLARDB_SHARED_TOOLS) for make to unpack." >&2
	exit 1
fi
if [[ $cli != "$TF_ACC_TERRAFORM_PATH" ]]; then
	echo "generate.sh: using Terraform $POLARDB_ACTIONS_CLI_VERSION from the shared tools: the docs need Terraform 1.14 or later, which shows tfplugindocs the action, and the CLI under test is $POLARDB_TEST_CLI $POLARDB_TEST_CLI_VERSION" >&2
fi
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
ln -s "$cli" "$bin/terraform"
cd tools
env -u TF_CLI_ARGS TF_CLI_CONFIG_FILE=/dev/null PATH="$bin:$PATH" go generate ./...
