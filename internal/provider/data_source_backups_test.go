package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
)

const (
	backupsAddress     = "data.polardb_backups.this"
	clusterWithBackups = "pc-2zeacc0000000004"
	// testWindow holds every one of testBackups.
	testWindow = `start_time = "2026-11-19T00:00:00Z"` + "\n  " + `end_time = "2026-11-27T00:00:00Z"`
)

// testBackups are the backup sets of clusterWithBackups, stored in no
// particular order: the newest, 32000003, failed, and the next, 32000004,
// is not usable, so the latest available is 32000002.
var testBackups = []emulator.Backup{
	{BackupId: "32000001", BackupStatus: "Success", BackupMode: "Automated", BackupMethod: "Snapshot", BackupType: "FullBackup", BackupsLevel: "Level-1",
		BackupStartTime: "2026-11-20T02:00:00Z", BackupEndTime: "2026-11-20T02:00:15Z", ConsistentTime: "1795140015", BackupSetSize: "154920107", IsAvail: "1"},
	{BackupId: "32000003", BackupStatus: "Failed", BackupMode: "Manual", BackupMethod: "Snapshot", BackupType: "FullBackup", BackupsLevel: "Level-1",
		BackupStartTime: "2026-11-26T08:15:30Z", BackupEndTime: "2026-11-26T08:15:40Z", BackupSetSize: "0", IsAvail: "0", Comment: "before resize"},
	{BackupId: "32000002", BackupStatus: "Success", BackupMode: "Automated", BackupMethod: "Snapshot", BackupType: "FullBackup", BackupsLevel: "Level-2",
		BackupStartTime: "2026-11-25T02:00:00Z", BackupEndTime: "2026-11-25T02:00:20Z", ConsistentTime: "1795572020", BackupSetSize: "160000000", IsAvail: "1",
		ExpectExpireTime: "2026-12-25T02:00:20Z", ExpectExpireType: "Sparse", Region: "cn-beijing"},
	{BackupId: "32000004", BackupStatus: "Success", BackupMode: "Automated", BackupMethod: "Snapshot", BackupType: "FullBackup", BackupsLevel: "Level-1",
		BackupStartTime: "2026-11-26T02:00:00Z", BackupEndTime: "2026-11-26T02:00:18Z", ConsistentTime: "1795658418", BackupSetSize: "161000000", IsAvail: "0"},
}

// backupStates are what testBackups must become in the state, by ID.
var backupStates = map[string]map[string]knownvalue.Check{
	"32000001": backupState(testBackups[0], "2026-11-20T02:00:15Z", 154920107, true),
	"32000003": backupState(testBackups[1], "", 0, false),
	"32000002": backupState(testBackups[2], "2026-11-25T02:00:20Z", 160000000, true),
	"32000004": backupState(testBackups[3], "2026-11-26T02:00:18Z", 161000000, false),
}

// backupState is b's state: the API's strings verbatim, the consistent time
// as RFC 3339 (none: null), the size a number, IsAvail a bool, an empty
// comment or expiry null.
func backupState(b emulator.Backup, consistent string, size int64, available bool) map[string]knownvalue.Check {
	orNull := func(s string) knownvalue.Check {
		if s == "" {
			return knownvalue.Null()
		}
		return knownvalue.StringExact(s)
	}
	return map[string]knownvalue.Check{
		"backup_id": knownvalue.StringExact(b.BackupId), "backup_status": knownvalue.StringExact(b.BackupStatus),
		"backup_mode": knownvalue.StringExact(b.BackupMode), "backup_method": knownvalue.StringExact(b.BackupMethod),
		"backup_type": knownvalue.StringExact(b.BackupType), "backup_level": knownvalue.StringExact(b.BackupsLevel),
		"start_time": knownvalue.StringExact(b.BackupStartTime), "end_time": knownvalue.StringExact(b.BackupEndTime),
		"consistent_time": orNull(consistent), "size_bytes": knownvalue.Int64Exact(size), "available": knownvalue.Bool(available),
		"comment": orNull(b.Comment), "expire_time": orNull(b.ExpectExpireTime), "expire_type": orNull(b.ExpectExpireType),
	}
}

