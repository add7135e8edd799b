package provider

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
)

const tasksAddress = "data.polardb_backup_tasks.this"

// taskValue is the state a job must produce: the API's values verbatim.
func taskValue(job emulator.BackupJob) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"backup_job_id":          knownvalue.StringExact(job.BackupJobId),
		"start_time":             knownvalue.StringExact(job.StartTime),
		"process":                knownvalue.StringExact(job.Process),
		"job_mode":               knownvalue.StringExact(job.JobMode),
		"backup_progress_status": knownvalue.StringExact(job.BackupProgressStatus),
		"task_action":            knownvalue.StringExact(job.TaskAction),
	})
}

// expectTasks checks the data source's tasks and ids against jobs, in order.
func expectTasks(jobs ...emulator.BackupJob) []statecheck.StateCheck {
	tasks, ids := []knownvalue.Check{}, []knownvalue.Check{}
	for _, job := range jobs {
		tasks = append(tasks, taskValue(job))
		ids = append(ids, knownvalue.StringExact(job.BackupJobId))
	}
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks"), knownvalue.ListExact(tasks)),
		statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("ids"), knownvalue.ListExact(ids)),
	}
}

// expectEveryRequest fails unless the emulator saw at least one request and
// every request carried exactly want as its API parameters.
func expectEveryRequest(t *testing.T, emu *testEmulator, want map[string]string) {
	t.Helper()
	params := emu.requestParams()
	if len(params) == 0 {
		t.Fatal("the emulator saw no request")
	}
	for i, got := range params {
		if !reflect.DeepEqual(got, want) {
			t.Errorf("request %d sent %v, want exactly %v", i, got, want)
		}
	}
}

func TestAccBackupTasks_allTasksOfACluster(t *testing.T) {
	emu := startEmulator(t)
	testSteps(t, resource.TestStep{
		Config: emu.config(tasksConfig(clusterWithJobs, `timeouts = { read = "2m" }`)),
		ConfigStateChecks: append(expectTasks(testJobs...),
			statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("id"), knownvalue.StringExact(clusterWithJobs))),
	})
	expectEveryRequest(t, emu, map[string]string{"DBClusterId": clusterWithJobs})
	for _, r := range emu.Requests() {
		if r.Action != "DescribeBackupTasks" || r.Version != "2017-08-01" || r.SignatureMode != "ACS3-HMAC-SHA256" || r.AccessKeyID != testAccessKeyID {
			t.Errorf("request %+v, want DescribeBackupTasks 2017-08-01 signed ACS3-HMAC-SHA256 by %s", r, testAccessKeyID)
		}
	}
}

func TestAccBackupTasks_filters(t *testing.T) {
	tests := []struct {
		name, argument, value string
		param                 string
		want                  []emulator.BackupJob
	}{
		{"backup_mode Manual", "backup_mode", "Manual", "BackupMode", []emulator.BackupJob{testJobs[1]}},
		{"backup_mode Automated", "backup_mode", "Automated", "BackupMode", []emulator.BackupJob{testJobs[0], testJobs[2]}},
		{"backup_job_id", "backup_job_id", "31000003", "BackupJobId", []emulator.BackupJob{testJobs[2]}},
		{"backup_job_id matching nothing", "backup_job_id", "99999999", "BackupJobId", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			emu := startEmulator(t)
			testSteps(t, resource.TestStep{
				Config:            emu.config(tasksConfig(clusterWithJobs, fmt.Sprintf("%s = %q", tt.argument, tt.value))),
				ConfigStateChecks: expectTasks(tt.want...),
			})
			expectEveryRequest(t, emu, map[string]string{"DBClusterId": clusterWithJobs, tt.param: tt.value})
		})
	}
}

func TestAccBackupTasks_noTasksIsAnEmptyList(t *testing.T) {
	emu := startEmulator(t)
	testSteps(t, resource.TestStep{
		Config: emu.config(tasksConfig(clusterWithoutJobs) + `
output "task_count" {
  value = length(data.polardb_backup_tasks.this.tasks)
}`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks"), knownvalue.ListSizeExact(0)),
			statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("ids"), knownvalue.ListSizeExact(0)),
			statecheck.ExpectKnownOutputValue("task_count", knownvalue.Int64Exact(0)),
		},
	})
}

func TestAccBackupTasks_apiErrors(t *testing.T) {
	tests := []struct {
		name   string
		config func(*testEmulator) string
		want   string
	}{{
		name: "missing cluster",
		config: func(e *testEmulator) string {
			return e.config(tasksConfig("pc-nosuchcluster"))
		},
		want: `(?s)PolarDB cluster not found.*"pc-nosuchcluster".*Code: InvalidDBClusterId\.NotFound.*Message: The DBClusterId provided does not exist.*Request\s+ID:\s+[0-9A-F]{8}-[0-9A-F-]+`,
	}, {
		name: "wrong secret",
		config: func(e *testEmulator) string {
			return httpProvider(e.endpoint, `secret_key = "not-the-secret"`) + readClusterWithJobs
		},
		want: `(?s)PolarDB API refused the credentials.*LTAI\*\*\*\*0001.*secret_key.*Code: SignatureDoesNotMatch.*Request\s+ID:\s+[0-9A-F]{8}-`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testSteps(t, resource.TestStep{Config: tt.config(startEmulator(t)), ExpectError: regexp.MustCompile(tt.want)})
		})
	}
}

