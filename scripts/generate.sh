#!/usr/bin/env bash
# Formats examples/ and regenerates docs/ from the provider schema, templates/
# and examples/ with tfplugindocs (pinned in tools/go.mod). What `make generate`
# runs; the docs check in scripts/test.sh runs it too.
#
# tfplugindocs compiles the provider and asks a binary called `terraform` for
# its schema; when no terraform exists it would download one. So `terraform`
# on PATH is made to be the CLI chosen by scripts/terraform-cli.sh, a symlink
# to OpenTofu when that is what we have.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ -z "${TF_ACC_TERRAFORM_PATH:-}" || -z "${POLARDB_TEST_CLI:-}" ]]; then
	select_cli # before hermetic_env: the OpenTofu cache lives under the real HOME
fi
# The caller's CLI configuration (a dev_overrides file, say, or a
# TF_CLI_CONFIG_FILE naming a missing file, whose warning would land in the
# schema JSON) must not change the docs.
hermetic_env
cli_on_path

cd "$REPO_ROOT/tools"
say "go generate ./... (tools/generate.go) with $POLARDB_TEST_CLI $POLARDB_TEST_CLI_VERSION"
go generate ./...