// expectBackups checks backups (the IDs given, in order), latest_available
// (latest, or null when "") and total.
func expectBackups(total int64, latest string, ids ...string) []statecheck.StateCheck {
	list := []knownvalue.Check{}
	for _, id := range ids {
		list = append(list, knownvalue.ObjectExact(backupStates[id]))
	}
	var latestCheck knownvalue.Check = knownvalue.Null()
	if latest != "" {
		latestCheck = knownvalue.ObjectExact(backupStates[latest])
	}
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(backupsAddress, tfjsonpath.New("backups"), knownvalue.ListExact(list)),
		statecheck.ExpectKnownValue(backupsAddress, tfjsonpath.New("latest_available"), latestCheck),
		statecheck.ExpectKnownValue(backupsAddress, tfjsonpath.New("total"), knownvalue.Int64Exact(total)),
	}
}

// backupsConfig is a data source "this" reading clusterID, with the
// settings (HCL lines) given.
func backupsConfig(clusterID string, settings ...string) string {
	return fmt.Sprintf("\ndata \"polardb_backups\" \"this\" {\n  cluster_id = %q\n  %s\n}\n", clusterID, strings.Join(settings, "\n  "))
}

// startBackupsEmulator is startEmulator with clusterWithBackups and the
// extra clusters given.
func startBackupsEmulator(t *testing.T, extra ...emulator.Cluster) *testEmulator {
	t.Helper()
	clearProviderEnv(t)
	return startEmulator(t, append([]emulator.Cluster{{ID: clusterWithBackups, Backups: testBackups}}, extra...)...)
}

// backupsCalls are the parameters of the emulator's DescribeBackups calls.
func backupsCalls(e *testEmulator) []map[string]string {
	var out []map[string]string
	for _, r := range e.Requests() {
		if r.Action == "DescribeBackups" {
			out = append(out, r.Params)
		}
	}
	return out
}

// A read lists every backup of the window newest first, the latest one
// that can be restored from, and the API's total, in one call of a page of
// 100 over the window.
func TestAccBackups_newestFirstWithTheLatestAvailable(t *testing.T) {
	emu := startBackupsEmulator(t)
	testSteps(t, resource.TestStep{
		Config: emu.config(backupsConfig(clusterWithBackups, testWindow)),
		ConfigStateChecks: append(expectBackups(4, "32000002", "32000003", "32000004", "32000002", "32000001"),
			statecheck.ExpectKnownValue(backupsAddress, tfjsonpath.New("id"), knownvalue.StringExact(clusterWithBackups))),
	})
	want := map[string]string{"DBClusterId": clusterWithBackups, "StartTime": "2026-11-19T00:00Z", "EndTime": "2026-11-27T00:00Z",
		"PageSize": "100", "PageNumber": "1"}
	for i, got := range backupsCalls(emu) {
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("call %d sent %v, want exactly %v", i, got, want)
		}
	}
}

// Each filter is sent only when set, and narrows the list.
func TestAccBackups_filters(t *testing.T) {
	for _, tt := range []struct {
		setting, param, value string
		latest                string
		ids                   []string
	}{
		{"backup_id", "BackupId", "32000002", "32000002", []string{"32000002"}},
		{"backup_status", "BackupStatus", "Failed", "", []string{"32000003"}},
		{"backup_mode", "BackupMode", "Manual", "", []string{"32000003"}},
		{"backup_region", "BackupRegion", "cn-beijing", "32000002", []string{"32000002"}},
		{"backup_region", "BackupRegion", "cn-shanghai", "", nil},
	} {
		t.Run(tt.setting+"="+tt.value, func(t *testing.T) {
			emu := startBackupsEmulator(t)
			testSteps(t, resource.TestStep{
				Config:            emu.config(backupsConfig(clusterWithBackups, testWindow, fmt.Sprintf("%s = %q", tt.setting, tt.value))),
				ConfigStateChecks: expectBackups(int64(len(tt.ids)), tt.latest, tt.ids...),
			})
			for i, got := range backupsCalls(emu) {
				if got[tt.param] != tt.value || len(got) != 6 {
					t.Errorf("call %d sent %v, want %s=%s beside the cluster, window and page", i, got, tt.param, tt.value)
				}
			}
		})
	}
}

