package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
)

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
			Config:            provider + readClusterWithJobs + backupsConfig(clusterWithJobs),
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
	unavailable := 0
	for _, r := range emu.Requests() {
		if r.Code == "ServiceUnavailable" {
			unavailable++
		}
	}
	if unavailable != 2 || !strings.Contains(string(logged), "PolarDB API call retried") {
		t.Errorf("the apply did not go through retries")
	}
	for name, text := range map[string]string{"log": string(logged), "diagnostics": diagnostics} {
		for _, s := range append(secrets, testSTSKeyID) {
			if strings.Contains(text, s) {
				t.Errorf("the %s shows %q", name, s)
			}
		}
	}
	// One debug line per answered call of DescribeBackupTasks, and per read
	// of every page of DescribeBackups, with what an operator needs: the
	// AccessKey ID only masked.
	calls := map[string][]string{}
	for _, line := range strings.Split(string(logged), "\n") {
		if strings.Contains(line, "PolarDB API call") && !strings.Contains(line, "PolarDB API call retried") &&
			!strings.Contains(line, "PolarDB API call failed") {
			for _, action := range []string{"DescribeBackupTasks", "DescribeBackups"} {
				if strings.Contains(line, " action="+action+" ") || strings.HasSuffix(line, " action="+action) {
					calls[action] = append(calls[action], line)
				}
			}
		}
	}
	if n := len(calls["DescribeBackupTasks"]); n == 0 || n != emu.calls("DescribeBackupTasks", "") {
		t.Errorf("%d log lines for %d answered DescribeBackupTasks calls", n, emu.calls("DescribeBackupTasks", ""))
	}
	if len(calls["DescribeBackups"]) == 0 {
		t.Error("no log line of a DescribeBackups read")
	}
	for action, wants := range map[string][]string{
		"DescribeBackupTasks": {fmt.Sprintf("tasks=%d", len(testJobs))},
		"DescribeBackups":     {"backups=0", "total=0", "pages=1", "reads=1", "start_time=", "end_time="},
	} {
		for _, line := range calls[action] {
			for _, want := range append(wants, `cluster_id=`+clusterWithJobs, `access_key_id="`+maskAccessKeyID(testSTSKeyID)+`"`, `duration_ms=`, `request_id=`) {
				if !strings.Contains(line, want) {
					t.Errorf("log line lacks %s: %s", want, line)
				}
			}
		}
	}
}
