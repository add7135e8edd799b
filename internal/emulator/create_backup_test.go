package emulator

import (
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
)

// createBackupAt calls CreateBackup on cluster at the clock's time, with
// token as its ClientToken ("" sends none).
func createBackupAt(s *Server, clock *fixedClock, cluster, token string) (string, *apiError) {
	p := map[string]string{"DBClusterId": cluster}
	if token != "" {
		p["ClientToken"] = token
	}
	result, apiErr := s.createBackup(&apiCall{requestID: "R", now: clock.now(), params: p})
	if apiErr != nil {
		return "", apiErr
	}
	return result.(*createBackupResponse).BackupJobId, nil
}

// A created backup is a Manual TempBackupTask that progresses from the
// call to Finished over 5 s, and is listed as a backup set the listing
// delay after.
func TestCreateBackupProgresses(t *testing.T) {
	const cluster = "pc-bp1create00000001"
	clock := newFixedClock()
	s := New(backupData(Cluster{ID: cluster}), WithClock(clock.now), WithListingDelay(time.Minute))
	id, apiErr := createBackupAt(s, clock, cluster, "tf-token-1")
	if apiErr != nil {
		t.Fatal(apiErr)
	}
	if id != "2300000001" {
		t.Errorf("BackupJobId = %s, want 2300000001, the first ID above the data's", id)
	}
	task := func(at time.Duration) BackupJob {
		t.Helper()
		clock.set(t, at)
		res, apiErr := s.describeBackupTasks(&apiCall{requestID: "R", now: clock.now(), params: map[string]string{"DBClusterId": cluster}})
		if apiErr != nil {
			t.Fatal(apiErr)
		}
		jobs := res.(*describeBackupTasksResponse).Items.BackupJob
		if len(jobs) != 1 {
			t.Fatalf("%d tasks listed, want the 1 created", len(jobs))
		}
		return jobs[0]
	}
	if j := task(0); j.JobMode != "Manual" || j.TaskAction != "TempBackupTask" || j.BackupProgressStatus != "NoStart" ||
		j.StartTime != clock.now().UTC().Format(time.RFC3339) || j.BackupJobId != id {
		t.Errorf("at once: %+v, want a Manual TempBackupTask, NoStart, started now", j)
	}
	if j := task(2500 * time.Millisecond); j.BackupProgressStatus != "Uploading" || j.Process != "50" {
		t.Errorf("half way: %s %s%%, want Uploading 50%%", j.BackupProgressStatus, j.Process)
	}
	if j := task(5 * time.Second); j.BackupProgressStatus != "Finished" {
		t.Errorf("after 5 s: %s, want Finished", j.BackupProgressStatus)
	}
	clock.set(t, 5*time.Second+59*time.Second)
	if got := backupIDs(mustListBackups(t, s, cluster, clock.now())); len(got) != 0 {
		t.Errorf("listed %v before the listing delay", got)
	}
	clock.set(t, 5*time.Second+time.Minute)
	res := mustListBackups(t, s, cluster, clock.now())
	if got := backupIDs(res); len(got) != 1 || got[0] != id || res.Items.Backup[0].BackupMode != "Manual" {
		t.Errorf("after the listing delay: %+v, want the Manual backup %s", res.Items.Backup, id)
	}
}

// A repeated ClientToken answers with the job it started, even past the
// limit; the limit counts the data's manual backups and tasks.
func TestCreateBackupTokensAndLimit(t *testing.T) {
	const cluster, other = "pc-bp1create00000002", "pc-bp1create00000003"
	clock := newFixedClock()
	data := backupData(Cluster{ID: cluster,
		BackupJobs: []BackupJob{{StartTime: "2024-05-20T09:00:00Z", Process: "100", BackupJobId: "2400000000", JobMode: "Manual",
			BackupProgressStatus: "Finished", TaskAction: "TempBackupTask"}},
		Backups: []Backup{testBackup("2400000000", "Success", "Manual", "2024-05-20T09:00:00Z")}})
	data.Clusters = append(data.Clusters, Cluster{ID: other})
	s := New(data, WithClock(clock.now))

	first, apiErr := createBackupAt(s, clock, cluster, "tf-a")
	if apiErr != nil {
		t.Fatal(apiErr)
	}
	if first != "2400000001" {
		t.Errorf("BackupJobId = %s, want 2400000001, above the data's IDs", first)
	}
	if again, _ := createBackupAt(s, clock, cluster, "tf-a"); again != first {
		t.Errorf("the same token started %s, want %s again", again, first)
	}
	second, apiErr := createBackupAt(s, clock, cluster, "") // no token: a new backup
	if apiErr != nil || second == first {
		t.Fatalf("without a token: %s, %v; want a second backup", second, apiErr)
	}
	// The data's backup, tf-a's and the second: 3, the limit.
	if _, apiErr := createBackupAt(s, clock, cluster, "tf-b"); apiErr == nil || apiErr.code != "BackupTimesExceeded" ||
		apiErr.status != http.StatusForbidden || !strings.Contains(apiErr.message, "daily backup times") {
		t.Errorf("a fourth manual backup: %v, want 403 BackupTimesExceeded", apiErr)
	}
	if again, apiErr := createBackupAt(s, clock, cluster, "tf-a"); again != first || apiErr != nil {
		t.Errorf("tf-a again past the limit: %s, %v; want %s", again, apiErr, first)
	}
	for _, tt := range []struct {
		cluster, token string
		want           *apiError
	}{
		{other, "tf-a", errIdempotentMismatch},
		{"pc-bp1nosuchcluster1", "tf-c", errWriteClusterNotFound},
		{"", "tf-c", errMissingDBClusterID},
		{other, strings.Repeat("x", 65), errClientTokenMalformed},
		{other, "tf-é", errClientTokenMalformed},
	} {
		if _, apiErr := createBackupAt(s, clock, tt.cluster, tt.token); apiErr == nil || apiErr.code != tt.want.code || apiErr.status != tt.want.status {
			t.Errorf("cluster %q, token %q: %v, want %d %s", tt.cluster, tt.token, apiErr, tt.want.status, tt.want.code)
		}
	}
	if created := len(s.jobs(s.clusters[other])); created != 0 {
		t.Errorf("%d tasks on %s after refusals, want none", created, other)
	}
}

