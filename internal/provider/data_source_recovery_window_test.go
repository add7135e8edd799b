package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
)

// recoveryOperations are the calls of one read of polardb_recovery_window.
var recoveryOperations = []string{"DescribeLocalAvailableRecoveryTime", "DescribeBackupPolicy", "DescribeLogBackupPolicy"}

// testPolicy is a backup policy with no default value in it; its level-1
// counterparts differ, to tell which one the data source took.
var testPolicy = &emulator.BackupPolicy{
	BackupRetentionPolicyOnClusterDeletion: "LATEST", BackupFrequency: "2/24H", PreferredBackupPeriod: "Monday,Wednesday,Friday",
	PreferredBackupTime: "02:00Z-03:00Z", PreferredNextBackupTime: "2026-11-30T02:00Z", DataLevel1BackupRetentionPeriod: "14",
	DataLevel1BackupFrequency: "Normal", DataLevel1BackupPeriod: "Sunday", DataLevel1BackupTime: "15:00Z-16:00Z",
	DataLevel2BackupRetentionPeriod: "-1", BackupPolicyLevel: "Advanced",
}

// logOff and logKeptForEver are log backup policies.
var (
	logOff         = &emulator.LogBackupPolicy{EnableBackupLog: new(0), LogBackupRetentionPeriod: 30}
	logKeptForEver = &emulator.LogBackupPolicy{EnableBackupLog: new(1), LogBackupRetentionPeriod: -1}
)

// recoveryWindow is the state of a read of a cluster with testBackups
// (the one usable level-1 backup, 32000001, restores to
// 2026-11-20T02:00:15Z), testPolicy and logOff: every attribute set.
var recoveryWindow = map[string]knownvalue.Check{
	"earliest_restorable_time": knownvalue.StringExact("2026-11-20T02:00:15Z"),
	"latest_restorable_time":   knownvalue.StringExact("2026-11-20T02:00:15Z"),
	"log_backup_enabled":       knownvalue.Bool(false), "log_backup_retention_days": knownvalue.Int64Exact(30),
	"backup_retention_days": knownvalue.Int64Exact(14), "level2_backup_retention_days": knownvalue.Int64Exact(-1),
	"backup_frequency": knownvalue.StringExact("2/24H"),
	"preferred_backup_days": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("Monday"), knownvalue.StringExact("Wednesday"),
		knownvalue.StringExact("Friday")}),
	"preferred_backup_time": knownvalue.StringExact("02:00Z-03:00Z"), "next_backup_time": knownvalue.StringExact("2026-11-30T02:00:00Z"),
	"retention_on_cluster_deletion": knownvalue.StringExact("LATEST"), "backup_policy_level": knownvalue.StringExact("Advanced"),
}

// expectWindow checks the attributes of data.polardb_recovery_window.name
// against want, and the others against recoveryWindow.
func expectWindow(name string, want map[string]knownvalue.Check) []statecheck.StateCheck {
	var checks []statecheck.StateCheck
	for attr, check := range recoveryWindow {
		if c, ok := want[attr]; ok {
			check = c
		}
		checks = append(checks, statecheck.ExpectKnownValue("data.polardb_recovery_window."+name, tfjsonpath.New(attr), check))
	}
	return checks
}

// windowConfig is a polardb_recovery_window data source of each cluster,
// named as the cluster is in clusters.
func windowConfig(clusters map[string]string) string {
	var b strings.Builder
	for name, id := range clusters {
		fmt.Fprintf(&b, "\ndata \"polardb_recovery_window\" %q {\n  cluster_id = %q\n}\n", name, id)
	}
	return b.String()
}

