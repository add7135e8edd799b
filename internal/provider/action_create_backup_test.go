package provider

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
	"github.com/polardb-community/terraform-provider-polardb/internal/testsupport"
)

// The action's tests through the CLI: Terraform 1.14 or later only
// (testsupport.RequireActions says why they skip elsewhere).

// createBackupConfig is the action "this" backing up clusterID, with the
// settings (HCL lines) given.
func createBackupConfig(clusterID string, settings ...string) string {
	config := fmt.Sprintf("cluster_id = %q", clusterID)
	for _, s := range settings {
		config += "\n    " + s
	}
	return fmt.Sprintf("\naction \"polardb_create_backup\" \"this\" {\n  config {\n    %s\n  }\n}\n", config)
}

// invokeArgs invoke the action "this" of createBackupConfig.
var invokeArgs = []string{"apply", "-invoke=action.polardb_create_backup.this", "-auto-approve", "-no-color", "-input=false"}

// invoke runs terraform apply -invoke of the action "this" in w and
// returns its output and error.
func (w *cliWorkdir) invoke(t *testing.T) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := w.command(ctx, invokeArgs...).CombinedOutput()
	return oneLine(string(out)), err
}

// manualJobs are the Manual tasks of clusterWithoutJobs on the emulator.
func (e *testEmulator) manualJobs() []string {
	var ids []string
	for _, job := range e.BackupJobs(clusterWithoutJobs) {
		if job.JobMode == "Manual" {
			ids = append(ids, job.BackupJobId)
		}
	}
	return ids
}

// terraform apply -invoke, with each wait_until: what it waits for, what
// it reads to know, and what the user sees while it waits.
func TestAccCreateBackupWaitUntil(t *testing.T) {
	testsupport.RequireActions(t)
	for _, tt := range []struct {
		waitUntil      string
		tasks, backups bool // read at all
		lastProgress   string
	}{
		{"started", false, false, "Started backup job 2300000001 of " + clusterWithoutJobs},
		{"finished", true, false, "Backup of " + clusterWithoutJobs + ": job 2300000001 is Finished (100%)"},
		{"", true, true, "Backup of " + clusterWithoutJobs + ": backup 2300000001 is listed as Success and available"},
	} {
		t.Run(cmp.Or(tt.waitUntil, "default"), func(t *testing.T) {
			e := startEmulator(t)
			setting := ""
			if tt.waitUntil != "" {
				setting = fmt.Sprintf("wait_until = %q", tt.waitUntil)
			}
			out, err := newCLIWorkdir(t, e.config(createBackupConfig(clusterWithoutJobs, setting))).invoke(t)
			if err != nil {
				t.Fatalf("apply -invoke: %v\n%s", err, out)
			}
			before, _, _ := strings.Cut(out, "Action complete: action.polardb_create_backup.this")
			last := before[strings.LastIndex(before, "(triggered by CLI): ")+len("(triggered by CLI): "):]
			if !strings.HasPrefix(last, tt.lastProgress) {
				t.Errorf("the last progress message before the action completed is %q, want %q:\n%s", last, tt.lastProgress, out)
			}
			if jobs := e.manualJobs(); len(jobs) != 1 {
				t.Errorf("manual backups taken: %v, want one", jobs)
			}
			if read := e.calls("DescribeBackupTasks", "") > 0; read != tt.tasks {
				t.Errorf("the task read: %v, want %v", read, tt.tasks)
			}
			if read := e.calls("DescribeBackups", "") > 0; read != tt.backups {
				t.Errorf("the backups read: %v, want %v", read, tt.backups)
			}
		})
	}
}

// clientTokens are the ClientTokens of the CreateBackup calls the emulator
// saw, each once.
func (e *testEmulator) clientTokens() []string {
	var tokens []string
	for _, r := range e.Requests() {
		if token := r.Params["ClientToken"]; r.Action == "CreateBackup" && !slices.Contains(tokens, token) {
			tokens = append(tokens, token)
		}
	}
	return tokens
}

