package emulator

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
)

// deleteBackupAt calls DeleteBackup on cluster at the clock's time with
// ids as its BackupId ("" sends none).
func deleteBackupAt(s *Server, clock *fixedClock, cluster, ids string) *apiError {
	p := map[string]string{"DBClusterId": cluster}
	if ids != "" {
		p["BackupId"] = ids
	}
	_, apiErr := s.deleteBackup(&apiCall{requestID: "R", now: clock.now(), params: p})
	return apiErr
}

// A manual backup of the data and one CreateBackup took are both deleted,
// in one call: listed unchanged for the delete delay, when a repeat is
// answered as the first call was, then gone, and a repeat not found.
func TestDeleteBackupDeletesAfterTheDelay(t *testing.T) {
	const cluster = "pc-bp1delete00000001"
	clock := newFixedClock()
	s := New(backupData(Cluster{ID: cluster, Backups: []Backup{
		testBackup("2400000001", "Success", "Manual", "2024-05-20T09:00:00Z"),
		testBackup("2400000002", "Success", "Automated", "2024-05-21T02:00:00Z"),
	}}), WithClock(clock.now), WithFinishAfter(time.Second), WithDeleteDelay(time.Minute))
	created, apiErr := createBackupAt(s, clock, cluster, "tf-a")
	if apiErr != nil {
		t.Fatal(apiErr)
	}
	clock.set(t, time.Second)
	before := mustListBackups(t, s, cluster, clock.now()).Items.Backup
	if len(before) != 3 {
		t.Fatalf("%d backups listed before the deletion, want the data's 2 and the created one", len(before))
	}

	ids := "2400000001," + created
	if apiErr := deleteBackupAt(s, clock, cluster, ids); apiErr != nil {
		t.Fatalf("DeleteBackup %s: %v", ids, apiErr)
	}
	clock.set(t, time.Second+59*time.Second)
	if apiErr := deleteBackupAt(s, clock, cluster, ids); apiErr != nil {
		t.Errorf("DeleteBackup again during the delay: %v, want success", apiErr)
	}
	if got := mustListBackups(t, s, cluster, clock.now()).Items.Backup; !slices.Equal(got, before) {
		t.Errorf("during the delay: %+v, want unchanged %+v", got, before)
	}
	clock.set(t, time.Second+time.Minute) // from the first call: the repeat did not restart it
	if got := backupIDs(mustListBackups(t, s, cluster, clock.now())); !slices.Equal(got, []string{"2400000002"}) {
		t.Errorf("after the delay: %v, want only the automated backup", got)
	}
	if apiErr := deleteBackupAt(s, clock, cluster, created); apiErr != errBackupSetNotFound {
		t.Errorf("DeleteBackup once gone: %v, want %v", apiErr, errBackupSetNotFound)
	}
	if got := s.DeletedBackups(cluster); !slices.Equal(got, []string{"2400000001", created}) {
		t.Errorf("DeletedBackups = %v, want the two deleted", got)
	}
}

// What DeleteBackup refuses, and that a refused list deletes none of its
// backups, not even those before the one refused.
func TestDeleteBackupRefusals(t *testing.T) {
	const cluster = "pc-bp1delete00000002"
	clock := newFixedClock()
	s := New(backupData(Cluster{ID: cluster,
		BackupJobs: []BackupJob{{StartTime: "2024-05-20T09:00:00Z", Process: "42", BackupJobId: "2400000004", JobMode: "Manual",
			BackupProgressStatus: "Uploading", TaskAction: "TempBackupTask", FinishesAfter: Duration(time.Hour)}},
		Backups: []Backup{
			testBackup("2400000001", "Success", "Manual", "2024-05-20T09:00:00Z"),
			testBackup("2400000002", "Success", "Automated", "2024-05-21T02:00:00Z"),
			testBackup("2400000003", "Failed", "Manual", "2024-05-21T09:00:00Z"),
		}}), WithClock(clock.now))
	for _, tt := range []struct {
		name, cluster, ids string
		want               *apiError
	}{
		{"no DBClusterId", "", "2400000001", errMissingDBClusterID},
		{"no BackupId", cluster, "", errMissingBackupID},
		{"unknown cluster", "pc-bp1nosuchcluster1", "2400000001", errWriteClusterNotFound},
		{"unknown backup", cluster, "2499999999", errBackupSetNotFound},
		{"an empty ID in the list", cluster, "2400000001,", errBackupSetNotFound},
		{"automatic backup", cluster, "2400000002", errAutomatedNotDeleted},
		{"failed backup", cluster, "2400000003", errBackupSetStateDenied},
		{"backup still being taken", cluster, "2400000004", errBackupSetStateDenied},
		{"a deletable one, then an automatic one", cluster, "2400000001,2400000002", errAutomatedNotDeleted},
	} {
		if apiErr := deleteBackupAt(s, clock, tt.cluster, tt.ids); apiErr != tt.want {
			t.Errorf("%s: %v, want %d %v", tt.name, apiErr, tt.want.status, tt.want)
		}
	}
	if want := (apiError{http.StatusNotFound, "InvalidDBClusterId.NotFound", errClusterNotFound.message}); *errWriteClusterNotFound != want {
		t.Errorf("unknown cluster: %v, want 404 %s", errWriteClusterNotFound, want.code)
	}
	if deleted := s.DeletedBackups(cluster); len(deleted) != 0 {
		t.Errorf("deleted %v after refusals, want none", deleted)
	}
}

