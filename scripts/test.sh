#!/usr/bin/env bash
# Runs what CI runs. With no arguments: unit tests, acceptance tests, then the
# docs check. Name steps to run only those:
#
#     scripts/test.sh            # unit acc docs
#     scripts/test.sh acc        # what `make testacc` runs
#     scripts/test.sh unit docs
#
# Every step runs in a hermetic environment (see hermetic_env in lib.sh): an
# empty HOME, no ALIBABA_CLOUD_*/ALICLOUD_*/POLARDB_ENDPOINT variables and no
# metadata-service lookups. Acceptance tests run against in-process fakes and
# need only a Terraform or OpenTofu binary (scripts/terraform-cli.sh finds or
# builds one), never a cloud account.
#
# GO_TEST_FLAGS adds flags to both go test runs (e.g. GO_TEST_FLAGS=-v).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

steps=("$@")
if [[ ${#steps[@]} -eq 0 ]]; then
	steps=(unit acc docs)
fi
for s in "${steps[@]}"; do
	case "$s" in
	unit | acc | docs) ;;
	*) fail "unknown step '$s' (want unit, acc or docs)" ;;
	esac
done

# shellcheck disable=SC2206 # word splitting of user-supplied flags is intended
extra_flags=(${GO_TEST_FLAGS:-})

needs_cli=false
for s in "${steps[@]}"; do
	[[ "$s" == unit ]] || needs_cli=true
done
if $needs_cli; then
	select_cli # before hermetic_env: the OpenTofu cache lives under the real HOME
fi
hermetic_env

step_unit() {
	local race=(-race)
	if [[ "$(go env CGO_ENABLED)" != 1 ]] || ! command -v "$(go env CC)" >/dev/null 2>&1; then
		say "no cgo toolchain: running unit tests without -race"
		race=()
	fi
	say "unit tests: go test ${race[*]} -count=1 ./..."
	go test "${race[@]}" -count=1 "${extra_flags[@]+"${extra_flags[@]}"}" ./...
}

step_acc() {
	say "acceptance tests with $POLARDB_TEST_CLI $POLARDB_TEST_CLI_VERSION: TF_ACC=1 go test -count=1 -run '^TestAcc' ./internal/..."
	TF_ACC=1 go test -count=1 -run '^TestAcc' "${extra_flags[@]+"${extra_flags[@]}"}" ./internal/...
}

step_docs() {
	say "docs check: regenerating docs/ and formatting examples/"
	local log
	tempdir log
	if ! "$REPO_ROOT/scripts/generate.sh" >"$log/generate.log" 2>&1; then
		cat "$log/generate.log" >&2
		fail "docs generation failed (output above): fix it, then run 'make generate'"
	fi
	if ! git -C "$REPO_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		say "not a git work tree: skipping the check for uncommitted docs changes"
		return 0
	fi
	local changes
	changes=$(git -C "$REPO_ROOT" status --porcelain -- docs/ examples/)
	if [[ -n "$changes" ]]; then
		printf '%s\n' "$changes" >&2
		git -C "$REPO_ROOT" --no-pager diff --stat -- docs/ examples/ >&2 || true
		git -C "$REPO_ROOT" --no-pager diff -- docs/ examples/ | head -n 200 >&2 || true
		fail "docs/ or examples/ are out of date with the code: run 'make generate' and commit docs/ and examples/"
	fi
	say "docs/ and examples/ are up to date"
}

for s in "${steps[@]}"; do
	"step_$s"
done
say "all steps passed: ${steps[*]}"
