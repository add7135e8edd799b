package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
)

func TestHolding(t *testing.T) {
	job := func(id, status string) *backupJob { return &backupJob{BackupJobId: &id, BackupProgressStatus: &status} }
	jobs := []*backupJob{nil, job("1", "NoStart"), job("2", "Preparing"), job("3", "Waiting"), job("4", "Uploading"),
		job("5", "Checking"), job("6", "Finished"), job("7", "Verifying"), {BackupJobId: new("8")}}
	ids := func(held []*backupJob) []string {
		var out []string
		for _, j := range held {
			out = append(out, deref(j.BackupJobId))
		}
		return out
	}
	// A status the API may add later, or none, holds both: the safe side.
	if got, want := ids(holding(waitIdle, jobs)), []string{"2", "3", "4", "5", "7", "8"}; !slices.Equal(got, want) {
		t.Errorf("idle is held by %v, want %v", got, want)
	}
	if got, want := ids(holding(waitFinished, jobs)), []string{"1", "2", "3", "4", "5", "7", "8"}; !slices.Equal(got, want) {
		t.Errorf("finished is held by %v, want %v", got, want)
	}
	if held := holding(waitFinished, nil); len(held) != 0 {
		t.Errorf("no tasks hold %v", held)
	}
}

func TestPollInterval(t *testing.T) {
	middle := func() float64 { return 0.5 }
	var got []time.Duration
	for n := 1; n <= 9; n++ {
		got = append(got, pollInterval(n, middle))
	}
	want := []time.Duration{2 * time.Second, 3 * time.Second, 4500 * time.Millisecond, 6750 * time.Millisecond,
		10125 * time.Millisecond, 15187500 * time.Microsecond, 22781250 * time.Microsecond, 30 * time.Second, 30 * time.Second}
	if !slices.Equal(got, want) {
		t.Errorf("intervals %v, want %v", got, want)
	}
	low, high := pollInterval(1, func() float64 { return 0 }), pollInterval(1, func() float64 { return 0.999999 })
	if low != 1600*time.Millisecond || high < 2399*time.Millisecond || high > 2400*time.Millisecond {
		t.Errorf("the first poll comes between %s and %s, want 1.6s to 2.4s", low, high)
	}
	if late := pollInterval(20, func() float64 { return 0.999999 }); late != maxPoll {
		t.Errorf("a late poll after %s, want at most %s", late, maxPoll)
	}
}

// A wait that ends during a call after the first, by its deadline, an
// interrupt, or the deadline of a shared call a moment before its own,
// names the tasks of the answer before; the last poll comes just before the
// deadline.
func TestWaitEndsDuringAPoll(t *testing.T) {
	running := &polardb.DescribeBackupTasksResponse{Body: &polardb.DescribeBackupTasksResponseBody{Items: &polardb.DescribeBackupTasksResponseBodyItems{
		BackupJob: []*backupJob{{BackupJobId: new(runningJob), BackupProgressStatus: new("Uploading"), Process: new("42")}}}}}
	for _, tt := range []struct {
		name  string
		poll  func(ctx context.Context, cancel context.CancelFunc) error // the second call
		cause error
	}{
		{"deadline", func(ctx context.Context, _ context.CancelFunc) error { <-ctx.Done(); return ctx.Err() }, context.DeadlineExceeded},
		{"interrupt", func(ctx context.Context, cancel context.CancelFunc) error { cancel(); return ctx.Err() }, context.Canceled},
		{"shared call's deadline", func(context.Context, context.CancelFunc) error { return context.DeadlineExceeded }, context.DeadlineExceeded},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// The pause after the first answer, 1.6 s at least, is cut to
			// end lastPoll before the deadline.
			ctx, cancel := context.WithTimeout(context.Background(), lastPoll+500*time.Millisecond)
			defer cancel()
			calls := 0
			start := time.Now()
			_, err := waiter[*polardb.DescribeBackupTasksResponse]{poll: tasksStatus(waitIdle, func(ctx context.Context) (*polardb.DescribeBackupTasksResponse, error) {
				if calls++; calls == 1 {
					return running, nil
				}
				if since := time.Since(start); since > time.Second {
					t.Errorf("the last poll came %s after the first, want about 0.5 s: just before the deadline", since)
				}
				return nil, &polardb.NetworkError{Host: "polardb.aliyuncs.com", Err: tt.poll(ctx, cancel)}
			})}.wait(ctx)
			var ended *waitEndedError
			if !errors.As(err, &ended) || !errors.Is(ended.cause, tt.cause) || strings.Join(ended.held, ", ") != "job "+runningJob+" is Uploading (42%)" || calls != 2 {
				t.Errorf("%d calls, then %v, want the wait ended by %v naming the running job", calls, err, tt.cause)
			}
		})
	}
}

