package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
)

// answerWith is a DescribeBackupTasks answer with n tasks.
func answerWith(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"RequestId":"BENCH","Items":{"BackupJob":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"StartTime":"2026-11-26T08:15:30Z","Process":"42","BackupJobId":"%08d","JobMode":"Automated","BackupProgressStatus":"Uploading","TaskAction":"NormalBackupTask"}`, i)
	}
	b.WriteString(`]}}`)
	return []byte(b.String())
}

// BenchmarkConvert measures what a read does with an answer after the HTTP
// exchange: decoding it into the client's types and building the state
// (decode+state), and the framework's encoding of that state for Terraform
// (wire).
func BenchmarkConvert(b *testing.B) {
	ctx := context.Background()
	var schemaResp datasource.SchemaResponse
	newBackupTasksDataSource().Schema(ctx, datasource.SchemaRequest{}, &schemaResp)
	schema := schemaResp.Schema
	// The configuration: cluster_id set, everything else null.
	objectType := schema.Type().TerraformType(ctx).(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name, typ := range objectType.AttributeTypes {
		attrs[name] = tftypes.NewValue(typ, nil)
	}
	attrs["cluster_id"] = tftypes.NewValue(tftypes.String, "pc-bench")
	config := tftypes.NewValue(objectType, attrs)

	for _, n := range []int{10, 1000, 10000} {
		body := answerWith(n)
		convert := func(b *testing.B) tftypes.Value {
			var decoded polardb.DescribeBackupTasksResponseBody
			if err := json.Unmarshal(body, &decoded); err != nil {
				b.Fatal(err)
			}
			state, err := stateValue(config, decoded.Items.BackupJob)
			if err != nil {
				b.Fatal(err)
			}
			return state
		}
		b.Run(fmt.Sprintf("decode+state/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				convert(b)
			}
		})
		// Then terraform-plugin-go encodes the state for Terraform
		// (msgpack): not this provider's code, but part of every read.
		state := convert(b)
		var attrs map[string]tftypes.Value
		var tasks []tftypes.Value
		if err := state.As(&attrs); err != nil || attrs["tasks"].As(&tasks) != nil || len(tasks) != n {
			b.Fatalf("the state has %d tasks, want %d (%v)", len(tasks), n, err)
		}
		b.Run(fmt.Sprintf("wire/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tfprotov6.NewDynamicValue(objectType, state); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// backupsAnswerWith is a DescribeBackups answer with n backups, in the
// documented shape, which the client decodes with json.Unmarshal.
func backupsAnswerWith(n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `{"RequestId":"BENCH","TotalRecordCount":"%d","PageRecordCount":"%d","PageNumber":"1","Items":{"Backup":[`, n, n)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"BackupId":"%08d","DBClusterId":"pc-bench","BackupStatus":"Success","BackupMode":"Automated","BackupMethod":"Snapshot",`+
			`"BackupType":"FullBackup","BackupsLevel":"Level-1","BackupStartTime":"2026-11-%02dT%02d:%02d:00Z","BackupEndTime":"2026-11-20T02:00:15Z",`+
			`"ConsistentTime":"1795140015","BackupSetSize":"154920107","IsAvail":"1","ExpectExpireTime":"","ExpectExpireType":"","Comment":""}`,
			i, 1+i/1440, i/60%24, i%60)
	}
	b.WriteString(`]}}`)
	return []byte(b.String())
}

// BenchmarkConvertBackups is BenchmarkConvert for polardb_backups: decoding
// an answer of 10,000 backups and building the state, sorted newest first.
func BenchmarkConvertBackups(b *testing.B) {
	ctx := context.Background()
	var schemaResp datasource.SchemaResponse
	newBackupsDataSource().Schema(ctx, datasource.SchemaRequest{}, &schemaResp)
	objectType := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name, typ := range objectType.AttributeTypes {
		attrs[name] = tftypes.NewValue(typ, nil)
	}
	attrs["cluster_id"] = tftypes.NewValue(tftypes.String, "pc-bench")
	config := tftypes.NewValue(objectType, attrs)
	w := window{start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), end: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	const n = 10000
	body := backupsAnswerWith(n)
	convert := func(b *testing.B) tftypes.Value {
		var decoded polardb.DescribeBackupsResponseBody
		if err := json.Unmarshal(body, &decoded); err != nil {
			b.Fatal(err)
		}
		state, err := backupsState(config, &polardb.BackupSets{Backups: decoded.Items.Backup, Total: n}, w)
		if err != nil {
			b.Fatal(err)
		}
		return state
	}
	var got map[string]tftypes.Value
	var backups []tftypes.Value
	if err := convert(b).As(&got); err != nil || got["backups"].As(&backups) != nil || len(backups) != n {
		b.Fatalf("the state has %d backups, want %d (%v)", len(backups), n, err)
	}
	b.Run(fmt.Sprintf("decode+state/%d", n), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			convert(b)
		}
	})
}
