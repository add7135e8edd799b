// Command planbench measures what the provider costs a Terraform plan at
// scale, against the PolarDB emulator command over HTTPS on loopback:
//
//   - plan scaling: N polardb_backup_tasks reads (of N clusters, so that
//     no two share a call) with API latency L, against
//     the bound plan(N, L) − plan(N, 0) ≤ 1.1 × ⌈N/10⌉ × L that Terraform's
//     parallelism of 10 allows, with the TCP connections, TLS handshakes and
//     requests the emulator counted (--stats; a fresh emulator per plan);
//   - throttled scale: 200 reads against an API that accepts 20 calls a
//     second, within 1.3 × the 10 s the limit allows;
//   - identical reads: 50 reads of one cluster with the same filters at
//     500 ms latency, which share calls in flight: at most 2 × ⌈N/10⌉
//     calls, the plan time beside it;
//   - the release binary's size, and its start-up time: to the plugin
//     handshake, and to its schema served over gRPC.
//
// Usage: planbench TERRAFORM PROVIDER_BINARY EMULATOR_BINARY, with
// TF_CLI_CONFIG_FILE naming a CLI configuration whose filesystem mirror
// holds PROVIDER_BINARY: each plan's working directory is initialised from
// it first, as a user's is, and only the plan is timed. It prints markdown tables and exits 1 when a goal is
// missed, after printing them all. Run it with `make bench`
// (scripts/bench.sh), which chooses the CLI, builds both binaries and writes
// that configuration. Each cell is the median of BENCH_REPEAT runs
// (default 3).
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
)

const (
	keyID, secret  = "LTAI5tPlanBench00001", "plan-bench-secret"
	clusters       = 200 // one per read of the largest plan
	parallelism    = 10  // Terraform's default
	maxConnections = 2 * parallelism
)

func main() {
	if len(os.Args) != 4 || os.Getenv("TF_CLI_CONFIG_FILE") == "" {
		fmt.Fprintln(os.Stderr, "usage: TF_CLI_CONFIG_FILE=cli.tfrc planbench TERRAFORM PROVIDER_BINARY EMULATOR_BINARY")
		os.Exit(2)
	}
	b := &bench{cli: os.Args[1], provider: os.Args[2], emulator: os.Args[3], repeat: 3}
	if v, err := strconv.Atoi(os.Getenv("BENCH_REPEAT")); err == nil && v > 0 {
		b.repeat = v
	}
	if err := b.setUp(); err != nil {
		fmt.Fprintln(os.Stderr, "planbench:", err)
		os.Exit(1)
	}
	ok := b.binary()
	ok = b.scaling() && ok
	ok = b.throttled() && ok
	ok = b.identical() && ok
	_ = os.RemoveAll(b.dir)
	if !ok {
		fmt.Println("\nA goal was missed.")
		os.Exit(1)
	}
}

type bench struct {
	cli, provider, emulator string
	repeat                  int
	dir                     string   // scratch: data, certificate, stats, configurations
	env                     []string // for the emulator, the CLI and the provider it starts
}

// clusterIDFormat makes the ID of cluster i, from 0, in Go and in HCL's
// format().
const clusterIDFormat = "pc-2zeplanbench%04d"

func clusterID(i int) string { return fmt.Sprintf(clusterIDFormat, i) }

// setUp writes the emulator's data: clusters, each with 10 backup jobs.
func (b *bench) setUp() error {
	var err error
	if b.dir, err = os.MkdirTemp("", "planbench"); err != nil {
		return err
	}
	jobs := make([]emulator.BackupJob, 10)
	for i := range jobs {
		jobs[i] = emulator.BackupJob{StartTime: "2026-11-26T02:00:00Z", Process: "100", BackupJobId: fmt.Sprintf("5%07d", i),
			JobMode: "Automated", BackupProgressStatus: "Finished", TaskAction: "NormalBackupTask"}
	}
	data := emulator.Data{Credentials: []emulator.Credential{{AccessKeyID: keyID, AccessKeySecret: secret}}}
	for i := range clusters {
		data.Clusters = append(data.Clusters, emulator.Cluster{ID: clusterID(i), BackupJobs: jobs})
	}
	encoded, err := json.Marshal(data)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(b.dir, "data.json"), encoded, 0o600); err != nil {
		return err
	}
	// The provider trusts the emulator's certificate, which each emulator
	// writes afresh to the same file.
	b.env = append(os.Environ(), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "ALIBABA_CLOUD_ECS_METADATA_DISABLED=true",
		"ALIBABA_CLOUD_ACCESS_KEY_ID="+keyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET="+secret,
		"SSL_CERT_FILE="+filepath.Join(b.dir, "emulator.pem"))
	return nil
}

