// Command planbench measures what the provider costs a Terraform plan at
// scale, against the PolarDB emulator over HTTPS on loopback:
//
//   - plan scaling: N polardb_backup_tasks reads with API latency L, against
//     the bound plan(N, L) − plan(N, 0) ≤ 1.1 × ⌈N/10⌉ × L that Terraform's
//     parallelism of 10 allows, and the TCP connections used;
//   - throttled scale: 200 reads against an API that accepts 20 calls a
//     second, within 1.3 × the 10 s the limit allows;
//   - the release binary's size, and its start-up time to the plugin
//     handshake.
//
// It prints markdown tables and exits 1 when a goal is missed. Run it with
// `make bench` (scripts/bench.sh), which chooses the CLI and builds the
// provider. Each cell is the median of BENCH_REPEAT runs (default 3).
package main

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
)

const (
	keyID, secret = "LTAI5tPlanBench00001", "plan-bench-secret"
	clusterID     = "pc-2zeplanbench0001"
	parallelism   = 10 // Terraform's default
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: planbench TERRAFORM PROVIDER_BINARY")
		os.Exit(2)
	}
	b := &bench{cli: os.Args[1], provider: os.Args[2], repeat: 3}
	if v, err := strconv.Atoi(os.Getenv("BENCH_REPEAT")); err == nil && v > 0 {
		b.repeat = v
	}
	if err := b.setUp(); err != nil {
		fmt.Fprintln(os.Stderr, "planbench:", err)
		os.Exit(1)
	}
	defer os.RemoveAll(b.dir)
	ok := b.binary()
	ok = b.scaling() && ok
	ok = b.throttled() && ok
	if !ok {
		fmt.Println("\nA goal was missed.")
		os.Exit(1)
	}
}

type bench struct {
	cli, provider string
	repeat        int
	dir           string   // scratch: CLI config, certificate, configurations
	env           []string // for the CLI and the provider it starts
}

// setUp writes a dev_overrides CLI configuration for the provider binary
// and the emulator's certificate for the provider to trust.
func (b *bench) setUp() error {
	var err error
	if b.dir, err = os.MkdirTemp("", "planbench"); err != nil {
		return err
	}
	cliConfig := filepath.Join(b.dir, "cli.tfrc")
	overrides := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		"registry.terraform.io/polardb-community/polardb", filepath.Dir(b.provider))
	if err := os.WriteFile(cliConfig, []byte(overrides), 0o600); err != nil {
		return err
	}
	b.env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		"ALIBABA_CLOUD_ECS_METADATA_DISABLED=true", "ALIBABA_CLOUD_ACCESS_KEY_ID="+keyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET="+secret,
		"SSL_CERT_FILE="+filepath.Join(b.dir, "emulator.pem"))
	return nil
}

// emulatorServer serves the emulator over HTTPS on loopback and counts the
// connections it accepts.
type emulatorServer struct {
	*http.Server
	addr        string
	connections atomic.Int64
}

func (b *bench) startEmulator(faults emulator.Faults) (*emulatorServer, error) {
	jobs := make([]emulator.BackupJob, 10)
	for i := range jobs {
		jobs[i] = emulator.BackupJob{StartTime: "2026-11-26T02:00:00Z", Process: "100", BackupJobId: fmt.Sprintf("5%07d", i),
			JobMode: "Automated", BackupProgressStatus: "Finished", TaskAction: "NormalBackupTask"}
	}
	handler := emulator.New(emulator.Data{
		Credentials: []emulator.Credential{{AccessKeyID: keyID, AccessKeySecret: secret}},
		Clusters:    []emulator.Cluster{{ID: clusterID, Region: "cn-hangzhou", BackupJobs: jobs}},
	}, emulator.WithFaults(faults))
	tlsConfig, pem, err := emulator.NewTLSConfig()
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(b.dir, "emulator.pem"), pem, 0o600); err != nil {
		return nil, err
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &emulatorServer{addr: listener.Addr().String()}
	s.Server = &http.Server{Handler: handler, TLSConfig: tlsConfig, ConnState: func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.connections.Add(1)
		}
	}}
	go func() { _ = s.ServeTLS(listener, "", "") }()
	return s, nil
}

