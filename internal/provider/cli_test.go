package provider

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// The few tests that must drive the CLI themselves (send it a signal, say)
// use this instead of terraform-plugin-testing: the provider is served from
// the test process, and the CLI attaches to it as it does under the
// framework.

const providerSource = "registry.terraform.io/polardb-community/polardb"

// requiredProviders names the provider by its full address, which
// Terraform and OpenTofu both match against the reattach information.
const requiredProviders = `
terraform {
  required_providers {
    polardb = { source = "` + providerSource + `" }
  }
}
`

// cliWorkdir is a working directory for the CLI with config as its main.tf.
type cliWorkdir struct {
	dir string
	env []string
}

// newCLIWorkdir serves the provider from this process and prepares a
// working directory whose CLI runs attach to it.
func newCLIWorkdir(t *testing.T, config string) *cliWorkdir {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC is not set: CLI tests run with the acceptance tests")
	}
	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	go func() {
		err := tf6server.Serve(providerSource, providerserver.NewProtocol6(New("test")()),
			tf6server.WithDebug(ctx, reattach, closed),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithLoggingSink(t),
			tf6server.WithoutLogStderrOverride())
		if err != nil {
			t.Errorf("serving the provider: %v", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-closed
	})
	rc := <-reattach
	info, err := json.Marshal(map[string]any{providerSource: map[string]any{
		"Protocol": rc.Protocol, "ProtocolVersion": rc.ProtocolVersion, "Pid": rc.Pid, "Test": true,
		"Addr": map[string]string{"Network": rc.Addr.Network(), "String": rc.Addr.String()},
	}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(requiredProviders+config), 0o600); err != nil {
		t.Fatal(err)
	}
	w := &cliWorkdir{dir: dir, env: append(os.Environ(), "TF_REATTACH_PROVIDERS="+string(info), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")}
	if out, err := w.command(context.Background(), "init", "-input=false", "-no-color").CombinedOutput(); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	return w
}

// command is a CLI run in the working directory; stdout and stderr are
// left to the caller.
func (w *cliWorkdir) command(ctx context.Context, args ...string) *exec.Cmd {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		cli = "terraform"
	}
	cmd := exec.CommandContext(ctx, cli, args...)
	cmd.Dir = w.dir
	cmd.Env = w.env
	return cmd
}

// hangGuard bounds the waits of tests that drive a CLI run in the
// background: it only keeps a broken build from hanging the suite.
const hangGuard = 30 * time.Second

// runningCLI is a CLI run in the background.
type runningCLI struct {
	cmd    *exec.Cmd
	out    string     // the file of its stdout and stderr
	exited chan error // gets the run's end
}

// start starts a CLI run in the working directory. Its output goes to a
// file, which the run writes itself and output reads at any time.
func (w *cliWorkdir) start(t *testing.T, args ...string) *runningCLI {
	t.Helper()
	r := &runningCLI{out: filepath.Join(t.TempDir(), "output"), exited: make(chan error, 1)}
	out, err := os.Create(r.out)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close() // the run has its own copy
	r.cmd = w.command(context.Background(), args...)
	r.cmd.Stdout, r.cmd.Stderr = out, out
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.exited <- r.cmd.Wait() }()
	t.Cleanup(func() { _ = r.cmd.Process.Kill() })
	return r
}

// output is what the run printed so far.
func (r *runningCLI) output() string {
	out, err := os.ReadFile(r.out)
	if err != nil {
		return err.Error()
	}
	return string(out)
}

// interrupt sends the run an interrupt, as Ctrl-C does.
func (r *runningCLI) interrupt(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
}

// wait returns the run's end, failing the test if it does not end.
func (r *runningCLI) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-r.exited:
		return err
	case <-time.After(hangGuard):
		t.Fatalf("the CLI did not exit\n%s", r.output())
		return nil
	}
}

// oneLine is CLI output with its lines, boxes and wrapping undone, for
// matching sentences.
func oneLine(s string) string {
	s = strings.NewReplacer("│", " ", "╷", " ", "╵", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}