// A read sets every attribute from the three answers: the times as RFC
// 3339 in UTC (the window counts only usable level-1 backups), the numbers
// as numbers whichever kind the API sends them as, the days as a list.
func TestAccRecoveryWindow_everyAttribute(t *testing.T) {
	cluster := func(id string, quirks ...emulator.AnswerQuirk) emulator.Cluster {
		return emulator.Cluster{ID: id, Backups: testBackups, BackupPolicy: testPolicy, LogBackupPolicy: logOff, AnswerQuirks: quirks}
	}
	emu := startBackupsEmulator(t,
		cluster("pc-2zeacc0000000101"),
		cluster("pc-2zeacc0000000102", emulator.QuirkNumbers, emulator.QuirkSingleObject),
		cluster("pc-2zeacc0000000103", emulator.QuirkNumberStrings, emulator.QuirkExtraFields),
		emulator.Cluster{ID: "pc-2zeacc0000000104", Backups: testBackups, BackupPolicy: testPolicy, LogBackupPolicy: logKeptForEver})
	started := time.Now().UTC().Truncate(time.Second)
	checks := append(expectWindow("documented", nil), expectWindow("numbers", nil)...)
	checks = append(checks, expectWindow("number_strings", nil)...)
	checks = append(checks, expectWindow("logs", map[string]knownvalue.Check{
		"latest_restorable_time": knownvalue.StringFunc(func(s string) error { return notBefore(s, started) }),
		"log_backup_enabled":     knownvalue.Bool(true), "log_backup_retention_days": knownvalue.Int64Exact(-1),
	})...)
	testSteps(t, resource.TestStep{
		Config: emu.config(windowConfig(map[string]string{"documented": "pc-2zeacc0000000101", "numbers": "pc-2zeacc0000000102",
			"number_strings": "pc-2zeacc0000000103", "logs": "pc-2zeacc0000000104"})),
		ConfigStateChecks: append(checks, statecheck.ExpectKnownValue("data.polardb_recovery_window.documented", tfjsonpath.New("id"),
			knownvalue.StringExact("pc-2zeacc0000000101"))),
	})
	for _, op := range recoveryOperations {
		if n := emu.calls(op, ""); n < 4 {
			t.Errorf("%d %s calls, want one per data source read", n, op)
		}
	}
}

// notBefore says whether s is an RFC 3339 time in UTC, at t or after.
func notBefore(s string, t time.Time) error {
	at, err := time.Parse(time.RFC3339, s)
	if err != nil || !strings.HasSuffix(s, "Z") || at.Before(t) {
		return fmt.Errorf("%q is not an RFC 3339 time in UTC at %s or after", s, t.Format(time.RFC3339))
	}
	return nil
}

// What the API leaves out, sends empty or null is null: the times of a
// cluster that has no restorable point, whichever way the API says so, and
// every policy attribute when the policies are empty; a schedule the
// policy leaves empty is its level-1 counterpart.
func TestAccRecoveryWindow_nullsAndFallbacks(t *testing.T) {
	times := []string{"RecoveryBeginTime", "RecoveryEndTime"}
	policyFields := []string{"BackupRetentionPolicyOnClusterDeletion", "BackupFrequency", "PreferredBackupPeriod", "PreferredBackupTime",
		"PreferredNextBackupTime", "DataLevel1BackupRetentionPeriod", "DataLevel1BackupFrequency", "DataLevel1BackupPeriod", "DataLevel1BackupTime",
		"DataLevel2BackupRetentionPeriod", "BackupPolicyLevel", "EnableBackupLog", "LogBackupRetentionPeriod"}
	emu := startBackupsEmulator(t,
		emulator.Cluster{ID: "pc-2zeacc0000000111", BackupPolicy: testPolicy, LogBackupPolicy: logOff},
		emulator.Cluster{ID: "pc-2zeacc0000000112", Backups: testBackups, BackupPolicy: testPolicy, LogBackupPolicy: logOff, OmitFields: times},
		emulator.Cluster{ID: "pc-2zeacc0000000113", BackupPolicy: testPolicy, LogBackupPolicy: logOff, AnswerQuirks: []emulator.AnswerQuirk{emulator.QuirkNulls}},
		emulator.Cluster{ID: "pc-2zeacc0000000114", Backups: testBackups, OmitFields: append(policyFields, times...)},
		emulator.Cluster{ID: "pc-2zeacc0000000115", Backups: testBackups, BackupPolicy: testPolicy, LogBackupPolicy: logOff,
			OmitFields: []string{"BackupFrequency", "PreferredBackupPeriod", "PreferredBackupTime"}})
	noTimes := map[string]knownvalue.Check{"earliest_restorable_time": knownvalue.Null(), "latest_restorable_time": knownvalue.Null()}
	allNull := map[string]knownvalue.Check{}
	for attr := range recoveryWindow {
		allNull[attr] = knownvalue.Null()
	}
	checks := append(expectWindow("no_backups", noTimes), expectWindow("times_left_out", noTimes)...)
	checks = append(checks, expectWindow("nulls", noTimes)...)
	checks = append(checks, expectWindow("nothing", allNull)...)
	checks = append(checks, expectWindow("level1", map[string]knownvalue.Check{
		"backup_frequency": knownvalue.StringExact("Normal"), "preferred_backup_time": knownvalue.StringExact("15:00Z-16:00Z"),
		"preferred_backup_days": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("Sunday")}),
	})...)
	testSteps(t, resource.TestStep{
		Config: emu.config(windowConfig(map[string]string{"no_backups": "pc-2zeacc0000000111", "times_left_out": "pc-2zeacc0000000112",
			"nulls": "pc-2zeacc0000000113", "nothing": "pc-2zeacc0000000114", "level1": "pc-2zeacc0000000115"})),
		ConfigStateChecks: checks,
	})
}

