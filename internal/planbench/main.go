// Command planbench measures what the provider costs a Terraform plan, and
// checks each measure against its goal. `make bench` runs it, from the
// module's root:
//
//	eval "$(scripts/terraform-cli.sh)" && go run ./internal/planbench
//
// With the environment scrubbed as for the tests (testsupport.Scrub), it
// measures, in turn:
//
//   - the Go benchmarks of ./internal/... (-benchmem, BENCH_COUNT counts,
//     default 3), whose output it shows, and from the medians of their
//     counts: the CPU per read beyond the HTTP round trip, the time and
//     memory to decode and build the state of 10,000 tasks, and what an API
//     answering in 1 s adds to a read of the recovery window (gobench.go);
//   - the release binary's size, and its start-up time: to the plugin
//     handshake, and to its schema served over gRPC (binary.go);
//   - plans by the CLI at TF_ACC_TERRAFORM_PATH, with the release binary
//     installed from a filesystem mirror (internal/mirror) as a user's is,
//     against the emulator command over HTTPS on loopback, a fresh one per
//     plan counting the TCP connections, TLS handshakes and requests it
//     accepts (plans.go): plan scaling, N reads of N clusters at API
//     latency L against what Terraform's parallelism allows; throttled
//     scale, 200 reads against an API that accepts 20 calls a second; and
//     identical reads, which share calls in flight. Each working directory
//     is initialised first, and only the plan is timed; each cell is the
//     median of BENCH_REPEAT runs (default 3).
//
// Each goal is a constant beside its measure. It prints markdown tables,
// today's figure beside each goal, and exits 1 when a goal is missed, after
// printing them all.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
	"github.com/polardb-community/terraform-provider-polardb/internal/mirror"
	"github.com/polardb-community/terraform-provider-polardb/internal/testsupport"
)

const (
	keyID, secret = "LTAI5tPlanBench00001", "plan-bench-secret"
	clusters      = 200 // one per read of the largest plan
	// version is the provider's in the mirror: any, as it holds no other,
	// but 0.0.0, which the CLIs read as no version.
	version = "0.0.1"
)

func main() { os.Exit(run()) }

func run() int {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		fmt.Fprintln(os.Stderr, `usage: eval "$(scripts/terraform-cli.sh)" && go run ./internal/planbench (BENCH_COUNT, BENCH_REPEAT optional)`)
		return 2
	}
	home, err := testsupport.Scrub()
	if err != nil {
		fmt.Fprintln(os.Stderr, "planbench:", err)
		return 1
	}
	defer os.RemoveAll(home)
	// The emulators and CLIs it starts end with it: on a terminal they
	// are interrupted too, and each plan stops its emulator.
	testsupport.OnSignal(func() { _ = os.RemoveAll(home) })

	ok := goBenchmarks(times("BENCH_COUNT"))

	b := &bench{cli: cli, repeat: times("BENCH_REPEAT"), dir: filepath.Join(home, "bench")}
	if err := b.setUp(); err != nil {
		fmt.Fprintln(os.Stderr, "planbench:", err)
		return 1
	}
	ok = binary(b.provider, 5*b.repeat) && ok
	ok = b.scaling() && ok
	ok = b.throttled() && ok
	ok = b.identical() && ok
	if !ok {
		fmt.Println("\nA goal was missed.")
		return 1
	}
	return 0
}

// times is how many times to run each measure: the environment variable
// name's value if it is a positive integer, else 3.
func times(name string) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return 3
}

type bench struct {
	cli      string // the CLI: terraform or tofu
	provider string // the release binary, in the mirror
	emulator string // the emulator command
	repeat   int
	dir      string   // scratch: binaries, data, certificate, stats, configurations
	env      []string // for the emulator, the CLI and the provider it starts
}

// clusterIDFormat makes the ID of cluster i, from 0, in Go and in HCL's
// format().
const clusterIDFormat = "pc-2zeplanbench%04d"

func clusterID(i int) string { return fmt.Sprintf(clusterIDFormat, i) }

// setUp builds the release binary into a filesystem mirror and the
// emulator command, and writes the CLI configuration that installs from
// the mirror and the emulator's data: clusters, each with 10 backup jobs.
func (b *bench) setUp() error {
	if err := os.Mkdir(b.dir, 0o700); err != nil {
		return err
	}
	mirrorDir := filepath.Join(b.dir, "plugins")
	installed, err := mirror.Build(mirrorDir, version, true)
	if err != nil {
		return err
	}
	b.provider = installed[0]
	b.emulator = filepath.Join(b.dir, "polardb-emulator")
	if err := emulator.BuildCommand(b.emulator); err != nil {
		return err
	}
	cliConfig := filepath.Join(b.dir, "cli.tfrc")
	if err := os.WriteFile(cliConfig, []byte(mirror.CLIConfig(mirrorDir)), 0o600); err != nil {
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
	b.env = append(os.Environ(), "TF_IN_AUTOMATION=1", "TF_CLI_CONFIG_FILE="+cliConfig,
		"ALIBABA_CLOUD_ACCESS_KEY_ID="+keyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET="+secret,
		"SSL_CERT_FILE="+filepath.Join(b.dir, "emulator.pem"))
	return nil
}

// cliName is the CLI and its version, as scripts/terraform-cli.sh names
// them, or its path.
func (b *bench) cliName() string {
	if name := os.Getenv("POLARDB_TEST_CLI"); name != "" {
		return strings.TrimSpace(name + " " + os.Getenv("POLARDB_TEST_CLI_VERSION"))
	}
	return b.cli
}