// The API takes whole minutes: the window is widened to them, in UTC, and
// what the wider window adds is dropped. A backup at either edge is in it.
func TestAccBackups_windowEdges(t *testing.T) {
	emu := startBackupsEmulator(t)
	testSteps(t, resource.TestStep{
		// 02:00:20 UTC to 08:15:29 UTC: 32000002 started 20 s before the
		// start, 32000003 a second after the end.
		Config: emu.config(backupsConfig(clusterWithBackups, `start_time = "2026-11-25T10:00:20+08:00"`, `end_time = "2026-11-26T08:15:29Z"`)),
		// The API counted the two in the wider window.
		ConfigStateChecks: expectBackups(3, "", "32000004"),
	}, resource.TestStep{
		Config:            emu.config(backupsConfig(clusterWithBackups, `start_time = "2026-11-25T02:00:00Z"`, `end_time = "2026-11-26T02:00:00Z"`)),
		ConfigStateChecks: expectBackups(2, "32000002", "32000004", "32000002"),
	})
	calls := backupsCalls(emu)
	if len(calls) == 0 || calls[0]["StartTime"] != "2026-11-25T02:00Z" || calls[0]["EndTime"] != "2026-11-26T08:16Z" {
		t.Errorf("the first read sent %v, want the window 2026-11-25T02:00Z to 2026-11-26T08:16Z", calls)
	}
}

// Without start_time and end_time, the window is the 7 days up to the read.
func TestAccBackups_defaultWindow(t *testing.T) {
	now := time.Now().UTC()
	at := func(ago time.Duration) string { return now.Add(-ago).Format(time.RFC3339) }
	recent := emulator.Backup{BackupId: "34000001", BackupStatus: "Success", BackupMode: "Automated", BackupStartTime: at(time.Hour),
		BackupEndTime: at(59 * time.Minute), ConsistentTime: strconv.FormatInt(now.Add(-59*time.Minute).Unix(), 10), BackupSetSize: "1", IsAvail: "1"}
	old := recent
	old.BackupId, old.BackupStartTime, old.BackupEndTime = "34000000", at(8*24*time.Hour), at(8*24*time.Hour-time.Minute)
	const cluster = "pc-2zeacc0000000005"
	emu := startBackupsEmulator(t, emulator.Cluster{ID: cluster, Backups: []emulator.Backup{old, recent}})
	testSteps(t, resource.TestStep{
		Config: emu.config(backupsConfig(cluster)),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(backupsAddress, tfjsonpath.New("backups").AtSliceIndex(0).AtMapKey("backup_id"), knownvalue.StringExact("34000001")),
			statecheck.ExpectKnownValue(backupsAddress, tfjsonpath.New("backups"), knownvalue.ListSizeExact(1)),
			statecheck.ExpectKnownValue(backupsAddress, tfjsonpath.New("latest_available").AtMapKey("backup_id"), knownvalue.StringExact("34000001")),
		},
	})
	for _, call := range backupsCalls(emu) {
		start, errStart := time.Parse(apiMinute, call["StartTime"])
		end, errEnd := time.Parse(apiMinute, call["EndTime"])
		if errStart != nil || errEnd != nil || end.Sub(start) != defaultWindow+time.Minute || end.Sub(now) < 0 || end.Sub(now) > 2*time.Minute {
			t.Errorf("sent the window %s to %s, want the 7 days up to now (%s) in whole minutes", call["StartTime"], call["EndTime"], now)
		}
	}
}