// A deleted manual backup frees its slot at once, whether the data or
// CreateBackup made it: deleting one of three lets CreateBackup take a
// third again.
func TestDeleteBackupFreesAManualSlot(t *testing.T) {
	const cluster = "pc-bp1delete00000003"
	clock := newFixedClock()
	s := New(backupData(Cluster{ID: cluster, Backups: []Backup{testBackup("2400000001", "Success", "Manual", "2024-05-20T09:00:00Z")}}),
		WithClock(clock.now), WithFinishAfter(time.Second), WithDeleteDelay(time.Hour))
	var created []string
	for _, token := range []string{"tf-a", "tf-b"} {
		id, apiErr := createBackupAt(s, clock, cluster, token)
		if apiErr != nil {
			t.Fatal(apiErr)
		}
		created = append(created, id)
	}
	if _, apiErr := createBackupAt(s, clock, cluster, "tf-c"); apiErr != errBackupTimesExceeded {
		t.Fatalf("a fourth manual backup: %v, want %v", apiErr, errBackupTimesExceeded)
	}
	clock.set(t, time.Second)
	for _, deleted := range []string{"2400000001", created[0]} {
		if apiErr := deleteBackupAt(s, clock, cluster, deleted); apiErr != nil {
			t.Fatalf("DeleteBackup %s: %v", deleted, apiErr)
		}
		if _, apiErr := createBackupAt(s, clock, cluster, "tf-after-"+deleted); apiErr != nil {
			t.Errorf("CreateBackup after deleting %s, still listed: %v, want a free slot", deleted, apiErr)
		}
	}
}

// Through HTTP with the SDK: lost_answer deletes and resets the
// connection, and the retry is not found; a credential's denied_actions
// get Forbidden.RAM.
func TestDeleteBackupOverHTTP(t *testing.T) {
	const manual = "1000000002" // clusterJobs' Finished Manual task, listed
	s, endpoint := startDenying(t, "DeleteBackup")
	client := newClient(t, endpoint, clientConfig{ak: testAK, secret: testSecret})
	del := apiParams()
	del.Action = dara.String("DeleteBackup")

	readOnly := newClient(t, endpoint, clientConfig{ak: deniedAK, secret: deniedSecret})
	_, err := call(t, readOnly, del, form("DBClusterId", clusterJobs, "BackupId", manual))
	assertRefused(t, err, http.StatusForbidden, "Forbidden.RAM", errForbiddenRAM.message)

	s.SetFaults(Faults{Fault: FaultLostAnswer, First: 1})
	if _, err := call(t, client, del, form("DBClusterId", clusterJobs, "BackupId", manual)); err == nil {
		t.Fatal("the lost answer arrived")
	}
	if deleted := s.DeletedBackups(clusterJobs); !slices.Equal(deleted, []string{manual}) {
		t.Fatalf("deleted %v after the lost answer, want %s", deleted, manual)
	}
	_, err = call(t, client, del, form("DBClusterId", clusterJobs, "BackupId", manual))
	_, body := assertRefused(t, err, http.StatusBadRequest, "InvalidBackupSetID.NotFound", errBackupSetNotFound.message)
	if !requestIDPattern.MatchString(body.RequestId) {
		t.Errorf("RequestId %q of the refusal, want one", body.RequestId)
	}
	if codes := requestCodes(s, "DeleteBackup"); strings.Join(codes, ",") != "Forbidden.RAM,fault:lost_answer,InvalidBackupSetID.NotFound" {
		t.Errorf("DeleteBackup calls recorded as %q, want the denied, the lost one, then not found", codes)
	}
}

// A released cluster is one that does not exist, for the reads and the
// writes alike.
func TestReleasedClusterIsNotFound(t *testing.T) {
	const cluster = "pc-bp1released000001"
	clock := newFixedClock()
	s := New(backupData(Cluster{ID: cluster, Backups: []Backup{testBackup("2400000001", "Success", "Manual", "2024-05-20T09:00:00Z")}}), WithClock(clock.now))
	s.ReleaseCluster(cluster)
	if _, apiErr := listBackups(s, cluster, clock.now()); apiErr != errClusterNotFound {
		t.Errorf("DescribeBackups: %v, want %v", apiErr, errClusterNotFound)
	}
	if apiErr := deleteBackupAt(s, clock, cluster, "2400000001"); apiErr != errWriteClusterNotFound {
		t.Errorf("DeleteBackup: %v, want %v", apiErr, errWriteClusterNotFound)
	}
	if _, apiErr := createBackupAt(s, clock, cluster, "tf-a"); apiErr != errWriteClusterNotFound {
		t.Errorf("CreateBackup: %v, want %v", apiErr, errWriteClusterNotFound)
	}
}