// Throttled, failed or lost attempts of CreateBackup are retried with the
// one ClientToken: the user sees one backup taken, and the cluster has one.
func TestAccCreateBackupExactlyOnce(t *testing.T) {
	testsupport.RequireActions(t)
	for _, tt := range []struct {
		fault emulator.FaultKind
		code  string // the emulator's record of a faulted call
	}{
		{emulator.FaultThrottling, "Throttling.User"},
		{emulator.FaultUnavailable, "ServiceUnavailable"},
		{emulator.FaultLostAnswer, "fault:lost_answer"},
	} {
		t.Run(string(tt.fault), func(t *testing.T) {
			e := startEmulator(t)
			e.SetClusterFaults(clusterWithoutJobs, emulator.Faults{Fault: tt.fault, First: 2})
			out, err := newCLIWorkdir(t, e.config(createBackupConfig(clusterWithoutJobs, `wait_until = "started"`))).invoke(t)
			if err != nil {
				t.Fatalf("apply -invoke: %v\n%s", err, out)
			}
			jobs := e.manualJobs()
			if len(jobs) != 1 || !strings.Contains(out, "Started backup job "+jobs[0]+" of") {
				t.Errorf("manual backups taken: %v, want the one the output names:\n%s", jobs, out)
			}
			if faulted := e.calls("CreateBackup", tt.code); faulted != 2 {
				t.Errorf("%d CreateBackup calls got the fault, want 2 (retried)", faulted)
			}
			if tokens := e.clientTokens(); len(tokens) != 1 || len(tokens[0]) < 20 {
				t.Errorf("ClientTokens sent: %q, want one for every attempt", tokens)
			}
		})
	}

	// Every answer lost, retries run out: the user is told the backup may
	// have started, which it has.
	t.Run("lost every time", func(t *testing.T) {
		e := startEmulator(t)
		e.SetClusterFaults(clusterWithoutJobs, emulator.Faults{Fault: emulator.FaultLostAnswer})
		config := httpProvider(e.endpoint, "max_retries = 1") + createBackupConfig(clusterWithoutJobs, `wait_until = "started"`)
		out, err := newCLIWorkdir(t, config).invoke(t)
		if err == nil {
			t.Fatalf("apply -invoke went through:\n%s", out)
		}
		if want := "The service may have started the backup all the same: check the polardb_backup_tasks data source"; !strings.Contains(out, want) {
			t.Errorf("the output does not say %q:\n%s", want, out)
		}
		if jobs, tokens := e.manualJobs(), e.clientTokens(); len(jobs) != 1 || len(tokens) != 1 {
			t.Errorf("manual backups %v and ClientTokens %q, want one of each", jobs, tokens)
		}
	})
}

// The refusals a user can act on, each named with what to do, and no
// backup taken.
func TestAccCreateBackupRefusals(t *testing.T) {
	testsupport.RequireActions(t)
	manual := func(id string) emulator.Backup {
		return emulator.Backup{BackupId: id, BackupStatus: "Success", BackupMode: "Manual", BackupMethod: "Snapshot", BackupType: "FullBackup",
			BackupsLevel: "Level-1", BackupStartTime: "2026-11-20T02:00:00Z", IsAvail: "1"}
	}
	for _, tt := range []struct {
		name      string
		clusterID string
		cluster   emulator.Cluster
		denied    []string // the credential's
		want      []string
	}{
		{"three manual backups", clusterWithoutJobs, emulator.Cluster{ID: clusterWithoutJobs, Backups: []emulator.Backup{manual("1"), manual("2"), manual("3")}}, nil,
			[]string{"Error when invoking action PolarDB cluster has its maximum of manual backups",
				"a cluster keeps at most 3 manual backups", "delete one that is no longer needed", "the day's backups are used up", "Code: BackupTimesExceeded", "Request ID: ", "HTTP status: 403"}},
		{"no such cluster", "pc-2zeaccmissing0001", emulator.Cluster{ID: clusterWithoutJobs}, nil, []string{"Error when invoking action PolarDB cluster not found",
			`No PolarDB cluster "pc-2zeaccmissing0001" exists`, "Code: InvalidDBClusterId.NotFound"}},
		{"no polardb:CreateBackup", clusterWithoutJobs, emulator.Cluster{ID: clusterWithoutJobs}, []string{"CreateBackup"},
			[]string{"Error when invoking action Not authorized to call polardb:CreateBackup", `"Action": "polardb:CreateBackup"`, "Code: Forbidden.RAM"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := serveEmulator(t, emulator.New(emulator.Data{
				Credentials: []emulator.Credential{{AccessKeyID: testAccessKeyID, AccessKeySecret: testAccessKeySecret, DeniedActions: tt.denied}},
				Clusters:    []emulator.Cluster{tt.cluster},
			}))
			out, err := newCLIWorkdir(t, e.config(createBackupConfig(tt.clusterID))).invoke(t)
			if err == nil {
				t.Fatalf("apply -invoke went through:\n%s", out)
			}
			for _, want := range tt.want {
				if !strings.Contains(out, want) {
					t.Errorf("the output does not say %q:\n%s", want, out)
				}
			}
			if jobs := e.manualJobs(); len(jobs) != 0 {
				t.Errorf("backups taken: %v, want none", jobs)
			}
		})
	}
}

// Bad arguments are refused before anything runs, naming the argument and
// what it takes.
func TestAccCreateBackupValidates(t *testing.T) {
	testsupport.RequireActions(t)
	e := startEmulator(t)
	for _, tt := range []struct{ setting, want string }{
		{`wait_until = "done"`, `Attribute wait_until value must be one of: ["available" "finished" "started"], got: "done"`},
		{`timeout = "soon"`, `Attribute timeout value must be a positive duration`},
	} {
		w := newCLIWorkdir(t, e.config(createBackupConfig(clusterWithoutJobs, tt.setting)))
		out, err := w.command(context.Background(), "validate", "-no-color").CombinedOutput()
		if err == nil || !strings.Contains(oneLine(string(out)), tt.want) {
			t.Errorf("%s: validate %v, want an error saying %q:\n%s", tt.setting, err, tt.want, out)
		}
	}
	w := newCLIWorkdir(t, e.config(createBackupConfig("db-1")))
	if out, err := w.command(context.Background(), "validate", "-no-color").CombinedOutput(); err == nil ||
		!strings.Contains(oneLine(string(out)), `Attribute cluster_id a PolarDB cluster ID: "pc-" followed by lowercase letters and digits`) {
		t.Errorf("cluster_id db-1: validate %v, want an error naming the shape:\n%s", err, out)
	}
	if len(e.Requests()) != 0 {
		t.Errorf("%d API calls for configurations refused at validation", len(e.Requests()))
	}
}

