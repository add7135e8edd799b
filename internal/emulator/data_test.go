package emulator

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
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
    {"access_key_id": "STS.AK2", "access_key_secret": "s2", "security_token": "tok"},
    {"access_key_id": "STS.AK3", "access_key_secret": "s3", "security_token": "tok3", "expiration": "2024-05-20T10:00:00+08:00"}
  ],
  "clusters": [
    {"id": "pc-1", "backup_jobs": [
      {"StartTime": "2020-08-08T07:24:01Z", "Process": "0", "BackupJobId": "11111111",
       "JobMode": "Automated", "BackupProgressStatus": "NoStart", "TaskAction": "NormalBackupTask"}
    ]},
    {"id": "pc-2", "listing_delay": "1m", "answer_quirks": ["numbers", "nulls"], "backups": [
      {"BackupId": "22222222", "BackupStatus": "Failed", "BackupMode": "Manual", "BackupStartTime": "2020-08-08T15:24:01+08:00",
       "region": "cn-shanghai", "listed_from_call": 2}
    ]}
  ],
  "roles": [
    {"arn": "acs:ram::1234567890123456:role/reader"},
    {"arn": "acs:ram::1234567890123456:role/partner", "external_id": "ext-1"},
    {"arn": "acs:ram::1234567890123456:role/ci", "oidc_provider_arn": "acs:ram::1234567890123456:oidc-provider/ci",
     "oidc_tokens": ["tok-1", "tok-2"]},
    {"arn": "acs:ram::1234567890123456:role/ecs", "instance_role": true}
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
			{AccessKeyID: "STS.AK3", AccessKeySecret: "s3", SecurityToken: "tok3", Expiration: "2024-05-20T10:00:00+08:00"},
		},
		Clusters: []Cluster{
			{ID: "pc-1", BackupJobs: []BackupJob{{StartTime: "2020-08-08T07:24:01Z", Process: "0",
				BackupJobId: "11111111", JobMode: "Automated", BackupProgressStatus: "NoStart", TaskAction: "NormalBackupTask"}}},
			{ID: "pc-2", ListingDelay: Duration(time.Minute), AnswerQuirks: []AnswerQuirk{QuirkNumbers, QuirkNulls},
				Backups: []Backup{{BackupId: "22222222", BackupStatus: "Failed", BackupMode: "Manual",
					BackupStartTime: "2020-08-08T15:24:01+08:00", Region: "cn-shanghai", ListedFromCall: 2}}},
		},
		Roles: []Role{
			{Arn: "acs:ram::1234567890123456:role/reader"},
			{Arn: "acs:ram::1234567890123456:role/partner", ExternalID: "ext-1"},
			{Arn: "acs:ram::1234567890123456:role/ci", OIDCProviderArn: "acs:ram::1234567890123456:oidc-provider/ci", OIDCTokens: []string{"tok-1", "tok-2"}},
			{Arn: "acs:ram::1234567890123456:role/ecs", InstanceRole: true},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LoadData = %+v\nwant %+v", got, want)
	}
}

// dataCred is a data file's credentials, for the cases of TestLoadDataErrors.
const dataCred = `"credentials": [{"access_key_id": "AK1", "access_key_secret": "s1"}]`

func dataRoleArn(name string) string { return "acs:ram::1234567890123456:role/" + name }

func dataJob(id, mode string) string {
	return `{"StartTime": "", "Process": "0", "BackupJobId": "` + id + `", "JobMode": "` + mode + `", "BackupProgressStatus": "NoStart", "TaskAction": "NormalBackupTask"}`
}

func dataBackup(id, status, mode, start string) string {
	return `{"BackupId": "` + id + `", "BackupStatus": "` + status + `", "BackupMode": "` + mode + `", "BackupStartTime": "` + start + `"}`
}

type loadDataErrorCase struct {
	name    string
	content string
	want    string
}

