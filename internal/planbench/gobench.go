package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
)

// The goals of the Go benchmarks, on the medians of their counts.
const (
	// readCPUGoal is the CPU a read of 10 tasks may cost beyond the HTTP
	// round trip, in ms: the client's signing, request building, envelope
	// check and decoding, and building the state.
	readCPUGoal = 1
	// stateTimeGoal and stateMemoryGoal are the time (ms) and the memory
	// allocated (MiB) to decode 10,000 tasks and build their state.
	stateTimeGoal, stateMemoryGoal = 50, 64
	// backupsStateGoal is the time (ms) to decode 10,000 backups and build
	// their state.
	backupsStateGoal = 100
	// pagingGoal bounds a read of 1,000 backups over ten pages, in
	// round-trip latencies: the first page, then the others together.
	pagingGoal = 3
	// recoveryGoal bounds what an API answering each call in 1 s adds to a
	// read of polardb_recovery_window, in seconds: its three calls go out
	// together, one round trip.
	recoveryGoal = 1.5
)

// The benchmarks the goals are computed from, named without their
// -GOMAXPROCS suffix.
const (
	// clientBench is a read by the client (internal/polardb) of a canned
	// answer of 10 tasks, and roundTripBench a bare HTTP POST receiving the
	// same answer; both report cpu-ns/op.
	clientBench, roundTripBench = "BenchmarkDescribeBackupTasks/canned/10", "BenchmarkRoundTrip"
	// stateBench and wireBench, followed by a number of tasks, decode an
	// answer and build its state, then encode that for Terraform
	// (internal/provider).
	stateBench, wireBench = "BenchmarkConvert/decode+state/", "BenchmarkConvert/wire/"
	// decodeBackupsBench decodes 10,000 backups in pages of 100, as the
	// client does, in the documented shape or with numbers for strings;
	// backupsStateBench builds their state. pagingBench reads 1,000 backups
	// from an API answering in 200 ms, reporting latencies/op.
	decodeBackupsBench, backupsStateBench = "BenchmarkDecodeBackups/", "BenchmarkBackupsState/10000"
	pagingBench                           = "BenchmarkDescribeAllBackups/1000-at-200ms"
	// recoveryBench reads polardb_recovery_window from an API answering
	// each call in 1 s and at once, reporting the difference (extra-s/op).
	recoveryBench = "BenchmarkRecoveryWindowRead/at-1s"
)

// goBenchmarks runs the Go benchmarks count times, shows their output,
// and checks the goals on the medians of the counts.
func goBenchmarks(count int) bool {
	fmt.Printf("## Go benchmarks (-count %d)\n\n```\n", count)
	var out bytes.Buffer
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", ".", "-benchmem", "-count", strconv.Itoa(count), "./internal/...")
	cmd.Stdout, cmd.Stderr = io.MultiWriter(os.Stdout, &out), os.Stderr
	testErr := cmd.Run()
	fmt.Println("```")
	r := parseBenchmarks(out.String())

	client, clientErr := r.median(clientBench, "cpu-ns/op")
	trip, tripErr := r.median(roundTripBench, "cpu-ns/op")
	state10, state10Err := r.median(stateBench+"10", "ns/op")
	state, stateErr := r.median(stateBench+"10000", "ns/op")
	stateBytes, stateBytesErr := r.median(stateBench+"10000", "B/op")
	wire, wireErr := r.median(wireBench+"10000", "ns/op")
	decodeDocumented, decodeDocumentedErr := r.median(decodeBackupsBench+"documented/100x100", "ns/op")
	decodeNumbers, decodeNumbersErr := r.median(decodeBackupsBench+"numbers/100x100", "ns/op")
	backupsState, backupsStateErr := r.median(backupsStateBench, "ns/op")
	paging, pagingErr := r.median(pagingBench, "latencies/op")
	recovery, recoveryErr := r.median(recoveryBench, "extra-s/op")
	fmt.Printf("\nMedians of the %d counts:\n\n", count)
	ok := table([]row{
		{measure: fmt.Sprintf("CPU per read beyond the HTTP round trip, 10 tasks (client %.0f µs − round trip %.0f µs + decode and state %.0f µs)",
			client/1e3, trip/1e3, state10/1e3),
			figure: (client - trip + state10) / 1e6, err: errors.Join(clientErr, tripErr, state10Err), below: readCPUGoal, unit: "ms"},
		{measure: "decode and build the state of 10,000 tasks", figure: state / 1e6, err: stateErr, below: stateTimeGoal, unit: "ms"},
		{measure: "… memory allocated", figure: stateBytes / (1 << 20), err: stateBytesErr, below: stateMemoryGoal, unit: "MiB"},
		{measure: "… then the framework's encoding for Terraform (terraform-plugin-go, msgpack)", figure: wire / 1e6, err: wireErr, unit: "ms"},
		{measure: fmt.Sprintf("decode 10,000 backups in pages of 100 (%.0f ms) and build their state (%.0f ms)", decodeDocumented/1e6, backupsState/1e6),
			figure: (decodeDocumented + backupsState) / 1e6, err: errors.Join(decodeDocumentedErr, backupsStateErr), below: backupsStateGoal, unit: "ms"},
		{measure: "… with numbers where the API documents strings", figure: (decodeNumbers + backupsState) / 1e6,
			err: errors.Join(decodeNumbersErr, backupsStateErr), unit: "ms"},
		{measure: "read 1,000 backups in pages of 100 from an API answering in 200 ms", figure: paging, err: pagingErr, below: pagingGoal, unit: "latencies"},
		{measure: "what an API answering in 1 s adds to a read of polardb_recovery_window (three calls)", figure: recovery, err: recoveryErr,
			below: recoveryGoal, unit: "s"},
	})
	if testErr != nil {
		fmt.Fprintln(os.Stderr, "go test:", testErr)
		fmt.Println("\nThe Go benchmarks failed: see stderr.")
		return false
	}
	return ok
}

// results are the figures of benchmark result lines: by benchmark, then
// by unit (ns/op, B/op, cpu-ns/op, ...), one per count.
type results map[string]map[string][]float64

// parseBenchmarks reads the result lines of go test -bench's output:
// "BenchmarkName/sub-2  1000  1234 ns/op  56 B/op ...".
func parseBenchmarks(out string) results {
	r := results{}
	for line := range strings.Lines(out) {
		fields := strings.Fields(line)
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(fields[1]); err != nil { // the iterations
			continue
		}
		name := fields[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		if r[name] == nil {
			r[name] = map[string][]float64{}
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				break
			}
			r[name][fields[i+1]] = append(r[name][fields[i+1]], v)
		}
	}
	return r
}

// median is the median of benchmark name's figures in unit.
func (r results) median(name, unit string) (float64, error) {
	values := slices.Sorted(slices.Values(r[name][unit]))
	if len(values) == 0 {
		return 0, fmt.Errorf("no %s figure from %s", unit, name)
	}
	return values[len(values)/2], nil
}
