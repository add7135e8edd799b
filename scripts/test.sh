#!/usr/bin/env bash
# The test suite (`make test`). With no arguments, every step in this
# order; name steps to run only those:
#
#     scripts/test.sh               # unit fuzz acc install modules examples docs
#     scripts/test.sh acc           # what `make testacc` runs
#     POLARDB_TEST_CLI=tofu@1.6.3 scripts/test.sh acc install
#
#   unit      go test -race of every package
#   fuzz      every `func FuzzXxx` for POLARDB_FUZZ_TIME (default 20s; a Go
#             duration, or e.g. 1000x), one target at a time, from its seeds
#             (f.Add and <package>/testdata/fuzz/) and the inputs Go keeps in
#             its cache; a failing input is written to testdata/fuzz, and the
#             step says where: commit it with the fix, as a regression test
#   acc       the acceptance tests (TestAcc*), with the CLI in-process
#   install   internal/installtest: make install, then the release installed
#             from a filesystem mirror, a network mirror and a registry
#   modules   examples/modules/backup-gate, initialised from the release's
#             zip and tested with `terraform test` against the release's
#             emulator: unit tests (mocked provider), then integration
#             tests, once as is and once with the first calls throttled
#   examples  `terraform plan` of the docs' examples against the emulator
#             over HTTPS, then the data source page's again while a backup
#             runs, where they must stop the plan; and TF_LOG=DEBUG still logs
#   docs      docs/ and examples/ are what `make generate` makes of them
#
# The install, modules and examples steps use the release in
# POLARDB_RELEASE_DIR (signed with the key POLARDB_RELEASE_KEY), or else
# build one for this machine's platform with scripts/release.sh, signed
# with a throwaway GPG key. Every `terraform init` installs from a mirror or
# a server on loopback, never from a registry.
#
# Every step runs in a hermetic environment (see hermetic_env in lib.sh): an
# empty HOME, no ALIBABA_CLOUD_*/ALICLOUD_*/POLARDB_ENDPOINT variables and no
# metadata-service lookups, never a cloud account. POLARDB_TEST_CLI picks
# the CLI (scripts/terraform-cli.sh finds or builds it).
#
# GO_TEST_FLAGS adds flags to every go test run (e.g. GO_TEST_FLAGS=-v).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

