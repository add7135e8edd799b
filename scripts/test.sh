#!/usr/bin/env bash
# The test suite (`make test`). With no arguments: unit tests, a short fuzzing run of
# every fuzz test, acceptance tests, the example module's `terraform test`
# suites, then the docs check. Name steps to run only those:
#
#     scripts/test.sh            # unit fuzz acc modules docs
#     scripts/test.sh acc        # what `make testacc` runs
#     scripts/test.sh unit docs
#
# The fuzz step finds every `func FuzzXxx` in the module's _test.go files
# and fuzzes each for POLARDB_FUZZ_TIME (default 20s; a Go duration, or
# e.g. 1000x for a number of inputs), one target at a time, each with one
# worker per CPU. Their seed corpora are the f.Add calls and the files
# under <package>/testdata/fuzz/<FuzzXxx>/, which the unit step also runs.
# Inputs found along the way stay in Go's cache (go env GOCACHE), so later
# runs carry on from them; only a failing input is written to testdata/fuzz,
# and the step then says where: commit it with the fix, as a regression test.
#
# The modules step checks `terraform fmt` of examples/, builds the provider
# and the emulator once, and runs `terraform test` in
# examples/modules/backup-gate: the unit tests (mocked provider, no network),
# then the integration tests against the emulator serving
# tests/emulator-data.json on loopback, once as is and once with the first
# calls throttled. The provider comes from a dev_overrides CLI configuration,
# so nothing is installed from a registry; `terraform get` installs the
# module's local submodule (`terraform init` would ask the registry). Last,
# it runs `terraform plan` on the docs' examples (examples/provider,
# examples/data-sources/* and examples/guides/*) against the emulator, then the data source page's
# examples again while a backup runs, where they must stop the plan.
#
# Every step runs in a hermetic environment (see hermetic_env in lib.sh): an
# empty HOME, no ALIBABA_CLOUD_*/ALICLOUD_*/POLARDB_ENDPOINT variables and no
# metadata-service lookups. Acceptance tests run against in-process fakes and
# need only a Terraform or OpenTofu binary (scripts/terraform-cli.sh finds or
# builds one), never a cloud account.
#
# GO_TEST_FLAGS adds flags to every go test run (e.g. GO_TEST_FLAGS=-v).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