// Throttled calls are retried, each on its own: the read succeeds.
func TestAccRecoveryWindow_throughThrottling(t *testing.T) {
	emu := startBackupsEmulator(t, emulator.Cluster{ID: "pc-2zeacc0000000121", Backups: testBackups, BackupPolicy: testPolicy,
		LogBackupPolicy: logOff, Faults: &emulator.Faults{Fault: emulator.FaultThrottling, First: 3}})
	testSteps(t, resource.TestStep{
		Config:            emu.config(windowConfig(map[string]string{"this": "pc-2zeacc0000000121"})),
		ConfigStateChecks: expectWindow("this", nil),
	})
	throttled := 0
	for _, op := range recoveryOperations {
		throttled += emu.calls(op, "Throttling.User")
	}
	if throttled != 3 {
		t.Errorf("%d throttled calls, want 3", throttled)
	}
}

// A cluster that does not exist is named in one error, whichever
// operation said so first (DescribeLocalAvailableRecoveryTime with its own
// code); a malformed cluster ID is refused at plan time, with no call.
func TestAccRecoveryWindow_refusals(t *testing.T) {
	emu := startBackupsEmulator(t)
	testSteps(t,
		resource.TestStep{
			Config: emu.config(windowConfig(map[string]string{"this": "pc-2zeacc0000009999"})),
			// Code: InvalidDBCluster.NotFound or InvalidDBClusterId.NotFound.
			ExpectError: errorWith(`PolarDB cluster not found`, `No PolarDB cluster "pc-2zeacc0000009999" exists`, `Code: InvalidDBCluster`, `Request ID: `),
		},
		resource.TestStep{
			Config:      emu.config(windowConfig(map[string]string{"this": "PC-not valid"})),
			ExpectError: errorWith(`Attribute cluster_id a PolarDB cluster ID: "pc-" followed by lowercase letters and digits`),
		})
	for _, r := range emu.Requests() {
		if r.Params["DBClusterId"] == "PC-not valid" {
			t.Errorf("a malformed cluster ID was sent to %s", r.Action)
		}
	}
}

// Over the protocol, a read's three calls are in flight together (each is
// held until all three have arrived: calls one after another would never
// be answered), and a cluster that does not exist is one diagnostic.
func TestRecoveryWindowCallsGoOutTogether(t *testing.T) {
	emu := startBackupsEmulator(t, emulator.Cluster{ID: "pc-2zeacc0000000131", Backups: testBackups, BackupPolicy: testPolicy, LogBackupPolicy: logOff})
	var mu sync.Mutex
	arrived, all := 0, make(chan struct{})
	held := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if arrived++; arrived == len(recoveryOperations) {
			close(all)
		}
		mu.Unlock()
		select {
		case <-all:
			emu.ServeHTTP(w, r)
		case <-time.After(5 * time.Second):
			w.WriteHeader(http.StatusTeapot) // an answer the client does not retry
		}
	}))
	t.Cleanup(held.Close)
	together := &testEmulator{Server: emu.Server, endpoint: strings.TrimPrefix(held.URL, "http://")}

	if diags := readWindowOverTheProtocol(t, together, "pc-2zeacc0000000131"); len(diags) > 0 {
		t.Fatalf("the read's calls were not in flight together: %s", diagnosticsText(diags))
	}
	if diags := readWindowOverTheProtocol(t, together, "pc-2zeacc0000009999"); len(diags) != 1 || diags[0].Summary != "PolarDB cluster not found" {
		t.Errorf("a missing cluster gave %d diagnostics, want one:\n%s", len(diags), diagnosticsText(diags))
	}
}

