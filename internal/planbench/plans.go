package main

import (
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

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
)

const parallelism = 10 // Terraform's default

// The goals of the plans.
const (
	// scalingSlack × ⌈N/parallelism⌉ × L bounds the time N reads at API
	// latency L add to the plan with no latency: the rounds of reads
	// Terraform's parallelism allows, each waiting L once.
	scalingSlack = 1.1
	// maxConnections bounds the connections to the API of any plan.
	maxConnections = 2 * parallelism
	// throttledSlack × the time the API's rate limit allows bounds the
	// throttled plan.
	throttledSlack = 1.3
	// identicalCalls × ⌈N/parallelism⌉ bounds the calls of N identical
	// reads, which share calls in flight.
	identicalCalls = 2
)

// plan runs `terraform plan` over n reads against a fresh emulator started
// with flags, and returns its wall time and what the emulator counted. The
// reads are of n clusters, or with identical, all of the first one: only
// those share calls.
func (b *bench) plan(n int, identical bool, flags ...string) (time.Duration, emulator.Counts, error) {
	statsPath := filepath.Join(b.dir, "stats.json")
	args := append([]string{"--tls", "--cert-out", filepath.Join(b.dir, "emulator.pem"),
		"--data", filepath.Join(b.dir, "data.json"), "--stats", statsPath}, flags...)
	server, err := emulator.StartCommand(b.emulator, b.env, args...)
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
`, server.Endpoint, n, clusterExpression)
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
	var counts emulator.Counts
	stopErr := server.Stop()
	if stopErr != nil {
		stopErr = fmt.Errorf("the emulator: %w; its log:\n%s", stopErr, server.Log())
	} else if stats, readErr := os.ReadFile(statsPath); readErr != nil {
		stopErr = readErr
	} else {
		stopErr = json.Unmarshal(stats, &counts)
	}
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
	fmt.Printf("\n## Plan scaling (%s, median of %d, HTTPS to the emulator)\n\n", b.cliName(), b.repeat)
	fmt.Printf("Goals: overhead ≤ bound = %g × ⌈N/%d⌉ × L; connections ≤ %d. Counts are the most over the runs. "+
		"Load average at start: %s on %d cores.\n\n", scalingSlack, parallelism, maxConnections, loadAverage(), runtime.NumCPU())
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
			bound := time.Duration(scalingSlack * math.Ceil(float64(n)/parallelism) * float64(l))
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
	goal := time.Duration(throttledSlack * float64(limit))
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
	fmt.Printf("%d reads at %d calls/s (median of %d): %.2f s (the limit allows %v; goal ≤ %g × that = %v)%s; %d connections, %d requests (throttled ones included)\n",
		n, rate, b.repeat, t.Seconds(), limit, throttledSlack, goal, verdict, c.Connections, c.Requests)
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
	goal := identicalCalls * int64(math.Ceil(float64(n)/parallelism))
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
	fmt.Printf("%d identical reads at %v latency (median of %d): %.2f s; %d calls reached the API (the most over the runs; goal ≤ %d × ⌈N/%d⌉ = %d)%s, over %d connections\n",
		n, latency, b.repeat, t.Seconds(), c.Requests, identicalCalls, parallelism, goal, verdict, c.Connections)
	return c.Requests <= goal
}