// With one end of the window set, the other is 7 days away from it, or
// the time of the read.
func TestAccBackups_oneEndOfTheWindow(t *testing.T) {
	emu := startBackupsEmulator(t)
	testSteps(t, resource.TestStep{
		Config:            emu.config(backupsConfig(clusterWithBackups, `end_time = "2026-11-26T00:00:00Z"`)),
		ConfigStateChecks: expectBackups(2, "32000002", "32000002", "32000001"),
	})
	for _, call := range backupsCalls(emu) {
		if call["StartTime"] != "2026-11-19T00:00Z" || call["EndTime"] != "2026-11-26T00:00Z" {
			t.Errorf("sent the window %s to %s, want the 7 days up to end_time", call["StartTime"], call["EndTime"])
		}
	}
	emu.Reset()
	testSteps(t, resource.TestStep{
		Config:            emu.config(backupsConfig(clusterWithBackups, `start_time = "2026-11-25T12:00:00Z"`)),
		ConfigStateChecks: expectBackups(2, "", "32000003", "32000004"),
	})
	now := time.Now().UTC()
	for _, call := range backupsCalls(emu) {
		end, err := time.Parse(apiMinute, call["EndTime"])
		if call["StartTime"] != "2026-11-25T12:00Z" || err != nil || end.Before(now.Add(-time.Minute)) || end.After(now.Add(time.Minute)) {
			t.Errorf("sent the window %s to %s, want start_time up to now (%s)", call["StartTime"], call["EndTime"], now)
		}
	}
}

// manyBackups are n Automated backups, a minute apart from 2026-11-21.
func manyBackups(n int) []emulator.Backup {
	out := make([]emulator.Backup, n)
	start := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	for i := range out {
		at := start.Add(time.Duration(i) * time.Minute)
		out[i] = emulator.Backup{BackupId: fmt.Sprintf("35%06d", i), BackupStatus: "Success", BackupMode: "Automated",
			BackupStartTime: at.Format(time.RFC3339), BackupEndTime: at.Add(30 * time.Second).Format(time.RFC3339),
			ConsistentTime: strconv.FormatInt(at.Add(30*time.Second).Unix(), 10), BackupSetSize: "1000", IsAvail: "1"}
	}
	return out
}

// expectUniqueBackups checks that the state lists n backups, each once,
// newest first.
func expectUniqueBackups(n int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs := s.RootModule().Resources[backupsAddress].Primary.Attributes
		if got := attrs["backups.#"]; got != strconv.Itoa(n) {
			return fmt.Errorf("%s backups, want %d", got, n)
		}
		seen := map[string]bool{}
		last := ""
		for i := range n {
			id, started := attrs[fmt.Sprintf("backups.%d.backup_id", i)], attrs[fmt.Sprintf("backups.%d.start_time", i)]
			if seen[id] {
				return fmt.Errorf("backup %s is listed twice", id)
			}
			seen[id] = true
			if last != "" && started > last {
				return fmt.Errorf("backup %s (%s) comes after an older one (%s)", id, started, last)
			}
			last = started
		}
		return nil
	}
}

// A window of 250 backups is read in three pages of 100, all listed once.
func TestAccBackups_paging(t *testing.T) {
	const cluster = "pc-2zeacc0000000006"
	emu := startBackupsEmulator(t, emulator.Cluster{ID: cluster, Backups: manyBackups(250)})
	testSteps(t, resource.TestStep{
		Config: emu.config(backupsConfig(cluster, testWindow)),
		Check:  expectUniqueBackups(250),
	})
	pages := map[string]bool{}
	for _, call := range backupsCalls(emu) {
		if call["PageSize"] != "100" {
			t.Errorf("a page of %s, want 100", call["PageSize"])
		}
		pages[call["PageNumber"]] = true
	}
	if fmt.Sprint(pages) != "map[1:true 2:true 3:true]" {
		t.Errorf("read the pages %v, want 1, 2 and 3", pages)
	}
}

