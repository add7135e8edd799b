package emulator

// The PolarDB API, version 2017-08-01: DescribeBackupTasks, with tasks that
// progress as time goes by. DescribeBackups is in backups.go.

import (
	"strconv"
	"time"
)

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
// tasks in stored order, narrowed by the optional exact-match filters, each
// as far along as it is by now.
func (s *Server) describeBackupTasks(c *apiCall) (any, *apiError) {
	clusterID, jobID, mode := c.params["DBClusterId"], c.params["BackupJobId"], c.params["BackupMode"]
	if clusterID == "" {
		return nil, errMissingDBClusterID
	}
	cl, apiErr := s.readCluster(clusterID, mode)
	if apiErr != nil {
		return nil, apiErr
	}
	matched := []BackupJob{}
	for _, job := range s.jobs(cl) {
		if (jobID == "" || job.BackupJobId == jobID) && (mode == "" || job.JobMode == mode) {
			matched = append(matched, s.progressed(clusterID, job, c.now))
		}
	}
	return &describeBackupTasksResponse{RequestId: c.requestID, Items: backupItems{BackupJob: matched}}, nil
}

// The statuses a task moves through, in order.
var backupStatuses = []string{"NoStart", "Preparing", "Waiting", "Uploading", "Checking", "Finished"}

// progressed is job as the API would answer it at now. A task that has not
// finished and has a duration (its own FinishesAfter, else the server's
// WithFinishAfter) progresses from the first call that lists it: Process
// rises evenly from its value to 100 over the duration, and the status
// follows it (Preparing below 5 %, Waiting below 10 %, Uploading below 90 %,
// then Checking), never going back from the one in the data, until it is
// Finished.
func (s *Server) progressed(clusterID string, job BackupJob, now time.Time) BackupJob {
	answer := job
	answer.FinishesAfter = 0 // not the API's: omitted from the answer
	duration := s.jobDuration(job)
	if duration == 0 || job.BackupProgressStatus == "Finished" {
		return answer
	}
	s.mu.Lock()
	key := jobKey(clusterID, job.BackupJobId)
	first, seen := s.firstListed[key]
	if !seen {
		first = now
		s.firstListed[key] = now
	}
	s.mu.Unlock()
	elapsed := now.Sub(first)
	if elapsed >= duration {
		answer.Process, answer.BackupProgressStatus = "100", "Finished"
		return answer
	}
	if elapsed <= 0 {
		return answer // as in the data, at the first call
	}
	start, _ := strconv.Atoi(job.Process) // the data's, if a number
	start = min(max(start, 0), 99)
	process := start + int(float64(100-start)*float64(elapsed)/float64(duration))
	process = min(process, 99)
	status := "Checking"
	switch {
	case process < 5:
		status = "Preparing"
	case process < 10:
		status = "Waiting"
	case process < 90:
		status = "Uploading"
	}
	if statusIndex(status) < statusIndex(job.BackupProgressStatus) {
		status = job.BackupProgressStatus
	}
	answer.Process, answer.BackupProgressStatus = strconv.Itoa(process), status
	return answer
}

// jobDuration is how long job takes to finish from its first listing: its
// own FinishesAfter, else the server's; 0 if it does not progress.
func (s *Server) jobDuration(job BackupJob) time.Duration {
	if job.FinishesAfter != 0 {
		return time.Duration(job.FinishesAfter)
	}
	return s.finishAfter
}

// jobKey is the key of a task in Server.firstListed.
func jobKey(clusterID, jobID string) string { return clusterID + "\n" + jobID }

// statusIndex is the place of status in backupStatuses; an unknown one
// counts as not started.
func statusIndex(status string) int {
	for i, st := range backupStatuses {
		if st == status {
			return i
		}
	}
	return 0
}

// readCluster is the cluster a read names, after what the reads check
// last, in this order: a BackupMode the API knows, if one is given, and a
// cluster that exists.
func (s *Server) readCluster(clusterID, mode string) (*cluster, *apiError) {
	if mode != "" && mode != jobModeAutomated && mode != jobModeManual {
		return nil, errBackupModeMalformed
	}
	cl, ok := s.cluster(clusterID)
	if !ok {
		return nil, errClusterNotFound
	}
	return cl, nil
}

// cluster is the cluster clusterID names, unless there is none or it was
// released (ReleaseCluster).
func (s *Server) cluster(clusterID string) (*cluster, bool) {
	cl, ok := s.clusters[clusterID]
	return cl, ok && !cl.released.Load()
}

// ReleaseCluster releases a cluster, as the console does: every call that
// names it is then answered as for a cluster that does not exist.
func (s *Server) ReleaseCluster(clusterID string) {
	if cl, ok := s.clusters[clusterID]; ok {
		cl.released.Store(true)
	}
}
