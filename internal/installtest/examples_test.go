package installtest

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
	"github.com/polardb-community/terraform-provider-polardb/internal/mirror"
	"github.com/polardb-community/terraform-provider-polardb/internal/testsupport"
)

// examples is a copy of examples/ whose configurations ask for the
// release's provider, installed as a module author's CI would install it:
// from its zip as a packed filesystem mirror. The emulator is the
// release's too.
type examples struct {
	fx       *fixture
	release  *release
	dir      string   // the copy of examples/
	env      []string // the fixture's, with the mirror's CLI configuration
	emulator string   // the release's emulator binary
}

func newExamples(t *testing.T) *examples {
	t.Helper()
	r := loadRelease(t)
	ex := &examples{fx: newFixture(t), release: r, dir: filepath.Join(t.TempDir(), "examples")}
	root := t.TempDir()
	if err := mirror.Packed(root, r.hostZip(t)); err != nil {
		t.Fatal(err)
	}
	ex.env = ex.fx.withCLIConfig(mirror.CLIConfig(root))
	ex.emulator = filepath.Join(root, "polardb-emulator")
	binary := readZipEntry(t, filepath.Join(r.dir, "polardb-emulator_"+r.version+"_"+mirror.Platform()+".zip"), "polardb-emulator")
	if err := os.WriteFile(ex.emulator, binary, 0o755); err != nil {
		t.Fatal(err)
	}
	// Without the working directories and lock files a developer's own
	// init left there.
	err := filepath.WalkDir(filepath.Join(repoRoot, "examples"), func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.Name() == ".terraform":
			return fs.SkipDir
		case d.Name() == ".terraform.lock.hcl":
			return nil
		}
		to := filepath.Join(ex.dir, strings.TrimPrefix(path, filepath.Join(repoRoot, "examples")))
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		copyFile(t, path, to)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

// initialised pins the configuration in the copy's folder rel to the
// release's version (requiredProvider) and runs init there; it returns the
// folder. An override file adjusts a required_providers entry, and a
// configuration without one gets its own.
func (ex *examples) initialised(t *testing.T, rel string) string {
	t.Helper()
	dir := filepath.Join(ex.dir, rel)
	name := "versions.tf"
	if files, _ := filepath.Glob(filepath.Join(dir, "*.tf")); anyMatches(t, files, regexp.MustCompile(`required_providers`)) {
		name = "release_override.tf"
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(requiredProvider(ex.release.version)), 0o600); err != nil {
		t.Fatal(err)
	}
	ex.fx.in(t).mustRun(dir, ex.env, "init", "-input=false", "-no-color")
	return dir
}

// actionBlock is the start of an action block, which only a CLI with
// actions reads.
var actionBlock = regexp.MustCompile(`(?m)^action\s+"`)

// anyMatches says whether any of files matches re.
func anyMatches(t *testing.T, files []string, re *regexp.Regexp) bool {
	t.Helper()
	for _, f := range files {
		if re.Match(readFile(t, f)) {
			return true
		}
	}
	return false
}

// startEmulator starts the release's emulator over HTTPS serving
// testdata/DATA with flags, and returns it and the environment in which
// the CLI reaches it with the data file's keys.
func (ex *examples) startEmulator(t *testing.T, data string, flags ...string) (*emulator.Command, []string) {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join("testdata", data))
	if err != nil {
		t.Fatal(err)
	}
	emu, err := emulator.StartCommand(ex.emulator, nil, append([]string{"--tls", "--data", abs}, flags...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Stop() })
	cert, err := emu.Var("SSL_CERT_FILE")
	if err != nil {
		t.Fatal(err)
	}
	return emu, append(ex.env, "POLARDB_ENDPOINT="+emu.Endpoint, "SSL_CERT_FILE="+cert,
		"ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI5tExamplesKey0001", "ALIBABA_CLOUD_ACCESS_KEY_SECRET=examples-test-secret")
}

// plan plans dir with env and returns the output and error.
func (ex *examples) plan(dir string, env []string) (string, error) {
	return ex.fx.run(dir, env, "plan", "-input=false", "-lock=false", "-no-color")
}

const dataSourceExamples = "data-sources/polardb_backup_tasks"

