package emulator

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
)

// serveAt calls the operation action on cluster at now, directly.
func serveAt(s *Server, action, cluster string, now time.Time) (any, *apiError) {
	return operations[apiName{polardbVersion, action}].serve(s, &apiCall{requestID: "R", now: now, params: map[string]string{"DBClusterId": cluster}})
}

// recoveryWindowAt is the DescribeLocalAvailableRecoveryTime answer's
// window of cluster at now, the test failing on a refusal.
func recoveryWindowAt(t *testing.T, s *Server, cluster string, now time.Time) (begin, end string) {
	t.Helper()
	res, apiErr := serveAt(s, "DescribeLocalAvailableRecoveryTime", cluster, now)
	if apiErr != nil {
		t.Fatalf("DescribeLocalAvailableRecoveryTime refused: %v", apiErr)
	}
	answer := res.(*describeLocalAvailableRecoveryTimeResponse)
	if answer.DBClusterId != cluster {
		t.Errorf("DBClusterId = %q, want %q", answer.DBClusterId, cluster)
	}
	return answer.RecoveryBeginTime, answer.RecoveryEndTime
}

// rawAnswers calls each action on cluster through the SDK and returns the
// answers as sent, numbers kept apart from strings, without RequestId.
func rawAnswers(t *testing.T, s *Server, cluster string, actions ...string) []map[string]any {
	t.Helper()
	rc := &recorder{forward: true}
	client := newClient(t, startHandler(t, s), clientConfig{ak: testAK, secret: testSecret, httpClient: rc})
	var answers []map[string]any
	for _, action := range actions {
		params := apiParams()
		params.Action = dara.String(action)
		mustCall(t, client, params, query("DBClusterId", cluster))
		got := decodeAnswer(t, rc.answers[len(rc.answers)-1])
		if id, ok := got["RequestId"].(string); !ok || !requestIDPattern.MatchString(id) {
			t.Errorf("%s: RequestId %#v", action, got["RequestId"])
		}
		delete(got, "RequestId")
		answers = append(answers, got)
	}
	return answers
}

// The window runs from the earliest consistent point of the usable
// level-1 backups DescribeBackups would list, those of the data and of
// the finished tasks, to the latest, or to the call with log backup on.
func TestRecoveryWindow(t *testing.T) {
	const cluster = "pc-bp1window00000002"
	backup := func(id, level, status, avail, consistent, end string) Backup {
		b := testBackup(id, status, "Automated", "2024-05-18T02:00:00Z")
		b.BackupsLevel, b.IsAvail, b.ConsistentTime, b.BackupEndTime = level, avail, consistent, end
		return b
	}
	backups := []Backup{
		backup("1", "Level-2", "Success", "1", "1715900000", ""),           // earlier, but an archived copy
		backup("2", "Level-1", "Failed", "1", "1715900001", ""),            // earlier, but failed, whatever IsAvail says
		backup("3", "Level-1", "Success", "0", "1715900002", ""),           // earlier, but not usable
		backup("4", "Level-1", "Success", "1", "1715997624", ""),           // the first point: 2024-05-18T02:00:24Z
		backup("5", "Level-1", "Success", "1", "", "2024-05-19T02:00:26Z"), // no ConsistentTime: its end
		backup("6", "Level-1", "Success", "1", "", ""),                     // consistent to no time
	}
	late := backup("7", "Level-1", "Success", "1", "1716500000", "")
	late.ListedFromCall = 2 // taken after the first DescribeBackups call
	task := BackupJob{StartTime: "2024-05-20T02:00:13Z", Process: "100", BackupJobId: "8", JobMode: "Automated",
		BackupProgressStatus: "Finished", TaskAction: "NormalBackupTask"} // its backup is consistent at 02:00:28
	off := &LogBackupPolicy{EnableBackupLog: new(0)}
	now := time.Date(2024, 5, 21, 9, 30, 15, 999999999, time.FixedZone("CST", 8*3600))

	for _, tt := range []struct {
		name       string
		cl         Cluster
		begin, end string
	}{
		{"log backup off", Cluster{ID: cluster, Backups: backups, BackupJobs: []BackupJob{task}, LogBackupPolicy: off},
			"2024-05-18T02:00:24Z", "2024-05-20T02:00:28Z"},
		{"log backup on", Cluster{ID: cluster, Backups: backups, BackupJobs: []BackupJob{task}},
			"2024-05-18T02:00:24Z", "2024-05-21T01:30:15Z"},
		{"one backup", Cluster{ID: cluster, Backups: backups[3:4], LogBackupPolicy: off},
			"2024-05-18T02:00:24Z", "2024-05-18T02:00:24Z"},
		{"no usable backup, log backup on", Cluster{ID: cluster, Backups: backups[:3]}, "", ""},
		{"no backups", Cluster{ID: cluster}, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := New(backupData(tt.cl))
			if begin, end := recoveryWindowAt(t, s, cluster, now); begin != tt.begin || end != tt.end {
				t.Errorf("window %q to %q, want %q to %q", begin, end, tt.begin, tt.end)
			}
		})
	}

	// A window read is not a DescribeBackups call, and holds what the next
	// one would list: a backup listed from the second call on counts once
	// the first has been made.
	s := New(backupData(Cluster{ID: cluster, Backups: append(backups[3:4:4], late), LogBackupPolicy: off}))
	for range 2 {
		if _, end := recoveryWindowAt(t, s, cluster, now); end != "2024-05-18T02:00:24Z" {
			t.Errorf("before the second DescribeBackups call, the window ends at %s, want 2024-05-18T02:00:24Z", end)
		}
	}
	mustListBackups(t, s, cluster, now)
	if _, end := recoveryWindowAt(t, s, cluster, now); end != "2024-05-23T21:33:20Z" {
		t.Errorf("after it, the window ends at %s, want 2024-05-23T21:33:20Z", end)
	}
}

