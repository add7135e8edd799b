package emulator

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadData(t *testing.T) {
	path := writeFile(t, `{
  "credentials": [
    {"access_key_id": "AK1", "access_key_secret": "s1"},
    {"access_key_id": "STS.AK2", "access_key_secret": "s2", "security_token": "tok"}
  ],
  "clusters": [
    {"id": "pc-1", "region": "cn-beijing", "backup_jobs": [
      {"StartTime": "2020-08-08T07:24:01Z", "Process": "0", "BackupJobId": "11111111",
       "JobMode": "Automated", "BackupProgressStatus": "NoStart", "TaskAction": "NormalBackupTask"}
    ]},
    {"id": "pc-2", "region": "cn-beijing"}
  ]
}
`)
	got, err := LoadData(path)
	if err != nil {
		t.Fatal(err)
	}
	want := Data{
		Credentials: []Credential{
			{AccessKeyID: "AK1", AccessKeySecret: "s1"},
			{AccessKeyID: "STS.AK2", AccessKeySecret: "s2", SecurityToken: "tok"},
		},
		Clusters: []Cluster{
			{ID: "pc-1", Region: "cn-beijing", BackupJobs: []BackupJob{{StartTime: "2020-08-08T07:24:01Z", Process: "0",
				BackupJobId: "11111111", JobMode: "Automated", BackupProgressStatus: "NoStart", TaskAction: "NormalBackupTask"}}},
			{ID: "pc-2", Region: "cn-beijing"},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LoadData = %+v\nwant %+v", got, want)
	}
}

func TestLoadDataErrors(t *testing.T) {
	const cred = `"credentials": [{"access_key_id": "AK1", "access_key_secret": "s1"}]`
	job := func(id, mode string) string {
		return `{"StartTime": "", "Process": "0", "BackupJobId": "` + id + `", "JobMode": "` + mode + `", "BackupProgressStatus": "NoStart", "TaskAction": "NormalBackupTask"}`
	}
	tests := []struct {
		name    string
		content string
		want    string
	}{
		{"empty file", ``, "file is empty"},
		{"not JSON", `{"credentials": [`, "unexpected EOF"},
		{"unknown field", `{` + cred + `, "cluster": []}`, `unknown field "cluster"`},
		{"unknown nested field", `{` + cred + `, "clusters": [{"id": "pc-1", "backup_jobs": [{"JobId": "1"}]}]}`, `unknown field "JobId"`},
		{"wrong type", `{"credentials": {}}`, "cannot unmarshal"},
		{"trailing content", `{` + cred + `} {}`, "unexpected content after the JSON object"},
		{"no credentials", `{"clusters": []}`, "at least one credential"},
		{"empty access key id", `{"credentials": [{"access_key_id": "", "access_key_secret": "s"}]}`, "credentials[0]: access_key_id is empty"},
		{"empty secret", `{"credentials": [{"access_key_id": "AK1", "access_key_secret": ""}]}`, "credentials[0] (AK1): access_key_secret is empty"},
		{"duplicate key", `{"credentials": [{"access_key_id": "AK1", "access_key_secret": "a"}, {"access_key_id": "AK1", "access_key_secret": "b"}]}`,
			`credentials[1]: access_key_id "AK1" is already used by credentials[0]`},
		{"empty cluster id", `{` + cred + `, "clusters": [{"id": "pc-1"}, {"id": ""}]}`, "clusters[1]: id is empty"},
		{"duplicate cluster id", `{` + cred + `, "clusters": [{"id": "pc-1"}, {"id": "pc-2"}, {"id": "pc-1"}]}`,
			`clusters[2]: id "pc-1" is already used by clusters[0]`},
		{"empty job id", `{` + cred + `, "clusters": [{"id": "pc-1", "backup_jobs": [` + job("", "Manual") + `]}]}`,
			"clusters[0] (pc-1): backup_jobs[0]: BackupJobId is empty"},
		{"bad job mode", `{` + cred + `, "clusters": [{"id": "pc-1", "backup_jobs": [` + job("1", "Manual") + `,` + job("2", "manual") + `]}]}`,
			`clusters[0] (pc-1): backup_jobs[1]: JobMode "manual" is not Automated or Manual`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.content)
			_, err := LoadData(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("LoadData error = %v, want one naming %s and %q", err, path, tt.want)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		if _, err := LoadData(filepath.Join(t.TempDir(), "absent.json")); err == nil {
			t.Error("LoadData of a missing file succeeded")
		}
	})
}

func TestNewCopiesData(t *testing.T) {
	d := testData()
	s := New(d)
	d.Clusters[0].BackupJobs[0].BackupJobId = "changed"
	d.Credentials[0].AccessKeySecret = "changed"
	if s.clusters[clusterJobs][0].BackupJobId != "1000000004" || s.creds[testAK].AccessKeySecret != testSecret {
		t.Error("New keeps references to the caller's data")
	}
}