steps=("$@")
if [[ ${#steps[@]} -eq 0 ]]; then
	steps=(unit fuzz acc modules docs)
fi
for s in "${steps[@]}"; do
	case "$s" in
	unit | fuzz | acc | modules | docs) ;;
	*) fail "unknown step '$s' (want unit, fuzz, acc, modules or docs)" ;;
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

step_modules() {
	local module="$REPO_ROOT/examples/modules/backup-gate" tmp tf=$TF_ACC_TERRAFORM_PATH start=$SECONDS
	say "modules: $POLARDB_TEST_CLI fmt -check -recursive examples"
	"$tf" fmt -check -recursive -diff "$REPO_ROOT/examples" >&2 ||
		fail "examples/ is not formatted: run 'make fmt' (or 'make generate')"

	tempdir tmp
	build_plugins "$tmp"
	local color=()
	[[ -t 2 ]] || color=(-no-color)
	(
		# The parent's EXIT trap does not run in this subshell; start_emulator
		# stops the emulator it replaces.
		trap stop_emulator EXIT
		cd "$module"
		export TF_CLI_CONFIG_FILE="$tmp/cli.tfrc" TF_DATA_DIR="$tmp/tfdata" TF_IN_AUTOMATION=1
		"$tf" get "${color[@]+"${color[@]}"}" >/dev/null

		say "modules: backup-gate unit tests (mocked provider)"
		"$tf" test "${color[@]+"${color[@]}"}" -filter=tests/unit.tftest.hcl -filter=tests/status.tftest.hcl

		# Twice: as is, then with the emulator's first two calls throttled,
		# where the first read waits as asked and retries (the test's
		# provider allows 2 retries).
		local faults
		for faults in "" "--fault throttling --fault-first 2"; do
			# shellcheck disable=SC2086 # the flags are meant to split
			start_emulator "$tmp" POLARDB_ENDPOINT --data tests/emulator-data.json $faults
			say "modules: backup-gate integration tests against the emulator${faults:+ ($faults)}"
			POLARDB_ENDPOINT=${emulator_vars[POLARDB_ENDPOINT]} "$tf" test "${color[@]+"${color[@]}"}" -filter=tests/integration.tftest.hcl
		done

		# The docs' examples, planned as written against the emulator over
		# HTTPS (scripts/testdata/examples-emulator.json: an idle cluster).
		# The data source examples, which name no provider source, are
		# copied next to a required_providers block; the guides run in place.
		start_tls_emulator() {
			start_emulator "$tmp" SSL_CERT_FILE --data "$REPO_ROOT/scripts/testdata/$1" --tls --cert-out "$tmp/emulator.pem"
			export POLARDB_ENDPOINT=${emulator_vars[POLARDB_ENDPOINT]} SSL_CERT_FILE=${emulator_vars[SSL_CERT_FILE]}
		}
		start_tls_emulator examples-emulator.json
		export ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI5tExamplesKey0001 ALIBABA_CLOUD_ACCESS_KEY_SECRET=examples-test-secret
		local dir work data_source_work="" data_source_tfdata=""
		for dir in "$REPO_ROOT"/examples/provider/ "$REPO_ROOT"/examples/data-sources/*/ "$REPO_ROOT"/examples/guides/*/; do
			work=$dir
			if ! grep -q required_providers "$dir"*.tf; then
				work=$(mktemp -d "$tmp/example.XXXXXX")
				cp -R "$dir". "$work/"
				printf 'terraform {\n  required_providers {\n    polardb = { source = "polardb-community/polardb" }\n  }\n}\n' >"$work/versions.tf"
			fi
			export TF_DATA_DIR="$tmp/tfdata-$(basename "$dir")"
			[[ "$dir" == */data-sources/polardb_backup_tasks/ ]] && data_source_work=$work data_source_tfdata=$TF_DATA_DIR
			say "modules: $POLARDB_TEST_CLI plan ${dir#"$REPO_ROOT"/}"
			cd "$work"
			"$tf" get "${color[@]+"${color[@]}"}" >/dev/null
			"$tf" plan -input=false -lock=false "${color[@]+"${color[@]}"}" >/dev/null
		done
		export TF_DATA_DIR=$data_source_tfdata
		[[ -n "$data_source_work" ]] || fail "no examples/data-sources/polardb_backup_tasks/ to plan"

		# The provider turns the SDKs' logs off when Terraform has no TF_LOG*
		# variable (main.go); with TF_LOG they must still reach the log.
		say "modules: $POLARDB_TEST_CLI plan with TF_LOG=DEBUG logs the provider's requests"
		cd "$data_source_work"
		TF_LOG=DEBUG TF_LOG_PATH="$tmp/debug.log" "$tf" plan -input=false -lock=false -no-color >/dev/null
		grep -q '@module=sdk.framework' "$tmp/debug.log" ||
			fail "no terraform-plugin-framework debug logs in a plan with TF_LOG=DEBUG ($tmp/debug.log)"

		# The data source page's examples again, while a backup of the same
		# cluster runs: the check block warns, and both preconditions stop
		# the plan, naming the running task (11111113).
		start_tls_emulator examples-running-emulator.json
		say "modules: $POLARDB_TEST_CLI plan examples/data-sources/polardb_backup_tasks while a backup runs (must stop)"
		cd "$data_source_work"
		local log="$tmp/plan-running.log" want
		if "$tf" plan -input=false -lock=false -no-color >"$log" 2>&1; then
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
	) >&2
	say "modules: passed in $((SECONDS - start))s"
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
