package installtest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
	"github.com/polardb-community/terraform-provider-polardb/internal/testsupport"
)

const (
	keyID, keySecret = "LTAI5tInstallTest0001", "install-test-secret"
	clusterID        = "pc-2zeinstall00000001"
	jobID            = "51000001"
)

// fixture is what a test's CLI runs need: the emulator over HTTPS (with
// the certificate that testsupport has the CLI and the provider trust
// through SSL_CERT_FILE), an empty HOME, and a proxy that records whatever
// the CLI would send off the machine.
type fixture struct {
	t            *testing.T
	registryHost string // registry.terraform.io, or registry.opentofu.org under OpenTofu
	home         string
	emulator     *emulator.Server
	endpoint     string // the emulator's host:port
	env          []string
	proxy        *proxyRecorder
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	theCLI(t)
	fx := &fixture{
		t:            t,
		registryHost: "registry.terraform.io",
		home:         t.TempDir(),
	}
	if h := os.Getenv("TF_ACC_PROVIDER_HOST"); h != "" {
		fx.registryHost = h
	}
	fx.emulator = emulator.New(emulator.Data{
		Credentials: []emulator.Credential{{AccessKeyID: keyID, AccessKeySecret: keySecret}},
		Clusters: []emulator.Cluster{{ID: clusterID, BackupJobs: []emulator.BackupJob{{
			StartTime: "2026-11-30T02:00:00Z", Process: "100", BackupJobId: jobID, JobMode: "Automated",
			BackupProgressStatus: "Finished", TaskAction: "NormalBackupTask",
		}}}},
	})
	fx.endpoint = strings.TrimPrefix(testsupport.ServeTLS(t, fx.emulator).URL, "https://")

	fx.proxy = newProxyRecorder(t)
	// The CLI's environment: the process's, which testsupport has emptied
	// of the caller's cloud and CLI settings and proxies, then this
	// fixture's own settings (the last value of a name wins); every host
	// but loopback goes to the recorder.
	fx.env = withoutMakeVariables(os.Environ())
	fx.env = append(fx.env,
		"HOME="+fx.home,
		"HTTPS_PROXY="+fx.proxy.URL, "HTTP_PROXY="+fx.proxy.URL, "NO_PROXY=127.0.0.1,localhost,::1",
		"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"ALIBABA_CLOUD_ACCESS_KEY_ID="+keyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET="+keySecret,
	)
	t.Cleanup(fx.proxy.assertUnused)
	return fx
}

// theCLI is the CLI under test in make testcli (POLARDB_CLI_TESTS=1);
// elsewhere the test skips: it needs the CLI, and may build a release.
func theCLI(t *testing.T) string {
	t.Helper()
	if os.Getenv("POLARDB_CLI_TESTS") == "" {
		t.Skip("a test of the real CLI: run make testcli")
	}
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		t.Fatal("POLARDB_CLI_TESTS is set, but TF_ACC_TERRAFORM_PATH names no CLI")
	}
	return cli
}

// cli is the CLI binary: the one under test, or, in a test that
// testsupport.RequireActions switched to a CLI with actions, that one.
func (fx *fixture) cli() string { return theCLI(fx.t) }

// in is the fixture for t, a subtest of the fixture's test: its failures
// end t alone.
func (fx *fixture) in(t *testing.T) *fixture {
	sub := *fx
	sub.t = t
	return &sub
}

// withoutMakeVariables is env without what make passes to its children:
// a make the tests run must take the CHANGELOG's version, not the caller's.
func withoutMakeVariables(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		switch name, _, _ := strings.Cut(kv, "="); name {
		case "VERSION", "MAKEFLAGS", "MFLAGS", "MAKELEVEL":
			return true
		}
		return false
	})
}

// withCLIConfig is the fixture's environment with a CLI configuration file
// of that content.
func (fx *fixture) withCLIConfig(content string) []string {
	fx.t.Helper()
	file := filepath.Join(fx.t.TempDir(), "cli.tfrc")
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		fx.t.Fatal(err)
	}
	return append(slices.Clip(fx.env), "TF_CLI_CONFIG_FILE="+file)
}

