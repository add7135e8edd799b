package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// Credential is an access key the emulator accepts. A credential with a
// SecurityToken stands for an STS credential: requests signed with it must
// carry the same token.
type Credential struct {
	AccessKeyID     string `json:"access_key_id"`
	AccessKeySecret string `json:"access_key_secret"`
	SecurityToken   string `json:"security_token,omitempty"`
}

// BackupJob is one element of Items.BackupJob in a DescribeBackupTasks
// answer; the JSON names are the API's.
type BackupJob struct {
	StartTime            string `json:"StartTime"`
	Process              string `json:"Process"`
	BackupJobId          string `json:"BackupJobId"`
	JobMode              string `json:"JobMode"`
	BackupProgressStatus string `json:"BackupProgressStatus"`
	TaskAction           string `json:"TaskAction"`
}

// Cluster is a PolarDB cluster and its backup tasks, in the order the API
// returns them.
type Cluster struct {
	ID         string      `json:"id"`
	Region     string      `json:"region"`
	BackupJobs []BackupJob `json:"backup_jobs"`
}

// Data is everything the emulator serves.
type Data struct {
	Credentials []Credential `json:"credentials"`
	Clusters    []Cluster    `json:"clusters"`
}

// The valid values of BackupMode and JobMode.
const (
	jobModeAutomated = "Automated"
	jobModeManual    = "Manual"
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
				ID:     "pc-2zedemo0000000001",
				Region: "cn-hangzhou",
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
			},
			{
				ID:         "pc-2zedemo0000000002",
				Region:     "cn-hangzhou",
				BackupJobs: []BackupJob{},
			},
		},
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
	if len(d.Credentials) == 0 {
		return errors.New("credentials: at least one credential is required")
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
		for k, job := range c.BackupJobs {
			switch {
			case job.BackupJobId == "":
				return fmt.Errorf("clusters[%d] (%s): backup_jobs[%d]: BackupJobId is empty", i, c.ID, k)
			case job.JobMode != jobModeAutomated && job.JobMode != jobModeManual:
				// The BackupMode filter matches JobMode exactly, so any other
				// value would make the job unreachable through the filter.
				return fmt.Errorf("clusters[%d] (%s): backup_jobs[%d]: JobMode %q is not Automated or Manual", i, c.ID, k, job.JobMode)
			}
		}
	}
	return nil
}
