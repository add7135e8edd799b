package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
)

// The fault matrix's representative faults, through the CLI: transient ones
// are ridden through, permanent ones fail with a clear diagnostic, and
// each makes exactly the calls it must, counted on its own fault's code.
func TestAccFaults(t *testing.T) {
	tests := []struct {
		name       string
		faults     emulator.Faults
		provider   string         // settings of the provider block
		dataSource string         // settings of the data source
		wantErr    *regexp.Regexp // nil for success
		code       string         // what the emulator records for the faulted calls
		faultCalls int            // how many calls the fault answers
	}{
		{"throttling, then success", emulator.Faults{Fault: emulator.FaultThrottling, First: 2}, "", "", nil, "Throttling.User", 2},
		{"503s, then success", emulator.Faults{Fault: emulator.FaultUnavailable, First: 3}, "", "", nil, "ServiceUnavailable", 3},
		{"an HTML 502 page, then success", emulator.Faults{Fault: emulator.FaultHTML502, First: 2}, "", "", nil, "fault:html_502", 2},
		{"an HTML 502 page every time fails once the retries are spent", emulator.Faults{Fault: emulator.FaultHTML502}, "max_retries = 2", "",
			regexp.MustCompile(`(?s)Unexpected answer from the PolarDB API.*127\.0\.0\.1:[0-9]+.*HTTP\s+502.*text/html.*502\s+Bad\s+Gateway.*Attempts:\s+3`), "fault:html_502", 3},
		{"a hung API fails at the read timeout", emulator.Faults{Fault: emulator.FaultHang}, "", `timeouts = { read = "3s" }`,
			regexp.MustCompile(`(?s)Reading PolarDB backup tasks timed out.*No\s+complete\s+answer\s+from\s+the\s+PolarDB\s+API\s+at\s+127\.0\.0\.1:[0-9]+\s+in\s+time.*3s`), "fault:hang", 1},
		{"a truncated body fails cleanly, without a retry", emulator.Faults{Fault: emulator.FaultTruncated}, "", "",
			regexp.MustCompile(`(?s)Unexpected answer from the PolarDB API.*127\.0\.0\.1:[0-9]+.*HTTP\s+200.*body\s+is\s+not\s+valid\s+JSON`), "fault:truncated", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearProviderEnv(t)
			emu := startEmulator(t)
			emu.SetClusterFaults(clusterWithJobs, tt.faults)
			expectReadOrError(t, httpProvider(emu.endpoint, tt.provider)+tasksConfig(clusterWithJobs, tt.dataSource), tt.wantErr)
			// The first read of the plan meets the fault; later reads
			// (refresh, the post-apply plan) go through at once.
			if got := emu.calls("DescribeBackupTasks", tt.code); got != tt.faultCalls {
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
	testSteps(t, resource.TestStep{
		Config: emu.config(tasksConfig(clusterWithJobs, "count = 100") + `
output "tasks_read" {
  value = sum([for d in data.polardb_backup_tasks.this : length(d.tasks)])
}`),
		ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("tasks_read", knownvalue.Int64Exact(int64(100*len(testJobs))))},
	})
	if throttled := emu.calls("DescribeBackupTasks", "Throttling.User"); throttled == 0 {
		t.Errorf("no call was throttled: the test did not exercise the rate limit")
	} else {
		t.Logf("%d calls succeeded, %d were throttled and retried", emu.calls("DescribeBackupTasks", ""), throttled)
	}
}