// plan runs `terraform plan` over n reads against the emulator and returns
// its wall time and the connections the emulator accepted.
func (b *bench) plan(n int, faults emulator.Faults) (time.Duration, int64, error) {
	server, err := b.startEmulator(faults)
	if err != nil {
		return 0, 0, err
	}
	defer server.Close()
	work, err := os.MkdirTemp(b.dir, "plan")
	if err != nil {
		return 0, 0, err
	}
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
  cluster_id = %q
}
`, server.addr, n, clusterID)
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(config), 0o600); err != nil {
		return 0, 0, err
	}
	cmd := exec.Command(b.cli, "plan", "-input=false", "-no-color", "-lock=false")
	cmd.Dir, cmd.Env = work, b.env
	start := time.Now()
	out, err := cmd.CombinedOutput()
	elapsed := time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("plan with %d reads failed: %w\n%s", n, err, out)
	}
	return elapsed, server.connections.Load(), nil
}

// median plans repeat times and keeps the median time and the most
// connections.
func (b *bench) median(n int, faults emulator.Faults) (time.Duration, int64, error) {
	var times []time.Duration
	var conns int64
	for range b.repeat {
		t, c, err := b.plan(n, faults)
		if err != nil {
			return 0, 0, err
		}
		times, conns = append(times, t), max(conns, c)
	}
	slices.Sort(times)
	return times[len(times)/2], conns, nil
}

func (b *bench) scaling() bool {
	fmt.Printf("\n## Plan scaling (median of %d, HTTPS to the emulator)\n\n", b.repeat)
	fmt.Println("| N | L | plan | plan at L=0 | overhead | bound | overhead/bound | connections |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	ok := true
	for _, n := range []int{1, 50, 200} {
		var base time.Duration
		for _, l := range []time.Duration{0, 50 * time.Millisecond, 200 * time.Millisecond} {
			t, conns, err := b.median(n, emulator.Faults{Latency: emulator.Duration(l)})
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return false
			}
			if l == 0 {
				base = t
			}
			overhead := t - base
			bound := time.Duration(1.1 * math.Ceil(float64(n)/parallelism) * float64(l))
			ratio := "–"
			if l > 0 {
				ratio = fmt.Sprintf("%.2f", float64(overhead)/float64(bound))
				ok = ok && overhead <= bound
			}
			ok = ok && conns <= 20
			fmt.Printf("| %d | %v | %.2fs | %.2fs | %.2fs | %.2fs | %s | %d |\n", n, l, t.Seconds(), base.Seconds(),
				overhead.Seconds(), bound.Seconds(), ratio, conns)
		}
	}
	return ok
}

func (b *bench) throttled() bool {
	const n, rate = 200, 20
	limit := time.Duration(n/rate) * time.Second
	t, _, err := b.median(n, emulator.Faults{RateLimit: rate})
	fmt.Printf("\n## Throttled scale\n\n")
	if err != nil {
		fmt.Println(err)
		return false
	}
	goal := time.Duration(1.3 * float64(limit))
	fmt.Printf("%d reads at %d calls/s: %.2fs (the limit allows %v; goal ≤ %v)\n", n, rate, t.Seconds(), limit, goal)
	return t <= goal
}

// binary reports the release binary's size and its start-up time: from
// process start to the go-plugin handshake line, when the provider serves
// its schema.
func (b *bench) binary() bool {
	info, err := os.Stat(b.provider)
	if err != nil {
		fmt.Println(err)
		return false
	}
	var times []time.Duration
	for range 5 * b.repeat {
		t, err := startUp(b.provider)
		if err != nil {
			fmt.Println("start-up:", err)
			return false
		}
		times = append(times, t)
	}
	slices.Sort(times)
	size := float64(info.Size()) / (1 << 20)
	startUp := times[len(times)/2]
	fmt.Printf("## Binary\n\n| measure | value | goal |\n|---|---|---|\n| release binary (-trimpath -s -w) | %.1f MiB | < 25 MiB |\n"+
		"| start-up to the plugin handshake (median of %d) | %.1f ms | < 50 ms |\n", size, len(times), float64(startUp.Microseconds())/1000)
	return size < 25 && startUp < 50*time.Millisecond
}

// startUp starts the provider as Terraform does and times its handshake.
func startUp(binary string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary)
	cmd.Env = append(os.Environ(), "TF_PLUGIN_MAGIC_COOKIE=d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
		"PLUGIN_PROTOCOL_VERSIONS=6", "PLUGIN_MIN_PORT=10000", "PLUGIN_MAX_PORT=25000")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	elapsed := time.Since(start)
	if err != nil || !strings.Contains(line, "|6|") {
		return 0, fmt.Errorf("no handshake: %q: %w", line, err)
	}
	return elapsed, nil
}
