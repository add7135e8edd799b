package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
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
	// AnswerQuirks reshape the cluster's DescribeBackupTasks and
	// DescribeBackups answers as some answers of the cloud are shaped, for
	// testing a client's decoding.
	AnswerQuirks []AnswerQuirk `json:"answer_quirks,omitempty"`
	// Faults apply to the calls whose DBClusterId is ID, after the
	// server's.
	Faults *Faults `json:"faults,omitempty"`
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
			},
			{
				ID:         "pc-2zedemo0000000002",
				BackupJobs: []BackupJob{},
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
		if j, dup := ids[b.BackupId]; dup {
			return fmt.Errorf("backups[%d]: BackupId %q is already used by backups[%d]", k, b.BackupId, j)
		}
		ids[b.BackupId] = k
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