// workdir is a configuration that reads the emulator's cluster, asking for
// the provider at version (any version when empty).
func (fx *fixture) workdir(version string) string {
	fx.t.Helper()
	return fx.workdirWith(version, fmt.Sprintf("region   = \"cn-hangzhou\"\n  endpoint = %q", fx.endpoint))
}

// workdirWith is workdir with the provider block's settings (HCL lines)
// given instead.
func (fx *fixture) workdirWith(version, providerSettings string) string {
	fx.t.Helper()
	config := fmt.Sprintf(`%s
provider "polardb" {
  %s
}

data "polardb_backup_tasks" "this" {
  cluster_id = %q
}

output "ids" {
  value = data.polardb_backup_tasks.this.ids
}
`, requiredProvider(version), providerSettings, clusterID)
	dir := fx.t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		fx.t.Fatal(err)
	}
	return dir
}

// requiredProvider is a terraform block asking for the provider at version
// (any version when empty). A prerelease such as 0.1.0-snapshot installs
// only when asked for exactly.
func requiredProvider(version string) string {
	constraint := ""
	if version != "" {
		constraint = fmt.Sprintf("\n      version = %q", version)
	}
	return fmt.Sprintf(`terraform {
  required_providers {
    polardb = {
      source  = "polardb-community/polardb"%s
    }
  }
}
`, constraint)
}

// run runs the CLI in dir with env and returns its combined output.
func (fx *fixture) run(dir string, env []string, args ...string) (string, error) {
	fx.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, fx.cli(), args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// mustRun runs the CLI and fails the test if it fails, or if it prints the
// development-overrides warning without a CLI configuration that has them
// (or does not print it with one).
func (fx *fixture) mustRun(dir string, env []string, args ...string) string {
	fx.t.Helper()
	out, err := fx.run(dir, env, args...)
	if err != nil {
		fx.t.Fatalf("%s %s: %v\n%s", filepath.Base(fx.cli()), strings.Join(args, " "), err, out)
	}
	if warned, overridden := strings.Contains(out, "development overrides"), hasDevOverrides(fx.t, env); warned != overridden {
		fx.t.Errorf("%s %s: development-overrides warning %v, want %v:\n%s", filepath.Base(fx.cli()), args[0], warned, overridden, out)
	}
	return out
}

// hasDevOverrides says whether the CLI configuration of env has
// dev_overrides.
func hasDevOverrides(t *testing.T, env []string) bool {
	t.Helper()
	for _, kv := range env {
		if file, ok := strings.CutPrefix(kv, "TF_CLI_CONFIG_FILE="); ok {
			return strings.Contains(string(readFile(t, file)), "dev_overrides")
		}
	}
	return false
}

// plan plans dir and checks that the plan read the emulator's backup job
// through the provider at version.
func (fx *fixture) plan(dir string, env []string, version string) {
	fx.t.Helper()
	fx.emulator.Reset()
	out := fx.mustRun(dir, env, "plan", "-input=false", "-no-color")
	if !strings.Contains(out, `"`+jobID+`"`) {
		fx.t.Errorf("the plan does not show backup job %s:\n%s", jobID, out)
	}
	requests := fx.emulator.Requests()
	if len(requests) == 0 {
		fx.t.Fatal("the plan sent the emulator no request")
	}
	// After the SDK's own part, and followed by the Terraform version the
	// CLI gave the provider (OpenTofu 1.12 gives one it stands for, 1.13.0).
	want := " terraform-provider-polardb/" + version + " terraform/"
	for _, r := range requests {
		if r.Action == "DescribeBackupTasks" && !strings.Contains(r.UserAgent, want) {
			fx.t.Errorf("User-Agent %q, want it to name%s", r.UserAgent, want)
		}
	}
}
