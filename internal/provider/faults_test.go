package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
)

// count returns how many DescribeBackupTasks calls the emulator answered
// with code ("" for success).
func (e *testEmulator) count(code string) int {
	n := 0
	for _, r := range e.Requests() {
		if r.Action == "DescribeBackupTasks" && r.Code == code {
			n++
		}
	}
	return n
}

// The fault matrix's representative faults, through the CLI: transient ones
// are ridden through, permanent ones fail with a clear diagnostic, and
// each makes exactly the calls it must, counted on its own fault's code.
func TestAccFaults(t *testing.T) {
	tests := []struct {
		name       string
		faults     emulator.Faults
		provider   string // settings of the provider block
		dataSource string // settings of the data source
		wantErr    string // "" for success
		code       string // what the emulator records for the faulted calls
		faultCalls int    // how many calls the fault answers
	}{
		{"throttling, then success", emulator.Faults{Fault: emulator.FaultThrottling, First: 2}, "", "", "", "Throttling.User", 2},
		{"503s, then success", emulator.Faults{Fault: emulator.FaultUnavailable, First: 3}, "", "", "", "ServiceUnavailable", 3},
		{"an HTML 502 page, then success", emulator.Faults{Fault: emulator.FaultHTML502, First: 2}, "", "", "", "fault:html_502", 2},
		{"an HTML 502 page every time fails once the retries are spent", emulator.Faults{Fault: emulator.FaultHTML502}, "max_retries = 2", "",
			`(?s)Unexpected answer from the PolarDB API.*127\.0\.0\.1:[0-9]+.*HTTP\s+502.*text/html.*502\s+Bad\s+Gateway.*Attempts:\s+3`, "fault:html_502", 3},
		{"a hung API fails at the read timeout", emulator.Faults{Fault: emulator.FaultHang}, "", `timeouts = { read = "3s" }`,
			`(?s)Reading PolarDB backup tasks timed out.*No\s+complete\s+answer\s+from\s+the\s+PolarDB\s+API\s+at\s+127\.0\.0\.1:[0-9]+\s+in\s+time.*3s`, "fault:hang", 1},
		{"a truncated body fails cleanly, without a retry", emulator.Faults{Fault: emulator.FaultTruncated}, "", "",
			`(?s)Unexpected answer from the PolarDB API.*127\.0\.0\.1:[0-9]+.*HTTP\s+200.*body\s+is\s+not\s+valid\s+JSON`, "fault:truncated", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearProviderEnv(t)
			emu := startEmulator(t)
			emu.SetClusterFaults(clusterWithJobs, tt.faults)
			step := resource.TestStep{Config: httpProvider(emu.endpoint, tt.provider) + fmt.Sprintf(`
data "polardb_backup_tasks" "this" {
  cluster_id = %q
  %s
}`, clusterWithJobs, tt.dataSource)}
			if tt.wantErr != "" {
				step.ExpectError = regexp.MustCompile(tt.wantErr)
			} else {
				step.ConfigStateChecks = expectTasks(testJobs...)
			}
			resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: []resource.TestStep{step}})
			// The first read of the plan meets the fault; later reads
			// (refresh, the post-apply plan) go through at once.
			if got := emu.count(tt.code); got != tt.faultCalls {
				t.Errorf("the emulator answered %d calls with %s, want %d", got, tt.code, tt.faultCalls)
			}
		})
	}
}

// A hundred reads against an API that accepts 15 calls a second all
// succeed: throttled calls wait as the API asks and try again.
func TestAccLoadUnderARateLimit(t *testing.T) {
	clearProviderEnv(t)
	emu := startEmulator(t)
	emu.SetFaults(emulator.Faults{RateLimit: 15})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: emu.config(fmt.Sprintf(`
data "polardb_backup_tasks" "load" {
  count      = 100
  cluster_id = %q
}
output "tasks_read" {
  value = sum([for d in data.polardb_backup_tasks.load : length(d.tasks)])
}`, clusterWithJobs)),
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("tasks_read", knownvalue.Int64Exact(int64(100*len(testJobs))))},
		}},
	})
	if throttled := emu.count("Throttling.User"); throttled == 0 {
		t.Errorf("no call was throttled: the test did not exercise the rate limit")
	} else {
		t.Logf("%d calls succeeded, %d were throttled and retried", emu.count(""), throttled)
	}
}

