package provider

// Waiting for backup tasks: wait_until polls DescribeBackupTasks until no
// listed task holds the wait.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
)

// The values of wait_until.
const (
	waitIdle     = "idle"     // until no task is in progress
	waitFinished = "finished" // until every task is Finished
)

// defaultWaitTimeout bounds a read that waits when timeouts.read is not
// set: backups of large clusters take hours, so a wait needs longer than
// defaultReadTimeout.
const defaultWaitTimeout = 60 * time.Minute

// The schedule of polls: the first firstPoll after the read's first call,
// each next one pollGrowth times later, at most maxPoll apart, each moved by
// up to ±pollJitter of itself so that reads started together drift apart.
const (
	firstPoll  = 2 * time.Second
	pollGrowth = 1.5
	maxPoll    = 30 * time.Second
	pollJitter = 0.2
	lastPoll   = time.Second // before the deadline, time for a last answer
)

type backupJob = polardb.DescribeBackupTasksResponseBodyItemsBackupJob

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

// pollInterval is how long to wait before poll n (1 is the first after the
// read's first call); random returns numbers in [0, 1).
func pollInterval(n int, random func() float64) time.Duration {
	d := min(float64(firstPoll)*math.Pow(pollGrowth, float64(n-1)), float64(maxPoll))
	d *= 1 + pollJitter*(2*random()-1)
	return min(time.Duration(d), maxPoll)
}

// waitForTasks calls describe until no task holds a wait for mode, pausing
// between calls on the schedule above and logging each answer (logPoll),
// and returns the last answer. A pause that would end less than lastPoll
// before ctx's deadline is shortened to end then, so that the last poll
// comes just before the deadline rather than never. When ctx ends during a
// pause or during a call after the first, it returns a *waitEndedError with
// the tasks that held the wait when last seen.
func waitForTasks(ctx context.Context, mode string, describe func(context.Context) (*polardb.DescribeBackupTasksResponse, error)) (*polardb.DescribeBackupTasksResponse, error) {
	started := time.Now()
	var held []*backupJob
	ended := func(cause error) error { return &waitEndedError{held: held, waited: time.Since(started), cause: cause} }
	for poll := 0; ; poll++ {
		response, err := describe(ctx)
		switch {
		case err != nil && poll > 0 && ctx.Err() != nil:
			return nil, ended(ctx.Err())
		case err != nil && poll > 0 && errors.Is(err, context.DeadlineExceeded):
			return nil, ended(context.DeadlineExceeded) // a shared call's deadline, a moment before ctx's
		case err != nil:
			return nil, err
		}
		held = holding(mode, jobsOf(response))
		logPoll(ctx, poll, held)
		if len(held) == 0 {
			return response, nil
		}
		interval := pollInterval(poll+1, rand.Float64)
		if deadline, ok := ctx.Deadline(); ok {
			if untilLast := time.Until(deadline) - lastPoll; untilLast > 0 && untilLast < interval {
				interval = untilLast
			}
		}
		pause := time.NewTimer(interval)
		select {
		case <-pause.C:
		case <-ctx.Done():
			pause.Stop()
		}
		if err := ctx.Err(); err != nil { // also when the pause and ctx end together
			return nil, ended(err)
		}
	}
}

// waitEndedError is a wait that its deadline or an interrupt ended.
type waitEndedError struct {
	held   []*backupJob // as last seen
	waited time.Duration
	cause  error // context.DeadlineExceeded or context.Canceled
}

func (e *waitEndedError) Error() string {
	return fmt.Sprintf("waited %s; still %s", e.waited.Round(time.Second), describeJobs(e.held))
}

// waitEndedDiagnostic tells which tasks held the wait when it ended, and
// for a deadline, what sets it.
func waitEndedDiagnostic(e *waitEndedError, mode, clusterID string, readTimeout time.Duration) diag.Diagnostic {
	goal := "no backup task of " + clusterID + " to be in progress"
	if mode == waitFinished {
		goal = "every listed backup task of " + clusterID + " to be Finished"
	}
	lines := make([]string, 0, len(e.held))
	for _, job := range e.held {
		lines = append(lines, "- "+describeJob(job))
	}
	held := strings.Join(lines, "\n")
	waited := e.waited.Round(time.Second)
	if errors.Is(e.cause, context.Canceled) {
		return diag.NewAttributeErrorDiagnostic(path.Root("wait_until"), "Waiting for PolarDB backup tasks was cancelled",
			fmt.Sprintf("The read was interrupted after waiting %s for %s (wait_until = %q). Still holding it:\n%s", waited, goal, mode, held))
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("wait_until"), "PolarDB backup tasks still in progress at the read timeout",
		fmt.Sprintf("Waited %s for %s (wait_until = %q). Still holding it:\n%s\n\n"+
			"The wait is bounded by `timeouts.read` on the data source (%s; default %s when wait_until is set). "+
			"Raise it, for example `timeouts = { read = \"2h\" }`, or run again later.",
			waited, goal, mode, held, durationText(readTimeout), durationText(defaultWaitTimeout)))
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

// describeJobs is describeJob of each, joined.
func describeJobs(jobs []*backupJob) string {
	parts := make([]string, 0, len(jobs))
	for _, job := range jobs {
		parts = append(parts, describeJob(job))
	}
	return strings.Join(parts, ", ")
}

// logPoll logs each answer of a wait at INFO, with the tasks that still
// hold it, in the read's context, where secrets are masked.
func logPoll(ctx context.Context, poll int, held []*backupJob) {
	fields := map[string]any{"poll": poll, "holding": len(held)}
	if len(held) > 0 {
		fields["tasks"] = describeJobs(held)
	}
	tflog.Info(ctx, "Waiting for PolarDB backup tasks", fields)
}
