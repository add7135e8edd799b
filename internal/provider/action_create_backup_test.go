package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
	"github.com/polardb-community/terraform-provider-polardb/internal/testsupport"
)

// The action's tests through the CLI, Terraform 1.14 or later only
// (testsupport.RequireActions says why they skip elsewhere). They run
// through terraform-plugin-testing, a terraform_data triggering the action
// as a user's configuration does: the emulator's record tells what the
// action did, ExpectError and the state what the user sees. Two drive the
// CLI by hand (cliWorkdir): terraform apply -invoke, whose progress
// messages only the CLI's output shows, and Ctrl-C, which is a signal.
// What the action does between the calls Terraform makes is tested at the
// plugin protocol in action_protocol_test.go.

// createBackupConfig is the action "this" backing up clusterID, with the
// settings (HCL lines) given.
func createBackupConfig(clusterID string, settings ...string) string {
	config := fmt.Sprintf("cluster_id = %q", clusterID)
	for _, s := range settings {
		config += "\n    " + s
	}
	return fmt.Sprintf("\naction \"polardb_create_backup\" \"this\" {\n  config {\n    %s\n  }\n}\n", config)
}

// triggeredBy is terraform_data "this", with input as its input (an HCL
// expression), whose lifecycle invokes the action "this" at event.
func triggeredBy(event, input string) string {
	return fmt.Sprintf(`
resource "terraform_data" "this" {
  input = %s

  lifecycle {
    action_trigger {
      events  = [%s]
      actions = [action.polardb_create_backup.this]
    }
  }
}
`, input, event)
}

// backupOnCreate is a configuration for e whose apply invokes the action
// "this", backing up clusterID with the settings given, once: when it
// creates terraform_data "this".
func (e *testEmulator) backupOnCreate(clusterID string, settings ...string) string {
	return e.config(createBackupConfig(clusterID, settings...) + triggeredBy("after_create", "null"))
}

// testAction runs steps with the CLI against the provider in the test
// process, if the CLI is a Terraform that runs actions.
func testAction(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps:                    steps,
	})
}

// manualJobs are the Manual tasks of clusterWithoutJobs on the emulator:
// the backups the tests took.
func (e *testEmulator) manualJobs() []string {
	var ids []string
	for _, job := range e.BackupJobs(clusterWithoutJobs) {
		if job.JobMode == "Manual" {
			ids = append(ids, job.BackupJobId)
		}
	}
	return ids
}

// backupsTaken checks that the tests took n backups so far.
func (e *testEmulator) backupsTaken(n int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if jobs := e.manualJobs(); len(jobs) != n {
			return fmt.Errorf("backups taken: %v, want %d", jobs, n)
		}
		return nil
	}
}

