package emulator

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Credential is an access key the emulator accepts. A credential with a
// SecurityToken stands for an STS credential: requests signed with it must
// carry the same token, and once past its Expiration (if any) it is refused
// with InvalidSecurityToken.Expired.
type Credential struct {
	AccessKeyID     string `json:"access_key_id"`
	AccessKeySecret string `json:"access_key_secret"`
	SecurityToken   string `json:"security_token,omitempty"`
	// Expiration is an RFC 3339 time, such as "2024-05-20T02:00:00Z", the
	// form STS answers.
	Expiration string `json:"expiration,omitempty"`
	// DeniedActions are the API operations, such as CreateBackup, that no
	// RAM policy allows the credential: calls of them get Forbidden.RAM.
	DeniedActions []string `json:"denied_actions,omitempty"`
}

// Role is a RAM role that AssumeRole, AssumeRoleWithOIDC, the ECS metadata
// service and the credentials URI hand out temporary credentials for.
type Role struct {
	// Arn is acs:ram::<16-digit account>:role/<name>. The cloud compares role
	// names case-insensitively; the emulator wants the ARN exactly.
	Arn string `json:"arn"`
	// ExternalID, when set, must be sent as ExternalId by AssumeRole.
	ExternalID string `json:"external_id,omitempty"`
	// OIDCProviderArn is acs:ram::<account>:oidc-provider/<name>; with it
	// the role can be assumed with AssumeRoleWithOIDC.
	OIDCProviderArn string `json:"oidc_provider_arn,omitempty"`
	// OIDCTokens are the tokens AssumeRoleWithOIDC accepts for this role.
	// The emulator compares them as strings; it does not verify JWTs.
	OIDCTokens []string `json:"oidc_tokens,omitempty"`
	// InstanceRole attaches the role to the emulated ECS instance, whose
	// metadata service then serves its credentials.
	InstanceRole bool `json:"instance_role,omitempty"`
}

// BackupJob is a backup task: one element of Items.BackupJob in a
// DescribeBackupTasks answer, whose JSON names are the API's, and how the
// emulator makes it progress.
type BackupJob struct {
	StartTime            string `json:"StartTime"`
	Process              string `json:"Process"`
	BackupJobId          string `json:"BackupJobId"`
	JobMode              string `json:"JobMode"`
	BackupProgressStatus string `json:"BackupProgressStatus"`
	TaskAction           string `json:"TaskAction"`
	// FinishesAfter, when set on a task that has not finished, makes it
	// progress from the first call that lists it: Process rises from its
	// value to 100 and the status moves on through Preparing, Waiting,
	// Uploading and Checking, until the task is Finished this long after
	// that call. Not part of the API's answer.
	FinishesAfter Duration `json:"finishes_after,omitempty"`
	// StartedAgo, when set and StartTime is not, dates the task from when
	// the emulator started: StartTime is that long before. Not part of the
	// API's answer.
	StartedAgo Duration `json:"started_ago,omitempty"`
}