// A task that finishes counts once DescribeBackups lists its backup, the
// listing delay after.
func TestRecoveryWindowFollowsTasks(t *testing.T) {
	const cluster = "pc-bp1window00000003"
	clock := newFixedClock()
	s := New(backupData(Cluster{ID: cluster, LogBackupPolicy: &LogBackupPolicy{EnableBackupLog: new(0)}, BackupJobs: []BackupJob{{
		StartTime: "2024-05-20T09:00:00Z", Process: "0", BackupJobId: "1", JobMode: "Manual", BackupProgressStatus: "NoStart",
		TaskAction: "TempBackupTask", FinishesAfter: Duration(10 * time.Second)}}}),
		WithClock(clock.now), WithListingDelay(time.Minute))
	for _, at := range []time.Duration{0, 69 * time.Second} {
		clock.set(t, at)
		if begin, _ := recoveryWindowAt(t, s, cluster, clock.now()); begin != "" {
			t.Errorf("at %s: the window begins at %s, want none yet", at, begin)
		}
	}
	clock.set(t, 70*time.Second)
	want := clock.start.Add(10 * time.Second).UTC().Format(time.RFC3339)
	if begin, end := recoveryWindowAt(t, s, cluster, clock.now()); begin != want || end != want {
		t.Errorf("at 70 s: %s to %s, want %s, the task's end", begin, end, want)
	}
}

// The next backup is the start of the window on the period's next day
// strictly after the call, to the minute; the data's, if it has one.
func TestNextBackupTime(t *testing.T) {
	monday := func(hour, minute, second int) time.Time {
		return time.Date(2024, 5, 20, hour, minute, second, 0, time.UTC)
	}
	for _, tt := range []struct {
		period, window string
		now            time.Time
		want           string
	}{
		{defaultBackupPolicy.PreferredBackupPeriod, "15:00Z-16:00Z", monday(14, 59, 59), "2024-05-20T15:00Z"},
		{defaultBackupPolicy.PreferredBackupPeriod, "15:00Z-16:00Z", monday(15, 0, 0), "2024-05-21T15:00Z"},
		{"Monday,Wednesday,Friday", "02:00Z-03:00Z", monday(2, 0, 1), "2024-05-22T02:00Z"},
		{"Friday,Monday", "02:00Z-03:00Z", time.Date(2024, 5, 24, 2, 30, 0, 0, time.UTC), "2024-05-27T02:00Z"},
		{"Monday", "02:00Z-03:00Z", monday(3, 0, 0), "2024-05-27T02:00Z"},
		{"Monday", "02:00Z-03:00Z", monday(1, 0, 0), "2024-05-20T02:00Z"},
		{"Sunday", "23:00Z-00:00Z", time.Date(2024, 5, 26, 7, 0, 0, 0, time.FixedZone("CST", 8*3600)), "2024-05-26T23:00Z"},
		// 22:00 UTC on the Monday, in UTC+8 the Tuesday.
		{defaultBackupPolicy.PreferredBackupPeriod, "23:00Z-00:00Z", time.Date(2024, 5, 21, 6, 0, 0, 0, time.FixedZone("CST", 8*3600)), "2024-05-20T23:00Z"},
	} {
		const cluster = "pc-bp1next0000000001"
		s := New(backupData(Cluster{ID: cluster, BackupPolicy: &BackupPolicy{PreferredBackupPeriod: tt.period, PreferredBackupTime: tt.window}}))
		res, apiErr := serveAt(s, "DescribeBackupPolicy", cluster, tt.now)
		if got := res.(map[string]string)["PreferredNextBackupTime"]; apiErr != nil || got != tt.want {
			t.Errorf("%s %s at %s: %q, %v; want %s", tt.period, tt.window, tt.now.Format(time.RFC3339), got, apiErr, tt.want)
		}
	}
	s := New(backupData(Cluster{ID: "pc-set", BackupPolicy: &BackupPolicy{PreferredNextBackupTime: "2020-11-16T07:30Z"}}))
	if res, _ := serveAt(s, "DescribeBackupPolicy", "pc-set", monday(0, 0, 0)); res.(map[string]string)["PreferredNextBackupTime"] != "2020-11-16T07:30Z" {
		t.Errorf("the data's next backup time is not answered: %v", res)
	}
}

