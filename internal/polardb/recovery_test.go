package polardb

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
)

// quickRetry retries at once, for tests of what is retried.
var quickRetry = RetryPolicy{MaxRetries: 3, Base: time.Millisecond, Cap: time.Millisecond, Sleep: noWait}

// recoveryAnswers are the bodies of the three reads of one cluster.
type recoveryAnswers struct {
	window *DescribeLocalAvailableRecoveryTimeResponseBody
	policy *DescribeBackupPolicyResponseBody
	log    *DescribeLogBackupPolicyResponseBody
}

// readRecovery reads the window and the policies of cluster, failing t on
// an error.
func readRecovery(t *testing.T, client *Client, cluster string) recoveryAnswers {
	t.Helper()
	ctx := context.Background()
	window, err := client.DescribeLocalAvailableRecoveryTime(ctx, &DescribeLocalAvailableRecoveryTimeRequest{DBClusterId: &cluster})
	if err != nil {
		t.Fatalf("DescribeLocalAvailableRecoveryTime: %v", err)
	}
	policy, err := client.DescribeBackupPolicy(ctx, &DescribeBackupPolicyRequest{DBClusterId: &cluster})
	if err != nil {
		t.Fatalf("DescribeBackupPolicy: %v", err)
	}
	log, err := client.DescribeLogBackupPolicy(ctx, &DescribeLogBackupPolicyRequest{DBClusterId: &cluster})
	if err != nil {
		t.Fatalf("DescribeLogBackupPolicy: %v", err)
	}
	return recoveryAnswers{window.Body, policy.Body, log.Body}
}

// The three reads decode the emulator's answers alike, whether their
// numbers come as documented, as JSON numbers or as strings, or their
// empty strings as null; a field the answer leaves out is nil.
func TestRecoveryReadsDecodeTheEmulatorsAnswers(t *testing.T) {
	backup := emulator.Backup{BackupId: "1", BackupStatus: "Success", BackupMode: "Automated", BackupsLevel: "Level-1",
		BackupStartTime: "2024-05-18T02:00:09Z", BackupEndTime: "2024-05-18T02:00:24Z", ConsistentTime: "1715997624", IsAvail: "1"}
	later := backup
	later.BackupId, later.BackupStartTime, later.BackupEndTime, later.ConsistentTime = "2", "2024-05-19T02:00:11Z", "2024-05-19T02:00:26Z", "1716084026"
	cluster := emulator.Cluster{ID: matrixCluster, Backups: []emulator.Backup{backup, later},
		BackupPolicy: &emulator.BackupPolicy{PreferredBackupTime: "02:00Z-03:00Z", PreferredNextBackupTime: "2024-05-20T02:00Z",
			DataLevel2BackupRetentionPeriod: "30", DataLevel2BackupAnotherRegionRegion: "cn-hangzhou"},
		LogBackupPolicy: &emulator.LogBackupPolicy{EnableBackupLog: new(0), LogBackupRetentionPeriod: 30,
			LogBackupAnotherRegionRegion: "cn-beijing", LogBackupAnotherRegionRetentionPeriod: "-1"}}
	days := "Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday"
	want := recoveryAnswers{
		&DescribeLocalAvailableRecoveryTimeResponseBody{DBClusterId: dara.String(matrixCluster),
			RecoveryBeginTime: dara.String("2024-05-18T02:00:24Z"), RecoveryEndTime: dara.String("2024-05-19T02:00:26Z")},
		&DescribeBackupPolicyResponseBody{BackupRetentionPolicyOnClusterDeletion: dara.String("NONE"), BackupFrequency: dara.String("Normal"),
			PreferredBackupPeriod: &days, PreferredBackupTime: dara.String("02:00Z-03:00Z"), PreferredNextBackupTime: dara.String("2024-05-20T02:00Z"),
			DataLevel1BackupRetentionPeriod: dara.String("7"), DataLevel1BackupFrequency: dara.String("Normal"), DataLevel1BackupPeriod: &days,
			DataLevel1BackupTime: dara.String("02:00Z-03:00Z"), DataLevel2BackupRetentionPeriod: dara.String("30"), DataLevel2BackupPeriod: &days,
			DataLevel2BackupAnotherRegionRegion: dara.String("cn-hangzhou"), DataLevel2BackupAnotherRegionRetentionPeriod: dara.String("0"),
			BackupPolicyLevel: dara.String("Normal"), AdvancedPolicyOption: dara.String("disable")},
		&DescribeLogBackupPolicyResponseBody{EnableBackupLog: dara.Int32(0), LogBackupRetentionPeriod: dara.Int32(30),
			LogBackupAnotherRegionRegion: dara.String("cn-beijing"), LogBackupAnotherRegionRetentionPeriod: dara.String("-1")},
	}
	for _, quirks := range [][]emulator.AnswerQuirk{nil, {emulator.QuirkNumbers}, {emulator.QuirkNumberStrings}, {emulator.QuirkNulls},
		{emulator.QuirkNumbers, emulator.QuirkNumberStrings, emulator.QuirkNulls}} {
		cluster.AnswerQuirks = quirks
		_, client := newEmulatedClient(t, RetryPolicy{}, []emulator.Cluster{cluster})
		got := readRecovery(t, client, matrixCluster)
		for _, body := range []any{got.window, got.policy, got.log} {
			reflect.ValueOf(body).Elem().FieldByName("RequestId").Set(reflect.ValueOf((*string)(nil))) // each its own
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("quirks %v:\n got %s\nwant %s", quirks, recoveryText(got), recoveryText(want))
		}
	}

	// No restorable point: "" as sent, nil when null or left out.
	for _, tt := range []struct {
		cluster    emulator.Cluster
		begin, end *string
		policyTime *string
	}{
		{emulator.Cluster{ID: matrixCluster}, dara.String(""), dara.String(""), dara.String("15:00Z-16:00Z")},
		{emulator.Cluster{ID: matrixCluster, AnswerQuirks: []emulator.AnswerQuirk{emulator.QuirkNulls}}, nil, nil, dara.String("15:00Z-16:00Z")},
		{emulator.Cluster{ID: matrixCluster, OmitFields: []string{"RecoveryBeginTime", "RecoveryEndTime", "PreferredBackupTime"}}, nil, nil, nil},
	} {
		_, client := newEmulatedClient(t, RetryPolicy{}, []emulator.Cluster{tt.cluster})
		got := readRecovery(t, client, matrixCluster)
		if !reflect.DeepEqual(got.window.RecoveryBeginTime, tt.begin) || !reflect.DeepEqual(got.window.RecoveryEndTime, tt.end) ||
			!reflect.DeepEqual(got.policy.PreferredBackupTime, tt.policyTime) {
			t.Errorf("quirks %v, omit_fields %v: window %v to %v, PreferredBackupTime %v; want %v to %v, %v", tt.cluster.AnswerQuirks, tt.cluster.OmitFields,
				got.window.RecoveryBeginTime, got.window.RecoveryEndTime, got.policy.PreferredBackupTime, tt.begin, tt.end, tt.policyTime)
		}
	}
}