// noSecrets fails when any of secrets occurs in what it is given, as JSON.
func noSecrets(what string, v any, secrets []string) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	for _, s := range secrets {
		if strings.Contains(string(b), s) {
			return fmt.Errorf("the %s holds a secret", what)
		}
	}
	return nil
}

type planHasNoSecrets struct{ secrets []string }

func (c planHasNoSecrets) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = noSecrets("plan JSON", req.Plan, c.secrets)
}

type stateHasNoSecrets struct{ secrets []string }

func (c stateHasNoSecrets) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = noSecrets("state", req.State, c.secrets)
}

// A full apply at TF_LOG=TRACE, through retries and an API error, leaves
// the secret and the security token nowhere: not in the log, the state,
// the plan JSON or any diagnostic. The AccessKey ID appears only masked,
// in the one debug line of each call.
func TestAccSecretsNeverLeak(t *testing.T) {
	clearProviderEnv(t)
	emu := startEmulator(t)
	emu.SetClusterFaults(clusterWithJobs, emulator.Faults{Fault: emulator.FaultUnavailable, First: 2})
	logPath := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", testSTSKeyID)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", testSTSKeySecret)
	t.Setenv("ALIBABA_CLOUD_SECURITY_TOKEN", testSTSToken)
	secrets := []string{testSTSKeySecret, testSTSToken}

	provider := fmt.Sprintf("provider \"polardb\" {\n  endpoint = %q\n  protocol = \"HTTP\"\n}\n", emu.endpoint)
	var diagnostics string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		// The second step's error is checked here, in full, and accepted.
		ErrorCheck: func(err error) error {
			diagnostics = err.Error()
			if !strings.Contains(diagnostics, "Code: InvalidDBClusterId.NotFound") {
				return err
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config:            provider + readClusterWithJobs,
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{planHasNoSecrets{secrets}}},
			ConfigStateChecks: append(expectTasks(testJobs...), stateHasNoSecrets{secrets}),
		}, {
			Config: provider + readClusterWithJobs + `
data "polardb_backup_tasks" "missing" {
  cluster_id = "pc-nosuchcluster"
}`,
		}},
	})

	if diagnostics == "" {
		t.Fatal("the second step did not fail")
	}
	logged, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if emu.count("ServiceUnavailable") != 2 || !strings.Contains(string(logged), "PolarDB API call retried") {
		t.Errorf("the apply did not go through retries")
	}
	for name, text := range map[string]string{"log": string(logged), "diagnostics": diagnostics} {
		for _, s := range append(secrets, testSTSKeyID) {
			if strings.Contains(text, s) {
				t.Errorf("the %s shows %q", name, s)
			}
		}
	}
	// One debug line per answered call, with what an operator needs: the
	// AccessKey ID only masked.
	var calls []string
	for _, line := range strings.Split(string(logged), "\n") {
		if strings.Contains(line, "PolarDB API call") && !strings.Contains(line, "PolarDB API call retried") &&
			!strings.Contains(line, "PolarDB API call failed") {
			calls = append(calls, line)
		}
	}
	if len(calls) == 0 || len(calls) != emu.count("") {
		t.Errorf("%d log lines for %d answered calls", len(calls), emu.count(""))
	}
	for _, line := range calls {
		for _, want := range []string{`action=DescribeBackupTasks`, `cluster_id=` + clusterWithJobs,
			`access_key_id="` + maskAccessKeyID(testSTSKeyID) + `"`, `duration_ms=`, `request_id=`, fmt.Sprintf("tasks=%d", len(testJobs))} {
			if !strings.Contains(line, want) {
				t.Errorf("log line lacks %s: %s", want, line)
			}
		}
	}
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
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: emu.config(`
data "polardb_backup_tasks" "this" {
  cluster_id = "pc-2zebig000000001"
}
output "first_and_last" {
  value = [data.polardb_backup_tasks.this.ids[0], data.polardb_backup_tasks.this.tasks[9999].backup_job_id]
}`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks"), knownvalue.ListSizeExact(10000)),
				statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("ids"), knownvalue.ListSizeExact(10000)),
				statecheck.ExpectKnownOutputValue("first_and_last", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("40000000"), knownvalue.StringExact("40009999")})),
			},
		}},
	})
}
