package provider

// A new backup: CreateBackup with a ClientToken made once for it, then the
// waits until its task is finished and until it is listed as available,
// each poll told as progress.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
)

// backupClockSkew widens the window in which the new backup is looked for:
// the backup is dated by the service's clock, which may differ from this
// machine's by as much as the API tolerates in a request's timestamp.
const backupClockSkew = 15 * time.Minute

// manualBackupLimit is how many manual backups PolarDB keeps per cluster.
const manualBackupLimit = 3

// newBackup is one backup asked for, and what was last seen of it.
type newBackup struct {
	provider  *providerData
	clusterID string
	progress  func(message string) // told each status, as a person reads it
	surface   backupSurface        // what took it: the action, or the resource
	timeout   time.Duration        // bounds the create and its waits

	started   time.Time // when CreateBackup was first sent
	jobID     string
	requestID string // of CreateBackup's answer
	lastSeen  string // the backup's last status, as reported
}

// backupSurface is what takes a new backup, as its diagnostics name it.
type backupSurface struct {
	timeoutSetting string // what sets the timeout: "`timeout` on the action"
	again          string // how the user tries again: "invoke the action"
	atLimit        string // what the manual-backup limit means for it, after the advice
}

// errNoJobID is an answer of CreateBackup without a BackupJobId.
var errNoJobID = errors.New("CreateBackup answered without a BackupJobId")

// create sends CreateBackup, with a ClientToken made once for this backup:
// the client sends it again on every retry, so that a retry of an attempt
// the service acted on does not start a second backup.
func (b *newBackup) create(ctx context.Context) error {
	token := polardb.NewClientToken()
	b.started = time.Now()
	created, err := b.provider.client.CreateBackup(ctx, &polardb.CreateBackupRequest{DBClusterId: &b.clusterID, ClientToken: &token})
	fields := map[string]any{"cluster_id": b.clusterID, "client_token": token}
	if err == nil {
		b.jobID, b.requestID = deref(created.Body.BackupJobId), deref(created.Body.RequestId)
		fields["backup_job_id"], fields["request_id"] = b.jobID, b.requestID
	}
	b.provider.logCall(ctx, "CreateBackup", b.started, fields, err)
	switch {
	case err != nil:
		return err
	case b.jobID == "":
		return errNoJobID
	}
	message := fmt.Sprintf("Started backup job %s of %s (request ID %s)", b.jobID, b.clusterID, b.requestID)
	tflog.Info(ctx, message, map[string]any{"cluster_id": b.clusterID, "backup_job_id": b.jobID, "request_id": b.requestID})
	b.progress(message)
	return nil
}

// waitForTask polls the new backup's task until it is Finished.
func (b *newBackup) waitForTask(ctx context.Context) error {
	_, err := waiter[*backupJob]{subject: "the new PolarDB backup", field: "backup", poll: b.pollTask,
		progress: func(seen polled[*backupJob]) {
			if seen.answer == nil {
				b.report("job " + b.jobID + " is not listed yet")
			} else {
				b.report(describeJob(seen.answer))
			}
		}}.wait(ctx)
	return err
}

// pollTask reads the new backup's task: pending until it is Finished.
func (b *newBackup) pollTask(ctx context.Context) (polled[*backupJob], error) {
	tasks, err := b.provider.describeTasks(ctx, &polardb.DescribeBackupTasksRequest{DBClusterId: &b.clusterID, BackupJobId: &b.jobID})
	if err != nil {
		return polled[*backupJob]{}, err
	}
	// Only the new job, whatever else the API lists; the answer may be
	// shared with identical reads, and is not changed.
	jobs := jobsOf(tasks)
	i := slices.IndexFunc(jobs, func(j *backupJob) bool { return j != nil && deref(j.BackupJobId) == b.jobID })
	if i < 0 {
		return pendingUnless[*backupJob](nil, []string{"job " + b.jobID + " is not listed yet"}), nil
	}
	return pendingUnless(jobs[i], describeEach(holding(waitFinished, jobs[i:i+1]))), nil
}

// backupsReadError is a DescribeBackups call that failed during the wait
// for the listing, told apart from the task's reads for its diagnostic.
type backupsReadError struct{ err error }

func (e *backupsReadError) Error() string { return e.err.Error() }
func (e *backupsReadError) Unwrap() error { return e.err }

// waitUntilAvailable polls the listing until the new backup is listed as
// Success and can be restored from, and is its set; listed as Failed, it
// is a *backupFailedError.
func (b *newBackup) waitUntilAvailable(ctx context.Context) (*backupSet, error) {
	read, err := waiter[backupsRead]{subject: "a PolarDB backup", field: "backup", poll: b.pollListing,
		progress: func(seen polled[backupsRead]) {
			status := "backup " + b.jobID + " is not listed yet"
			if listed := seen.answer.backups; len(listed) > 0 {
				status = "backup " + b.jobID + " is listed as " + deref(listed[0].BackupStatus)
				if restorable(listed[0]) {
					status += " and available"
				}
			}
			b.report(status)
		}}.wait(ctx)
	return levelOne(read.backups, b.jobID), err
}

// pollListing lists the new backup, by its ID, in a window around its start
// wide enough for the service's clock.
func (b *newBackup) pollListing(ctx context.Context) (polled[backupsRead], error) {
	w := backupWindow{start: b.started.Add(-backupClockSkew), end: time.Now().Add(backupClockSkew)}
	read, err := b.provider.readBackups(ctx, polardb.DescribeBackupsRequest{DBClusterId: &b.clusterID, BackupId: &b.jobID}, w)
	if err != nil {
		return polled[backupsRead]{}, &backupsReadError{err}
	}
	return availability(b.jobID, read), nil
}

// report tells the user the backup's status, and keeps it for a wait that
// ends.
func (b *newBackup) report(status string) {
	b.lastSeen = status
	b.progress("Backup of " + b.clusterID + ": " + status)
}