// readWindowOverTheProtocol reads polardb_recovery_window of clusterID
// from e as Terraform does, and returns the diagnostics.
func readWindowOverTheProtocol(t *testing.T, e *testEmulator, clusterID string) []*tfprotov6.Diagnostic {
	t.Helper()
	server, configType := protocolServer(t, e, "polardb_recovery_window")
	resp, err := server.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{TypeName: "polardb_recovery_window",
		Config: protocolValue(t, configType, map[string]string{"cluster_id": clusterID})})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Diagnostics
}

// When the credentials may not call one of the three operations, the one
// diagnostic names that operation's RAM action.
func TestRecoveryWindowNamesTheOperationRefused(t *testing.T) {
	for _, op := range recoveryOperations {
		t.Run(op, func(t *testing.T) {
			e := serveEmulator(t, emulator.New(emulator.Data{
				Credentials: []emulator.Credential{{AccessKeyID: testAccessKeyID, AccessKeySecret: testAccessKeySecret, DeniedActions: []string{op}}},
				Clusters:    []emulator.Cluster{{ID: clusterWithBackups, Backups: testBackups}},
			}))
			diags := readWindowOverTheProtocol(t, e, clusterWithBackups)
			if len(diags) != 1 || diags[0].Summary != "Not authorized to call polardb:"+op || !strings.Contains(diags[0].Detail, "Operation: "+op) {
				t.Errorf("got %d diagnostics, want one naming polardb:%s:\n%s", len(diags), op, diagnosticsText(diags))
			}
		})
	}
}

// The docs' check and precondition, as written, planned by the CLI: a
// cluster restorable to the present over more than 7 days goes through
// without a warning; one whose log backup is off, its newest backup 26
// hours old, gets the check's warning and both preconditions' errors; one
// with no restorable point gets the same messages naming none, not an
// error about a null value.
func TestAccRecoveryWindow_docsCheckAndPrecondition(t *testing.T) {
	var examples string
	for _, name := range []string{"data-source.tf", "check.tf", "precondition.tf"} {
		examples += string(readExample(t, "data-sources/polardb_recovery_window/"+name))
	}
	const cluster = "pc-bp1example000000001" // the examples'
	backup := func(ago time.Duration) emulator.Backup {
		return emulator.Backup{BackupId: fmt.Sprint(ago.Hours()), BackupStatus: "Success", BackupMode: "Automated", BackupMethod: "Snapshot",
			BackupType: "FullBackup", BackupsLevel: "Level-1", BackupSetSize: "4639948800", IsAvail: "1", StartedAgo: emulator.Duration(ago)}
	}
	for _, tt := range []struct {
		name    string
		cluster emulator.Cluster
		wants   []string // in the plan's output; none: the plan goes through without a warning
	}{
		{"restorable for 8 days", emulator.Cluster{ID: cluster, Backups: []emulator.Backup{backup(192 * time.Hour), backup(2 * time.Hour)},
			BackupPolicy: &emulator.BackupPolicy{DataLevel1BackupRetentionPeriod: "14"}, LogBackupPolicy: &emulator.LogBackupPolicy{LogBackupRetentionPeriod: 14}}, nil},
		{"log backup off", emulator.Cluster{ID: cluster, Backups: []emulator.Backup{backup(26 * time.Hour)}, LogBackupPolicy: logOff}, []string{
			"Warning: Check block assertion failed", cluster + " cannot be restored to a point in the last 15 minutes: the latest restorable point is ",
			", and log backup is off.", "Not upgrading " + cluster + ": log backup is not on",
			"Not upgrading " + cluster + ": it can be restored only to points from "}},
		{"no restorable point", emulator.Cluster{ID: cluster}, []string{
			"the latest restorable point is none (no backup to restore from yet).", "it can be restored only to points from none to none"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			emu := oneCluster(t, tt.cluster)
			out, err := newCLIWorkdir(t, emu.config(examples)).command(context.Background(), "plan", "-input=false", "-no-color").CombinedOutput()
			text := oneLine(string(out))
			if tt.wants == nil {
				if err != nil || strings.Contains(text, "Warning") {
					t.Fatalf("the plan did not go through cleanly: %v\n%s", err, out)
				}
				return
			}
			if err == nil || strings.Contains(text, "Invalid function argument") || strings.Contains(text, "Null value") {
				t.Errorf("the plan must stop with the examples' messages, not an evaluation error: %v", err)
			}
			for _, want := range tt.wants {
				if !strings.Contains(text, want) {
					t.Errorf("the plan does not say %q:\n%s", want, out)
				}
			}
		})
	}
}

