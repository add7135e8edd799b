package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/alibabacloud-go/tea/dara"
)

// The answers of a cluster with answer_quirks, as sent: each quirk alone,
// then all together, on DescribeBackupTasks and DescribeBackups, with lists
// of two, one and no elements.
func TestAnswerQuirks(t *testing.T) {
	const cluster = "pc-bp1quirks00000001"
	const (
		job1 = `"StartTime": "2024-05-20T02:00:13Z", "BackupJobId": "2198736415", "JobMode": "Automated",
			"BackupProgressStatus": "Finished", "TaskAction": "NormalBackupTask"`
		job2 = `"StartTime": "2024-05-20T09:41:27Z", "BackupJobId": "2198801132", "JobMode": "Manual",
			"BackupProgressStatus": "Uploading", "TaskAction": "TempBackupTask"`
		backup = `"BackupId": "2198736415", "DBClusterId": "` + cluster + `", "BackupStatus": "Success", "BackupMode": "Automated",
			"BackupMethod": "Snapshot", "BackupType": "FullBackup", "BackupsLevel": "Level-1",
			"BackupStartTime": "2024-05-20T02:00:13Z", "BackupEndTime": "2024-05-20T02:00:28Z"`
		empty = `"ExpectExpireTime": "", "ExpectExpireType": "", "Comment": "", "TableRestoreMetaStatus": ""`
		nulls = `"ExpectExpireTime": null, "ExpectExpireType": null, "Comment": null, "TableRestoreMetaStatus": null`
		extra = `"` + extraField + `": "added by the emulator's extra_fields answer quirk"`
	)
	calls := []struct {
		action string
		kv     []string
	}{
		{"DescribeBackupTasks", nil},
		{"DescribeBackupTasks", []string{"BackupJobId", "2198801132"}},
		{"DescribeBackups", []string{"StartTime", wideStart, "EndTime", wideEnd}},
		{"DescribeBackups", []string{"StartTime", wideStart, "EndTime", wideEnd, "BackupId", "none"}},
	}
	for _, tt := range []struct {
		quirks []AnswerQuirk
		want   []string // an answer per call, without its RequestId
	}{
		{nil, []string{
			`{"Items": {"BackupJob": [{` + job1 + `, "Process": "100"}, {` + job2 + `, "Process": "42"}]}}`,
			`{"Items": {"BackupJob": [{` + job2 + `, "Process": "42"}]}}`,
			`{"TotalRecordCount": "1", "PageRecordCount": "1", "PageNumber": "1", "TotalLevel2BackupSize": "0", "Items": {"Backup": [{` +
				backup + `, "ConsistentTime": "1716170428", "BackupSetSize": "4639948800", "IsAvail": "1", ` + empty + `}]}}`,
			`{"TotalRecordCount": "0", "PageRecordCount": "0", "PageNumber": "1", "TotalLevel2BackupSize": "0", "Items": {"Backup": []}}`,
		}},
		{[]AnswerQuirk{QuirkNumbers}, []string{
			`{"Items": {"BackupJob": [{` + job1 + `, "Process": 100}, {` + job2 + `, "Process": 42}]}}`,
			`{"Items": {"BackupJob": [{` + job2 + `, "Process": 42}]}}`,
			`{"TotalRecordCount": 1, "PageRecordCount": 1, "PageNumber": 1, "TotalLevel2BackupSize": 0, "Items": {"Backup": [{` +
				backup + `, "ConsistentTime": 1716170428, "BackupSetSize": 4639948800, "IsAvail": 1, ` + empty + `}]}}`,
			`{"TotalRecordCount": 0, "PageRecordCount": 0, "PageNumber": 1, "TotalLevel2BackupSize": 0, "Items": {"Backup": []}}`,
		}},
		{[]AnswerQuirk{QuirkSingleObject}, []string{
			`{"Items": {"BackupJob": [{` + job1 + `, "Process": "100"}, {` + job2 + `, "Process": "42"}]}}`,
			`{"Items": {"BackupJob": {` + job2 + `, "Process": "42"}}}`,
			`{"TotalRecordCount": "1", "PageRecordCount": "1", "PageNumber": "1", "TotalLevel2BackupSize": "0", "Items": {"Backup": {` +
				backup + `, "ConsistentTime": "1716170428", "BackupSetSize": "4639948800", "IsAvail": "1", ` + empty + `}}}`,
			`{"TotalRecordCount": "0", "PageRecordCount": "0", "PageNumber": "1", "TotalLevel2BackupSize": "0", "Items": {"Backup": []}}`,
		}},
		{[]AnswerQuirk{QuirkNulls}, []string{
			`{"Items": {"BackupJob": [{` + job1 + `, "Process": "100"}, {` + job2 + `, "Process": "42"}]}}`,
			`{"Items": {"BackupJob": [{` + job2 + `, "Process": "42"}]}}`,
			`{"TotalRecordCount": "1", "PageRecordCount": "1", "PageNumber": "1", "TotalLevel2BackupSize": "0", "Items": {"Backup": [{` +
				backup + `, "ConsistentTime": "1716170428", "BackupSetSize": "4639948800", "IsAvail": "1", ` + nulls + `}]}}`,
			`{"TotalRecordCount": "0", "PageRecordCount": "0", "PageNumber": "1", "TotalLevel2BackupSize": "0", "Items": {"Backup": null}}`,
		}},
		{[]AnswerQuirk{QuirkExtraFields}, []string{
			`{"Items": {"BackupJob": [{` + job1 + `, "Process": "100", ` + extra + `}, {` + job2 + `, "Process": "42", ` + extra + `}]}, ` + extra + `}`,
			`{"Items": {"BackupJob": [{` + job2 + `, "Process": "42", ` + extra + `}]}, ` + extra + `}`,
			`{"TotalRecordCount": "1", "PageRecordCount": "1", "PageNumber": "1", "TotalLevel2BackupSize": "0", "Items": {"Backup": [{` +
				backup + `, "ConsistentTime": "1716170428", "BackupSetSize": "4639948800", "IsAvail": "1", ` + empty + `, ` + extra + `}]}, ` + extra + `}`,
			`{"TotalRecordCount": "0", "PageRecordCount": "0", "PageNumber": "1", "TotalLevel2BackupSize": "0", "Items": {"Backup": []}, ` + extra + `}`,
		}},
		{answerQuirks, []string{
			`{"Items": {"BackupJob": [{` + job1 + `, "Process": 100, ` + extra + `}, {` + job2 + `, "Process": 42, ` + extra + `}]}, ` + extra + `}`,
			`{"Items": {"BackupJob": {` + job2 + `, "Process": 42, ` + extra + `}}, ` + extra + `}`,
			`{"TotalRecordCount": 1, "PageRecordCount": 1, "PageNumber": 1, "TotalLevel2BackupSize": 0, "Items": {"Backup": {` +
				backup + `, "ConsistentTime": 1716170428, "BackupSetSize": 4639948800, "IsAvail": 1, ` + nulls + `, ` + extra + `}}, ` + extra + `}`,
			`{"TotalRecordCount": 0, "PageRecordCount": 0, "PageNumber": 1, "TotalLevel2BackupSize": 0, "Items": {"Backup": null}, ` + extra + `}`,
		}},
	} {
		name := "none"
		if tt.quirks != nil {
			name = fmt.Sprint(tt.quirks)
		}
		t.Run(name, func(t *testing.T) {
			s := New(backupData(Cluster{
				ID: cluster,
				BackupJobs: []BackupJob{
					{StartTime: "2024-05-20T02:00:13Z", Process: "100", BackupJobId: "2198736415", JobMode: "Automated",
						BackupProgressStatus: "Finished", TaskAction: "NormalBackupTask"},
					{StartTime: "2024-05-20T09:41:27Z", Process: "42", BackupJobId: "2198801132", JobMode: "Manual",
						BackupProgressStatus: "Uploading", TaskAction: "TempBackupTask"},
				},
				Backups: []Backup{{BackupId: "2198736415", BackupStatus: "Success", BackupMode: "Automated",
					BackupMethod: "Snapshot", BackupType: "FullBackup", BackupsLevel: "Level-1",
					BackupStartTime: "2024-05-20T02:00:13Z", BackupEndTime: "2024-05-20T02:00:28Z",
					ConsistentTime: "1716170428", BackupSetSize: "4639948800", IsAvail: "1"}},
				AnswerQuirks: tt.quirks,
			}))
			endpoint := startHandler(t, s)
			rc := &recorder{forward: true}
			client := newClient(t, endpoint, clientConfig{ak: testAK, secret: testSecret, httpClient: rc})
			for i, c := range calls {
				params := apiParams()
				params.Action = dara.String(c.action)
				mustCall(t, client, params, query(append([]string{"DBClusterId", cluster}, c.kv...)...))
				got := decodeAnswer(t, rc.answers[len(rc.answers)-1])
				if id, ok := got["RequestId"].(string); !ok || !requestIDPattern.MatchString(id) {
					t.Errorf("%s %v: RequestId %#v", c.action, c.kv, got["RequestId"])
				}
				delete(got, "RequestId")
				if want := decodeAnswer(t, []byte(tt.want[i])); !reflect.DeepEqual(got, want) {
					t.Errorf("%s %v:\n got %s\nwant %s", c.action, c.kv, jsonString(got), jsonString(want))
				}
			}
			// Refusals keep the cloud's error body.
			params := apiParams()
			params.Action = dara.String("DescribeBackups")
			if _, err := call(t, client, params, query("DBClusterId", cluster)); err == nil {
				t.Fatal("DescribeBackups without a window accepted")
			}
			if answer := rc.answers[len(rc.answers)-1]; bytes.Contains(answer, []byte(extraField)) || bytes.Contains(answer, []byte("null")) {
				t.Errorf("a refusal reshaped: %s", answer)
			}
		})
	}
}

// decodeAnswer decodes a JSON object, keeping numbers apart from strings.
func decodeAnswer(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("answer %s: %v", raw, err)
	}
	return m
}

func jsonString(v any) string { return strings.TrimSpace(string(jsonBody(v))) }