// runningEmulator is an emulator command serving HTTPS on loopback.
type runningEmulator struct {
	cmd       *exec.Cmd
	addr      string
	statsPath string
}

// startEmulator starts the emulator with the data, over HTTPS, with flags,
// and waits for its endpoint. Its log goes to emulator.log.
func (b *bench) startEmulator(flags ...string) (*runningEmulator, error) {
	e := &runningEmulator{statsPath: filepath.Join(b.dir, "stats.json")}
	args := append([]string{"--listen", "127.0.0.1:0", "--tls", "--cert-out", filepath.Join(b.dir, "emulator.pem"),
		"--data", filepath.Join(b.dir, "data.json"), "--stats", e.statsPath}, flags...)
	e.cmd = exec.Command(b.emulator, args...)
	e.cmd.Env = b.env
	logFile, err := os.Create(filepath.Join(b.dir, "emulator.log"))
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child has its own descriptor
	e.cmd.Stderr = logFile
	stdout, err := e.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := e.cmd.Start(); err != nil {
		return nil, err
	}
	// The first line; the certificate is written before it.
	line, err := bufio.NewReader(stdout).ReadString('\n')
	addr, found := strings.CutPrefix(strings.TrimSpace(line), "POLARDB_ENDPOINT=")
	if err != nil || !found {
		_ = e.cmd.Process.Kill()
		_ = e.cmd.Wait()
		log, _ := os.ReadFile(logFile.Name())
		// Its log says why; err is at most io.EOF.
		return nil, fmt.Errorf("the emulator did not announce its endpoint (first line %q); its log:\n%s", line, log)
	}
	e.addr = addr
	return e, nil
}

// stop stops the emulator and returns what it counted.
func (e *runningEmulator) stop() (emulator.Counts, error) {
	var counts emulator.Counts
	if err := e.cmd.Process.Signal(os.Interrupt); err != nil {
		return counts, err
	}
	if err := e.cmd.Wait(); err != nil {
		return counts, fmt.Errorf("the emulator: %w", err)
	}
	stats, err := os.ReadFile(e.statsPath)
	if err != nil {
		return counts, err
	}
	return counts, json.Unmarshal(stats, &counts)
}

// plan runs `terraform plan` over n reads against a fresh emulator started
// with flags, and returns its wall time and what the emulator counted. The
// reads are of n clusters, or with identical, all of the first one: only
// those share calls.
func (b *bench) plan(n int, identical bool, flags ...string) (time.Duration, emulator.Counts, error) {
	server, err := b.startEmulator(flags...)
	if err != nil {
		return 0, emulator.Counts{}, err
	}
	work, err := os.MkdirTemp(b.dir, "plan")
	if err == nil {
		defer os.RemoveAll(work)
		clusterExpression := fmt.Sprintf("format(%q, count.index)", clusterIDFormat)
		if identical {
			clusterExpression = strconv.Quote(clusterID(0))
		}
		// HTTPS, the provider's default protocol.
		config := fmt.Sprintf(`
terraform {
  required_providers {
    polardb = { source = "registry.terraform.io/polardb-community/polardb" }
  }
}
provider "polardb" {
  endpoint = %q
}
data "polardb_backup_tasks" "all" {
  count      = %d
  cluster_id = %s
}
`, server.addr, n, clusterExpression)
		err = os.WriteFile(filepath.Join(work, "main.tf"), []byte(config), 0o600)
	}
	if err == nil {
		cmd := exec.Command(b.cli, "init", "-input=false", "-no-color")
		cmd.Dir, cmd.Env = work, b.env
		if out, initErr := cmd.CombinedOutput(); initErr != nil {
			err = fmt.Errorf("init failed: %w\n%s", initErr, out)
		}
	}
	var elapsed time.Duration
	if err == nil {
		cmd := exec.Command(b.cli, "plan", "-input=false", "-no-color", "-lock=false")
		cmd.Dir, cmd.Env = work, b.env
		start := time.Now()
		out, planErr := cmd.CombinedOutput()
		elapsed = time.Since(start)
		if planErr != nil {
			err = fmt.Errorf("plan with %d reads failed: %w\n%s", n, planErr, out)
		}
	}
	counts, stopErr := server.stop()
	return elapsed, counts, errors.Join(err, stopErr)
}

