package polardb

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
)

// However an attempt fails, before the service acts (throttling, 5xx) or
// after it (the answer lost with the connection), every retry sends the
// one ClientToken and the call starts exactly one backup.
func TestCreateBackupStartsOneBackupThroughRetries(t *testing.T) {
	for _, tt := range []struct {
		name   string
		faults emulator.Faults
	}{
		{"2 throttlings", emulator.Faults{Fault: emulator.FaultThrottling, First: 2}},
		{"2 InternalErrors (500)", emulator.Faults{Fault: emulator.FaultInternalError, First: 2}},
		{"2 ServiceUnavailable (503)", emulator.Faults{Fault: emulator.FaultUnavailable, First: 2}},
		{"2 gateway pages (502)", emulator.Faults{Fault: emulator.FaultHTML502, First: 2}},
		{"3 answers lost after the backup started", emulator.Faults{Fault: emulator.FaultLostAnswer, First: 3}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			server, client := newEmulatedClient(t, DefaultRetryPolicy(), []emulator.Cluster{{ID: matrixCluster}}, emulator.WithFaults(tt.faults))
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			token := NewClientToken()
			created, err := client.CreateBackup(ctx, &CreateBackupRequest{DBClusterId: dara.String(matrixCluster), ClientToken: &token})
			if err != nil {
				t.Fatalf("CreateBackup: %v", err)
			}
			tokens := map[string]int{}
			for _, r := range server.Requests() {
				if r.Action == "CreateBackup" {
					tokens[r.Params["ClientToken"]]++
				}
			}
			if len(tokens) != 1 || tokens[token] != tt.faults.First+1 {
				t.Errorf("ClientTokens sent %v, want %q on each of %d attempts", tokens, token, tt.faults.First+1)
			}
			server.SetFaults(emulator.Faults{})
			tasks, err := client.DescribeBackupTasks(ctx, &DescribeBackupTasksRequest{DBClusterId: dara.String(matrixCluster)})
			if err != nil {
				t.Fatal(err)
			}
			jobs := tasks.Body.Items.BackupJob
			if len(jobs) != 1 || dara.StringValue(jobs[0].BackupJobId) != dara.StringValue(created.Body.BackupJobId) {
				t.Errorf("%d tasks after CreateBackup answered job %s, want that one only", len(jobs), dara.StringValue(created.Body.BackupJobId))
			}
		})
	}
}

// A write without a token is refused before anything is sent: a retry of
// it could start a second backup.
func TestCreateBackupNeedsAClientToken(t *testing.T) {
	sent := 0
	client := newTestClient(t, func(http.ResponseWriter, *http.Request) { sent++ }, time.Second)
	_, err := client.CreateBackup(context.Background(), &CreateBackupRequest{DBClusterId: dara.String("pc-x")})
	if err == nil || !strings.Contains(err.Error(), "ClientToken") || sent != 0 {
		t.Errorf("err = %v after %d calls, want a refusal naming ClientToken and no call", err, sent)
	}
}

// A write is never shared like a read: two identical CreateBackup calls in
// flight at the same time are two calls, each told its own answer.
func TestCreateBackupIsNeverShared(t *testing.T) {
	var sent atomic.Int32
	arrived := make(chan struct{}, 2)
	release := make(chan struct{})
	client := newTestClient(t, func(w http.ResponseWriter, _ *http.Request) {
		n := sent.Add(1)
		arrived <- struct{}{}
		<-release
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"RequestId":"R-%d","BackupJobId":"1111111%d"}`, n, n)
	}, 5*time.Second)
	releaseAll := sync.OnceFunc(func() { close(release) })
	t.Cleanup(releaseAll) // before the server closes: a failed test leaves no handler waiting
	token := NewClientToken()
	request := &CreateBackupRequest{DBClusterId: dara.String("pc-x"), ClientToken: &token}
	jobs := make(chan string, 2)
	for range 2 {
		go func() {
			created, err := client.CreateBackup(context.Background(), request)
			if err != nil {
				t.Error(err)
				jobs <- ""
				return
			}
			jobs <- dara.StringValue(created.Body.BackupJobId)
		}()
	}
	for range 2 {
		select {
		case <-arrived:
		case <-time.After(3 * time.Second):
			t.Fatalf("%d calls arrived, want 2 at the same time", sent.Load())
		}
	}
	releaseAll()
	if a, b := <-jobs, <-jobs; a == b || sent.Load() != 2 {
		t.Errorf("jobs %q and %q from %d calls, want two calls with answers of their own", a, b, sent.Load())
	}
}

// BackupJobId is read whether the API sends it as documented, a string,
// or as a number, as its Chinese page's example does.
func TestCreateBackupReadsTheJobIDAsAStringOrANumber(t *testing.T) {
	for _, body := range []string{`{"RequestId":"R-1","BackupJobId":"11111111"}`, `{"RequestId":"R-1","BackupJobId":11111111}`} {
		client := newTestClient(t, answer(http.StatusOK, "application/json", body), time.Second)
		token := NewClientToken()
		created, err := client.CreateBackup(context.Background(), &CreateBackupRequest{DBClusterId: dara.String("pc-x"), ClientToken: &token})
		if err != nil || dara.StringValue(created.Body.BackupJobId) != "11111111" || dara.StringValue(created.Body.RequestId) != "R-1" {
			t.Errorf("%s: %+v, %v; want job 11111111 of request R-1", body, created, err)
		}
	}
}

// Tokens are fresh and within the API's 64 ASCII characters.
func TestNewClientToken(t *testing.T) {
	a, b := NewClientToken(), NewClientToken()
	if a == b || len(a) > 64 || len(a) < 20 || strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
		t.Errorf("tokens %q and %q, want two different ones of 20 to 64 letters, digits and dashes", a, b)
	}
}