// readExample is the file rel of the repository's examples/.
func readExample(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// What the answers hold becomes the state's values: an empty or blank
// schedule field is its level-1 counterpart, a blank or unreadable value
// null, and a restorable window's start with a fraction of a second rounds
// up, into the window.
func TestRecoveryWindowValues(t *testing.T) {
	config, _ := configOf(t, newRecoveryWindowDataSource())
	state := func(a recoveryAnswers) map[string]tftypes.Value {
		raw, diags := (&dataSourceRead{}).state(config, func(attrs map[string]tftypes.Value, types map[string]tftypes.Type) {
			setRecoveryWindow(attrs, types, a)
		})
		var attrs map[string]tftypes.Value
		if diags.HasError() || raw.As(&attrs) != nil {
			t.Fatalf("state: %v", diags)
		}
		return attrs
	}
	got := state(recoveryAnswers{
		window: &polardb.DescribeLocalAvailableRecoveryTimeResponseBody{RecoveryBeginTime: new("2026-11-20T02:00:15.250Z"), RecoveryEndTime: new("2026-11-27T16:56:45.750+08:00")},
		policy: &polardb.DescribeBackupPolicyResponseBody{BackupFrequency: new(" "), DataLevel1BackupFrequency: new("Normal"),
			PreferredBackupPeriod: new(" , "), DataLevel1BackupPeriod: new("Sunday"), PreferredBackupTime: new(""), DataLevel1BackupTime: new("15:00Z-16:00Z"),
			DataLevel1BackupRetentionPeriod: new("7.5"), DataLevel2BackupRetentionPeriod: new(" 30 "), PreferredNextBackupTime: new("soon"),
			BackupRetentionPolicyOnClusterDeletion: new(" "), BackupPolicyLevel: new("Normal")},
		logPolicy: &polardb.DescribeLogBackupPolicyResponseBody{EnableBackupLog: new(int32(2))},
	})
	want := map[string]tftypes.Value{
		"earliest_restorable_time": tftypes.NewValue(tftypes.String, "2026-11-20T02:00:16Z"),
		"latest_restorable_time":   tftypes.NewValue(tftypes.String, "2026-11-27T08:56:45Z"),
		"backup_frequency":         tftypes.NewValue(tftypes.String, "Normal"),
		"preferred_backup_days":    tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "Sunday")}),
		"preferred_backup_time":    tftypes.NewValue(tftypes.String, "15:00Z-16:00Z"), "backup_retention_days": tftypes.NewValue(tftypes.Number, nil),
		"level2_backup_retention_days": tftypes.NewValue(tftypes.Number, 30), "next_backup_time": nullString,
		"retention_on_cluster_deletion": nullString, "log_backup_enabled": tftypes.NewValue(tftypes.Bool, nil),
		"log_backup_retention_days": tftypes.NewValue(tftypes.Number, nil),
	}
	for attr, w := range want {
		if !got[attr].Equal(w) {
			t.Errorf("%s = %v, want %v", attr, got[attr], w)
		}
	}
	if none := state(recoveryAnswers{policy: &polardb.DescribeBackupPolicyResponseBody{PreferredBackupPeriod: new(",")}}); !none["preferred_backup_days"].IsNull() {
		t.Errorf("preferred_backup_days = %v for no day, want null", none["preferred_backup_days"])
	}
}