func TestDescribeJob(t *testing.T) {
	for _, tt := range []struct {
		job  backupJob
		want string
	}{
		{backupJob{BackupJobId: new("70219982"), BackupProgressStatus: new("Uploading"), Process: new("35")}, "job 70219982 is Uploading (35%)"},
		{backupJob{BackupJobId: new("70219983"), BackupProgressStatus: new("NoStart")}, "job 70219983 is NoStart"},
		{backupJob{}, "a job without an ID is of unknown status"},
	} {
		if got := describeJob(&tt.job); got != tt.want {
			t.Errorf("%q, want %q", got, tt.want)
		}
	}
}

// runningJob is testJobs' job that is in progress, and finishingCluster a
// cluster whose copy of it finishes after finishAfter.
const (
	runningJob       = "31000002"
	finishingCluster = "pc-2zeacc0000000003"
	finishAfter      = 3500 * time.Millisecond
)

// startWaitEmulator is startEmulator with finishingCluster: testJobs, of
// which the running one finishes finishAfter after the first call lists it.
func startWaitEmulator(t *testing.T) *testEmulator {
	t.Helper()
	jobs := slices.Clone(testJobs)
	jobs[1].FinishesAfter = emulator.Duration(finishAfter)
	return startEmulator(t, emulator.Cluster{ID: finishingCluster, BackupJobs: jobs})
}

// tasksOutput is tasksConfig and an output of each task's status by job ID.
func tasksOutput(clusterID string, settings ...string) string {
	return tasksConfig(clusterID, settings...) + `
output "status" {
  value = { for t in data.polardb_backup_tasks.this.tasks : t.backup_job_id => "${t.backup_progress_status} ${t.process}" }
}
`
}

// applyAndOutput applies w's configuration (one read, at plan time) and
// returns the status output and how long the apply took.
func applyAndOutput(t *testing.T, w *cliWorkdir) (map[string]string, time.Duration) {
	t.Helper()
	start := time.Now()
	if out, err := w.command(context.Background(), "apply", "-auto-approve", "-input=false", "-no-color").CombinedOutput(); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	took := time.Since(start)
	out, err := w.command(context.Background(), "output", "-json", "status").Output()
	if err != nil {
		t.Fatalf("output: %v", err)
	}
	var status map[string]string
	if err := json.Unmarshal(out, &status); err != nil {
		t.Fatalf("output %s: %v", out, err)
	}
	return status, took
}

// Each mode returns once the running job has finished, not before, with
// the polls the schedule gives (0 s, 1.6–2.4 s and 4–6 s for a job that
// finishes after 3.5 s), each logged at INFO with the tasks still holding it.
func TestAccWaitUntilTheJobFinishes(t *testing.T) {
	for _, tt := range []struct {
		mode, filter string
		want         map[string]string // status and process by job ID
	}{
		{waitIdle, "", map[string]string{"31000001": "Finished 100", runningJob: "Finished 100", "31000003": "NoStart 0"}},
		{waitFinished, "backup_job_id = \"" + runningJob + "\"", map[string]string{runningJob: "Finished 100"}},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			clearProviderEnv(t)
			logPath := filepath.Join(t.TempDir(), "provider.log")
			t.Setenv("TF_LOG", "INFO")
			t.Setenv("TF_ACC_LOG_PATH", logPath)
			emu := startWaitEmulator(t)
			w := newCLIWorkdir(t, emu.config(tasksOutput(finishingCluster, tt.filter,
				fmt.Sprintf("wait_until = %q", tt.mode), `timeouts = { read = "1m" }`))) // a broken wait fails, not hangs
			status, took := applyAndOutput(t, w)
			if fmt.Sprint(status) != fmt.Sprint(tt.want) {
				t.Errorf("state %v, want %v", status, tt.want)
			}
			if calls := emu.calls("DescribeBackupTasks", ""); calls != 3 || took < finishAfter {
				t.Errorf("%d calls in %s, want 3 (at 0 s, 1.6–2.4 s and 4–6 s), and at least %s", calls, took, finishAfter)
			}
			logged, err := os.ReadFile(logPath)
			if err != nil {
				t.Fatal(err)
			}
			var polls []string
			for _, line := range strings.Split(string(logged), "\n") {
				if strings.Contains(line, "Waiting for PolarDB backup tasks") {
					polls = append(polls, line)
				}
			}
			t.Logf("%d calls in %s; polls logged:\n%s", emu.calls("DescribeBackupTasks", ""), took.Round(10*time.Millisecond), strings.Join(polls, "\n"))
			if len(polls) != 3 || !strings.Contains(polls[0], "job "+runningJob+" is Uploading (42%)") ||
				!strings.Contains(polls[2], "holding=0") {
				t.Errorf("INFO lines of the polls:\n%s", strings.Join(polls, "\n"))
			}
		})
	}
}

