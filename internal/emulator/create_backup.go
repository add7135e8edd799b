package emulator

// CreateBackup: a manual backup task that progresses as the data's do.

import (
	"slices"
	"strconv"
	"time"
)

// createdBackupDuration is how long a task CreateBackup starts takes to
// finish when the server has no WithFinishAfter: long enough for a client
// to see it in progress, short enough for a demo to wait for.
const createdBackupDuration = 5 * time.Second

// maxManualBackups is how many manual backups a cluster keeps; CreateBackup
// refuses another (errBackupTimesExceeded).
const maxManualBackups = 3

// firstCreatedJobID is the ID of the first task CreateBackup starts, unless
// the data has IDs above it: a 10-digit number, as the service's are.
const firstCreatedJobID = 2300000001

// numericID is id as a number, 0 if it is none.
func numericID(id string) int64 {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// createBackupResponse is the CreateBackup answer.
type createBackupResponse struct {
	RequestId   string `json:"RequestId"`
	BackupJobId string `json:"BackupJobId"`
}

// createdBackup is what a ClientToken got: the same job for the same
// request, whenever it is sent again.
type createdBackup struct{ clusterID, jobID string }

// createBackup starts a Manual TempBackupTask on the cluster, which
// progresses from now as a task of the data does from its first listing
// and, once Finished, is listed by DescribeBackups after the listing delay.
// A ClientToken sent before answers with the job it started, before the
// limit is counted: the retry of a call the service acted on is not a
// second backup.
func (s *Server) createBackup(c *apiCall) (any, *apiError) {
	clusterID, token := c.params["DBClusterId"], c.params["ClientToken"]
	if clusterID == "" {
		return nil, errMissingDBClusterID
	}
	if len(token) > 64 || !isASCII(token) {
		return nil, errClientTokenMalformed
	}
	cl, ok := s.cluster(clusterID)
	if !ok {
		return nil, errWriteClusterNotFound
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if created, ok := s.clientTokens[token]; ok { // only tokens sent are kept
		if created.clusterID != clusterID {
			return nil, errIdempotentMismatch
		}
		return &createBackupResponse{RequestId: c.requestID, BackupJobId: created.jobID}, nil
	}
	if manualBackups(cl) >= maxManualBackups {
		return nil, errBackupTimesExceeded
	}
	s.lastJobID++
	job := BackupJob{
		StartTime:            c.now.UTC().Format(time.RFC3339),
		Process:              "0",
		BackupJobId:          strconv.FormatInt(s.lastJobID, 10),
		JobMode:              jobModeManual,
		BackupProgressStatus: "NoStart",
		TaskAction:           "TempBackupTask",
	}
	if s.finishAfter == 0 {
		job.FinishesAfter = Duration(createdBackupDuration)
	}
	cl.jobs = append(cl.jobs, job)
	s.firstListed[jobKey(clusterID, job.BackupJobId)] = c.now // it runs from now, listed or not
	if token != "" {
		s.clientTokens[token] = createdBackup{clusterID: clusterID, jobID: job.BackupJobId}
	}
	return &createBackupResponse{RequestId: c.requestID, BackupJobId: job.BackupJobId}, nil
}

// manualBackups counts the cluster's manual backups, taken or being taken:
// its Manual backup sets and its Manual tasks that have none, but none that
// DeleteBackup deleted, whose slot is free from the call on, listed still
// or not. s.mu must be held.
func manualBackups(cl *cluster) int {
	ids := map[string]bool{}
	for _, b := range cl.backups {
		if b.BackupMode == jobModeManual {
			ids[b.BackupId] = true
		}
	}
	for _, job := range cl.jobs {
		if job.JobMode == jobModeManual {
			ids[job.BackupJobId] = true
		}
	}
	for id := range cl.deleted {
		delete(ids, id)
	}
	return len(ids)
}

// jobs is the cluster's tasks as they are now. CreateBackup only appends
// to cl.jobs, under s.mu, so the slice returned, its capacity cut to its
// length, is never written to.
func (s *Server) jobs(cl *cluster) []BackupJob {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cl.jobs[:len(cl.jobs):len(cl.jobs)]
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// BackupJobs returns the tasks of a cluster as the data and CreateBackup
// made them, before any progress: for tests that count the backups taken.
func (s *Server) BackupJobs(clusterID string) []BackupJob {
	cl, ok := s.clusters[clusterID]
	if !ok {
		return nil
	}
	return slices.Clone(s.jobs(cl))
}
