package provider

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
)

func TestReadErrorDiagnostics(t *testing.T) {
	rc := readContext{action: "DescribeBackupTasks", doing: "Reading PolarDB backup tasks", clusterID: "pc-abc123", backupMode: "Manual", endpoint: "polardb.aliyuncs.com", region: "cn-hangzhou",
		accessKeyID: "LTAI5tSecretlessKeyId9", readTimeout: 5 * time.Minute, timeoutSetting: dataSourceTimeoutSetting}
	apiErr := func(code string) error {
		return &polardb.APIError{StatusCode: 400, Code: code, Message: "message of " + code, RequestID: "REQ-42", HostID: "polardb.aliyuncs.com",
			Recommend: "https://example.invalid/r"}
	}
	tests := []struct {
		name      string
		err       error
		summary   string
		attribute path.Path // empty for a diagnostic without attribute
		contains  []string
	}{
		{"cluster not found", apiErr("InvalidDBClusterId.NotFound"), "PolarDB cluster not found", path.Root("cluster_id"),
			[]string{`"pc-abc123"`, "polardb.aliyuncs.com", "region cn-hangzhou"}},
		// DescribeLocalAvailableRecoveryTime's code for it.
		{"cluster not found, said otherwise", apiErr("InvalidDBCluster.NotFound"), "PolarDB cluster not found", path.Root("cluster_id"),
			[]string{`"pc-abc123"`, "polardb.aliyuncs.com", "region cn-hangzhou"}},
		{"backup mode", apiErr("InvalidBackupMode.Malformed"), "Invalid backup mode", path.Root("backup_mode"),
			[]string{`"Manual"`, `"Automated" or "Manual"`}},
		{"Forbidden.RAM", apiErr("Forbidden.RAM"), "Not authorized to call polardb:DescribeBackupTasks", path.Empty(),
			[]string{"polardb:DescribeBackupTasks", "acs:polardb:cn-hangzhou:{accountId}:dbcluster/pc-abc123", "LTAI****yId9"}},
		{"NoPermission", apiErr("NoPermission"), "Not authorized to call polardb:DescribeBackupTasks", path.Empty(),
			[]string{"polardb:DescribeBackupTasks", "acs:polardb:{regionId}:{accountId}:dbcluster/{dbClusterId}"}},
		{"unknown key", apiErr("InvalidAccessKeyId.NotFound"), "PolarDB API refused the credentials", path.Empty(),
			[]string{"does not exist", "access_key"}},
		{"inactive key", apiErr("InvalidAccessKeyId.Inactive"), "PolarDB API refused the credentials", path.Empty(), []string{"disabled"}},
		{"bad signature", apiErr("SignatureDoesNotMatch"), "PolarDB API refused the credentials", path.Empty(), []string{"secret_key"}},
		{"incomplete signature", apiErr("IncompleteSignature"), "PolarDB API refused the credentials", path.Empty(), []string{"both set"}},
		{"expired token", apiErr("InvalidSecurityToken.Expired"), "PolarDB API refused the credentials", path.Empty(), []string{"security_token"}},
		{"other API error", apiErr("InternalError"), "PolarDB API error: InternalError", path.Empty(), []string{`"pc-abc123"`, "run again later", "request ID"}},
		{"HTML page", &polardb.ResponseError{Host: "polardb.aliyuncs.com", StatusCode: 502, Problem: "body is not valid JSON", Excerpt: "502 Bad Gateway"},
			"Unexpected answer from the PolarDB API", path.Empty(), []string{"HTTP 502", "502 Bad Gateway", "proxy"}},
		{"unreadable answer", &polardb.ResponseError{Host: "polardb.aliyuncs.com", StatusCode: 200, WrongShape: true, RequestID: "REQ-7",
			Problem: "answer does not have the DescribeBackupTasks shape: Items.BackupJob[0].Process: an object where a string is expected"},
			"Unreadable answer from the PolarDB API", path.Empty(), []string{"request ID REQ-7", "Items.BackupJob[0].Process", "DescribeBackupTasks", "report it"}},
		{"unreachable", &polardb.NetworkError{Host: "polardb.aliyuncs.com", Err: errors.New("connection refused")},
			"Cannot reach the PolarDB API", path.Empty(), []string{"polardb.aliyuncs.com", "connection refused"}},
		{"list changing", &polardb.ChangingListError{DBClusterID: "pc-abc123", Reads: 3, Totals: []int{250, 251, 252}},
			"PolarDB backups changed during the read", path.Empty(), []string{`"pc-abc123"`, "3 reads", "250, 251, 252", "narrow the window"}},
		{"other error", errors.New("polardb: something else went wrong"),
			"Reading PolarDB backup tasks failed", path.Empty(), []string{"something else went wrong"}},
		{"timeout", &polardb.NetworkError{Host: "polardb.aliyuncs.com", Err: context.DeadlineExceeded},
			"Reading PolarDB backup tasks timed out", path.Empty(), []string{"polardb.aliyuncs.com", "5m0s", "timeouts"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diags := readErrorDiagnostics(tt.err, rc)
			if len(diags) != 1 || diags[0].Severity() != diag.SeverityError {
				t.Fatalf("diags = %v, want one error", diags)
			}
			d := diags[0]
			if d.Summary() != tt.summary {
				t.Errorf("summary = %q, want %q", d.Summary(), tt.summary)
			}
			got := path.Empty()
			if withPath, ok := d.(diag.DiagnosticWithPath); ok {
				got = withPath.Path()
			}
			if !got.Equal(tt.attribute) {
				t.Errorf("attribute = %v, want %v", got, tt.attribute)
			}
			want := tt.contains
			var apiErr *polardb.APIError
			if errors.As(tt.err, &apiErr) {
				want = append(want, "Operation: DescribeBackupTasks", "Code: "+apiErr.Code, "Message: message of "+apiErr.Code, "Request ID: REQ-42", "Host ID: polardb.aliyuncs.com", "HTTP status: 400",
					"Recommend: https://example.invalid/r")
			}
			for _, s := range want {
				if !strings.Contains(d.Detail(), s) {
					t.Errorf("detail lacks %q:\n%s", s, d.Detail())
				}
			}
			if strings.Contains(d.Detail(), rc.accessKeyID) {
				t.Errorf("detail shows the whole AccessKey ID:\n%s", d.Detail())
			}
		})
	}
}

func TestMaskAccessKeyID(t *testing.T) {
	for in, want := range map[string]string{"LTAI5tAccTestKey0001": "LTAI****0001", "short": "****", "": "****"} {
		if got := maskAccessKeyID(in); got != want {
			t.Errorf("maskAccessKeyID(%q) = %q, want %q", in, got, want)
		}
	}
}