var loadDataErrorCases = []loadDataErrorCase{
	{"empty file", ``, "file is empty"},
	{"not JSON", `{"credentials": [`, "unexpected EOF"},
	{"unknown field", `{` + dataCred + `, "cluster": []}`, `unknown field "cluster"`},
	{"unknown nested field", `{` + dataCred + `, "clusters": [{"id": "pc-1", "backup_jobs": [{"JobId": "1"}]}]}`, `unknown field "JobId"`},
	{"wrong type", `{"credentials": {}}`, "cannot unmarshal"},
	{"trailing content", `{` + dataCred + `} {}`, "unexpected content after the JSON object"},
	{"no credentials", `{"clusters": []}`, "at least one credential"},
	{"empty access key id", `{"credentials": [{"access_key_id": "", "access_key_secret": "s"}]}`, "credentials[0]: access_key_id is empty"},
	{"empty secret", `{"credentials": [{"access_key_id": "AK1", "access_key_secret": ""}]}`, "credentials[0] (AK1): access_key_secret is empty"},
	{"duplicate key", `{"credentials": [{"access_key_id": "AK1", "access_key_secret": "a"}, {"access_key_id": "AK1", "access_key_secret": "b"}]}`,
		`credentials[1]: access_key_id "AK1" is already used by credentials[0]`},
	{"empty cluster id", `{` + dataCred + `, "clusters": [{"id": "pc-1"}, {"id": ""}]}`, "clusters[1]: id is empty"},
	{"duplicate cluster id", `{` + dataCred + `, "clusters": [{"id": "pc-1"}, {"id": "pc-2"}, {"id": "pc-1"}]}`,
		`clusters[2]: id "pc-1" is already used by clusters[0]`},
	{"negative finishes_after", `{` + dataCred + `, "clusters": [{"id": "pc-1", "backup_jobs": [{"BackupJobId": "1", "JobMode": "Manual", "finishes_after": "-1s"}]}]}`,
		"clusters[0] (pc-1): backup_jobs[0]: finishes_after -1s is negative"},
	{"empty job id", `{` + dataCred + `, "clusters": [{"id": "pc-1", "backup_jobs": [` + dataJob("", "Manual") + `]}]}`,
		"clusters[0] (pc-1): backup_jobs[0]: BackupJobId is empty"},
	{"bad job mode", `{` + dataCred + `, "clusters": [{"id": "pc-1", "backup_jobs": [` + dataJob("1", "Manual") + `,` + dataJob("2", "manual") + `]}]}`,
		`clusters[0] (pc-1): backup_jobs[1]: JobMode "manual" is not Automated or Manual`},
	{"negative listing_delay", `{` + dataCred + `, "clusters": [{"id": "pc-1", "listing_delay": "-1m"}]}`,
		"clusters[0] (pc-1): listing_delay -1m0s is negative"},
	{"unknown answer quirk", `{` + dataCred + `, "clusters": [{"id": "pc-1"}, {"id": "pc-2", "answer_quirks": ["nulls", "strings"]}]}`,
		`clusters[1] (pc-2): answer_quirks[1]: "strings" is not one of [numbers single_object nulls extra_fields number_strings]`},
	{"bad deletion policy", `{` + dataCred + `, "clusters": [{"id": "pc-1", "backup_policy": {"BackupRetentionPolicyOnClusterDeletion": "SOME"}}]}`,
		`clusters[0] (pc-1): backup_policy: BackupRetentionPolicyOnClusterDeletion "SOME" is not ALL, LATEST or NONE`},
	{"bad backup period", `{` + dataCred + `, "clusters": [{"id": "pc-1", "backup_policy": {"PreferredBackupPeriod": "Monday,Funday"}}]}`,
		`clusters[0] (pc-1): backup_policy: PreferredBackupPeriod "Monday,Funday" is not English day names, comma-separated`},
	{"backup time off the hour", `{` + dataCred + `, "clusters": [{"id": "pc-1", "backup_policy": {"PreferredBackupTime": "15:30Z-16:30Z"}}]}`,
		`clusters[0] (pc-1): backup_policy: PreferredBackupTime "15:30Z-16:30Z" is not a window of one hour on the hour`},
	{"next backup with seconds", `{` + dataCred + `, "clusters": [{"id": "pc-1", "backup_policy": {"PreferredNextBackupTime": "2024-05-21T02:00:00Z"}}]}`,
		`clusters[0] (pc-1): backup_policy: PreferredNextBackupTime "2024-05-21T02:00:00Z" is not a UTC time to the minute`},
	{"level-1 retention too long", `{` + dataCred + `, "clusters": [{"id": "pc-1", "backup_policy": {"DataLevel1BackupRetentionPeriod": "15"}}]}`,
		`clusters[0] (pc-1): backup_policy: DataLevel1BackupRetentionPeriod "15" is not 3 to 14`},
	{"level-2 retention too short", `{` + dataCred + `, "clusters": [{"id": "pc-1", "backup_policy": {"DataLevel2BackupRetentionPeriod": "29"}}]}`,
		`clusters[0] (pc-1): backup_policy: DataLevel2BackupRetentionPeriod "29" is not 0, -1 or 30 to 7300`},
	{"policy number as a number", `{` + dataCred + `, "clusters": [{"id": "pc-1", "backup_policy": {"DataLevel2BackupRetentionPeriod": 30}}]}`,
		`cannot unmarshal number into Go struct field`},
	{"log backup neither on nor off", `{` + dataCred + `, "clusters": [{"id": "pc-1", "log_backup_policy": {"EnableBackupLog": 2}}]}`,
		`clusters[0] (pc-1): log_backup_policy: EnableBackupLog 2 is not 0 or 1`},
	{"log retention too short", `{` + dataCred + `, "clusters": [{"id": "pc-1", "log_backup_policy": {"LogBackupRetentionPeriod": 2}}]}`,
		`clusters[0] (pc-1): log_backup_policy: LogBackupRetentionPeriod 2 is not -1 or 3 to 7300`},
	{"bad cross-region log retention", `{` + dataCred + `, "clusters": [{"id": "pc-1", "log_backup_policy": {"LogBackupAnotherRegionRetentionPeriod": "7"}}]}`,
		`clusters[0] (pc-1): log_backup_policy: LogBackupAnotherRegionRetentionPeriod "7" is not 0, -1 or 30 to 7300`},
	{"empty omitted field", `{` + dataCred + `, "clusters": [{"id": "pc-1", "omit_fields": ["RecoveryBeginTime", ""]}]}`,
		`clusters[0] (pc-1): omit_fields[1] is empty`},
	{"unknown backup field", `{` + dataCred + `, "clusters": [{"id": "pc-1", "backups": [{"BackupId": "1", "ListedFromCall": 2}]}]}`,
		`unknown field "ListedFromCall"`},
	{"empty backup id", `{` + dataCred + `, "clusters": [{"id": "pc-x", "backups": [` + dataBackup("1", "Success", "Manual", "2024-05-20T02:00:00Z") + `,` +
		dataBackup("", "Success", "Manual", "2024-05-20T02:00:00Z") + `]}]}`,
		"clusters[0] (pc-x): backups[1]: BackupId is empty"},
	{"duplicate backup id", `{` + dataCred + `, "clusters": [{"id": "pc-x", "backups": [` + dataBackup("1", "Success", "Manual", "2024-05-20T02:00:00Z") + `,` +
		dataBackup("2", "Success", "Manual", "2024-05-20T02:00:00Z") + `,` + dataBackup("1", "Failed", "Manual", "2024-05-20T02:00:00Z") + `]}]}`,
		`clusters[0] (pc-x): backups[2]: BackupId "1" of level "" is already used by backups[0]`},
	{"backup of another cluster", `{` + dataCred + `, "clusters": [{"id": "pc-x", "backups": [{"BackupId": "7", "DBClusterId": "pc-y", "BackupStatus": "Success",
	    "BackupMode": "Manual", "BackupStartTime": "2024-05-20T02:00:00Z"}]}]}`,
		`clusters[0] (pc-x): backups[0] (7): DBClusterId "pc-y" is not the cluster's`},
	{"bad backup status", `{` + dataCred + `, "clusters": [{"id": "pc-x", "backups": [` + dataBackup("7", "Finished", "Manual", "2024-05-20T02:00:00Z") + `]}]}`,
		`clusters[0] (pc-x): backups[0] (7): BackupStatus "Finished" is not Success or Failed`},
	{"bad backup mode", `{` + dataCred + `, "clusters": [{"id": "pc-x", "backups": [` + dataBackup("7", "Success", "Auto", "2024-05-20T02:00:00Z") + `]}]}`,
		`clusters[0] (pc-x): backups[0] (7): BackupMode "Auto" is not Automated or Manual`},
	{"backup start not RFC 3339", `{` + dataCred + `, "clusters": [{"id": "pc-x", "backups": [` + dataBackup("7", "Success", "Manual", "2024-05-20T02:00Z") + `]}]}`,
		`clusters[0] (pc-x): backups[0] (7): BackupStartTime "2024-05-20T02:00Z" is not an RFC 3339 time such as 2024-05-20T02:00:13Z`},
	{"no backup start", `{` + dataCred + `, "clusters": [{"id": "pc-x", "backups": [` + dataBackup("7", "Success", "Manual", "") + `]}]}`,
		`clusters[0] (pc-x): backups[0] (7): BackupStartTime "" is not an RFC 3339 time`},
	{"negative listed_from_call", `{` + dataCred + `, "clusters": [{"id": "pc-x", "backups": [{"BackupId": "7", "BackupStatus": "Success",
	    "BackupMode": "Manual", "BackupStartTime": "2024-05-20T02:00:00Z", "listed_from_call": -1}]}]}`,
		`clusters[0] (pc-x): backups[0] (7): listed_from_call -1 is negative`},
	{"expiration without token", `{"credentials": [{"access_key_id": "AK1", "access_key_secret": "s", "expiration": "2024-01-01T00:00:00Z"}]}`,
		"credentials[0] (AK1): expiration is only allowed with security_token"},
	{"expiration not RFC 3339", `{"credentials": [{"access_key_id": "AK1", "access_key_secret": "s", "security_token": "t", "expiration": "2024-01-01 00:00:00"}]}`,
		`credentials[0] (AK1): expiration "2024-01-01 00:00:00" is not an RFC 3339 time`},
	{"unknown role field", `{` + dataCred + `, "roles": [{"arn": "` + dataRoleArn("r") + `", "externalId": "x"}]}`, `unknown field "externalId"`},
	{"empty role arn", `{` + dataCred + `, "roles": [{"arn": ""}]}`, `roles[0]: arn "" is not acs:ram::<16-digit account>:role/<name>`},
	{"short account", `{` + dataCred + `, "roles": [{"arn": "acs:ram::123:role/r"}]}`, `roles[0]: arn "acs:ram::123:role/r" is not`},
	{"user arn", `{` + dataCred + `, "roles": [{"arn": "acs:ram::1234567890123456:user/r"}]}`, `roles[0]: arn "acs:ram::1234567890123456:user/r" is not`},
	{"role name with a slash", `{` + dataCred + `, "roles": [{"arn": "` + dataRoleArn("a/b") + `"}]}`, `is not acs:ram::`},
	{"duplicate role", `{` + dataCred + `, "roles": [{"arn": "` + dataRoleArn("a") + `"}, {"arn": "` + dataRoleArn("b") + `"}, {"arn": "` + dataRoleArn("a") + `"}]}`,
		`roles[2]: arn "` + dataRoleArn("a") + `" is already used by roles[0]`},
	{"bad OIDC provider", `{` + dataCred + `, "roles": [{"arn": "` + dataRoleArn("a") + `", "oidc_provider_arn": "` + dataRoleArn("p") + `"}]}`,
		`roles[0] (` + dataRoleArn("a") + `): oidc_provider_arn "` + dataRoleArn("p") + `" is not acs:ram::<16-digit account>:oidc-provider/<name>`},
	{"OIDC tokens without provider", `{` + dataCred + `, "roles": [{"arn": "` + dataRoleArn("a") + `", "oidc_tokens": ["t"]}]}`,
		`roles[0] (` + dataRoleArn("a") + `): oidc_tokens need an oidc_provider_arn`},
	{"empty OIDC token", `{` + dataCred + `, "roles": [{"arn": "` + dataRoleArn("a") + `", "oidc_provider_arn": "acs:ram::1234567890123456:oidc-provider/p", "oidc_tokens": ["t", ""]}]}`,
		`roles[0] (` + dataRoleArn("a") + `): oidc_tokens[1] is empty`},
	{"unknown fault", `{` + dataCred + `, "faults": {"fault": "crash"}}`, `faults: fault "crash" is not one of`},
	{"unknown faults field", `{` + dataCred + `, "faults": {"latencyMs": 5}}`, `unknown field "latencyMs"`},
	{"duration as a number", `{` + dataCred + `, "faults": {"latency": 200}}`, `duration 200 is not a string such as "200ms"`},
	{"bad duration", `{` + dataCred + `, "faults": {"jitter": "2 seconds"}}`, `time: unknown unit`},
	{"negative latency", `{` + dataCred + `, "faults": {"latency": "-1s"}}`, "faults: latency -1s is negative"},
	{"negative rate", `{` + dataCred + `, "faults": {"rate_limit": -1}}`, "faults: rate_limit -1 is not a number of calls per second"},
	{"fraction above 1", `{` + dataCred + `, "faults": {"fault": "reset", "fraction": 1.5}}`, "faults: fraction 1.5 is not between 0 and 1"},
	{"negative first", `{` + dataCred + `, "faults": {"fault": "reset", "first": -1}}`, "faults: first -1 is negative"},
	{"first without fault", `{` + dataCred + `, "faults": {"first": 1}}`, "faults: first and fraction need a fault"},
	{"cluster fault", `{` + dataCred + `, "clusters": [{"id": "pc-1", "faults": {"fault": "html_500"}}]}`,
		`clusters[0] (pc-1): faults: fault "html_500" is not one of`},
	{"two instance roles", `{` + dataCred + `, "roles": [{"arn": "` + dataRoleArn("a") + `", "instance_role": true}, {"arn": "` + dataRoleArn("b") + `", "instance_role": true}]}`,
		`roles[1] (` + dataRoleArn("b") + `): instance_role is already set on roles[0]`},
}