// dated is job with the StartTime StartedAgo gives it, from started.
func (job BackupJob) dated(started time.Time) BackupJob {
	if job.StartedAgo != 0 && job.StartTime == "" {
		job.StartTime = started.Add(-time.Duration(job.StartedAgo)).UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	job.StartedAgo = 0
	return job
}

// Cluster is a PolarDB cluster, its backup tasks and its backup sets, in
// the order the API returns them.
type Cluster struct {
	ID         string      `json:"id"`
	BackupJobs []BackupJob `json:"backup_jobs"`
	// Backups are the backup sets DescribeBackups lists before those that
	// the tasks turn into when they finish (a task whose BackupJobId is a
	// BackupId here turns into none).
	Backups []Backup `json:"backups,omitempty"`
	// ListingDelay, when set, replaces the server's WithListingDelay for
	// the cluster's tasks.
	ListingDelay Duration `json:"listing_delay,omitempty"`
	// AnswerQuirks reshape the cluster's PolarDB answers as some answers
	// of the cloud are shaped, for testing a client's decoding.
	AnswerQuirks []AnswerQuirk `json:"answer_quirks,omitempty"`
	// Faults apply to the calls whose DBClusterId is ID, after the
	// server's.
	Faults *Faults `json:"faults,omitempty"`
	// BackupPolicy and LogBackupPolicy are what DescribeBackupPolicy and
	// DescribeLogBackupPolicy answer; nil, or a field left empty, is what
	// a new cluster has.
	BackupPolicy    *BackupPolicy    `json:"backup_policy,omitempty"`
	LogBackupPolicy *LogBackupPolicy `json:"log_backup_policy,omitempty"`
	// OmitFields are top-level fields the cluster's PolarDB answers leave
	// out, whatever the operation, as some answers of the cloud do.
	OmitFields []string `json:"omit_fields,omitempty"`
	// FailTakenBackups lists the backup set of a task that finishes while
	// the emulator runs (one CreateBackup started, say) as Failed and not
	// available, as a backup the service could not take.
	FailTakenBackups bool `json:"fail_taken_backups,omitempty"`
}

// BackupPolicy is a cluster's data backup policy, whose JSON names are the
// API's. Every field is a string, numbers included, as the API sends them.
type BackupPolicy struct {
	BackupRetentionPolicyOnClusterDeletion string `json:"BackupRetentionPolicyOnClusterDeletion,omitempty"` // ALL, LATEST or NONE
	BackupFrequency                        string `json:"BackupFrequency,omitempty"`
	// PreferredBackupPeriod is English day names, comma-separated.
	PreferredBackupPeriod string `json:"PreferredBackupPeriod,omitempty"`
	// PreferredBackupTime is a window such as "15:00Z-16:00Z".
	PreferredBackupTime string `json:"PreferredBackupTime,omitempty"`
	// PreferredNextBackupTime, such as "2024-05-21T02:00Z", is the start of
	// the next window when empty: the period's next day after the call.
	PreferredNextBackupTime                      string `json:"PreferredNextBackupTime,omitempty"`
	DataLevel1BackupRetentionPeriod              string `json:"DataLevel1BackupRetentionPeriod,omitempty"` // days, 3 to 14
	DataLevel1BackupFrequency                    string `json:"DataLevel1BackupFrequency,omitempty"`
	DataLevel1BackupPeriod                       string `json:"DataLevel1BackupPeriod,omitempty"` // PreferredBackupPeriod when empty
	DataLevel1BackupTime                         string `json:"DataLevel1BackupTime,omitempty"`   // PreferredBackupTime when empty
	DataLevel2BackupRetentionPeriod              string `json:"DataLevel2BackupRetentionPeriod,omitempty"`
	DataLevel2BackupPeriod                       string `json:"DataLevel2BackupPeriod,omitempty"` // PreferredBackupPeriod when empty
	DataLevel2BackupAnotherRegionRegion          string `json:"DataLevel2BackupAnotherRegionRegion,omitempty"`
	DataLevel2BackupAnotherRegionRetentionPeriod string `json:"DataLevel2BackupAnotherRegionRetentionPeriod,omitempty"`
	BackupPolicyLevel                            string `json:"BackupPolicyLevel,omitempty"`
	AdvancedPolicyOption                         string `json:"AdvancedPolicyOption,omitempty"`
}

// defaultBackupPolicy is the policy of a new cluster: one backup a day
// between 15:00 and 16:00 UTC, level-1 backups kept 7 days, no level-2
// ones, nothing kept when the cluster is deleted.
var defaultBackupPolicy = BackupPolicy{
	BackupRetentionPolicyOnClusterDeletion:       "NONE",
	BackupFrequency:                              "Normal",
	PreferredBackupPeriod:                        "Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday",
	PreferredBackupTime:                          "15:00Z-16:00Z",
	DataLevel1BackupRetentionPeriod:              "7",
	DataLevel2BackupRetentionPeriod:              "0",
	DataLevel2BackupAnotherRegionRetentionPeriod: "0",
	BackupPolicyLevel:                            "Normal",
	AdvancedPolicyOption:                         "disable",
}

// withDefaults is p, nil for none, with each empty field the default's.
func (p *BackupPolicy) withDefaults() BackupPolicy {
	var out BackupPolicy
	if p != nil {
		out = *p
	}
	v, def := reflect.ValueOf(&out).Elem(), reflect.ValueOf(defaultBackupPolicy)
	for i := range v.NumField() {
		if v.Field(i).String() == "" {
			v.Field(i).Set(def.Field(i))
		}
	}
	out.DataLevel1BackupFrequency = cmp.Or(out.DataLevel1BackupFrequency, out.BackupFrequency)
	out.DataLevel1BackupPeriod = cmp.Or(out.DataLevel1BackupPeriod, out.PreferredBackupPeriod)
	out.DataLevel2BackupPeriod = cmp.Or(out.DataLevel2BackupPeriod, out.PreferredBackupPeriod)
	out.DataLevel1BackupTime = cmp.Or(out.DataLevel1BackupTime, out.PreferredBackupTime)
	return out
}

// LogBackupPolicy is a cluster's log backup policy, whose JSON names are
// the API's.
type LogBackupPolicy struct {
	// EnableBackupLog is 1, log backup on (the default when nil), or 0.
	EnableBackupLog *int `json:"EnableBackupLog,omitempty"`
	// LogBackupRetentionPeriod is days, 3 to 7300, or -1 for ever; 0 is
	// the default, 7.
	LogBackupRetentionPeriod     int    `json:"LogBackupRetentionPeriod,omitempty"`
	LogBackupAnotherRegionRegion string `json:"LogBackupAnotherRegionRegion,omitempty"`
	// LogBackupAnotherRegionRetentionPeriod is "0" (off, the default when
	// empty), days from 30 to 7300, or "-1" for ever.
	LogBackupAnotherRegionRetentionPeriod string `json:"LogBackupAnotherRegionRetentionPeriod,omitempty"`
}

// withDefaults is p, nil for none, with the defaults of a new cluster
// where it sets nothing, and its own EnableBackupLog.
func (p *LogBackupPolicy) withDefaults() LogBackupPolicy {
	var out LogBackupPolicy
	if p != nil {
		out = *p
	}
	enabled := 1
	if out.EnableBackupLog != nil {
		enabled = *out.EnableBackupLog
	}
	out.EnableBackupLog = &enabled
	out.LogBackupRetentionPeriod = cmp.Or(out.LogBackupRetentionPeriod, 7)
	out.LogBackupAnotherRegionRetentionPeriod = cmp.Or(out.LogBackupAnotherRegionRetentionPeriod, "0")
	return out
}

// Data is everything the emulator serves.
type Data struct {
	Credentials []Credential `json:"credentials"`
	Clusters    []Cluster    `json:"clusters"`
	Roles       []Role       `json:"roles,omitempty"`
	// Faults apply to every PolarDB API call.
	Faults *Faults `json:"faults,omitempty"`
}

// The valid values of BackupMode and JobMode.
const (
	jobModeAutomated = "Automated"
	jobModeManual    = "Manual"
)

// The shapes of RAM ARNs; the submatches are the account and the name.
var (
	roleArnPattern         = regexp.MustCompile(`^acs:ram::([0-9]{16}):role/([A-Za-z0-9.-]{1,64})$`)
	oidcProviderArnPattern = regexp.MustCompile(`^acs:ram::([0-9]{16}):oidc-provider/([A-Za-z0-9.-]{1,128})$`)
)

// SampleData is the built-in demo data set. The credential is a placeholder
// that is valid only against the emulator.
func SampleData() Data {
	return Data{
		Credentials: []Credential{{
			AccessKeyID:     "LTAI5tDemoAccessKey000000",
			AccessKeySecret: "demo-secret-not-a-real-key",
		}},
		Clusters: []Cluster{
			{
				ID: "pc-2zedemo0000000001",
				BackupJobs: []BackupJob{
					{
						StartTime:            "2024-05-20T02:00:13Z",
						Process:              "100",
						BackupJobId:          "2198736415",
						JobMode:              jobModeAutomated,
						BackupProgressStatus: "Finished",
						TaskAction:           "NormalBackupTask",
					},
					{
						StartTime:            "2024-05-20T09:41:27Z",
						Process:              "42",
						BackupJobId:          "2198801132",
						JobMode:              jobModeManual,
						BackupProgressStatus: "Uploading",
						TaskAction:           "TempBackupTask",
					},
					{
						StartTime:            "2024-05-21T02:00:00Z",
						Process:              "0",
						BackupJobId:          "2198865520",
						JobMode:              jobModeAutomated,
						BackupProgressStatus: "NoStart",
						TaskAction:           "NormalBackupTask",
					},
				},
				// The daily automated backups of three days, the last
				// that of the first task, and a manual one that failed,
				// consistent to no time; the task at 42 % has none yet.
				Backups: []Backup{
					sampleBackup("2198605021", jobModeAutomated, "2024-05-18T02:00:09Z", "2024-05-18T02:00:24Z", "1715997624", "4603281408"),
					sampleBackup("2198671170", jobModeAutomated, "2024-05-19T02:00:11Z", "2024-05-19T02:00:26Z", "1716084026", "4619530240"),
					sampleBackup("2198689384", jobModeManual, "2024-05-19T14:31:52Z", "2024-05-19T14:32:07Z", "", "0"),
					sampleBackup("2198736415", jobModeAutomated, "2024-05-20T02:00:13Z", "2024-05-20T02:00:28Z", "1716170428", "4639948800"),
				},
				// Daily at 02:00 UTC, as its automated backups were taken;
				// level-1 backups kept two weeks, level-2 ones 30 days, the
				// last kept when the cluster is deleted.
				BackupPolicy: &BackupPolicy{
					BackupRetentionPolicyOnClusterDeletion: "LATEST",
					PreferredBackupTime:                    "02:00Z-03:00Z",
					DataLevel1BackupRetentionPeriod:        "14",
					DataLevel2BackupRetentionPeriod:        "30",
				},
				LogBackupPolicy: &LogBackupPolicy{EnableBackupLog: new(1), LogBackupRetentionPeriod: 7},
			},
			{
				ID:              "pc-2zedemo0000000002",
				BackupJobs:      []BackupJob{},
				LogBackupPolicy: &LogBackupPolicy{EnableBackupLog: new(0)},
			},
		},
	}
}

// sampleBackup is a backup set of the demo's first cluster; one of size 0
// failed and is not usable.
func sampleBackup(id, mode, start, end, consistent, size string) Backup {
	status, avail := backupSuccess, "1"
	if size == "0" {
		status, avail = backupFailed, "0"
	}
	return Backup{
		BackupId: id, DBClusterId: "pc-2zedemo0000000001", BackupStatus: status, BackupMode: mode,
		BackupMethod: "Snapshot", BackupType: "FullBackup", BackupsLevel: "Level-1",
		BackupStartTime: start, BackupEndTime: end, ConsistentTime: consistent,
		BackupSetSize: size, IsAvail: avail,
	}
}

// LoadData reads a data file. It is strict, unknown fields and trailing
// content are errors, because a misspelt field would otherwise silently
// serve different data than the test author meant.
func LoadData(path string) (Data, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Data{}, fmt.Errorf("read emulator data: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var d Data
	if err := dec.Decode(&d); err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("file is empty")
		}
		return Data{}, fmt.Errorf("emulator data %s: %w", path, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Data{}, fmt.Errorf("emulator data %s: unexpected content after the JSON object", path)
	}
	if err := d.validate(); err != nil {
		return Data{}, fmt.Errorf("emulator data %s: %w", path, err)
	}
	return d, nil
}

// validate reports the first entry that the emulator could not serve
// faithfully, naming it by its position in the file.
func (d Data) validate() error {
	if len(d.Credentials) == 0 && len(d.Roles) == 0 {
		// Without either, every request would be refused.
		return errors.New("credentials: at least one credential or role is required")
	}
	keys := make(map[string]int, len(d.Credentials))
	for i, c := range d.Credentials {
		switch {
		case c.AccessKeyID == "":
			return fmt.Errorf("credentials[%d]: access_key_id is empty", i)
		case c.AccessKeySecret == "":
			return fmt.Errorf("credentials[%d] (%s): access_key_secret is empty", i, c.AccessKeyID)
		}
		if j, dup := keys[c.AccessKeyID]; dup {
			return fmt.Errorf("credentials[%d]: access_key_id %q is already used by credentials[%d]", i, c.AccessKeyID, j)
		}
		keys[c.AccessKeyID] = i
		if c.Expiration != "" {
			// Access keys of RAM users do not expire; only STS ones do.
			if c.SecurityToken == "" {
				return fmt.Errorf("credentials[%d] (%s): expiration is only allowed with security_token", i, c.AccessKeyID)
			}
			if _, err := time.Parse(time.RFC3339, c.Expiration); err != nil {
				return fmt.Errorf("credentials[%d] (%s): expiration %q is not an RFC 3339 time such as 2024-05-20T02:00:00Z", i, c.AccessKeyID, c.Expiration)
			}
		}
	}
	if err := validateRoles(d.Roles); err != nil {
		return err
	}
	if d.Faults != nil {
		if err := d.Faults.Validate(); err != nil {
			return fmt.Errorf("faults: %w", err)
		}
	}
	ids := make(map[string]int, len(d.Clusters))
	for i, c := range d.Clusters {
		if c.ID == "" {
			return fmt.Errorf("clusters[%d]: id is empty", i)
		}
		if j, dup := ids[c.ID]; dup {
			return fmt.Errorf("clusters[%d]: id %q is already used by clusters[%d]", i, c.ID, j)
		}
		ids[c.ID] = i
		if c.Faults != nil {
			if err := c.Faults.Validate(); err != nil {
				return fmt.Errorf("clusters[%d] (%s): faults: %w", i, c.ID, err)
			}
		}
		if c.ListingDelay < 0 {
			return fmt.Errorf("clusters[%d] (%s): listing_delay %s is negative", i, c.ID, c.ListingDelay)
		}
		for k, q := range c.AnswerQuirks {
			if !slices.Contains(answerQuirks, q) {
				return fmt.Errorf("clusters[%d] (%s): answer_quirks[%d]: %q is not one of %v", i, c.ID, k, q, answerQuirks)
			}
		}
		if err := validateBackups(c.ID, c.Backups); err != nil {
			return fmt.Errorf("clusters[%d] (%s): %w", i, c.ID, err)
		}
		if err := validatePolicies(c.BackupPolicy, c.LogBackupPolicy); err != nil {
			return fmt.Errorf("clusters[%d] (%s): %w", i, c.ID, err)
		}
		if k := slices.Index(c.OmitFields, ""); k >= 0 {
			return fmt.Errorf("clusters[%d] (%s): omit_fields[%d] is empty", i, c.ID, k)
		}
		for k, job := range c.BackupJobs {
			switch {
			case job.BackupJobId == "":
				return fmt.Errorf("clusters[%d] (%s): backup_jobs[%d]: BackupJobId is empty", i, c.ID, k)
			case job.FinishesAfter < 0:
				return fmt.Errorf("clusters[%d] (%s): backup_jobs[%d]: finishes_after %s is negative", i, c.ID, k, job.FinishesAfter)
			case job.StartedAgo < 0:
				return fmt.Errorf("clusters[%d] (%s): backup_jobs[%d]: started_ago %s is negative", i, c.ID, k, job.StartedAgo)
			case job.JobMode != jobModeAutomated && job.JobMode != jobModeManual:
				// The BackupMode filter matches JobMode exactly, so any other
				// value would make the job unreachable through the filter.
				return fmt.Errorf("clusters[%d] (%s): backup_jobs[%d]: JobMode %q is not Automated or Manual", i, c.ID, k, job.JobMode)
			}
		}
	}
	return nil
}

func validateBackups(clusterID string, backups []Backup) error {
	ids := make(map[string]int, len(backups))
	for k, b := range backups {
		if b.BackupId == "" {
			return fmt.Errorf("backups[%d]: BackupId is empty", k)
		}
		// A level-2 copy carries the ID of its level-1 set.
		if j, dup := ids[b.BackupId+"/"+b.BackupsLevel]; dup {
			return fmt.Errorf("backups[%d]: BackupId %q of level %q is already used by backups[%d]", k, b.BackupId, b.BackupsLevel, j)
		}
		ids[b.BackupId+"/"+b.BackupsLevel] = k
		// The filters match exactly and the window is on BackupStartTime:
		// any other value would put the backup out of their reach.
		switch {
		case b.DBClusterId != "" && b.DBClusterId != clusterID:
			return fmt.Errorf("backups[%d] (%s): DBClusterId %q is not the cluster's", k, b.BackupId, b.DBClusterId)
		case b.BackupStatus != backupSuccess && b.BackupStatus != backupFailed:
			return fmt.Errorf("backups[%d] (%s): BackupStatus %q is not Success or Failed", k, b.BackupId, b.BackupStatus)
		case b.BackupMode != jobModeAutomated && b.BackupMode != jobModeManual:
			return fmt.Errorf("backups[%d] (%s): BackupMode %q is not Automated or Manual", k, b.BackupId, b.BackupMode)
		case b.ListedFromCall < 0:
			return fmt.Errorf("backups[%d] (%s): listed_from_call %d is negative", k, b.BackupId, b.ListedFromCall)
		}
		if b.StartedAgo < 0 {
			return fmt.Errorf("backups[%d] (%s): started_ago %s is negative", k, b.BackupId, b.StartedAgo)
		}
		if _, err := time.Parse(time.RFC3339, b.BackupStartTime); err != nil && (b.StartedAgo <= 0 || b.BackupStartTime != "") {
			return fmt.Errorf("backups[%d] (%s): BackupStartTime %q is not an RFC 3339 time such as 2024-05-20T02:00:13Z", k, b.BackupId, b.BackupStartTime)
		}
	}
	return nil
}

// backupTimePattern is the shape of a backup window: one hour on the hour.
var backupTimePattern = regexp.MustCompile(`^([01][0-9]|2[0-3]):00Z-([01][0-9]|2[0-3]):00Z$`)

// validatePolicies checks the values the API documents for the fields of
// the policies that are set, and those the answers are computed from.
func validatePolicies(bp *BackupPolicy, lp *LogBackupPolicy) error {
	type check struct {
		name, value string
		ok          bool
		want        string
	}
	var checks []check
	if bp != nil {
		p := bp.withDefaults()
		level1, err := strconv.Atoi(p.DataLevel1BackupRetentionPeriod)
		const days, window, retention = "English day names, comma-separated, such as Monday,Thursday",
			"a window of one hour on the hour such as 15:00Z-16:00Z", "0, -1 or 30 to 7300"
		checks = append(checks,
			check{"BackupRetentionPolicyOnClusterDeletion", p.BackupRetentionPolicyOnClusterDeletion,
				slices.Contains([]string{"ALL", "LATEST", "NONE"}, p.BackupRetentionPolicyOnClusterDeletion), "ALL, LATEST or NONE"},
			check{"PreferredBackupPeriod", p.PreferredBackupPeriod, isBackupPeriod(p.PreferredBackupPeriod), days},
			check{"PreferredBackupTime", p.PreferredBackupTime, backupTimePattern.MatchString(p.PreferredBackupTime), window},
			check{"PreferredNextBackupTime", p.PreferredNextBackupTime,
				p.PreferredNextBackupTime == "" || windowPattern.MatchString(p.PreferredNextBackupTime), "a UTC time to the minute such as 2024-05-21T02:00Z"},
			check{"DataLevel1BackupRetentionPeriod", p.DataLevel1BackupRetentionPeriod, err == nil && level1 >= 3 && level1 <= 14, "3 to 14"},
			check{"DataLevel1BackupPeriod", p.DataLevel1BackupPeriod, isBackupPeriod(p.DataLevel1BackupPeriod), days},
			check{"DataLevel1BackupTime", p.DataLevel1BackupTime, backupTimePattern.MatchString(p.DataLevel1BackupTime), window},
			check{"DataLevel2BackupRetentionPeriod", p.DataLevel2BackupRetentionPeriod, isLongRetention(p.DataLevel2BackupRetentionPeriod), retention},
			check{"DataLevel2BackupPeriod", p.DataLevel2BackupPeriod, isBackupPeriod(p.DataLevel2BackupPeriod), days},
			check{"DataLevel2BackupAnotherRegionRetentionPeriod", p.DataLevel2BackupAnotherRegionRetentionPeriod,
				isLongRetention(p.DataLevel2BackupAnotherRegionRetentionPeriod), retention},
		)
	}
	for _, c := range checks {
		if !c.ok {
			return fmt.Errorf("backup_policy: %s %q is not %s", c.name, c.value, c.want)
		}
	}
	if lp == nil {
		return nil
	}
	p := lp.withDefaults()
	switch {
	case *p.EnableBackupLog != 0 && *p.EnableBackupLog != 1:
		return fmt.Errorf("log_backup_policy: EnableBackupLog %d is not 0 or 1", *p.EnableBackupLog)
	case p.LogBackupRetentionPeriod != -1 && (p.LogBackupRetentionPeriod < 3 || p.LogBackupRetentionPeriod > 7300):
		return fmt.Errorf("log_backup_policy: LogBackupRetentionPeriod %d is not -1 or 3 to 7300", p.LogBackupRetentionPeriod)
	case !isLongRetention(p.LogBackupAnotherRegionRetentionPeriod):
		return fmt.Errorf("log_backup_policy: LogBackupAnotherRegionRetentionPeriod %q is not 0, -1 or 30 to 7300", p.LogBackupAnotherRegionRetentionPeriod)
	}
	return nil
}

// isBackupPeriod says whether period is English day names, comma-separated.
func isBackupPeriod(period string) bool {
	for day := range strings.SplitSeq(period, ",") {
		if !slices.ContainsFunc(weekdays, func(d time.Weekday) bool { return d.String() == day }) {
			return false
		}
	}
	return true
}

var weekdays = []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}