// slowBackups serves the test's clusters with backups that take an hour.
func slowBackups(t *testing.T) *testEmulator {
	return serveEmulator(t, emulator.New(emulator.Data{
		Credentials: []emulator.Credential{{AccessKeyID: testAccessKeyID, AccessKeySecret: testAccessKeySecret}},
		Clusters:    []emulator.Cluster{{ID: clusterWithoutJobs}},
	}, emulator.WithFinishAfter(time.Hour)))
}

// At the timeout the action fails, naming the job, where it was, and the
// setting to raise; the backup keeps running.
func TestAccCreateBackupTimeout(t *testing.T) {
	testsupport.RequireActions(t)
	e := slowBackups(t)
	out, err := newCLIWorkdir(t, e.config(createBackupConfig(clusterWithoutJobs, `timeout = "4s"`))).invoke(t)
	if err == nil {
		t.Fatalf("apply -invoke went through:\n%s", out)
	}
	for _, want := range []string{"Error when invoking action PolarDB backup not done at the action's timeout", "for backup job 2300000001 of " + clusterWithoutJobs,
		`last seen: job 2300000001 is Preparing (0%)`, "The backup keeps running", "bounded by `timeout` on the action (4s; default 60m)"} {
		if !strings.Contains(out, want) {
			t.Errorf("the output does not say %q:\n%s", want, out)
		}
	}
}

// Ctrl-C stops the wait at once; the backup keeps running. (Terraform
// 1.14 and 1.15 print nothing of the action once interrupted, not even an
// error: the action's page says so instead.)
func TestAccCreateBackupInterrupt(t *testing.T) {
	testsupport.RequireActions(t)
	e := slowBackups(t)
	run := newCLIWorkdir(t, e.config(createBackupConfig(clusterWithoutJobs))).start(t, invokeArgs...)
	deadline := time.Now().Add(hangGuard)
	for !strings.Contains(run.output(), "is Preparing") {
		if time.Now().After(deadline) {
			t.Fatalf("the action never said the backup was Preparing:\n%s", run.output())
		}
		time.Sleep(100 * time.Millisecond)
	}
	run.interrupt(t)
	interrupted := time.Now()
	_ = run.wait(t)
	if took := time.Since(interrupted); took > 5*time.Second {
		t.Errorf("the run took %s to end after Ctrl-C", took)
	}
	// Polls come at most 3 s apart this early in a wait.
	polls := e.calls("DescribeBackupTasks", "")
	time.Sleep(4 * time.Second)
	if more := e.calls("DescribeBackupTasks", "") - polls; more > 0 {
		t.Errorf("%d polls after Ctrl-C: the wait did not stop", more)
	}
	if jobs := e.manualJobs(); len(jobs) != 1 {
		t.Errorf("manual backups: %v, want the one started", jobs)
	}
}

// An action_trigger before_update takes the backup before the resource is
// updated: not when it is created, and not on a plan.
func TestAccCreateBackupBeforeUpdate(t *testing.T) {
	testsupport.RequireActions(t)
	e := startEmulator(t)
	w := newCLIWorkdir(t, e.config(createBackupConfig(clusterWithoutJobs, `wait_until = "finished"`)+`
variable "node_class" {
  type = string
}

resource "terraform_data" "resize" {
  input = var.node_class

  lifecycle {
    action_trigger {
      events  = [before_update]
      actions = [action.polardb_create_backup.this]
    }
  }
}
`))
	run := func(args ...string) string {
		t.Helper()
		out, err := w.command(context.Background(), args...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", args[0], err, out)
		}
		return oneLine(string(out))
	}
	run("apply", "-auto-approve", "-no-color", "-input=false", "-var=node_class=x4")
	if jobs := e.manualJobs(); len(jobs) != 0 {
		t.Fatalf("backups taken on create: %v", jobs)
	}
	run("plan", "-no-color", "-input=false", "-var=node_class=x8")
	if jobs := e.manualJobs(); len(jobs) != 0 {
		t.Fatalf("backups taken on a plan: %v", jobs)
	}
	out := run("apply", "-auto-approve", "-no-color", "-input=false", "-var=node_class=x8")
	if jobs := e.manualJobs(); len(jobs) != 1 {
		t.Fatalf("backups taken on the update: %v, want one", jobs)
	}
	finished, modifying := strings.Index(out, "job 2300000001 is Finished"), strings.Index(out, "terraform_data.resize: Modifying")
	if finished < 0 || modifying < 0 || finished > modifying {
		t.Errorf("the backup did not finish before the update began:\n%s", out)
	}
}