func TestLoadDataErrors(t *testing.T) {
	for _, tt := range loadDataErrorCases {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.content)
			_, err := LoadData(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("LoadData error = %v, want one naming %s and %q", err, path, tt.want)
			}
			// Data that decodes but breaks a rule: New refuses it alike.
			dec := json.NewDecoder(strings.NewReader(tt.content))
			dec.DisallowUnknownFields()
			var d Data
			if dec.Decode(&d) == nil && !dec.More() {
				defer func() {
					if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), tt.want) {
						t.Errorf("New recovered %v, want a panic saying %q", r, tt.want)
					}
				}()
				New(d)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		if _, err := LoadData(filepath.Join(t.TempDir(), "absent.json")); err == nil {
			t.Error("LoadData of a missing file succeeded")
		}
	})
}

func TestLoadDataRolesWithoutCredentials(t *testing.T) {
	// An OIDC role or an instance role is enough to get credentials.
	path := writeFile(t, `{"roles": [{"arn": "acs:ram::1234567890123456:role/ecs", "instance_role": true}]}`)
	if _, err := LoadData(path); err != nil {
		t.Error(err)
	}
}

func TestNewCopiesData(t *testing.T) {
	d := testData()
	d.Clusters[0].Backups = []Backup{testBackup("2000000001", "Success", "Automated", "2024-03-01T01:00:00Z")}
	d.Clusters[0].AnswerQuirks = []AnswerQuirk{QuirkNumbers}
	s := New(d)
	d.Clusters[0].BackupJobs[0].BackupJobId = "changed"
	d.Clusters[0].Backups[0].BackupId = "changed"
	d.Clusters[0].AnswerQuirks[0] = "changed"
	d.Credentials[0].AccessKeySecret = "changed"
	d.Roles[2].OIDCTokens[1] = "changed"
	if cl := s.clusters[clusterJobs]; cl.jobs[0].BackupJobId != "1000000004" || cl.backups[0].BackupId != "2000000001" ||
		cl.quirks[0] != QuirkNumbers || s.creds[testAK].AccessKeySecret != testSecret ||
		s.roles[2].OIDCTokens[1] != oidcToken {
		t.Error("New keeps references to the caller's data")
	}
}