// cell is what the runs of one plan measured.
type cell struct {
	times []time.Duration
	most  emulator.Counts // the most of each count over the runs
}

func (c *cell) add(t time.Duration, counts emulator.Counts) {
	c.times = append(c.times, t)
	c.most = emulator.Counts{Connections: max(c.most.Connections, counts.Connections), TLSHandshakes: max(c.most.TLSHandshakes, counts.TLSHandshakes),
		TLSResumed: max(c.most.TLSResumed, counts.TLSResumed), Requests: max(c.most.Requests, counts.Requests)}
}

func (c *cell) median() time.Duration { return median(c.times) }

// median sorts times and returns the middle one.
func median(times []time.Duration) time.Duration {
	slices.Sort(times)
	return times[len(times)/2]
}

// loadAverage is the 1-minute load average, or "?" where unknown: with
// more runnable processes than cores, the plan times mean little.
func loadAverage() string {
	avg, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(avg))[0]
}

func (b *bench) scaling() bool {
	latencies := []time.Duration{0, 50 * time.Millisecond, 200 * time.Millisecond}
	fmt.Printf("\n## Plan scaling (median of %d, HTTPS to the emulator)\n\n", b.repeat)
	fmt.Printf("Goals: overhead ≤ bound = 1.1 × ⌈N/%d⌉ × L; connections ≤ %d. Counts are the most over the runs. "+
		"Load average at start: %s on %d cores.\n\n", parallelism, maxConnections, loadAverage(), runtime.NumCPU())
	fmt.Println("| N | L | plan | plan at L=0 | overhead | bound | overhead/bound | connections | TLS handshakes (resumed) | requests |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|")
	ok := true
	for _, n := range []int{1, 50, 200} {
		// The latencies take turns, so that a burst of load elsewhere on
		// the machine does not fall on one of them only.
		cells := make([]cell, len(latencies))
		var err error
		for range b.repeat {
			for i, l := range latencies {
				t, counts, planErr := b.plan(n, false, "--latency", l.String())
				if err = planErr; err != nil {
					break
				}
				cells[i].add(t, counts)
			}
			if err != nil {
				break
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			fmt.Printf("| %d | | failed: see stderr | | | | | | | |\n", n)
			ok = false
			continue
		}
		base := cells[0].median()
		for i, l := range latencies {
			t, c := cells[i].median(), cells[i].most
			overhead := t - base
			bound := time.Duration(1.1 * math.Ceil(float64(n)/parallelism) * float64(l))
			ratio := "–"
			if l > 0 {
				ratio = fmt.Sprintf("%.2f", float64(overhead)/float64(bound))
				if overhead > bound {
					ratio += " MISSED"
					ok = false
				}
			}
			conns := strconv.FormatInt(c.Connections, 10)
			if c.Connections > maxConnections {
				conns += " MISSED"
				ok = false
			}
			fmt.Printf("| %d | %v | %.2f s | %.2f s | %.2f s | %.2f s | %s | %s | %d (%d) | %d |\n", n, l, t.Seconds(), base.Seconds(),
				overhead.Seconds(), bound.Seconds(), ratio, conns, c.TLSHandshakes, c.TLSResumed, c.Requests)
		}
	}
	fmt.Printf("\nLoad average at end: %s.\n", loadAverage())
	return ok
}

func (b *bench) throttled() bool {
	const n, rate = 200, 20
	limit := time.Duration(n/rate) * time.Second
	goal := time.Duration(1.3 * float64(limit))
	fmt.Printf("\n## Throttled scale\n\n")
	runs, err := b.runs(n, false, "--rate-limit", strconv.Itoa(rate))
	if err != nil {
		return false
	}
	t, c := runs.median(), runs.most
	verdict := ""
	if t > goal {
		verdict = " MISSED"
	}
	fmt.Printf("%d reads at %d calls/s (median of %d): %.2f s (the limit allows %v; goal ≤ %v)%s; %d connections, %d requests (throttled ones included)\n",
		n, rate, b.repeat, t.Seconds(), limit, goal, verdict, c.Connections, c.Requests)
	return t <= goal
}

// runs is b.repeat plans; on a failure it says so, on stdout and stderr.
func (b *bench) runs(n int, identical bool, flags ...string) (cell, error) {
	var runs cell
	for range b.repeat {
		t, counts, err := b.plan(n, identical, flags...)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			fmt.Println("failed: see stderr")
			return runs, err
		}
		runs.add(t, counts)
	}
	return runs, nil
}

