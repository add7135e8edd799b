package emulator

// DeleteBackup: manual backup sets deleted, listed a while longer if the
// server has a delete delay.

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"time"
)

// deleteBackupResponse is the DeleteBackup answer: nothing in it says when
// the deletion is done.
type deleteBackupResponse struct {
	RequestId string `json:"RequestId"`
}

// deleteBackup deletes the backup sets that BackupId names, one ID or
// several joined by commas, all of them or, if one cannot be deleted,
// none. A deleted backup is listed unchanged for the delete delay, during
// which deleting it again is answered as the first call was and changes
// nothing; then it is gone, and not found.
func (s *Server) deleteBackup(c *apiCall) (any, *apiError) {
	clusterID, ids := c.params["DBClusterId"], c.params["BackupId"]
	switch {
	case clusterID == "":
		return nil, errMissingDBClusterID
	case ids == "":
		return nil, errMissingBackupID
	}
	cl, ok := s.cluster(clusterID)
	if !ok {
		return nil, errWriteClusterNotFound
	}
	listed := map[string]Backup{}
	for _, b := range s.backupsAt(clusterID, cl, c.now, false) {
		if prev, ok := listed[b.BackupId]; !ok || prev.BackupsLevel == "Level-2" { // the level-1 set, not its copy
			listed[b.BackupId] = b
		}
	}
	names := strings.Split(ids, ",")
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range names {
		if apiErr := deletable(cl, listed, id); apiErr != nil {
			return nil, apiErr
		}
	}
	for _, id := range names {
		if _, ok := cl.deleted[id]; !ok { // a repeat does not restart the delay
			cl.deleted[id] = c.now
		}
	}
	return &deleteBackupResponse{RequestId: c.requestID}, nil
}

// deletable is why the backup id of the cluster cannot be deleted, or nil:
// DescribeBackups must list it (a task's that it does not list yet is
// still being taken), as a Manual backup in Success. listed is what it
// lists at the call; s.mu must be held.
func deletable(cl *cluster, listed map[string]Backup, id string) *apiError {
	b, ok := listed[id]
	_, deleted := cl.deleted[id]
	switch {
	case !ok && !deleted && slices.ContainsFunc(cl.jobs, func(job BackupJob) bool { return job.BackupJobId == id }):
		return errBackupSetStateDenied
	case !ok:
		return errBackupSetNotFound
	case b.BackupMode != jobModeManual:
		return errAutomatedNotDeleted
	case b.BackupStatus != backupSuccess:
		return errBackupSetStateDenied
	}
	return nil
}

// goneAt is the IDs of the cluster's backups that DeleteBackup deleted and
// that are no longer listed at now, the delete delay past. s.mu must be
// held.
func (s *Server) goneAt(cl *cluster, now time.Time) map[string]bool {
	gone := map[string]bool{}
	for id, at := range cl.deleted {
		if !now.Before(at.Add(s.deleteDelay)) {
			gone[id] = true
		}
	}
	return gone
}

// DeletedBackups returns the IDs of the backups that DeleteBackup deleted
// on a cluster, listed still or not, sorted: for tests that count the
// deletions.
func (s *Server) DeletedBackups(clusterID string) []string {
	cl, ok := s.clusters[clusterID]
	if !ok {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(cl.deleted))
}

// DeleteBackupSet deletes a backup as the console would, outside the
// record of API calls, with DeleteBackup's rules: for tests of a backup
// deleted outside Terraform.
func (s *Server) DeleteBackupSet(clusterID, id string) error {
	if _, apiErr := s.deleteBackup(&apiCall{now: s.now(), params: map[string]string{"DBClusterId": clusterID, "BackupId": id}}); apiErr != nil {
		return errors.New(apiErr.code + ": " + apiErr.message)
	}
	return nil
}

// Backups returns the backup sets DescribeBackups lists now for a
// cluster, in its order: for tests of what is left.
func (s *Server) Backups(clusterID string) []Backup {
	cl, ok := s.clusters[clusterID]
	if !ok {
		return nil
	}
	return s.backupsAt(clusterID, cl, s.now(), false)
}