func TestAccBackupTasks_clusterIDUnknownUntilApply(t *testing.T) {
	emu := startEmulator(t)
	testSteps(t, resource.TestStep{
		Config: emu.config(fmt.Sprintf(`
resource "terraform_data" "cluster" {
  input = %q
}
data "polardb_backup_tasks" "this" {
  cluster_id = terraform_data.cluster.output
}`, clusterWithJobs)),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{plancheck.ExpectUnknownValue(tasksAddress, tfjsonpath.New("tasks"))},
		},
		ConfigStateChecks: expectTasks(testJobs...),
	})
}

// noRunningBackup is a check block and a postcondition, as a user gating a
// change would write them.
const noRunningBackup = `
data "polardb_backup_tasks" "this" {
  cluster_id = %[1]q
}
check "no_running_backup" {
  assert {
    condition     = length([for t in data.polardb_backup_tasks.this.tasks : t if contains(["Preparing", "Waiting", "Uploading", "Checking"], t.backup_progress_status)]) == 0
    error_message = "A backup of %[1]s is running."
  }
}
`

const postconditionNoRunningBackup = `
data "polardb_backup_tasks" "this" {
  cluster_id = %[1]q
  lifecycle {
    postcondition {
      condition     = alltrue([for t in self.tasks : contains(["NoStart", "Finished"], t.backup_progress_status)])
      error_message = "Cluster %[1]s has a backup in progress."
    }
  }
}
`

// expectCheckStatus asserts the recorded status of a check block.
type expectCheckStatus struct {
	name   string
	status tfjson.CheckStatus
}

func (e expectCheckStatus) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	for _, c := range req.State.Checks {
		if c.Address.Kind == tfjson.CheckKindCheckBlock && c.Address.Name == e.name {
			if c.Status != e.status {
				resp.Error = fmt.Errorf("check %q is %q, want %q", e.name, c.Status, e.status)
			}
			return
		}
	}
	resp.Error = fmt.Errorf("check %q not in state", e.name)
}

func TestAccBackupTasks_checkBlock(t *testing.T) {
	emu := startEmulator(t)
	testSteps(t, resource.TestStep{
		Config:            emu.config(fmt.Sprintf(noRunningBackup, clusterWithoutJobs)),
		ConfigStateChecks: []statecheck.StateCheck{expectCheckStatus{"no_running_backup", tfjson.CheckStatusPass}},
	}, resource.TestStep{
		// A failing check block warns; the apply itself succeeds.
		Config:            emu.config(fmt.Sprintf(noRunningBackup, clusterWithJobs)),
		ConfigStateChecks: []statecheck.StateCheck{expectCheckStatus{"no_running_backup", tfjson.CheckStatusFail}},
	})
}

func TestAccBackupTasks_postcondition(t *testing.T) {
	emu := startEmulator(t)
	testSteps(t, resource.TestStep{
		Config:            emu.config(fmt.Sprintf(postconditionNoRunningBackup, clusterWithoutJobs)),
		ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks"), knownvalue.ListSizeExact(0))},
	}, resource.TestStep{
		Config:      emu.config(fmt.Sprintf(postconditionNoRunningBackup, clusterWithJobs)),
		ExpectError: regexp.MustCompile(`(?s)Resource\s+postcondition\s+failed.*Cluster\s+` + clusterWithJobs + `\s+has\s+a\s+backup\s+in\s+progress`),
	})
}

// An answer with 10,000 tasks goes through the CLI whole, in order.
func TestAccTenThousandTasks(t *testing.T) {
	clearProviderEnv(t)
	jobs := make([]emulator.BackupJob, 10000)
	for i := range jobs {
		jobs[i] = emulator.BackupJob{StartTime: "2026-11-26T02:00:00Z", Process: "100", BackupJobId: fmt.Sprintf("4%07d", i),
			JobMode: "Automated", BackupProgressStatus: "Finished", TaskAction: "NormalBackupTask"}
	}
	emu := serveEmulator(t, emulator.New(emulator.Data{
		Credentials: []emulator.Credential{{AccessKeyID: testAccessKeyID, AccessKeySecret: testAccessKeySecret}},
		Clusters:    []emulator.Cluster{{ID: "pc-2zebig000000001", BackupJobs: jobs}},
	}))
	testSteps(t, resource.TestStep{
		Config: emu.config(tasksConfig("pc-2zebig000000001") + `
output "first_and_last" {
  value = [data.polardb_backup_tasks.this.ids[0], data.polardb_backup_tasks.this.tasks[9999].backup_job_id]
}`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks"), knownvalue.ListSizeExact(10000)),
			statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("ids"), knownvalue.ListSizeExact(10000)),
			statecheck.ExpectKnownOutputValue("first_and_last", knownvalue.ListExact([]knownvalue.Check{
				knownvalue.StringExact("40000000"), knownvalue.StringExact("40009999")})),
		},
	})
}