// A backup that appears while the pages are read, at the head of the list
// (listed from the second call on: the first page says 150 backups, the
// second 151 and starts one further back) is neither lost nor listed
// twice: the read starts again, and reads both pages once more.
func TestAccBackups_backupAddedDuringTheRead(t *testing.T) {
	const cluster = "pc-2zeacc0000000007"
	backups := manyBackups(151)
	added := backups[150]
	added.ListedFromCall = 2
	emu := startBackupsEmulator(t, emulator.Cluster{ID: cluster, Backups: append([]emulator.Backup{added}, backups[:150]...)})
	w := newCLIWorkdir(t, emu.config(backupsConfig(cluster, testWindow)+`
output "ids" {
  value = [for b in data.polardb_backups.this.backups : b.backup_id]
}`))
	if out, err := w.command(context.Background(), "apply", "-auto-approve", "-input=false", "-no-color").CombinedOutput(); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if calls := len(backupsCalls(emu)); calls != 4 {
		t.Errorf("%d calls, want 4: both pages, then both again", calls)
	}
	out, err := w.command(context.Background(), "output", "-json", "ids").Output()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	if err := json.Unmarshal(out, &ids); err != nil {
		t.Fatal(err)
	}
	want := make([]string, 0, 151)
	for i := 150; i >= 0; i-- {
		want = append(want, backups[i].BackupId)
	}
	if !slices.Equal(ids, want) {
		t.Errorf("listed %d backups (%v...), want the 151, newest first, each once", len(ids), ids[:min(3, len(ids))])
	}
}

// A list that changes on every read ends in an error that says so.
func TestAccBackups_listThatKeepsChanging(t *testing.T) {
	const cluster = "pc-2zeacc0000000008"
	backups := manyBackups(156)
	for i := range 6 {
		backups[150+i].ListedFromCall = i + 2 // a new one at every call after the first
	}
	emu := startBackupsEmulator(t, emulator.Cluster{ID: cluster, Backups: backups})
	testSteps(t, resource.TestStep{
		Config:      emu.config(backupsConfig(cluster, testWindow)),
		ExpectError: regexp.MustCompile(`(?s)PolarDB backups changed during the read.*` + cluster + `.*kept\s+changing.*3\s+reads.*150,\s+151`),
	})
}

// The answer's harmless variations read as the documented shape does.
func TestAccBackups_answerVariations(t *testing.T) {
	for _, quirks := range [][]emulator.AnswerQuirk{
		{emulator.QuirkNumbers}, {emulator.QuirkSingleObject}, {emulator.QuirkNulls}, {emulator.QuirkExtraFields},
		{emulator.QuirkNumbers, emulator.QuirkSingleObject, emulator.QuirkNulls, emulator.QuirkExtraFields},
	} {
		t.Run(fmt.Sprint(quirks), func(t *testing.T) {
			const cluster = "pc-2zeacc0000000009"
			emu := startBackupsEmulator(t, emulator.Cluster{ID: cluster, Backups: testBackups, AnswerQuirks: quirks})
			testSteps(t, resource.TestStep{
				Config:            emu.config(backupsConfig(cluster, testWindow)),
				ConfigStateChecks: expectBackups(4, "32000002", "32000003", "32000004", "32000002", "32000001"),
			}, resource.TestStep{
				// A list of one, which single_object sends as an object.
				Config:            emu.config(backupsConfig(cluster, testWindow, `backup_id = "32000002"`)),
				ConfigStateChecks: expectBackups(1, "32000002", "32000002"),
			})
		})
	}
}