// TestExamplesPlan: each example of the docs (examples/provider,
// examples/data-sources/*, examples/resources/*, examples/actions/*,
// examples/guides/*) plans as
// written against an idle cluster (those with an action block only where
// the CLI has actions); and with TF_LOG=DEBUG the framework's requests
// still reach the log (main.go turns the SDKs' logs off only without
// TF_LOG*).
func TestExamplesPlan(t *testing.T) {
	ex := newExamples(t)
	_, env := ex.startEmulator(t, "examples-emulator.json")
	dirs := []string{"provider"}
	for _, pattern := range []string{"data-sources/*", "resources/*", "actions/*", "guides/*"} {
		matches, _ := filepath.Glob(filepath.Join(ex.dir, pattern))
		for _, m := range matches {
			rel, _ := filepath.Rel(ex.dir, m)
			dirs = append(dirs, rel)
		}
	}
	if len(dirs) < 3 {
		t.Fatalf("examples to plan: %v", dirs)
	}
	for _, rel := range dirs {
		t.Run(rel, func(t *testing.T) {
			if files, _ := filepath.Glob(filepath.Join(ex.dir, rel, "*.tf")); anyMatches(t, files, actionBlock) {
				testsupport.RequireActions(t)
			}
			if out, err := ex.plan(ex.initialised(t, rel), env); err != nil {
				t.Errorf("plan: %v\n%s", err, out)
			}
		})
	}

	t.Run("TF_LOG=DEBUG", func(t *testing.T) {
		logFile := filepath.Join(t.TempDir(), "debug.log")
		dir := ex.initialised(t, dataSourceExamples)
		if out, err := ex.plan(dir, append(env, "TF_LOG=DEBUG", "TF_LOG_PATH="+logFile)); err != nil {
			t.Fatalf("plan: %v\n%s", err, out)
		}
		if !strings.Contains(string(readFile(t, logFile)), "@module=sdk.framework") {
			t.Errorf("no terraform-plugin-framework debug logs in %s", logFile)
		}
	})
}

// TestExamplesStopWhileABackupRuns: the examples that gate a change on
// running backups, while one runs: the data source page's check block
// warns and its precondition stops the plan; the guide's worked example
// and its module do the same; each names the running task.
func TestExamplesStopWhileABackupRuns(t *testing.T) {
	ex := newExamples(t)
	_, env := ex.startEmulator(t, "examples-running-emulator.json")
	for rel, wants := range map[string][]string{
		dataSourceExamples: {"Backup tasks still in progress on pc-bp1example000000001: 11111113 (Uploading, 42%)",
			"Not resizing while backups run: 11111113."},
		"guides/gate-changes-on-running-backups": {"Backups still running on pc-bp1example000000001: 11111113 (Uploading, 42%)",
			"Not resizing pc-bp1example000000001 while backups run: 11111113 (Uploading, 42%)."},
		"guides/backup-gate-module": {"Backups still running on pc-bp1example000000001: 11111113 (Uploading, 42%)",
			"Not resizing while backups run: 11111113."},
	} {
		t.Run(rel, func(t *testing.T) { ex.planStops(t, rel, env, wants...) })
	}
}

// TestExamplesWaitForTheRunningBackup: the guide's wait for a quiet
// cluster, while a backup that finishes 3 s later runs: the plan polls,
// then goes through.
func TestExamplesWaitForTheRunningBackup(t *testing.T) {
	ex := newExamples(t)
	emu, env := ex.startEmulator(t, "examples-running-emulator.json", "--finish-after", "3s")
	if out, err := ex.plan(ex.initialised(t, "guides/wait-for-a-quiet-cluster"), env); err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	if calls := strings.Count(emu.Log(), `action="DescribeBackupTasks"`); calls < 2 {
		t.Errorf("the plan made %d DescribeBackupTasks calls; it must poll until the backup has finished:\n%s", calls, emu.Log())
	}
}

// TestExamplesRefuseWithoutARecentBackup: the backups and recovery window
// pages' examples and the guide's, when the newest usable backup is 26
// hours old: the check blocks warn, and the preconditions stop the plan,
// each saying why.
func TestExamplesRefuseWithoutARecentBackup(t *testing.T) {
	ex := newExamples(t)
	_, env := ex.startEmulator(t, "examples-stale-emulator.json")
	for rel, wants := range map[string][]string{
		"data-sources/polardb_backups": {"No backup of pc-bp1example000000001 restores to a point in the last 24 hours",
			"Not upgrading without a backup from the last 24 hours", "Not dropping the schema without a backup from the last 24 hours"},
		"guides/require-a-recent-backup": {"Not upgrading pc-bp1example000000001: no backup of the last 24 hours can be restored from"},
		// The stale cluster's log backup is off: its window ends at its
		// newest backup, 26 hours ago.
		"data-sources/polardb_recovery_window": {"pc-bp1example000000001 cannot be restored to a point in the last 15 minutes: the latest restorable point is ",
			", and log backup is off.", "Not upgrading pc-bp1example000000001: log backup is not on"},
	} {
		t.Run(rel, func(t *testing.T) { ex.planStops(t, rel, env, wants...) })
	}
}