// A wait that is satisfied at once makes one call: nothing in progress, or
// the job Finished, or no such job listed (finished has nothing to wait
// for).
func TestAccWaitUntilAlreadySatisfied(t *testing.T) {
	for _, tt := range []struct {
		cluster  string
		settings []string
	}{
		{clusterWithoutJobs, []string{`wait_until = "idle"`}},
		{clusterWithJobs, []string{`backup_mode = "Automated"`, `wait_until = "idle"`}},
		{clusterWithJobs, []string{`backup_job_id = "31000001"`, `wait_until = "finished"`}},
		{clusterWithJobs, []string{`backup_job_id = "99999999"`, `wait_until = "finished"`}},
	} {
		t.Run(strings.Join(tt.settings, ","), func(t *testing.T) {
			clearProviderEnv(t)
			emu := startEmulator(t)
			w := newCLIWorkdir(t, emu.config(tasksOutput(tt.cluster, append(tt.settings, `timeouts = { read = "30s" }`)...))) // a broken wait fails, not hangs
			if out, err := w.command(context.Background(), "plan", "-input=false", "-no-color").CombinedOutput(); err != nil {
				t.Fatalf("plan: %v\n%s", err, out)
			}
			if n := len(emu.Requests()); n != 1 {
				t.Errorf("%d calls, want 1", n)
			}
		})
	}
}

// At the deadline, the diagnostic names what held the wait, how long it
// waited and what sets the limit. A scheduled task holds "finished" for
// as long as it is NoStart.
func TestAccWaitUntilDeadline(t *testing.T) {
	clearProviderEnv(t)
	emu := startWaitEmulator(t)
	testSteps(t, resource.TestStep{
		Config: emu.config(tasksOutput(finishingCluster, `wait_until = "finished"`, `timeouts = { read = "4s" }`)),
		ExpectError: regexp.MustCompile(`(?s)PolarDB backup tasks still in progress at the read timeout.*` +
			`Waited\s+4s\s+for\s+every\s+listed\s+backup\s+task\s+of\s+` + finishingCluster + `\s+to\s+be\s+Finished.*` +
			`job\s+31000003\s+is\s+NoStart\s+\(0%\).*timeouts\.read.*\(4s;\s+default\s+60m\s+when`),
	})
	if calls := emu.calls("DescribeBackupTasks", ""); calls < 2 || calls > 3 {
		t.Errorf("%d calls, want 2 or 3 in 4 s", calls)
	}
}

// A poll that is throttled is retried as any call is, and the wait goes on.
func TestAccWaitRidesThroughAThrottledPoll(t *testing.T) {
	clearProviderEnv(t)
	emu := startWaitEmulator(t)
	emu.SetFaults(emulator.Faults{RateLimit: 0.4}) // one call per 2.5 s: the poll at about 2 s is refused
	w := newCLIWorkdir(t, emu.config(tasksOutput(finishingCluster, `backup_job_id = "`+runningJob+`"`, `wait_until = "finished"`)))
	status, _ := applyAndOutput(t, w)
	if status[runningJob] != "Finished 100" {
		t.Errorf("state %v, want the job Finished", status)
	}
	if n := emu.calls("DescribeBackupTasks", "Throttling.User"); n == 0 {
		t.Error("no poll was throttled")
	}
}

