#!/usr/bin/env bash
# `make bench`: the Go benchmarks (client round trip, decoding and state at
# 10, 1,000 and 10,000 tasks), then internal/planbench: plan scaling against
# the emulator over HTTPS, throttled scale, binary size and start-up time.
# Goals are checked here, never by timed tests. BENCH_REPEAT sets how many
# runs each plan cell's median is taken over (default 3).
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
say "building the release binary (-trimpath -ldflags \"-s -w\")"
go build -trimpath -ldflags "-s -w" -o "$tmp/terraform-provider-polardb" .
say "plan scaling with $POLARDB_TEST_CLI $POLARDB_TEST_CLI_VERSION"
go run ./internal/planbench "$TF_ACC_TERRAFORM_PATH" "$tmp/terraform-provider-polardb"
