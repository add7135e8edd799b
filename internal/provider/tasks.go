package provider

// Backup tasks (DescribeBackupTasks): reading them, telling them as a
// person reads them, and what holds a wait for them.

import (
	"context"
	"time"

	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
)

type backupJob = polardb.DescribeBackupTasksResponseBodyItemsBackupJob

// describeTasks makes one DescribeBackupTasks call and logs it at DEBUG,
// with the request, the answer's size and request ID or the error.
func (p *providerData) describeTasks(ctx context.Context, request *polardb.DescribeBackupTasksRequest) (*polardb.DescribeBackupTasksResponse, error) {
	started := time.Now()
	response, err := p.client.DescribeBackupTasks(ctx, request)
	fields := map[string]any{"cluster_id": deref(request.DBClusterId), "backup_job_id": deref(request.BackupJobId),
		"backup_mode": deref(request.BackupMode)}
	if err == nil && response.Body != nil {
		fields["request_id"], fields["tasks"] = deref(response.Body.RequestId), len(jobsOf(response))
	}
	p.logCall(ctx, "DescribeBackupTasks", started, fields, err)
	return response, err
}

// jobsOf is the tasks of an answer, none if it has no Items.
func jobsOf(response *polardb.DescribeBackupTasksResponse) []*backupJob {
	if response == nil || response.Body == nil || response.Body.Items == nil {
		return nil
	}
	return response.Body.Items.BackupJob
}

// tasksStatus is the status of a wait for the tasks describe lists, with
// wait_until = mode: pending while any holds it.
func tasksStatus(mode string, describe func(context.Context) (*polardb.DescribeBackupTasksResponse, error)) func(context.Context) (polled[*polardb.DescribeBackupTasksResponse], error) {
	return func(ctx context.Context) (polled[*polardb.DescribeBackupTasksResponse], error) {
		response, err := describe(ctx)
		if err != nil {
			return polled[*polardb.DescribeBackupTasksResponse]{}, err
		}
		return pendingUnless(response, describeEach(holding(mode, jobsOf(response)))), nil
	}
}

// holding returns the tasks that keep a wait for mode from ending. For
// "idle", a task holds it unless it is NoStart or Finished: a status the
// API may add later counts as in progress, the safe side for a gate. For
// "finished", every task that is not Finished holds it.
func holding(mode string, jobs []*backupJob) []*backupJob {
	var held []*backupJob
	for _, job := range jobs {
		if job == nil {
			continue
		}
		switch status := deref(job.BackupProgressStatus); {
		case status == "Finished":
		case status == "NoStart" && mode == waitIdle:
		default:
			held = append(held, job)
		}
	}
	return held
}

// describeJob is a task as a person reads it: "job 70219982 is Uploading (35%)".
func describeJob(job *backupJob) string {
	id := "job " + deref(job.BackupJobId)
	if job.BackupJobId == nil {
		id = "a job without an ID"
	}
	status := deref(job.BackupProgressStatus)
	if status == "" {
		status = "of unknown status"
	}
	s := id + " is " + status
	if p := deref(job.Process); p != "" {
		s += " (" + p + "%)"
	}
	return s
}

// describeEach is describeJob of each.
func describeEach(jobs []*backupJob) []string {
	parts := make([]string, 0, len(jobs))
	for _, job := range jobs {
		parts = append(parts, describeJob(job))
	}
	return parts
}