// The policies of a new cluster, and those of the data, field by field as
// the API types them: every backup policy field a string, the log policy's
// switch and retention numbers.
func TestPolicyAnswers(t *testing.T) {
	const cluster = "pc-bp1policy00000001"
	clock := newFixedClock()
	now := clock.now().UTC()
	next := time.Date(now.Year(), now.Month(), now.Day(), 15, 0, 0, 0, time.UTC)
	if !next.After(now) {
		next = next.AddDate(0, 0, 1)
	}
	days := "Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday"
	for _, tt := range []struct {
		name        string
		cl          Cluster
		policy, log map[string]any
	}{
		{"new cluster", Cluster{ID: cluster}, map[string]any{
			"BackupRetentionPolicyOnClusterDeletion": "NONE", "BackupFrequency": "Normal",
			"PreferredBackupPeriod": days, "PreferredBackupTime": "15:00Z-16:00Z", "PreferredNextBackupTime": next.Format("2006-01-02T15:04Z"),
			"DataLevel1BackupRetentionPeriod": "7", "DataLevel1BackupFrequency": "Normal", "DataLevel1BackupPeriod": days,
			"DataLevel1BackupTime": "15:00Z-16:00Z", "DataLevel2BackupRetentionPeriod": "0", "DataLevel2BackupPeriod": days,
			"DataLevel2BackupAnotherRegionRegion": "", "DataLevel2BackupAnotherRegionRetentionPeriod": "0",
			"BackupPolicyLevel": "Normal", "AdvancedPolicyOption": "disable",
		}, map[string]any{
			"EnableBackupLog": json.Number("1"), "LogBackupRetentionPeriod": json.Number("7"),
			"LogBackupAnotherRegionRegion": "", "LogBackupAnotherRegionRetentionPeriod": "0",
		}},
		{"set", Cluster{ID: cluster, BackupPolicy: &BackupPolicy{
			BackupRetentionPolicyOnClusterDeletion: "ALL", BackupFrequency: "2/24H", PreferredBackupPeriod: "Monday,Tuesday",
			PreferredBackupTime: "07:00Z-08:00Z", PreferredNextBackupTime: "2020-11-16T07:00Z", DataLevel1BackupRetentionPeriod: "14",
			DataLevel1BackupFrequency: "2/24H", DataLevel1BackupPeriod: "Monday", DataLevel1BackupTime: "08:00Z-09:00Z",
			DataLevel2BackupRetentionPeriod: "-1", DataLevel2BackupPeriod: "Tuesday", DataLevel2BackupAnotherRegionRegion: "cn-hangzhou",
			DataLevel2BackupAnotherRegionRetentionPeriod: "30", BackupPolicyLevel: "Advanced", AdvancedPolicyOption: "enable",
		}, LogBackupPolicy: &LogBackupPolicy{EnableBackupLog: new(0), LogBackupRetentionPeriod: -1,
			LogBackupAnotherRegionRegion: "cn-beijing", LogBackupAnotherRegionRetentionPeriod: "7300"}}, map[string]any{
			"BackupRetentionPolicyOnClusterDeletion": "ALL", "BackupFrequency": "2/24H",
			"PreferredBackupPeriod": "Monday,Tuesday", "PreferredBackupTime": "07:00Z-08:00Z", "PreferredNextBackupTime": "2020-11-16T07:00Z",
			"DataLevel1BackupRetentionPeriod": "14", "DataLevel1BackupFrequency": "2/24H", "DataLevel1BackupPeriod": "Monday",
			"DataLevel1BackupTime": "08:00Z-09:00Z", "DataLevel2BackupRetentionPeriod": "-1", "DataLevel2BackupPeriod": "Tuesday",
			"DataLevel2BackupAnotherRegionRegion": "cn-hangzhou", "DataLevel2BackupAnotherRegionRetentionPeriod": "30",
			"BackupPolicyLevel": "Advanced", "AdvancedPolicyOption": "enable",
		}, map[string]any{
			"EnableBackupLog": json.Number("0"), "LogBackupRetentionPeriod": json.Number("-1"),
			"LogBackupAnotherRegionRegion": "cn-beijing", "LogBackupAnotherRegionRetentionPeriod": "7300",
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := New(backupData(tt.cl), WithClock(clock.now))
			got := rawAnswers(t, s, cluster, "DescribeBackupPolicy", "DescribeLogBackupPolicy")
			if !reflect.DeepEqual(got[0], tt.policy) {
				t.Errorf("DescribeBackupPolicy:\n got %s\nwant %s", jsonString(got[0]), jsonString(tt.policy))
			}
			if !reflect.DeepEqual(got[1], tt.log) {
				t.Errorf("DescribeLogBackupPolicy:\n got %s\nwant %s", jsonString(got[1]), jsonString(tt.log))
			}
		})
	}
}

