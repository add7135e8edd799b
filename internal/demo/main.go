// Command demo is `make demo`: it builds the provider at VERSION into a
// local filesystem mirror, as make install would lay it out, starts the
// PolarDB emulator command on loopback with its demo data and credentials,
// and runs `init` and `apply` of examples/demo with the CLI that
// TF_ACC_TERRAFORM_PATH names (the GNUmakefile has scripts/terraform-cli.sh
// choose it), printing the sample cluster's backup tasks and backups and
// taking a backup with the polardb_backup resource, which a second apply
// deletes (the cluster keeps 3 manual backups at most); then it
// invokes the action of examples/demo/backup.tf, taking a backup, with
// the CLI that runs actions (testsupport.ActionsCLI: that one, or, if it
// has none, Terraform 1.15.9 from the shared tools, as it says). No cloud
// account is used, the caller's credentials and CLI settings stay out
// (testsupport.Scrub), and nothing is left behind, even on Ctrl-C.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
	"github.com/polardb-community/terraform-provider-polardb/internal/mirror"
	"github.com/polardb-community/terraform-provider-polardb/internal/testsupport"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// cliRun is one run of a CLI in the demo's working directory.
type cliRun struct {
	cli   string   // the binary
	files []string // of examples/demo, copied into the working directory before the run
	args  []string
}

func run() error {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	version := os.Getenv("VERSION") // the GNUmakefile's
	if cli == "" || version == "" {
		return fmt.Errorf("TF_ACC_TERRAFORM_PATH or VERSION is not set: run make demo")
	}
	runs := cliRuns(cli)
	home, err := testsupport.Scrub()
	if err != nil {
		return err
	}
	var emu *emulator.Command
	cleanUp := func() {
		if emu != nil {
			_ = emu.Stop()
			say("emulator stopped")
		}
		_ = os.RemoveAll(home)
	}
	defer cleanUp()
	testsupport.OnSignal(cleanUp)

	config, emulatorBinary, err := build(home, version)
	if err != nil {
		return err
	}
	if emu, err = emulator.StartCommand(emulatorBinary, nil); err != nil {
		return err
	}
	env, err := cliEnv(emu, config)
	if err != nil {
		return err
	}
	say("emulator listening on " + emu.Endpoint)
	return runCLIs(runs, filepath.Join(home, "work"), env)
}

// cliRuns are the demo's runs: init and two applies of main.tf with cli,
// the CLI under test (the second deletes the backup the first took), then
// the invocation of backup.tf's action with the CLI
// that runs actions, if there is one; it says which, or why there is none.
func cliRuns(cli string) []cliRun {
	runs := []cliRun{
		{cli, []string{"main.tf"}, []string{"init", "-input=false"}},
		{cli, nil, []string{"apply", "-auto-approve", "-input=false"}},
		{cli, nil, []string{"apply", "-var=take_backup=false", "-auto-approve", "-input=false"}},
	}
	actionsCLI, _, note := testsupport.ActionsCLI()
	if actionsCLI == "" {
		say("the demo invokes no action: " + note)
		return runs
	}
	if note != "" {
		say("the demo takes its backup " + note)
	}
	return append(runs, cliRun{actionsCLI, []string{"backup.tf"},
		[]string{"apply", "-invoke=action.polardb_create_backup.demo", "-auto-approve", "-input=false"}})
}

// build builds the provider into a filesystem mirror under home, with the
// CLI configuration that installs it from there, and the emulator command;
// it returns the configuration's path and the emulator's.
func build(home, version string) (config, emulatorBinary string, err error) {
	say("building the provider and the emulator")
	plugins := filepath.Join(home, "plugins")
	config, emulatorBinary = filepath.Join(home, "cli.tfrc"), filepath.Join(home, "polardb-emulator")
	if _, err := mirror.Build(plugins, version, false); err != nil {
		return "", "", err
	}
	if err := emulator.BuildCommand(emulatorBinary); err != nil {
		return "", "", err
	}
	return config, emulatorBinary, os.WriteFile(config, []byte(mirror.CLIConfig(plugins)), 0o600)
}

// cliEnv is the CLIs' environment: this process's, with the CLI
// configuration, the emulator's endpoint and its demo credentials.
func cliEnv(emu *emulator.Command, config string) ([]string, error) {
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+config, "TF_IN_AUTOMATION=1", "POLARDB_ENDPOINT="+emu.Endpoint)
	for _, name := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"} {
		value, err := emu.Var(name)
		if err != nil {
			return nil, err
		}
		env = append(env, name+"="+value)
	}
	return env, nil
}

// runCLIs runs each of runs in the working directory work, after copying
// its files there from examples/demo, printing what it prints (without
// color unless to a terminal).
func runCLIs(runs []cliRun, work string, env []string) error {
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	color := []string{}
	if info, err := os.Stdout.Stat(); err != nil || info.Mode()&os.ModeCharDevice == 0 {
		color = []string{"-no-color"}
	}
	for _, r := range runs {
		for _, name := range r.files {
			content, err := os.ReadFile(filepath.Join("examples/demo", name))
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(work, name), content, 0o600); err != nil {
				return err
			}
		}
		say(fmt.Sprintf("%s %s in %s", filepath.Base(r.cli), strings.Join(r.args, " "), work))
		cmd := exec.Command(r.cli, append(r.args, color...)...)
		cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = work, env, os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s %s: %w", filepath.Base(r.cli), r.args[0], err)
		}
	}
	say("demo finished")
	return nil
}

func say(s string) { fmt.Fprintln(os.Stderr, "==>", s) }