// The API's refusals name the code, message and request ID.
func TestAccBackups_apiErrors(t *testing.T) {
	emu := startBackupsEmulator(t)
	testSteps(t, resource.TestStep{
		Config: emu.config(backupsConfig("pc-2zeacc0000009999", testWindow)),
		ExpectError: regexp.MustCompile(`(?s)PolarDB cluster not found.*pc-2zeacc0000009999.*Code: InvalidDBClusterId\.NotFound.*` +
			`Message: The DBClusterId provided does not exist.*Request ID: [0-9A-F-]{36}`),
	})
	emu.SetFaults(emulator.Faults{Fault: emulator.FaultInternalError})
	testSteps(t, resource.TestStep{
		Config: httpProvider(emu.endpoint, "max_retries = 1") + backupsConfig(clusterWithBackups, testWindow),
		ExpectError: regexp.MustCompile(`(?s)PolarDB API error: InternalError.*DescribeBackups for cluster "` + clusterWithBackups + `".*` +
			`Request ID: [0-9A-F-]{36}.*Attempts: 2`),
	})
}

// An answer of a shape the provider cannot read says where, with its
// request ID, and is not blamed on a proxy.
func TestAccBackups_unreadableAnswer(t *testing.T) {
	clearProviderEnv(t)
	endpoint := misbehavingEndpoint(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"RequestId":"REQ-SHAPE-1","TotalRecordCount":"1","Items":{"Backup":[{"BackupId":{"id":"1"}}]}}`)
	})
	testSteps(t, resource.TestStep{
		Config: httpProvider(endpoint) + backupsConfig(clusterWithBackups, testWindow),
		ExpectError: regexp.MustCompile(`(?s)Unreadable answer from the PolarDB API.*` +
			`Items\.Backup\[0\]\.BackupId:\s+an\s+object\s+where\s+a\s+string\s+is\s+expected\s+\(request\s+ID\s+REQ-SHAPE-1\).*answered\s+DescribeBackups`),
	})
}

// A page that is throttled or fails with a 5xx is retried, and the read
// succeeds.
func TestAccBackups_transientFailuresRetried(t *testing.T) {
	for _, fault := range []emulator.FaultKind{emulator.FaultThrottling, emulator.FaultUnavailable, emulator.FaultReset} {
		t.Run(string(fault), func(t *testing.T) {
			const cluster = "pc-2zeacc0000000006"
			emu := startBackupsEmulator(t, emulator.Cluster{ID: cluster, Backups: manyBackups(250)})
			emu.SetFaults(emulator.Faults{Fault: fault, First: 2})
			testSteps(t, resource.TestStep{
				Config: emu.config(backupsConfig(cluster, testWindow)),
				Check:  expectUniqueBackups(250),
			})
		})
	}
}

// waitingCluster's job 33000001 runs until it finishes finishAfter after
// the first call, and its backup set is listed listingDelay later.
const (
	waitingCluster = "pc-2zeacc0000000010"
	waitingJob     = "33000001"
	listingDelay   = time.Second
)

func startWaitingBackupEmulator(t *testing.T, finishes time.Duration) *testEmulator {
	t.Helper()
	job := emulator.BackupJob{StartTime: time.Now().UTC().Add(-time.Minute).Format(time.RFC3339), Process: "10", BackupJobId: waitingJob,
		JobMode: "Manual", BackupProgressStatus: "Uploading", TaskAction: "TempBackupTask", FinishesAfter: emulator.Duration(finishes)}
	return startBackupsEmulator(t, emulator.Cluster{ID: waitingCluster, BackupJobs: []emulator.BackupJob{job},
		ListingDelay: emulator.Duration(listingDelay)})
}

// wait_until = "available" polls until the backup is listed, Success and
// usable, logging each poll at INFO.
func TestAccBackups_waitUntilAvailable(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "provider.log")
	t.Setenv("TF_LOG", "INFO")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	emu := startWaitingBackupEmulator(t, 2*time.Second)
	start := time.Now()
	testSteps(t, resource.TestStep{
		Config: emu.config(backupsConfig(waitingCluster, `backup_id = "`+waitingJob+`"`, `wait_until = "available"`, `timeouts = { read = "1m" }`)),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(backupsAddress, tfjsonpath.New("latest_available").AtMapKey("backup_id"), knownvalue.StringExact(waitingJob)),
			statecheck.ExpectKnownValue(backupsAddress, tfjsonpath.New("latest_available").AtMapKey("backup_mode"), knownvalue.StringExact("Manual")),
		},
	})
	if took, calls := time.Since(start), len(backupsCalls(emu)); took < 2*time.Second+listingDelay || calls < 2 {
		t.Errorf("returned after %s and %d calls, want at least %s and 2 calls", took, calls, 2*time.Second+listingDelay)
	}
	logged, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	var polls []string
	for line := range strings.Lines(string(logged)) {
		if strings.Contains(line, "[INFO]") && strings.Contains(line, "Waiting for a PolarDB backup:") {
			polls = append(polls, line)
		}
	}
	has := func(line string, fields ...string) bool {
		for _, f := range fields {
			if !strings.Contains(line, " "+f) {
				return false
			}
		}
		return true
	}
	if len(polls) < 2 || !has(polls[0], "poll=0", "holding=1", `backup="backup `+waitingJob+` is not listed yet"`) ||
		!has(polls[len(polls)-1], "holding=0") {
		t.Errorf("the INFO lines do not tell the polls:\n%s", strings.Join(polls, ""))
	}
}

// A backup queued behind another starts after the wait began: the window's
// default end moves on with each poll, so it is found.
func TestAccBackups_waitForABackupThatStartsLater(t *testing.T) {
	job := emulator.BackupJob{StartTime: time.Now().UTC().Add(3 * time.Second).Format(time.RFC3339), Process: "0", BackupJobId: waitingJob,
		JobMode: "Manual", BackupProgressStatus: "NoStart", TaskAction: "TempBackupTask", FinishesAfter: emulator.Duration(time.Second)}
	emu := startBackupsEmulator(t, emulator.Cluster{ID: waitingCluster, BackupJobs: []emulator.BackupJob{job}})
	testSteps(t, resource.TestStep{
		Config: emu.config(backupsConfig(waitingCluster, `backup_id = "`+waitingJob+`"`, `wait_until = "available"`, `timeouts = { read = "1m" }`)),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(backupsAddress, tfjsonpath.New("latest_available").AtMapKey("backup_id"), knownvalue.StringExact(waitingJob)),
		},
	})
}

// At the deadline, the diagnostic names the backup and what sets the limit;
// a backup listed as Failed ends the wait at once.
func TestAccBackups_waitEnds(t *testing.T) {
	emu := startWaitingBackupEmulator(t, 0) // never finishes
	testSteps(t, resource.TestStep{
		Config: emu.config(backupsConfig(waitingCluster, `backup_id = "`+waitingJob+`"`, `wait_until = "available"`, `timeouts = { read = "3s" }`)),
		ExpectError: regexp.MustCompile(`(?s)PolarDB backup not available at the read timeout.*backup\s+` + waitingJob + `\s+of\s+` + waitingCluster +
			`.*backup\s+` + waitingJob + `\s+is\s+not\s+listed\s+yet.*timeouts\.read.*\(3s;\s+default\s+60m`),
	}, resource.TestStep{
		Config:      emu.config(backupsConfig(clusterWithBackups, testWindow, `backup_id = "32000003"`, `wait_until = "available"`)),
		ExpectError: regexp.MustCompile(`(?s)PolarDB backup failed.*32000003.*Failed`),
	})
}

// Interrupting the CLI ends the wait at once and says what held it.
func TestAccBackups_interruptEndsTheWait(t *testing.T) {
	emu := startWaitingBackupEmulator(t, 0)
	w := newCLIWorkdir(t, emu.config(backupsConfig(waitingCluster, `backup_id = "`+waitingJob+`"`, `wait_until = "available"`)))
	plan := w.start(t, "plan", "-input=false", "-no-color")
	for deadline := time.Now().Add(hangGuard); len(backupsCalls(emu)) < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the wait never polled\n%s", plan.output())
		}
	}
	plan.interrupt(t)
	if err := plan.wait(t); err == nil {
		t.Errorf("plan succeeded after an interrupt:\n%s", plan.output())
	}
	text := oneLine(plan.output())
	if !strings.Contains(text, "Waiting for a PolarDB backup was cancelled") || !strings.Contains(text, "backup "+waitingJob+" is not listed yet") {
		t.Errorf("the output does not tell of the interrupted wait:\n%s", plan.output())
	}
}

// Identical reads in flight at the same time share one read of the pages.
func TestAccBackups_identicalReadsShareARead(t *testing.T) {
	emu := startBackupsEmulator(t)
	emu.SetFaults(emulator.Faults{Latency: emulator.Duration(500 * time.Millisecond)})
	const reads = 10
	w := newCLIWorkdir(t, emu.config(backupsConfig(clusterWithBackups, testWindow, fmt.Sprintf("count = %d", reads))))
	if out, err := w.command(context.Background(), "plan", "-input=false", "-no-color").CombinedOutput(); err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	if calls := len(backupsCalls(emu)); calls > reads/4 {
		t.Errorf("%d identical reads made %d calls, want at most %d", reads, calls, reads/4)
	}
}

// The API's numbers are read however they are written; what cannot be
// read is null, not an error.
func TestLiberalValues(t *testing.T) {
	for in, want := range map[string]string{"1795140015": "2026-11-20T02:00:15Z", "1.795140015e9": "2026-11-20T02:00:15Z",
		"2026-11-20T10:00:15+08:00": "2026-11-20T02:00:15Z", "2020-11-16T07:30Z": "2020-11-16T07:30:00Z", " 2020-11-16T15:30+08:00": "2020-11-16T07:30:00Z",
		"": "<nil>", "0": "<nil>", "soon": "<nil>", "2020-11-16": "<nil>"} {
		got := "<nil>"
		if s := utcTime(in); s != nil {
			got = *s
		}
		if got != want {
			t.Errorf("utcTime(%q) = %s, want %s", in, got, want)
		}
	}
	for in, want := range map[string]string{"1": "true true", "true": "true true", "0": "false true", "False": "false true", "": "false false", "2": "false false"} {
		available, ok := availableOf(&in)
		if got := fmt.Sprint(available, " ", ok); got != want {
			t.Errorf("availableOf(%q) = %s, want %s", in, got, want)
		}
	}
}

// The window sent to the API holds the one asked for, in whole minutes.
func TestAPIWindow(t *testing.T) {
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	for _, tt := range []struct{ start, end, apiStart, apiEnd string }{
		{"2026-11-25T02:00:20Z", "2026-11-26T08:15:29Z", "2026-11-25T02:00Z", "2026-11-26T08:16Z"},
		{"2026-11-25T02:00:00Z", "2026-11-26T08:15:00Z", "2026-11-25T02:00Z", "2026-11-26T08:15Z"},
		{"2026-11-25T10:00:00+08:00", "2026-11-25T10:00:00+08:00", "2026-11-25T02:00Z", "2026-11-25T02:01Z"}, // the API wants the end later
		{"2026-11-25T02:00:00.5Z", "2026-11-25T02:00:00.7Z", "2026-11-25T02:00Z", "2026-11-25T02:01Z"},
	} {
		start, end := backupWindow{start: at(tt.start), end: at(tt.end)}.apiWindow()
		if start != tt.apiStart || end != tt.apiEnd {
			t.Errorf("%s to %s is sent as %s to %s, want %s to %s", tt.start, tt.end, start, end, tt.apiStart, tt.apiEnd)
		}
	}
}