// The quirks and omit_fields reshape the three answers as the others.
func TestRecoveryAnswerQuirks(t *testing.T) {
	const cluster = "pc-bp1quirks00000002"
	actions := []string{"DescribeLocalAvailableRecoveryTime", "DescribeBackupPolicy", "DescribeLogBackupPolicy"}
	policy := &BackupPolicy{PreferredNextBackupTime: "2024-05-21T15:00Z", DataLevel2BackupRetentionPeriod: "30"}
	type sent struct {
		action int // in actions
		field  string
		value  any
	}
	for _, tt := range []struct {
		name string
		cl   Cluster
		want []sent
	}{
		{"numbers", Cluster{AnswerQuirks: []AnswerQuirk{QuirkNumbers}}, []sent{
			{1, "DataLevel1BackupRetentionPeriod", json.Number("7")}, {1, "DataLevel2BackupRetentionPeriod", json.Number("30")},
			{1, "DataLevel2BackupAnotherRegionRetentionPeriod", json.Number("0")}, {1, "PreferredNextBackupTime", "2024-05-21T15:00Z"},
			{2, "LogBackupAnotherRegionRetentionPeriod", json.Number("0")}, {2, "EnableBackupLog", json.Number("1")},
		}},
		{"number_strings", Cluster{AnswerQuirks: []AnswerQuirk{QuirkNumberStrings}}, []sent{
			{2, "EnableBackupLog", "1"}, {2, "LogBackupRetentionPeriod", "7"}, {1, "DataLevel2BackupRetentionPeriod", "30"},
		}},
		{"nulls", Cluster{AnswerQuirks: []AnswerQuirk{QuirkNulls}}, []sent{
			{0, "RecoveryBeginTime", nil}, {0, "RecoveryEndTime", nil}, {1, "DataLevel2BackupAnotherRegionRegion", nil},
			{2, "LogBackupAnotherRegionRegion", nil}, {2, "EnableBackupLog", json.Number("1")},
		}},
		{"omit_fields", Cluster{OmitFields: []string{"RecoveryBeginTime", "PreferredBackupTime", "EnableBackupLog"}}, []sent{
			{0, "RecoveryEndTime", ""}, {1, "PreferredBackupPeriod", defaultBackupPolicy.PreferredBackupPeriod},
			{2, "LogBackupRetentionPeriod", json.Number("7")},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.cl.ID, tt.cl.BackupPolicy = cluster, policy
			got := rawAnswers(t, New(backupData(tt.cl)), cluster, actions...)
			for _, w := range tt.want {
				if value, present := got[w.action][w.field]; !present || !reflect.DeepEqual(value, w.value) {
					t.Errorf("%s %s = %#v (present %t), want %#v", actions[w.action], w.field, value, present, w.value)
				}
			}
			for _, field := range tt.cl.OmitFields {
				for i, answer := range got {
					if _, present := answer[field]; present {
						t.Errorf("%s sends %s: %s", actions[i], field, jsonString(answer))
					}
				}
			}
		})
	}
}

