package polardb

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
	"go.uber.org/goleak"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
)

const (
	matrixKeyID   = "LTAI5tFaultMatrix001"
	matrixSecret  = "fault-matrix-secret"
	matrixCluster = "pc-faultmatrix01"
)

// faultOutcome is what a call through the fault ends with.
type faultOutcome struct {
	attempts int    // attempts the emulator saw; 0: at least 2
	err      string // "" for success, else a substring of the error
	timeout  bool   // the error must say it timed out
}

type faultMatrixCase struct {
	name     string
	faults   emulator.Faults
	calls    int           // calls made one after another; 1 unless more are needed to trip the fault
	deadline time.Duration // of each call; 10 s unless set
	want     faultOutcome
}

var faultMatrixCases = []faultMatrixCase{
	{"latency 300ms ± 100ms", emulator.Faults{Latency: emulator.Duration(300 * time.Millisecond), Jitter: emulator.Duration(100 * time.Millisecond)}, 1, 0, faultOutcome{1, "", false}},
	{"rate limit 1/s, two calls", emulator.Faults{RateLimit: 1}, 2, 0, faultOutcome{3, "", false}},
	{"first 3 calls InternalError (500)", emulator.Faults{Fault: emulator.FaultInternalError, First: 3}, 1, 0, faultOutcome{4, "", false}},
	{"first 3 calls ServiceUnavailable (503)", emulator.Faults{Fault: emulator.FaultUnavailable, First: 3}, 1, 0, faultOutcome{4, "", false}},
	{"half the calls 503 (seeded)", emulator.Faults{Fault: emulator.FaultUnavailable, Fraction: 0.5}, 4, 0, faultOutcome{0, "", false}},
	{"first 2 calls Throttling.User", emulator.Faults{Fault: emulator.FaultThrottling, First: 2}, 1, 0, faultOutcome{3, "", false}},
	{"first 2 calls an HTML 502 page", emulator.Faults{Fault: emulator.FaultHTML502, First: 2}, 1, 0, faultOutcome{3, "", false}},
	{"first 2 calls a connection reset", emulator.Faults{Fault: emulator.FaultReset, First: 2}, 1, 0, faultOutcome{3, "", false}},
	{"first 2 calls an error code in a 200", emulator.Faults{Fault: emulator.FaultErrorIn200, First: 2}, 1, 0, faultOutcome{3, "", false}},
	{"every call a truncated body", emulator.Faults{Fault: emulator.FaultTruncated}, 1, 0, faultOutcome{1, "HTTP 200, application/json): body is not valid JSON", false}},
	{"every call hangs", emulator.Faults{Fault: emulator.FaultHang}, 1, 3 * time.Second, faultOutcome{0, "context deadline exceeded", true}},
	{"clock skew 20 minutes", emulator.Faults{ClockSkew: emulator.Duration(20 * time.Minute)}, 1, 0, faultOutcome{1, "InvalidTimeStamp.Expired", false}},
	{"every call 503", emulator.Faults{Fault: emulator.FaultUnavailable}, 1, time.Minute, faultOutcome{9, "ServiceUnavailable (HTTP 503)", false}},
}

// Every fault the emulator can inject, through the real client with the
// provider's retry policy (and its real waits): what the caller finally
// sees, how many attempts it took, and that nothing hangs or leaks. Run
// with -v for the table.
func TestFaultMatrix(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	t.Log("| fault | attempts | outcome | time |")
	t.Log("|---|---|---|---|")
	for _, tt := range faultMatrixCases {
		t.Run(tt.name, func(t *testing.T) {
			server := emulator.New(emulator.Data{
				Credentials: []emulator.Credential{{AccessKeyID: matrixKeyID, AccessKeySecret: matrixSecret}},
				Clusters:    []emulator.Cluster{{ID: matrixCluster, BackupJobs: benchJobs(3)}},
			}, emulator.WithFaults(tt.faults))
			ts := httptest.NewServer(server)
			client, err := NewClient(Config{
				Endpoint: strings.TrimPrefix(ts.URL, "http://"), Protocol: "HTTP",
				Credential: credentialFor(t, matrixKeyID, matrixSecret),
				// One attempt waits at most a second for its answer, so that
				// a hang is retried within the deadline.
				ReadTimeout: time.Second,
				Retry:       DefaultRetryPolicy(),
			})
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				client.api.HttpClient.(*httpClient).client.CloseIdleConnections()
				ts.CloseClientConnections()
				ts.Close()
			}()

			deadline := tt.deadline
			if deadline == 0 {
				deadline = 10 * time.Second
			}
			start := time.Now()
			for range tt.calls {
				ctx, cancel := context.WithTimeout(context.Background(), deadline)
				_, err = client.DescribeBackupTasks(ctx, &DescribeBackupTasksRequest{DBClusterId: dara.String(matrixCluster)})
				cancel()
				if err != nil {
					break
				}
			}
			elapsed := time.Since(start)
			attempts := len(server.Requests())

			result := "success"
			if err != nil {
				result = err.Error()
			}
			t.Logf("| %s | %d | %s | %.1fs |", tt.name, attempts, strings.ReplaceAll(result, "|", "/"), elapsed.Seconds())
			switch {
			case tt.want.err == "" && err != nil:
				t.Errorf("err = %v, want success", err)
			case tt.want.err != "" && (err == nil || !strings.Contains(err.Error(), tt.want.err)):
				t.Errorf("err = %v, want one containing %q", err, tt.want.err)
			case tt.want.timeout && !errors.Is(err, context.DeadlineExceeded):
				t.Errorf("err = %v, want a timeout", err)
			}
			if tt.want.attempts > 0 && attempts != tt.want.attempts {
				t.Errorf("%d attempts, want %d", attempts, tt.want.attempts)
			}
			if tt.want.attempts == 0 && attempts < 2 {
				t.Errorf("%d attempts, want retries", attempts)
			}
			if elapsed > deadline*time.Duration(tt.calls)+time.Second {
				t.Errorf("took %v, past the deadline of %v per call", elapsed, deadline)
			}
		})
	}
}

// An error's text names the endpoint for the faults that leave no answer.
func TestFaultErrorsNameTheEndpoint(t *testing.T) {
	server := emulator.New(emulator.Data{
		Credentials: []emulator.Credential{{AccessKeyID: matrixKeyID, AccessKeySecret: matrixSecret}},
		Clusters:    []emulator.Cluster{{ID: matrixCluster}},
	}, emulator.WithFaults(emulator.Faults{Fault: emulator.FaultReset}))
	ts := httptest.NewServer(server)
	defer ts.Close()
	host := strings.TrimPrefix(ts.URL, "http://")
	client, err := NewClient(Config{Endpoint: host, Protocol: "HTTP", Credential: credentialFor(t, matrixKeyID, matrixSecret)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.DescribeBackupTasks(context.Background(), &DescribeBackupTasksRequest{DBClusterId: dara.String(matrixCluster)})
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("calling PolarDB API at %s", host)) {
		t.Errorf("err = %v, want it to name %s", err, host)
	}
}
