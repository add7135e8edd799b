package emulator

// The PolarDB API, version 2017-08-01: DescribeBackupTasks.

const polardbVersion = "2017-08-01"

// describeBackupTasksResponse is the DescribeBackupTasks answer.
type describeBackupTasksResponse struct {
	RequestId string      `json:"RequestId"`
	Items     backupItems `json:"Items"`
}

type backupItems struct {
	// BackupJob is never nil, so that "no tasks" is [] and not null.
	BackupJob []BackupJob `json:"BackupJob"`
}

// describeBackupTasks serves the API from its parameters: the cluster's
// tasks in stored order, narrowed by the optional exact-match filters.
func (s *Server) describeBackupTasks(c *apiCall) (any, *apiError) {
	clusterID, jobID, mode := c.params["DBClusterId"], c.params["BackupJobId"], c.params["BackupMode"]
	if clusterID == "" {
		return nil, errMissingDBClusterID()
	}
	if mode != "" && mode != jobModeAutomated && mode != jobModeManual {
		return nil, errBackupModeMalformed()
	}
	jobs, ok := s.clusters[clusterID]
	if !ok {
		return nil, errClusterNotFound()
	}
	matched := []BackupJob{}
	for _, job := range jobs {
		if (jobID == "" || job.BackupJobId == jobID) && (mode == "" || job.JobMode == mode) {
			matched = append(matched, job)
		}
	}
	return &describeBackupTasksResponse{RequestId: c.requestID, Items: backupItems{BackupJob: matched}}, nil
}