// record is the emulator's record of calls, in order: each its action,
// and the code it was answered with unless it succeeded.
func (e *testEmulator) record() []string {
	var calls []string
	for _, r := range e.Requests() {
		calls = append(calls, strings.TrimSpace(r.Action+" "+r.Code))
	}
	return calls
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

// CreateBackup attempts whose answers are lost, after the service acted
// on them, are retried with the one ClientToken of the invocation: one
// backup is taken. (How every kind of failed attempt is retried is the
// client's test, TestCreateBackupStartsOneBackupThroughRetries.)
func TestAccCreateBackupExactlyOnce(t *testing.T) {
	testsupport.RequireActions(t)
	lost := "CreateBackup fault:" + string(emulator.FaultLostAnswer)
	t.Run("two answers lost", func(t *testing.T) {
		e := startEmulator(t)
		e.SetClusterFaults(clusterWithoutJobs, emulator.Faults{Fault: emulator.FaultLostAnswer, First: 2})
		testAction(t, resource.TestStep{Config: e.backupOnCreate(clusterWithoutJobs, `wait_until = "started"`), Check: e.backupsTaken(1)})
		if calls, want := e.record(), []string{lost, lost, "CreateBackup"}; !slices.Equal(calls, want) {
			t.Errorf("the emulator saw %q, want %q", calls, want)
		}
		if tokens := e.clientTokens(); len(tokens) != 1 || len(tokens[0]) < 20 {
			t.Errorf("ClientTokens sent: %q, want one for every attempt", tokens)
		}
	})

	// Every answer lost, retries run out: the user is told the backup may
	// have started, which it has.
	t.Run("every answer lost", func(t *testing.T) {
		e := startEmulator(t)
		e.SetClusterFaults(clusterWithoutJobs, emulator.Faults{Fault: emulator.FaultLostAnswer})
		testAction(t, resource.TestStep{
			Config: httpProvider(e.endpoint, "max_retries = 1") + createBackupConfig(clusterWithoutJobs, `wait_until = "started"`) +
				triggeredBy("after_create", "null"),
			ExpectError: errorWith("Error when invoking action",
				"The service may have started the backup all the same: check the polardb_backup_tasks data source"),
		})
		if calls, want := e.record(), []string{lost, lost}; !slices.Equal(calls, want) {
			t.Errorf("the emulator saw %q, want %q", calls, want)
		}
		if jobs, tokens := e.manualJobs(), e.clientTokens(); len(jobs) != 1 || len(tokens) != 1 {
			t.Errorf("manual backups %v and ClientTokens %q, want one of each", jobs, tokens)
		}
	})
}

// manualBackup is a manual backup set, available.
func manualBackup(id string) emulator.Backup {
	return emulator.Backup{BackupId: id, BackupStatus: "Success", BackupMode: "Manual", BackupMethod: "Snapshot", BackupType: "FullBackup",
		BackupsLevel: "Level-1", BackupStartTime: "2026-11-20T02:00:00Z", IsAvail: "1"}
}

// The refusals a user can act on, each named with what to do; the one
// call refused is not retried, and no backup is taken.
func TestAccCreateBackupRefusals(t *testing.T) {
	testsupport.RequireActions(t)
	for _, tt := range []struct {
		name      string
		clusterID string
		cluster   emulator.Cluster
		denied    []string // the credential's
		want      []string
	}{
		{"three manual backups", clusterWithoutJobs,
			emulator.Cluster{ID: clusterWithoutJobs, Backups: []emulator.Backup{manualBackup("1"), manualBackup("2"), manualBackup("3")}}, nil,
			[]string{"Error when invoking action", "PolarDB cluster has its maximum of manual backups", "a cluster keeps at most 3 manual backups",
				"delete one that is no longer needed", "the day's backups are used up", "Code: BackupTimesExceeded", "Request ID: ", "HTTP status: 403"}},
		{"no such cluster", "pc-2zeaccmissing0001", emulator.Cluster{ID: clusterWithoutJobs}, nil,
			[]string{"Error when invoking action", "PolarDB cluster not found", `No PolarDB cluster "pc-2zeaccmissing0001" exists`,
				"Code: InvalidDBClusterId.NotFound"}},
		{"no polardb:CreateBackup", clusterWithoutJobs, emulator.Cluster{ID: clusterWithoutJobs}, []string{"CreateBackup"},
			[]string{"Error when invoking action", "Not authorized to call polardb:CreateBackup", `"Action": "polardb:CreateBackup"`, "Code: Forbidden.RAM"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := serveEmulator(t, emulator.New(emulator.Data{
				Credentials: []emulator.Credential{{AccessKeyID: testAccessKeyID, AccessKeySecret: testAccessKeySecret, DeniedActions: tt.denied}},
				Clusters:    []emulator.Cluster{tt.cluster},
			}))
			testAction(t, resource.TestStep{Config: e.backupOnCreate(tt.clusterID), ExpectError: errorWith(tt.want...)})
			if calls := e.record(); len(calls) != 1 || !strings.HasPrefix(calls[0], "CreateBackup ") {
				t.Errorf("the emulator saw %q, want one CreateBackup, refused", calls)
			}
		})
	}
}

// A bad argument is refused before anything runs, naming the argument and
// what it takes. (Each argument's refusal is
// TestCreateBackupValidatesOverTheProtocol's.)
func TestAccCreateBackupValidates(t *testing.T) {
	testsupport.RequireActions(t)
	e := startEmulator(t)
	testAction(t, resource.TestStep{Config: e.backupOnCreate("db-1"),
		ExpectError: errorWith(`Attribute cluster_id a PolarDB cluster ID: "pc-" followed by lowercase letters and digits`)})
	if calls := e.record(); len(calls) != 0 {
		t.Errorf("the emulator saw %q for a configuration refused at validation", calls)
	}
}

// An action_trigger before_update takes the backup before the resource is
// updated, as in the guide wait-for-a-manual-backup: not when it is
// created, and not on a plan; and when the backup fails, the update does
// not happen.
func TestAccCreateBackupBeforeUpdate(t *testing.T) {
	testsupport.RequireActions(t)
	// Two manual backups: the first update takes the third, the cluster's
	// maximum, and the next is refused.
	e := oneCluster(t, emulator.Cluster{ID: clusterWithoutJobs, Backups: []emulator.Backup{manualBackup("1"), manualBackup("2")}})
	resize := e.config(createBackupConfig(clusterWithoutJobs) + `
variable "node_class" {
  type = string
}
` + triggeredBy("before_update", "var.node_class"))
	nodeClass := func(class string) config.Variables {
		return config.Variables{"node_class": config.StringVariable(class)}
	}
	testAction(t,
		// Created: no backup.
		resource.TestStep{Config: resize, ConfigVariables: nodeClass("x4"), Check: e.backupsTaken(0)},
		// The update planned: no backup (the next step's is the only one).
		resource.TestStep{Config: resize, ConfigVariables: nodeClass("x8"), PlanOnly: true, ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("terraform_data.this", plancheck.ResourceActionUpdate)}}},
		// Applied: the backup, and the update.
		resource.TestStep{Config: resize, ConfigVariables: nodeClass("x8"), Check: e.backupsTaken(1), ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("terraform_data.this", tfjsonpath.New("output"), knownvalue.StringExact("x8"))}},
		// The next backup refused: the apply fails, and the resource is
		// still at x8, with nothing to plan (a plan-only step fails on a
		// change).
		resource.TestStep{Config: resize, ConfigVariables: nodeClass("x16"), ExpectError: errorWith("PolarDB cluster has its maximum of manual backups")},
		resource.TestStep{Config: resize, ConfigVariables: nodeClass("x8"), PlanOnly: true},
	)
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

// terraform apply -invoke takes the backup and shows its progress, from
// its start to the backup available (the default wait_until), before the
// action completes.
func TestAccCreateBackupInvoke(t *testing.T) {
	testsupport.RequireActions(t)
	e := startEmulator(t)
	out, err := newCLIWorkdir(t, e.config(createBackupConfig(clusterWithoutJobs))).invoke(t)
	if err != nil {
		t.Fatalf("apply -invoke: %v\n%s", err, out)
	}
	progress := "action.polardb_create_backup.this (triggered by CLI): "
	started := strings.Index(out, progress+"Started backup job 2300000001 of "+clusterWithoutJobs)
	available := strings.Index(out, progress+"Backup of "+clusterWithoutJobs+": backup 2300000001 is listed as Success and available")
	completed := strings.Index(out, "Action complete: action.polardb_create_backup.this")
	if started < 0 || available < started || completed < available {
		t.Errorf("the output does not show the backup started, then available, then the action complete:\n%s", out)
	}
	if jobs := e.manualJobs(); len(jobs) != 1 {
		t.Errorf("manual backups taken: %v, want one", jobs)
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
