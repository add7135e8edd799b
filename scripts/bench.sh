#!/usr/bin/env bash
# `make bench`: the Go benchmarks (client round trip, decoding and state at
# 10, 1,000 and 10,000 tasks), then internal/planbench: plan scaling against
# the emulator command over HTTPS, throttled scale, binary size and start-up
# time, with the release binary. Goals are checked here, never by timed
# tests. BENCH_REPEAT sets how many runs each plan cell's median is taken
# over (default 3), BENCH_COUNT the -count of the Go benchmarks (default 3).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

select_cli # before hermetic_env: the OpenTofu cache lives under the real HOME
hermetic_env

say "Go benchmarks"
go test -run '^$' -bench . -benchmem -count "${BENCH_COUNT:-3}" ./internal/...

tmp=""
tempdir tmp
build_plugins "$tmp" --release
go build -o "$tmp/planbench" ./internal/planbench
say "plan scaling with $POLARDB_TEST_CLI $POLARDB_TEST_CLI_VERSION"
TF_CLI_CONFIG_FILE="$tmp/cli.tfrc" "$tmp/planbench" "$TF_ACC_TERRAFORM_PATH" "$(echo "$tmp"/plugins/registry.terraform.io/polardb-community/polardb/*/*/terraform-provider-polardb_v*)" "$tmp/polardb-emulator"
