// Command demo is `make demo`: it builds the provider at VERSION into a
// local filesystem mirror, as make install would lay it out, starts the
// PolarDB emulator command on loopback with its demo data and credentials,
// and runs `init` and `apply` of examples/demo with the CLI that
// TF_ACC_TERRAFORM_PATH names (the GNUmakefile has scripts/terraform-cli.sh
// choose it), printing the sample cluster's backup tasks and backups; with
// a CLI that runs actions, it then invokes the action of
// examples/demo/backup.tf, taking a backup. No cloud account
// is used, the caller's credentials and CLI settings stay out
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

func run() error {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	version := os.Getenv("VERSION") // the GNUmakefile's
	if cli == "" || version == "" {
		return fmt.Errorf("TF_ACC_TERRAFORM_PATH or VERSION is not set: run make demo")
	}
	files := []string{"main.tf"}
	runs := [][]string{{"init", "-input=false"}, {"apply", "-auto-approve", "-input=false"}}
	if ok, why := testsupport.CLIRunsActions(); ok {
		files = append(files, "backup.tf")
		runs = append(runs, []string{"apply", "-invoke=action.polardb_create_backup.demo", "-auto-approve", "-input=false"})
	} else {
		say("the demo takes no backup: " + why)
	}
	examples, err := filepath.Abs("examples/demo")
	if err != nil {
		return err
	}
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
	dir := func(name string) string { return filepath.Join(home, name) }

	say("building the provider and the emulator")
	if _, err := mirror.Build(dir("plugins"), version, false); err != nil {
		return err
	}
	if err := emulator.BuildCommand(dir("polardb-emulator")); err != nil {
		return err
	}
	config, work := dir("cli.tfrc"), dir("work")
	if err := os.WriteFile(config, []byte(mirror.CLIConfig(dir("plugins"))), 0o600); err != nil {
		return err
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	for _, name := range files {
		content, err := os.ReadFile(filepath.Join(examples, name))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(work, name), content, 0o600); err != nil {
			return err
		}
	}

	if emu, err = emulator.StartCommand(dir("polardb-emulator"), nil); err != nil {
		return err
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+config, "TF_IN_AUTOMATION=1", "POLARDB_ENDPOINT="+emu.Endpoint)
	for _, name := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"} {
		value, err := emu.Var(name)
		if err != nil {
			return err
		}
		env = append(env, name+"="+value)
	}
	say("emulator listening on " + emu.Endpoint)

	color := []string{}
	if info, err := os.Stdout.Stat(); err != nil || info.Mode()&os.ModeCharDevice == 0 {
		color = []string{"-no-color"}
	}
	for _, args := range runs {
		say(fmt.Sprintf("%s %s in %s", filepath.Base(cli), strings.Join(args, " "), work))
		cmd := exec.Command(cli, append(args, color...)...)
		cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = work, env, os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s %s: %w", filepath.Base(cli), args[0], err)
		}
	}
	say("demo finished")
	return nil
}

func say(s string) { fmt.Fprintln(os.Stderr, "==>", s) }