// recoveryText shows the answers' values, not their pointers.
func recoveryText(a recoveryAnswers) string {
	return dara.Prettify(a.window) + dara.Prettify(a.policy) + dara.Prettify(a.log)
}

// A cluster that does not exist is an *APIError with the code, status and
// request ID of the answer, not retried: 404 InvalidDBCluster.NotFound for
// the window, 400 InvalidDBClusterId.NotFound for the policies.
func TestRecoveryReadsOfAClusterThatDoesNotExist(t *testing.T) {
	server, client := newEmulatedClient(t, quickRetry, nil)
	cluster := "pc-absent"
	ctx := context.Background()
	_, windowErr := client.DescribeLocalAvailableRecoveryTime(ctx, &DescribeLocalAvailableRecoveryTimeRequest{DBClusterId: &cluster})
	_, policyErr := client.DescribeBackupPolicy(ctx, &DescribeBackupPolicyRequest{DBClusterId: &cluster})
	_, logErr := client.DescribeLogBackupPolicy(ctx, &DescribeLogBackupPolicyRequest{DBClusterId: &cluster})
	requestIDs := map[string]bool{}
	for _, tt := range []struct {
		err    error
		status int
		code   string
	}{
		{windowErr, http.StatusNotFound, "InvalidDBCluster.NotFound"},
		{policyErr, http.StatusBadRequest, "InvalidDBClusterId.NotFound"},
		{logErr, http.StatusBadRequest, "InvalidDBClusterId.NotFound"},
	} {
		apiErr, ok := errors.AsType[*APIError](tt.err)
		if !ok || apiErr.Code != tt.code || apiErr.StatusCode != tt.status || apiErr.Message != "The DBClusterId provided does not exist in our records." {
			t.Errorf("err = %#v, want an *APIError %d %s", tt.err, tt.status, tt.code)
			continue
		}
		requestIDs[apiErr.RequestID] = true
	}
	if len(requestIDs) != 3 || requestIDs[""] {
		t.Errorf("request IDs %v, want one of each answer", requestIDs)
	}
	if n := len(server.Requests()); n != 3 {
		t.Errorf("%d calls, want 3: a cluster that does not exist is not retried", n)
	}
}

// A throttled read is retried to success.
func TestRecoveryReadsAreRetriedWhenThrottled(t *testing.T) {
	server, client := newEmulatedClient(t, quickRetry, []emulator.Cluster{{ID: matrixCluster,
		Faults: &emulator.Faults{Fault: emulator.FaultThrottling, First: 1}}})
	readRecovery(t, client, matrixCluster)
	var codes []string
	for _, r := range server.Requests() {
		codes = append(codes, r.Action+" "+r.Code)
	}
	if want := []string{"DescribeLocalAvailableRecoveryTime Throttling.User", "DescribeLocalAvailableRecoveryTime ",
		"DescribeBackupPolicy ", "DescribeLogBackupPolicy "}; !reflect.DeepEqual(codes, want) {
		t.Errorf("calls %q, want %q", codes, want)
	}
}
