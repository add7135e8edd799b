package provider

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
)

// Calls run together log from one context, whose logger has fields (the
// framework's) and masks secrets, without writing to one map: under -race
// (make test's race step) this fails if they share the logger's fields.
func TestCallsRunTogetherLogApart(t *testing.T) {
	var log bytes.Buffer // the logger writes one line at a time
	ctx := tflog.SetField(tflogtest.RootLogger(context.Background(), &log), "tf_req_id", "req-1")
	p := &providerData{client: &polardb.Client{}, secrets: []string{"s3cret-value"}}
	ctx = p.masked(ctx)
	calls := make([]func(context.Context) error, 8)
	for i := range calls {
		calls[i] = func(ctx context.Context) error {
			for range 20 {
				logRetry(ctx, polardb.Retry{Attempt: 1, Err: errors.New("refused s3cret-value")})
				p.logCall(ctx, "DescribeBackupPolicy", time.Now(), map[string]any{"cluster_id": "pc-x"}, nil)
			}
			return nil
		}
	}
	if err := together(ctx, calls...); err != nil {
		t.Fatal(err)
	}
	text := log.String()
	retried, called := strings.Count(text, "PolarDB API call retried"), strings.Count(text, `"action":"DescribeBackupPolicy"`)
	if retried != 160 || called != 160 || strings.Contains(text, "s3cret-value") || !strings.Contains(text, "req-1") {
		t.Errorf("%d retries and %d calls logged, want 160 each, the request's field, and no secret:\n%.500s", retried, called, text)
	}
}