// Through HTTP with the SDK: lost_answer acts on the call and resets the
// connection, and a credential's denied_actions get Forbidden.RAM.
func TestCreateBackupOverHTTP(t *testing.T) {
	s, endpoint := startDenying(t, "CreateBackup")
	client := newClient(t, endpoint, clientConfig{ak: testAK, secret: testSecret})
	create := apiParams()
	create.Action = dara.String("CreateBackup")

	s.SetFaults(Faults{Fault: FaultLostAnswer, First: 1})
	if _, err := call(t, client, create, form("DBClusterId", clusterEmpty, "ClientToken", "tf-lost")); err == nil {
		t.Fatal("the lost answer arrived")
	}
	tasks, _ := mustCall(t, client, apiParams(), form("DBClusterId", clusterEmpty))
	started := jobIDs(t, tasks)
	if len(started) != 1 {
		t.Fatalf("tasks %v after the lost answer, want the one it started", started)
	}
	body, _ := mustCall(t, client, create, form("DBClusterId", clusterEmpty, "ClientToken", "tf-lost"))
	tasks, _ = mustCall(t, client, apiParams(), form("DBClusterId", clusterEmpty))
	if ids := jobIDs(t, tasks); len(ids) != 1 || ids[0] != body["BackupJobId"] || ids[0] != started[0] {
		t.Errorf("tasks %v after the retry answered %v, want only %s", ids, body["BackupJobId"], started[0])
	}
	if codes := requestCodes(s, "CreateBackup"); strings.Join(codes, ",") != "fault:lost_answer," {
		t.Errorf("CreateBackup calls recorded as %q, want the lost one then a success", codes)
	}

	readOnly := newClient(t, endpoint, clientConfig{ak: deniedAK, secret: deniedSecret})
	_, err := call(t, readOnly, create, form("DBClusterId", clusterEmpty))
	assertRefused(t, err, http.StatusForbidden, "Forbidden.RAM", errForbiddenRAM.message)
	mustCall(t, readOnly, apiParams(), form("DBClusterId", clusterEmpty)) // reads stay allowed
}

// requestCodes are the codes of the recorded calls of action, in order.
func requestCodes(s *Server, action string) []string {
	var codes []string
	for _, r := range s.Requests() {
		if r.Action == action {
			codes = append(codes, r.Code)
		}
	}
	return codes
}

// On a cluster with FailTakenBackups, the backup CreateBackup took is
// listed Failed, not available, once its task finishes; the data's are
// as they are.
func TestCreateBackupFailsWhereTold(t *testing.T) {
	const cluster = "pc-bp1failing0000001"
	clock := newFixedClock()
	s := New(backupData(Cluster{ID: cluster, FailTakenBackups: true, Backups: []Backup{
		testBackup("2400000001", "Success", "Manual", "2024-05-20T09:00:00Z")}}), WithClock(clock.now), WithFinishAfter(time.Second))
	created, apiErr := createBackupAt(s, clock, cluster, "tf-a")
	if apiErr != nil {
		t.Fatal(apiErr)
	}
	clock.set(t, time.Second)
	statuses := map[string]string{}
	for _, b := range mustListBackups(t, s, cluster, clock.now()).Items.Backup {
		statuses[b.BackupId] = b.BackupStatus + " " + b.IsAvail
	}
	if want := map[string]string{"2400000001": "Success 1", created: "Failed 0"}; !maps.Equal(statuses, want) {
		t.Errorf("listed %v, want %v", statuses, want)
	}
}
