package emulator

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Tasks with a duration progress from the first call that lists them: the
// status moves on through the documented states and Process rises, until
// the task is Finished at the end of its duration; others stay as they are.
func TestTasksProgress(t *testing.T) {
	const cluster = "pc-bp1progress000001"
	d := testData()
	d.Clusters = []Cluster{{ID: cluster, BackupJobs: []BackupJob{
		{BackupJobId: "1", JobMode: "Automated", BackupProgressStatus: "NoStart", Process: "0", FinishesAfter: Duration(10 * time.Second)},
		{BackupJobId: "2", JobMode: "Manual", BackupProgressStatus: "Uploading", Process: "35", FinishesAfter: Duration(10 * time.Second)},
		{BackupJobId: "3", JobMode: "Automated", BackupProgressStatus: "Finished", Process: "100", FinishesAfter: Duration(10 * time.Second)},
		{BackupJobId: "4", JobMode: "Automated", BackupProgressStatus: "Uploading", Process: "50"},
	}}}
	clock := newFixedClock()
	s := New(d, WithClock(clock.now))
	list := func(params ...string) string {
		p := map[string]string{"DBClusterId": cluster}
		for i := 0; i+1 < len(params); i += 2 {
			p[params[i]] = params[i+1]
		}
		result, apiErr := s.describeBackupTasks(&apiCall{requestID: "R", now: clock.now(), params: p})
		if apiErr != nil {
			t.Fatal(apiErr)
		}
		if strings.Contains(string(jsonBody(result)), "finishes_after") {
			t.Errorf("the answer shows the emulator's own field: %s", jsonBody(result))
		}
		var states []string
		for _, job := range result.(*describeBackupTasksResponse).Items.BackupJob {
			states = append(states, fmt.Sprintf("%s:%s %s", job.BackupJobId, job.BackupProgressStatus, job.Process))
		}
		return strings.Join(states, ", ")
	}
	// Job 2 is not listed yet: its time starts at its first listing, 1 s in.
	for _, step := range []struct {
		at     time.Duration // since the first call
		params []string
		want   string
	}{
		{0, []string{"BackupJobId", "1"}, "1:NoStart 0"},
		{200 * time.Millisecond, []string{"BackupJobId", "1"}, "1:Preparing 2"},
		{700 * time.Millisecond, []string{"BackupJobId", "1"}, "1:Waiting 7"},
		{time.Second, nil, "1:Uploading 10, 2:Uploading 35, 3:Finished 100, 4:Uploading 50"},
		{5 * time.Second, nil, "1:Uploading 50, 2:Uploading 61, 3:Finished 100, 4:Uploading 50"},
		{9500 * time.Millisecond, nil, "1:Checking 95, 2:Checking 90, 3:Finished 100, 4:Uploading 50"},
		{10 * time.Second, nil, "1:Finished 100, 2:Checking 93, 3:Finished 100, 4:Uploading 50"},
		{11 * time.Second, nil, "1:Finished 100, 2:Finished 100, 3:Finished 100, 4:Uploading 50"},
	} {
		clock.set(t, step.at)
		if got := list(step.params...); got != step.want {
			t.Errorf("at %s: %s, want %s", step.at, got, step.want)
		}
	}

	// WithFinishAfter gives a duration to every unfinished task without one
	// of its own.
	clock = newFixedClock()
	s = New(d, WithClock(clock.now), WithFinishAfter(2*time.Second))
	list("BackupJobId", "1")
	clock.set(t, 2*time.Second)
	if got := list("BackupJobId", "4"); got != "4:Uploading 50" {
		t.Errorf("job 4 first listed: %s, want as in the data", got)
	}
	clock.set(t, 3*time.Second)
	if got := list("BackupJobId", "4"); got != "4:Uploading 75" {
		t.Errorf("job 4 half-way through 2 s: %s", got)
	}
	clock.set(t, 4*time.Second)
	if got := list(); got != "1:Uploading 40, 2:Uploading 35, 3:Finished 100, 4:Finished 100" {
		t.Errorf("at 4 s: %s", got)
	}
}