// isLongRetention says whether days is a retention of level-2 or
// cross-region copies: "0" none, "-1" for ever, or 30 to 7300 days.
func isLongRetention(days string) bool {
	n, err := strconv.Atoi(days)
	return err == nil && (n == 0 || n == -1 || (n >= 30 && n <= 7300))
}

func validateRoles(roles []Role) error {
	arns := make(map[string]int, len(roles))
	instanceRole := -1
	for i, r := range roles {
		if !roleArnPattern.MatchString(r.Arn) {
			return fmt.Errorf("roles[%d]: arn %q is not acs:ram::<16-digit account>:role/<name>", i, r.Arn)
		}
		if j, dup := arns[r.Arn]; dup {
			return fmt.Errorf("roles[%d]: arn %q is already used by roles[%d]", i, r.Arn, j)
		}
		arns[r.Arn] = i
		if r.OIDCProviderArn != "" && !oidcProviderArnPattern.MatchString(r.OIDCProviderArn) {
			return fmt.Errorf("roles[%d] (%s): oidc_provider_arn %q is not acs:ram::<16-digit account>:oidc-provider/<name>", i, r.Arn, r.OIDCProviderArn)
		}
		if len(r.OIDCTokens) > 0 && r.OIDCProviderArn == "" {
			return fmt.Errorf("roles[%d] (%s): oidc_tokens need an oidc_provider_arn", i, r.Arn)
		}
		for k, tok := range r.OIDCTokens {
			if tok == "" {
				return fmt.Errorf("roles[%d] (%s): oidc_tokens[%d] is empty", i, r.Arn, k)
			}
		}
		if r.InstanceRole {
			// An ECS instance has at most one RAM role.
			if instanceRole >= 0 {
				return fmt.Errorf("roles[%d] (%s): instance_role is already set on roles[%d]", i, r.Arn, instanceRole)
			}
			instanceRole = i
		}
	}
	return nil
}
