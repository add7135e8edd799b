package provider

// Waiting: wait_until polls the API until nothing holds the wait, for
// backup tasks (DescribeBackupTasks) and for backups (DescribeBackups).

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
	waitIdle      = "idle"      // tasks: until no task is in progress
	waitFinished  = "finished"  // tasks: until every task is Finished
	waitAvailable = "available" // backups: until backup_id is listed, Success and usable
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

// waitForTasks polls DescribeBackupTasks (describe) until no task holds a
// wait for mode, and returns the last answer.
func waitForTasks(ctx context.Context, mode string, describe func(context.Context) (*polardb.DescribeBackupTasksResponse, error)) (*polardb.DescribeBackupTasksResponse, error) {
	return pollUntil(ctx, tasksWait, func(ctx context.Context) (*polardb.DescribeBackupTasksResponse, []string, error) {
		response, err := describe(ctx)
		return response, describeEach(holding(mode, jobsOf(response))), err
	})
}

// pollFor is what a wait is for, as its log lines and diagnostics name it.
type pollFor struct {
	subject string // "PolarDB backup tasks": "Waiting for " + subject
	field   string // the log field listing what still holds the wait
}

var tasksWait = pollFor{subject: "PolarDB backup tasks", field: "tasks"}

// pollUntil calls poll until nothing holds the wait (poll returns no
// descriptions of what does), pausing between calls on the schedule above
// and logging each answer at INFO, and returns the last answer. A pause
// that would end less than lastPoll before ctx's deadline is shortened to
// end then, so that the last poll comes just before the deadline rather
// than never. When ctx ends during a pause or during a call after the
// first, it returns a *waitEndedError with what held the wait when last
// seen. Any other error of poll ends the wait with that error.
func pollUntil[T any](ctx context.Context, what pollFor, poll func(context.Context) (T, []string, error)) (T, error) {
	started := time.Now()
	var held []string
	var zero T
	ended := func(cause error) error { return &waitEndedError{held: held, waited: time.Since(started), cause: cause} }
	for n := 0; ; n++ {
		answer, holding, err := poll(ctx)
		switch {
		case err != nil && n > 0 && ctx.Err() != nil:
			return zero, ended(ctx.Err())
		case err != nil && n > 0 && errors.Is(err, context.DeadlineExceeded):
			return zero, ended(context.DeadlineExceeded) // a shared call's deadline, a moment before ctx's
		case err != nil:
			return zero, err
		}
		held = holding
		logPoll(ctx, what, n, held)
		if len(held) == 0 {
			return answer, nil
		}
		interval := pollInterval(n+1, rand.Float64)
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
			return zero, ended(err)
		}
	}
}

// waitEndedError is a wait that its deadline or an interrupt ended.
type waitEndedError struct {
	held   []string // what held the wait when last seen, as a person reads it
	waited time.Duration
	cause  error // context.DeadlineExceeded or context.Canceled
}

func (e *waitEndedError) Error() string {
	return fmt.Sprintf("waited %s; still %s", e.waited.Round(time.Second), strings.Join(e.held, ", "))
}

// waitGoal is what a data source's wait_until waited for, for its
// diagnostic.
type waitGoal struct {
	what        pollFor
	stillTitle  string // the summary at the deadline
	goal        string // "no backup task of pc-x to be in progress"
	mode        string // the value of wait_until
	readTimeout time.Duration
}

// waitEndedDiagnostic tells what held the wait when it ended, and for a
// deadline, what sets it.
func waitEndedDiagnostic(e *waitEndedError, g waitGoal) diag.Diagnostic {
	lines := make([]string, 0, len(e.held))
	for _, h := range e.held {
		lines = append(lines, "- "+h)
	}
	held := strings.Join(lines, "\n")
	waited := e.waited.Round(time.Second)
	if errors.Is(e.cause, context.Canceled) {
		return diag.NewAttributeErrorDiagnostic(path.Root("wait_until"), "Waiting for "+g.what.subject+" was cancelled",
			fmt.Sprintf("The read was interrupted after waiting %s for %s (wait_until = %q). Still holding it:\n%s", waited, g.goal, g.mode, held))
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("wait_until"), g.stillTitle,
		fmt.Sprintf("Waited %s for %s (wait_until = %q). Still holding it:\n%s\n\n"+
			"The wait is bounded by `timeouts.read` on the data source (%s; default %s when wait_until is set). "+
			"Raise it, for example `timeouts = { read = \"2h\" }`, or run again later.",
			waited, g.goal, g.mode, held, durationText(g.readTimeout), durationText(defaultWaitTimeout)))
}

// tasksGoal is the goal of a wait for backup tasks.
func tasksGoal(mode, clusterID string, readTimeout time.Duration) waitGoal {
	goal := "no backup task of " + clusterID + " to be in progress"
	if mode == waitFinished {
		goal = "every listed backup task of " + clusterID + " to be Finished"
	}
	return waitGoal{what: tasksWait, stillTitle: "PolarDB backup tasks still in progress at the read timeout",
		goal: goal, mode: mode, readTimeout: readTimeout}
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

// logPoll logs each answer of a wait at INFO, with what still holds it, in
// the read's context, where secrets are masked.
func logPoll(ctx context.Context, what pollFor, n int, held []string) {
	fields := map[string]any{"poll": n, "holding": len(held)}
	if len(held) > 0 {
		fields[what.field] = strings.Join(held, ", ")
	}
	tflog.Info(ctx, "Waiting for "+what.subject, fields)
}