steps=("$@")
if [[ ${#steps[@]} -eq 0 ]]; then
	steps=(unit fuzz acc install modules examples docs)
fi
for s in "${steps[@]}"; do
	case "$s" in
	unit | fuzz | acc | install | modules | examples | docs) ;;
	*) fail "unknown step '$s' (want unit, fuzz, acc, install, modules, examples or docs)" ;;
	esac
done

# shellcheck disable=SC2206 # word splitting of user-supplied flags is intended
extra_flags=(${GO_TEST_FLAGS:-})

needs_cli=false
for s in "${steps[@]}"; do
	[[ "$s" == unit || "$s" == fuzz ]] || needs_cli=true
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

# fuzz_targets prints "<package dir> <FuzzXxx>" for each fuzz test in the
# module, sorted.
fuzz_targets() {
	local line file name
	grep -rEo --include='*_test.go' --exclude-dir=.git --exclude-dir=testdata --exclude-dir=vendor \
		'^func Fuzz[[:alnum:]_]*\(' . |
		while IFS= read -r line; do
			file=${line%%:*}
			name=${line#*:func }
			printf '%s %s\n' "$(dirname "$file")" "${name%(}"
		done | sort -u
}

# deadline_race LOG: whether a `go test -fuzz` run failed only with the bare
# "context deadline exceeded" that Go's fuzzing coordinator reports when
# -fuzztime ends while a worker is mid-input (golang/go#75804, fixed in Go
# 1.27): no failing input written, nothing else reported.
deadline_race() {
	[[ $(sed -n '/^--- FAIL: /,/^FAIL$/p' "$1" | sed '1d;$d') == "    context deadline exceeded" ]] &&
		! grep -q 'Failing input written' "$1"
}

step_fuzz() {
	local fuzztime=${POLARDB_FUZZ_TIME:-20s}
	local targets=() failed=() line dir name log start status input summary
	while IFS= read -r line; do
		targets+=("$line")
	done < <(fuzz_targets)
	if [[ ${#targets[@]} -eq 0 ]]; then
		say "fuzz: no fuzz tests found"
		return 0
	fi
	say "fuzz: ${#targets[@]} targets, $fuzztime each: go test -run '^\$' -fuzz '^FuzzXxx\$' -fuzztime $fuzztime ./<package>"
	tempdir log
	for line in "${targets[@]}"; do
		dir=${line% *}
		name=${line#* }
		start=$SECONDS
		status=0
		# -fuzzminimizetime: Go minimizes each new interesting input for up
		# to a minute by default, which would take most of a short run.
		go test -run '^$' -fuzz "^$name\$" -fuzztime "$fuzztime" -fuzzminimizetime 5s \
			"${extra_flags[@]+"${extra_flags[@]}"}" "$dir" >"$log/$name.log" 2>&1 || status=$?
		if [[ $status -eq 0 ]] || deadline_race "$log/$name.log"; then
			summary=$(grep -E '^fuzz: elapsed' "$log/$name.log" | tail -n 1 |
				sed -nE 's/.*execs: ([0-9]+) .*new interesting: ([0-9]+) \(total: ([0-9]+)\).*/\1 inputs, \2 new interesting ones (corpus: \3)/p')
			say "fuzz: $name ($dir) passed in $((SECONDS - start))s${summary:+: $summary}"
			[[ $status -eq 0 ]] || say "      (go test then failed with only Go's end-of-run \"context deadline exceeded\", golang/go#75804: no failing input)"
			continue
		fi
		cat "$log/$name.log" >&2
		input=$(sed -nE 's#^[[:space:]]*Failing input written to (testdata/fuzz/[^[:space:]]+)$#\1#p' "$log/$name.log" | tail -n 1)
		if [[ -n "$input" ]]; then
			say "fuzz: $name ($dir) FAILED; the failing input is in ${dir#./}/$input"
			say "      rerun it with: go test -run '^$name\$/^${input##*/}\$' $dir"
			failed+=("$name (${dir#./}/$input)")
		else
			say "fuzz: $name ($dir) FAILED (output above)"
			failed+=("$name")
		fi
	done
	if [[ ${#failed[@]} -gt 0 ]]; then
		fail "fuzzing failed: ${failed[*]}"
	fi
}

step_acc() {
	say "acceptance tests with $POLARDB_TEST_CLI $POLARDB_TEST_CLI_VERSION: TF_ACC=1 go test -count=1 -run '^TestAcc' ./internal/..."
	TF_ACC=1 go test -count=1 -run '^TestAcc' "${extra_flags[@]+"${extra_flags[@]}"}" ./internal/...
}

step_install() {
	release_for_tests
	say "install: $POLARDB_TEST_CLI $POLARDB_TEST_CLI_VERSION installs the provider after make install, and the release in $POLARDB_RELEASE_DIR from a filesystem mirror, a network mirror and a registry"
	go test -count=1 "${extra_flags[@]+"${extra_flags[@]}"}" ./internal/installtest
}

# release_mirror DIR: lays out this machine's zips of the release for the
# tests as a module author's CI would use them: the provider's zip as a
# packed filesystem mirror in DIR/mirror with DIR/cli.tfrc naming it, and
# the emulator unpacked as DIR/polardb-emulator. Sets release_version.
release_version=""
release_mirror() {
	local dir=$1 platform sums host
	release_for_tests
	platform="$(go env GOOS)_$(go env GOARCH)"
	sums=$(cd "$POLARDB_RELEASE_DIR" && echo terraform-provider-polardb_*_SHA256SUMS)
	release_version=${sums#terraform-provider-polardb_}
	release_version=${release_version%_SHA256SUMS}
	for host in registry.terraform.io registry.opentofu.org; do
		mkdir -p "$dir/mirror/$host/polardb-community/polardb"
		cp "$POLARDB_RELEASE_DIR/terraform-provider-polardb_${release_version}_$platform.zip" "$dir/mirror/$host/polardb-community/polardb/"
	done
	mirror_config "$dir/cli.tfrc" "$dir/mirror"
	unzip -q -o "$POLARDB_RELEASE_DIR/polardb-emulator_${release_version}_$platform.zip" polardb-emulator -d "$dir"
}

# examples_copy DIR: copies examples/ to DIR/examples, as init writes a lock
# file next to a configuration, without the working directories and lock
# files a developer's own init left there.
examples_copy() {
	cp -R "$REPO_ROOT/examples" "$1/examples"
	find "$1/examples" \( -name .terraform -o -name .terraform.lock.hcl \) -prune -exec rm -rf {} +
}

# pin_release DIR: makes the configuration in DIR ask for the provider at
# exactly the release's version: Terraform installs a prerelease such as
# 0.1.0-snapshot only when asked for exactly that. An override file adjusts
# an existing required_providers entry; a configuration without one gets
# its own.
pin_release() {
	local file="$1/release_override.tf"
	grep -q required_providers "$1"/*.tf || file="$1/versions.tf"
	printf 'terraform {\n  required_providers {\n    polardb = {\n      source  = "polardb-community/polardb"\n      version = "%s"\n    }\n  }\n}\n' \
		"$release_version" >"$file"
}

# tf_init DIR: `terraform init` in DIR, from the mirror of TF_CLI_CONFIG_FILE.
tf_init() {
	(cd "$1" && "$TF_ACC_TERRAFORM_PATH" init -input=false -no-color >/dev/null) || fail "init failed in $1"
}

step_modules() {
	local tmp start=$SECONDS work
	tempdir tmp
	release_mirror "$tmp"
	examples_copy "$tmp"
	work="$tmp/examples/modules/backup-gate"
	pin_release "$work"
	(
		# The parent's EXIT trap does not run in this subshell; start_emulator
		# stops the emulator it replaces.
		trap stop_emulator EXIT
		export TF_CLI_CONFIG_FILE="$tmp/cli.tfrc" TF_IN_AUTOMATION=1
		say "modules: $POLARDB_TEST_CLI init of examples/modules/backup-gate from the release's zip ($release_version)"
		tf_init "$work"
		cd "$work"

		say "modules: backup-gate unit tests (mocked provider)"
		"$TF_ACC_TERRAFORM_PATH" test -no-color -filter=tests/unit.tftest.hcl -filter=tests/status.tftest.hcl

		# Twice: as is, then with the emulator's first two calls throttled,
		# where the first read waits as asked and retries (the test's
		# provider allows 2 retries).
		local faults
		for faults in "" "--fault throttling --fault-first 2"; do
			# shellcheck disable=SC2086 # the flags are meant to split
			start_emulator "$tmp" POLARDB_ENDPOINT --data tests/emulator-data.json $faults
			say "modules: backup-gate integration tests against the release's emulator${faults:+ ($faults)}"
			POLARDB_ENDPOINT=${emulator_vars[POLARDB_ENDPOINT]} "$TF_ACC_TERRAFORM_PATH" test -no-color -filter=tests/integration.tftest.hcl
		done
	) >&2
	say "modules: passed in $((SECONDS - start))s"
}

# plan_examples: `terraform plan` of each example in the docs (examples/provider,
# examples/data-sources/*, examples/guides/*) as written, against the
# emulator over HTTPS serving scripts/testdata/examples-emulator.json (an
# idle cluster). Sets data_source_work to the data source page's copy.
data_source_work=""
plan_examples() {
	local tmp=$1 dir
	start_tls_emulator "$tmp" examples-emulator.json
	examples_copy "$tmp"
	for dir in "$tmp"/examples/provider "$tmp"/examples/data-sources/* "$tmp"/examples/guides/*; do
		[[ -d "$dir" ]] || continue
		pin_release "$dir"
		[[ "$dir" == */data-sources/polardb_backup_tasks ]] && data_source_work=$dir
		say "examples: $POLARDB_TEST_CLI plan ${dir#"$tmp"/}"
		tf_init "$dir"
		(cd "$dir" && "$TF_ACC_TERRAFORM_PATH" plan -input=false -lock=false -no-color >/dev/null) ||
			fail "the plan of ${dir#"$tmp"/} failed"
	done
	[[ -n "$data_source_work" ]] || fail "no examples/data-sources/polardb_backup_tasks/ to plan"
}

# start_tls_emulator DIR DATA [FLAG...]: the emulator over HTTPS, serving
# scripts/testdata/DATA, with POLARDB_ENDPOINT and SSL_CERT_FILE exported.
start_tls_emulator() {
	start_emulator "$1" SSL_CERT_FILE --data "$REPO_ROOT/scripts/testdata/$2" --tls --cert-out "$1/emulator.pem" "${@:3}"
	export POLARDB_ENDPOINT=${emulator_vars[POLARDB_ENDPOINT]} SSL_CERT_FILE=${emulator_vars[SSL_CERT_FILE]}
}

# debug_log_still_logs: the provider turns the SDKs' logs off when
# Terraform has no TF_LOG* variable (main.go); with TF_LOG they must still
# reach the log.
debug_log_still_logs() {
	local tmp=$1
	say "examples: $POLARDB_TEST_CLI plan with TF_LOG=DEBUG logs the provider's requests"
	(cd "$data_source_work" && TF_LOG=DEBUG TF_LOG_PATH="$tmp/debug.log" "$TF_ACC_TERRAFORM_PATH" plan -input=false -lock=false -no-color >/dev/null) ||
		fail "the plan with TF_LOG=DEBUG failed"
	grep -q '@module=sdk.framework' "$tmp/debug.log" ||
		fail "no terraform-plugin-framework debug logs in a plan with TF_LOG=DEBUG ($tmp/debug.log)"
}

# examples_stop_a_running_backup: the data source page's examples again,
# while a backup of the same cluster runs: the check block warns, and both
# preconditions stop the plan, naming the running task (11111113).
examples_stop_a_running_backup() {
	local tmp=$1 log="$1/plan-running.log" want
	start_tls_emulator "$tmp" examples-running-emulator.json
	say "examples: $POLARDB_TEST_CLI plan examples/data-sources/polardb_backup_tasks while a backup runs (must stop)"
	if (cd "$data_source_work" && "$TF_ACC_TERRAFORM_PATH" plan -input=false -lock=false -no-color) >"$log" 2>&1; then
		cat "$log"
		fail "the data source examples planned without error while a backup was running"
	fi
	for want in "Backup tasks still in progress on pc-bp1example000000001: 11111113 (Uploading, 42%)" \
		"Not resizing while backups run: 11111113." "Not restarting while backups run: 11111113."; do
		grep -qF "$want" <(tr -s ' \n' ' ' <"$log") || {
			cat "$log"
			fail "the plan while a backup runs does not say: $want"
		}
	done
}

# examples_wait_for_the_running_backup: the guides' wait for a quiet
# cluster while a backup that finishes after 3 s runs: the plan waits,
# polling, then goes through.
examples_wait_for_the_running_backup() {
	local tmp=$1 log="$1/plan-wait.log" calls
	start_tls_emulator "$tmp" examples-running-emulator.json --finish-after 3s
	say "examples: $POLARDB_TEST_CLI plan examples/guides/wait-for-a-quiet-cluster while a backup runs for 3s (must wait, then pass)"
	# timeout: a wait that never ends fails here, not at the example's 2h.
	if ! (cd "$tmp/examples/guides/wait-for-a-quiet-cluster" &&
		timeout 120 "$TF_ACC_TERRAFORM_PATH" plan -input=false -lock=false -no-color) >"$log" 2>&1; then
		cat "$log"
		fail "the plan that waits for the running backup failed"
	fi
	calls=$(grep -c 'DescribeBackupTasks' "$tmp/emulator.log" || true)
	((calls >= 2)) || fail "the plan made $calls DescribeBackupTasks calls; it must poll until the backup has finished"
}

step_examples() {
	local tmp start=$SECONDS
	tempdir tmp
	release_mirror "$tmp"
	(
		trap stop_emulator EXIT
		export TF_CLI_CONFIG_FILE="$tmp/cli.tfrc" TF_IN_AUTOMATION=1
		export ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI5tExamplesKey0001 ALIBABA_CLOUD_ACCESS_KEY_SECRET=examples-test-secret
		plan_examples "$tmp"
		debug_log_still_logs "$tmp"
		examples_stop_a_running_backup "$tmp"
		examples_wait_for_the_running_backup "$tmp"
	) >&2
	say "examples: passed in $((SECONDS - start))s"
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
