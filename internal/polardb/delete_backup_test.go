package polardb

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
)

// The backups of deleteCluster: one of each kind DeleteBackup answers
// differently.
const (
	manualBackup    = "2400000001"
	automatedBackup = "2400000002"
	failedBackup    = "2400000003"
)

// deleteCluster has a manual backup in Success, an automatic one and a
// failed manual one.
func deleteCluster() emulator.Cluster {
	backup := func(id, status, mode string) emulator.Backup {
		return emulator.Backup{BackupId: id, BackupStatus: status, BackupMode: mode, BackupsLevel: "Level-1",
			BackupStartTime: "2024-05-20T09:00:00Z", IsAvail: "1"}
	}
	return emulator.Cluster{ID: matrixCluster, Backups: []emulator.Backup{
		backup(manualBackup, "Success", "Manual"), backup(automatedBackup, "Success", "Automated"), backup(failedBackup, "Failed", "Manual")}}
}

// listedBackups are the IDs of the backups DescribeBackups lists on
// matrixCluster.
func listedBackups(t *testing.T, client *Client) []string {
	t.Helper()
	listed, err := client.DescribeAllBackups(context.Background(), &DescribeBackupsRequest{DBClusterId: dara.String(matrixCluster),
		StartTime: dara.String("2024-01-01T00:00Z"), EndTime: dara.String("2025-01-01T00:00Z")})
	if err != nil {
		t.Fatalf("DescribeAllBackups: %v", err)
	}
	var ids []string
	for _, b := range listed.Backups {
		ids = append(ids, dara.StringValue(b.BackupId))
	}
	return ids
}

// A deleted manual backup is listed for the delete delay, then no more.
func TestDeleteBackupDeletesAManualBackup(t *testing.T) {
	var ahead atomic.Int64 // how far the emulator's clock is ahead: within the signatures' 15 minutes
	clock := func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	_, client := newEmulatedClient(t, RetryPolicy{}, []emulator.Cluster{deleteCluster()},
		emulator.WithClock(clock), emulator.WithDeleteDelay(time.Minute))
	deleted, err := client.DeleteBackup(context.Background(), &DeleteBackupRequest{DBClusterId: dara.String(matrixCluster), BackupId: dara.String(manualBackup)})
	if err != nil || dara.StringValue(deleted.Body.GetRequestId()) == "" {
		t.Fatalf("DeleteBackup: %+v, %v; want an answer with a RequestId", deleted, err)
	}
	all := strings.Join([]string{manualBackup, automatedBackup, failedBackup}, ",")
	if got := strings.Join(listedBackups(t, client), ","); got != all {
		t.Errorf("listed %s during the delete delay, want still %s", got, all)
	}
	ahead.Store(int64(time.Minute))
	if got, want := strings.Join(listedBackups(t, client), ","), automatedBackup+","+failedBackup; got != want {
		t.Errorf("listed %s after the delete delay, want %s", got, want)
	}
}

// Its refusals are APIErrors with the API's code, status and request ID;
// BackupGone tells only the one of a backup not found.
func TestDeleteBackupRefusals(t *testing.T) {
	_, client := newEmulatedClient(t, RetryPolicy{}, []emulator.Cluster{deleteCluster()})
	for _, tt := range []struct {
		name, cluster, backup string
		status                int
		code                  string
	}{
		{"unknown cluster", "pc-nosuchcluster", manualBackup, http.StatusNotFound, "InvalidDBClusterId.NotFound"},
		{"unknown backup", matrixCluster, "2499999999", http.StatusBadRequest, CodeBackupNotFound},
		{"automatic backup", matrixCluster, automatedBackup, http.StatusForbidden, "OperationDenied.BackupMode"},
		{"failed backup", matrixCluster, failedBackup, http.StatusBadRequest, "IncorrectBackupSetState"},
		{"a deletable and an automatic backup", matrixCluster, manualBackup + "," + automatedBackup, http.StatusForbidden, "OperationDenied.BackupMode"},
	} {
		_, err := client.DeleteBackup(context.Background(), &DeleteBackupRequest{DBClusterId: &tt.cluster, BackupId: &tt.backup})
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.status || apiErr.Code != tt.code || apiErr.RequestID == "" {
			t.Errorf("%s: %v, want %d %s with a request ID", tt.name, err, tt.status, tt.code)
		}
		if gone := BackupGone(err); gone != (tt.code == CodeBackupNotFound) {
			t.Errorf("%s: BackupGone = %v", tt.name, gone)
		}
	}
	if got := len(listedBackups(t, client)); got != 3 {
		t.Errorf("%d backups listed after refusals, want the 3 of the data", got)
	}
}