// Interrupting the CLI ends a wait at once: the read reports what held it,
// and no call leaves the provider after the interrupt.
func TestAccInterruptEndsAWait(t *testing.T) {
	clearProviderEnv(t)
	emu := startEmulator(t) // the running job never finishes
	w := newCLIWorkdir(t, emu.config(tasksOutput(clusterWithJobs, `wait_until = "idle"`)))
	plan := w.start(t, "plan", "-input=false", "-no-color")
	for deadline := time.Now().Add(hangGuard); len(emu.Requests()) < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the wait never polled\n%s", plan.output())
		}
	}
	plan.interrupt(t)
	callsAtInterrupt := len(emu.Requests())
	if err := plan.wait(t); err == nil {
		t.Errorf("plan succeeded after an interrupt:\n%s", plan.output())
	}
	text := oneLine(plan.output())
	if !strings.Contains(text, "Waiting for PolarDB backup tasks was cancelled") || !strings.Contains(text, "job "+runningJob+" is Uploading (42%)") {
		t.Errorf("the output does not tell of the interrupted wait:\n%s", plan.output())
	}
	time.Sleep(pollInterval(3, func() float64 { return 1 })) // longer than the next pause would have been
	if n := len(emu.Requests()); n != callsAtInterrupt {
		t.Errorf("%d calls after the interrupt", n-callsAtInterrupt)
	}
}

// Identical reads in flight at the same time share one call: 20 module
// instances reading one cluster, with a slow API.
func TestAccIdenticalReadsShareACall(t *testing.T) {
	clearProviderEnv(t)
	emu := startEmulator(t)
	emu.SetFaults(emulator.Faults{Latency: emulator.Duration(500 * time.Millisecond)})
	const reads = 20
	w := newCLIWorkdir(t, emu.config(tasksConfig(clusterWithJobs, fmt.Sprintf("count = %d", reads))+fmt.Sprintf(`
output "each_sees_all" {
  value = alltrue([for d in data.polardb_backup_tasks.this : length(d.tasks) == %d])
}`, len(testJobs))))
	if out, err := w.command(context.Background(), "apply", "-auto-approve", "-input=false", "-no-color").CombinedOutput(); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if out, err := w.command(context.Background(), "output", "each_sees_all").Output(); err != nil || strings.TrimSpace(string(out)) != "true" {
		t.Errorf("each read has every task: %s, %v", out, err)
	}
	// Terraform reads 10 at a time: two waves, each sharing one call, give
	// or take a read that starts as a call is answered.
	if calls := emu.calls("DescribeBackupTasks", ""); calls > reads/4 {
		t.Errorf("%d identical reads made %d calls, want at most %d", reads, calls, reads/4)
	} else {
		t.Logf("%d identical reads made %d calls", reads, calls)
	}
}

// Each state a status function reports ends the wait as the waiter says:
// the state it waits for with the answer, failed with the poll's error,
// gone with errGone unless the wait is for it; progress hears every poll.
func TestWaiterStates(t *testing.T) {
	failure := errors.New("backup 1 failed")
	for _, tt := range []struct {
		name  string
		until waitState
		seen  []polled[int] // what each poll sees; the last ends the wait
		want  int
		err   error
	}{
		{"target", stateTarget, []polled[int]{{state: statePending, answer: 1, held: []string{"job 1 is Uploading"}}, {state: stateTarget, answer: 2}}, 2, nil},
		{"failed", stateTarget, []polled[int]{{state: stateFailed, answer: 1, err: failure}}, 1, failure},
		{"failed, without saying why", stateTarget, []polled[int]{{state: stateFailed, answer: 1}}, 1, errFailed},
		{"gone while waiting for the target", stateTarget, []polled[int]{{state: stateGone, answer: 1}}, 1, errGone},
		{"gone, for a deletion", stateGone, []polled[int]{{state: statePending, answer: 1, held: []string{"backup 1 is listed"}}, {state: stateGone, answer: 2}}, 2, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			polls, heard := 0, 0
			got, err := waiter[int]{until: tt.until,
				poll: func(context.Context) (polled[int], error) {
					polls++
					return tt.seen[polls-1], nil
				},
				progress: func(seen polled[int]) {
					if heard++; seen.answer != tt.seen[heard-1].answer {
						t.Errorf("progress heard %d at poll %d", seen.answer, heard)
					}
				}}.wait(context.Background())
			if got != tt.want || !errors.Is(err, tt.err) || polls != len(tt.seen) || heard != polls {
				t.Errorf("%d, %v after %d polls (%d heard), want %d, %v after %d", got, err, polls, heard, tt.want, tt.err, len(tt.seen))
			}
		})
	}
}