// A cluster that does not exist: 404 InvalidDBCluster.NotFound for the
// window, as its page says, 400 InvalidDBClusterId.NotFound for the
// policies, as for the other reads; no cluster at all, MissingDBClusterId.
// The generic checks apply: denied RAM actions, faults, both signatures.
func TestRecoveryRefusals(t *testing.T) {
	s, endpoint := startDenying(t, "DescribeBackupPolicy")
	const message = "The DBClusterId provided does not exist in our records."
	for _, m := range modes {
		client := newClient(t, endpoint, clientConfig{ak: testAK, secret: testSecret, legacy: m.legacy})
		for _, tt := range []struct {
			action string
			status int
			code   string
		}{
			{"DescribeLocalAvailableRecoveryTime", http.StatusNotFound, "InvalidDBCluster.NotFound"},
			{"DescribeBackupPolicy", http.StatusBadRequest, "InvalidDBClusterId.NotFound"},
			{"DescribeLogBackupPolicy", http.StatusBadRequest, "InvalidDBClusterId.NotFound"},
		} {
			params := apiParams()
			params.Action = dara.String(tt.action)
			_, err := call(t, client, params, query("DBClusterId", "pc-absent"))
			assertRefused(t, err, tt.status, tt.code, message)
			_, err = call(t, client, params, query())
			assertRefused(t, err, http.StatusBadRequest, "MissingDBClusterId", "")
			mustCall(t, client, params, query("DBClusterId", clusterEmpty))
		}
	}
	denied := newClient(t, endpoint, clientConfig{ak: deniedAK, secret: deniedSecret})
	params := apiParams()
	params.Action = dara.String("DescribeBackupPolicy")
	_, err := call(t, denied, params, query("DBClusterId", clusterEmpty))
	assertRefused(t, err, http.StatusForbidden, "Forbidden.RAM", "")
	params.Action = dara.String("DescribeLogBackupPolicy")
	mustCall(t, denied, params, query("DBClusterId", clusterEmpty))

	s.SetClusterFaults(clusterEmpty, Faults{Fault: FaultThrottling, First: 1})
	client := newClient(t, endpoint, clientConfig{ak: testAK, secret: testSecret})
	params.Action = dara.String("DescribeLocalAvailableRecoveryTime")
	_, err = call(t, client, params, query("DBClusterId", clusterEmpty))
	assertRefused(t, err, http.StatusBadRequest, "Throttling.User", "")
	mustCall(t, client, params, query("DBClusterId", clusterEmpty))
}

// The demo's clusters: the first backed up daily at 02:00 with log backup
// on, restorable from its first backup to the present; the second, log
// backup off, with no restorable point.
func TestSampleDataPolicies(t *testing.T) {
	clock := newFixedClock()
	s := New(SampleData(), WithClock(clock.now))
	const first, second = "pc-2zedemo0000000001", "pc-2zedemo0000000002"
	begin, end := recoveryWindowAt(t, s, first, clock.now())
	if now := clock.now().UTC().Truncate(time.Second).Format(time.RFC3339); begin != "2024-05-18T02:00:24Z" || end != now {
		t.Errorf("the first cluster's window: %s to %s, want 2024-05-18T02:00:24Z to %s", begin, end, now)
	}
	if begin, end := recoveryWindowAt(t, s, second, clock.now()); begin != "" || end != "" {
		t.Errorf("the second cluster's window: %q to %q, want none", begin, end)
	}
	res, _ := serveAt(s, "DescribeBackupPolicy", first, clock.now())
	policy := res.(map[string]string)
	if policy["PreferredBackupTime"] != "02:00Z-03:00Z" || policy["BackupRetentionPolicyOnClusterDeletion"] != "LATEST" || policy["DataLevel2BackupRetentionPeriod"] != "30" {
		t.Errorf("the first cluster's policy: %v", policy)
	}
	res, _ = serveAt(s, "DescribeLogBackupPolicy", second, clock.now())
	if log := res.(*describeLogBackupPolicyResponse); log.EnableBackupLog != 0 || log.LogBackupRetentionPeriod != 7 {
		t.Errorf("the second cluster's log policy: %+v, want off, logs kept 7 days", log)
	}
}