// An attempt the service acts on but whose answer is lost is retried, and
// the retry finds the backup gone: BackupGone says the call is done. Within
// the delete delay the retry is answered as a success instead. Either way
// the backup was deleted once.
func TestDeleteBackupThroughALostAnswer(t *testing.T) {
	for _, tt := range []struct {
		name     string
		delay    time.Duration
		wantGone bool
	}{
		{"gone at once", 0, true},
		{"listed for a minute", time.Minute, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			server, client := newEmulatedClient(t, quickRetry, []emulator.Cluster{deleteCluster()},
				emulator.WithFaults(emulator.Faults{Fault: emulator.FaultLostAnswer, First: 1}), emulator.WithDeleteDelay(tt.delay))
			_, err := client.DeleteBackup(context.Background(), &DeleteBackupRequest{DBClusterId: dara.String(matrixCluster), BackupId: dara.String(manualBackup)})
			var retries *RetriesError
			if gone := BackupGone(err); gone != tt.wantGone || (gone && !errors.As(err, &retries)) || (!gone && err != nil) {
				t.Errorf("DeleteBackup: %v; BackupGone = %v, want %v", err, gone, tt.wantGone)
			}
			var codes []string
			for _, r := range server.Requests() {
				if r.Action == "DeleteBackup" {
					codes = append(codes, r.Code)
				}
			}
			want := "fault:lost_answer,"
			if tt.wantGone {
				want += CodeBackupNotFound
			}
			if got := strings.Join(codes, ","); got != want {
				t.Errorf("DeleteBackup attempts answered %q, want %q", got, want)
			}
			if deleted := server.DeletedBackups(matrixCluster); len(deleted) != 1 || deleted[0] != manualBackup {
				t.Errorf("deleted %v, want %s once", deleted, manualBackup)
			}
		})
	}
}

// DeleteBackupUnlessGone reads before a retry: when the attempt whose
// answer was lost deleted the backup, no retry is sent and the call ends
// with ErrDoneBeforeRetry, which BackupGone counts as done; while the
// backup is still listed, the retry is sent.
func TestDeleteBackupUnlessGoneReadsBeforeTheRetry(t *testing.T) {
	for _, tt := range []struct {
		name     string
		delay    time.Duration
		want     string // the attempts' codes
		wantGone bool
	}{
		{"gone at once", 0, "fault:lost_answer", true},
		{"still listed", time.Minute, "fault:lost_answer,", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			server, client := newEmulatedClient(t, quickRetry, []emulator.Cluster{deleteCluster()},
				emulator.WithFaults(emulator.Faults{Fault: emulator.FaultLostAnswer, First: 1, Operation: "DeleteBackup"}), emulator.WithDeleteDelay(tt.delay))
			reads := 0
			listed := func(_ context.Context, failed error) bool {
				if !Retryable(failed) {
					t.Errorf("asked before a retry after %v", failed)
				}
				reads++
				for _, id := range listedBackups(t, client) {
					if id == manualBackup {
						return true
					}
				}
				return false
			}
			_, err := client.DeleteBackupUnlessGone(context.Background(), &DeleteBackupRequest{DBClusterId: dara.String(matrixCluster), BackupId: dara.String(manualBackup)}, listed)
			if gone := BackupGone(err); gone != tt.wantGone || (gone && !errors.Is(err, ErrDoneBeforeRetry)) || (!gone && err != nil) || reads != 1 {
				t.Errorf("DeleteBackupUnlessGone: %v after %d reads; BackupGone = %v, want %v after 1 read", err, reads, gone, tt.wantGone)
			}
			var codes []string
			for _, r := range server.Requests() {
				if r.Action == "DeleteBackup" {
					codes = append(codes, r.Code)
				}
			}
			if got := strings.Join(codes, ","); got != tt.want {
				t.Errorf("DeleteBackup attempts answered %q, want %q", got, tt.want)
			}
			if deleted := server.DeletedBackups(matrixCluster); len(deleted) != 1 {
				t.Errorf("deleted %v, want %s once", deleted, manualBackup)
			}
		})
	}
}