func (b *bench) identical() bool {
	const n, latency = 50, 500 * time.Millisecond
	goal := 2 * int64(math.Ceil(float64(n)/parallelism))
	fmt.Printf("\n## Identical reads\n\n")
	runs, err := b.runs(n, true, "--latency", latency.String())
	if err != nil {
		return false
	}
	t, c := runs.median(), runs.most
	verdict := ""
	if c.Requests > goal {
		verdict = " MISSED"
	}
	fmt.Printf("%d identical reads at %v latency (median of %d): %.2f s; %d calls reached the API (the most over the runs; goal ≤ %d)%s, over %d connections\n",
		n, latency, b.repeat, t.Seconds(), c.Requests, goal, verdict, c.Connections)
	return c.Requests <= goal
}

// binary reports the release binary's size and its start-up times.
func (b *bench) binary() bool {
	info, err := os.Stat(b.provider)
	if err != nil {
		fmt.Println(err)
		return false
	}
	var handshakes, schemas []time.Duration
	for range 5 * b.repeat {
		handshake, schema, err := startUp(b.provider)
		if err != nil {
			fmt.Println("start-up:", err)
			return false
		}
		handshakes, schemas = append(handshakes, handshake), append(schemas, schema)
	}
	size := float64(info.Size()) / (1 << 20)
	handshake, schema := median(handshakes), median(schemas)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	mark := func(missed bool) string {
		if missed {
			return " MISSED"
		}
		return ""
	}
	fmt.Printf("## Binary (start-up: median of %d; load average %s on %d cores)\n\n| measure | value | goal |\n|---|---|---|\n",
		len(schemas), loadAverage(), runtime.NumCPU())
	fmt.Printf("| release binary (-trimpath -ldflags \"-s -w\") | %.1f MiB | < 25 MiB%s |\n", size, mark(size >= 25))
	fmt.Printf("| start-up to the plugin handshake line | %.1f ms | |\n", ms(handshake))
	fmt.Printf("| start-up to the schema served (GetProviderSchema answered) | %.1f ms | < 50 ms%s |\n", ms(schema), mark(schema >= 50*time.Millisecond))
	return size < 25 && schema < 50*time.Millisecond
}

// startUp starts the provider as Terraform does, without TLS between them,
// and times its go-plugin handshake line on stdout and then its answer to
// GetProviderSchema over gRPC, both from process start.
func startUp(binary string) (handshake, schema time.Duration, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary)
	cmd.Env = append(os.Environ(), "TF_PLUGIN_MAGIC_COOKIE=d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
		"PLUGIN_PROTOCOL_VERSIONS=6", "PLUGIN_MIN_PORT=10000", "PLUGIN_MAX_PORT=25000")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	handshake = time.Since(start)
	// CORE-VERSION|APP-VERSION|NETWORK|ADDRESS|PROTOCOL|SERVER-CERT
	fields := strings.Split(strings.TrimSpace(line), "|")
	if err != nil || len(fields) < 5 || fields[1] != "6" || fields[4] != "grpc" {
		return 0, 0, fmt.Errorf("no handshake: %q: %w", line, err)
	}
	target := fields[3]
	if fields[2] == "unix" {
		target = "unix:" + target
	}
	conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close()
	// GetProviderSchema's request has no fields, so an Empty is the same on
	// the wire; the answer's fields land in the Empty's unknown fields,
	// which is enough to check it is the provider's schema.
	answer := &emptypb.Empty{}
	if err := conn.Invoke(ctx, "/tfplugin6.Provider/GetProviderSchema", &emptypb.Empty{}, answer); err != nil {
		return 0, 0, fmt.Errorf("GetProviderSchema: %w", err)
	}
	schema = time.Since(start)
	if !bytes.Contains(answer.ProtoReflect().GetUnknown(), []byte("polardb_backup_tasks")) {
		return 0, 0, errors.New("GetProviderSchema answered without polardb_backup_tasks")
	}
	return handshake, schema, nil
}
