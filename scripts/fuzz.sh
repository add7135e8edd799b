#!/usr/bin/env bash
# `make fuzz`: each `func FuzzXxx` of the module for FUZZTIME ($1: a Go
# duration, or e.g. 1000x), one target at a time, from its seeds (f.Add and
# <package>/testdata/fuzz/) and the inputs Go keeps in its cache. A failing
# input is written to <package>/testdata/fuzz: commit it with the fix.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
fuzztime=${1:-20s} failed=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT
while read -r dir name; do
	# -fuzzminimizetime: Go minimizes each new input for a minute by default.
	if go test -run '^$' -fuzz "^$name\$" -fuzztime "$fuzztime" -fuzzminimizetime 5s "$dir" >"$log" 2>&1; then
		echo "fuzz: $name ($dir) passed: $(grep -Eo 'execs: [0-9]+' "$log" | tail -n 1)"
	# Go's coordinator may end a run that had no failure with a bare
	# "context deadline exceeded" (golang/go#75804, fixed in Go 1.27).
	elif [[ $(sed -n '/^--- FAIL: /,/^FAIL$/p' "$log" | sed '1d;$d') == "    context deadline exceeded" ]] &&
		! grep -q 'Failing input written' "$log"; then
		echo "fuzz: $name ($dir) passed (then Go's end-of-run race, golang/go#75804: no failing input)"
	else
		cat "$log"
		input=$(sed -nE 's#^[[:space:]]*Failing input written to (testdata/fuzz/[^[:space:]]+)$#\1#p' "$log" | tail -n 1)
		failed+=("$name ($dir${input:+: rerun with go test -run '^$name/${input##*/}\$' $dir})")
	fi
done < <(grep -rEo --include='*_test.go' --exclude-dir=testdata '^func Fuzz[[:alnum:]_]*\(' internal |
	sed -E 's#^(.*)/[^/]+:func (Fuzz[[:alnum:]_]*)\($#./\1 \2#' | sort -u)
if [[ ${#failed[@]} -gt 0 ]]; then
	echo "fuzzing failed: ${failed[*]}" >&2
	exit 1
fi