// planStops plans the example rel with env and checks that the plan fails
// and says each of wants.
func (ex *examples) planStops(t *testing.T, rel string, env []string, wants ...string) {
	t.Helper()
	out, err := ex.plan(ex.initialised(t, rel), env)
	if err == nil {
		t.Fatalf("the plan went through:\n%s", out)
	}
	for _, want := range wants {
		if !strings.Contains(oneLine(out), want) {
			t.Errorf("the plan does not say %q:\n%s", want, out)
		}
	}
}

// TestExamplesTakeABackup: the action's examples, under a CLI with
// actions. Invoked, the action page's example takes one backup and returns
// once it is listed as available. In the guide's, a plan takes no backup,
// and an apply that changes the node class takes one before the update.
func TestExamplesTakeABackup(t *testing.T) {
	testsupport.RequireActions(t)
	ex := newExamples(t)
	created := func(emu *emulator.Command) int { return strings.Count(emu.Log(), `action="CreateBackup"`) }
	flags := []string{"--finish-after", "1s", "--listing-delay", "1s"}

	t.Run("actions/polardb_create_backup", func(t *testing.T) {
		emu, env := ex.startEmulator(t, "examples-emulator.json", flags...)
		dir := ex.initialised(t, "actions/polardb_create_backup")
		out := oneLine(ex.fx.mustRun(dir, env, "apply", "-invoke=action.polardb_create_backup.now", "-auto-approve", "-input=false", "-no-color"))
		if want := "backup 2300000001 is listed as Success and available"; !strings.Contains(out, want) || created(emu) != 1 {
			t.Errorf("%d CreateBackup calls, want 1, and the output saying %q:\n%s", created(emu), want, out)
		}
	})

	t.Run("guides/wait-for-a-manual-backup", func(t *testing.T) {
		emu, env := ex.startEmulator(t, "examples-emulator.json", flags...)
		dir := ex.initialised(t, "guides/wait-for-a-manual-backup")
		apply := []string{"apply", "-auto-approve", "-input=false", "-no-color"}
		ex.fx.mustRun(dir, env, apply...)
		resize := "-var=node_class=polar.mysql.x8.large"
		ex.fx.mustRun(dir, env, "plan", "-input=false", "-no-color", resize)
		if created(emu) != 0 {
			t.Fatalf("the first apply or a plan took a backup:\n%s", emu.Log())
		}
		out := oneLine(ex.fx.mustRun(dir, env, append(apply, resize)...))
		backedUp := strings.Index(out, "backup 2300000001 is listed as Success and available")
		modifying := strings.Index(out, "terraform_data.resize: Modifying")
		if created(emu) != 1 || backedUp < 0 || modifying < backedUp {
			t.Errorf("%d CreateBackup calls, want 1, and the backup available (at %d in the output) before the resize (at %d):\n%s",
				created(emu), backedUp, modifying, out)
		}
	})
}

// TestExamplesTakeABackupWithTheResource: the guide's example for every
// CLI. The first apply takes a backup; an apply that changes the node
// class takes a new one, available before the resize, and deletes the
// previous one only after it.
func TestExamplesTakeABackupWithTheResource(t *testing.T) {
	ex := newExamples(t)
	emu, env := ex.startEmulator(t, "examples-emulator.json", "--finish-after", "1s", "--listing-delay", "1s")
	count := func(action string) int { return strings.Count(emu.Log(), `action="`+action+`"`) }
	dir := ex.initialised(t, "guides/take-a-backup-before-a-change")
	apply := []string{"apply", "-auto-approve", "-input=false", "-no-color"}
	ex.fx.mustRun(dir, env, apply...)
	if count("CreateBackup") != 1 {
		t.Fatalf("the first apply made %d CreateBackup calls, want 1:\n%s", count("CreateBackup"), emu.Log())
	}
	out := oneLine(ex.fx.mustRun(dir, env, append(apply, "-var=node_class=polar.mysql.x8.large")...))
	backedUp := strings.Index(out, "polardb_backup.before_resize: Creation complete")
	modifying := strings.Index(out, "terraform_data.resize: Modifying")
	deleted := strings.Index(out, "Destruction complete")
	if count("CreateBackup") != 2 || count("DeleteBackup") != 1 || backedUp < 0 || modifying < backedUp || deleted < modifying {
		t.Errorf("%d CreateBackup and %d DeleteBackup calls, want 2 and 1, and the new backup (at %d in the output) before the resize (at %d), "+
			"the old one deleted (at %d) after it:\n%s", count("CreateBackup"), count("DeleteBackup"), backedUp, modifying, deleted, out)
	}
}
