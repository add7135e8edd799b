package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
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
	// The configuration: cluster_id set, everything else null.
	config, _ := configOf(b, newBackupTasksDataSource())
	objectType := config.Type()

	for _, n := range []int{10, 1000, 10000} {
		body := answerWith(n)
		convert := func(b *testing.B) tftypes.Value {
			var decoded polardb.DescribeBackupTasksResponseBody
			if err := json.Unmarshal(body, &decoded); err != nil {
				b.Fatal(err)
			}
			state, diags := (&dataSourceRead{}).state(config, func(attrs map[string]tftypes.Value, types map[string]tftypes.Type) {
				setTasks(attrs, types, decoded.Items.BackupJob)
			})
			if diags.HasError() {
				b.Fatal(diags)
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

// BenchmarkBackupsState builds the state of polardb_backups from 10,000
// decoded backups, sorting them newest first; the decoding is
// BenchmarkDecodeBackups of internal/polardb (planbench adds the two).
func BenchmarkBackupsState(b *testing.B) {
	config, _ := configOf(b, newBackupsDataSource())
	const n = 10000
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	w := backupWindow{start: start, end: start.Add(30 * 24 * time.Hour)}
	var backups []*backupSet
	for i := range n {
		at := start.Add(time.Duration(i) * time.Minute).Format(time.RFC3339)
		backups = append(backups, &backupSet{BackupId: new(fmt.Sprintf("%08d", i)), BackupStatus: new("Success"),
			BackupMode: new("Automated"), BackupMethod: new("Snapshot"), BackupType: new("FullBackup"), BackupsLevel: new("Level-1"),
			BackupStartTime: new(at), BackupEndTime: new(at), ConsistentTime: new("1795140015"), BackupSetSize: new("154920107"),
			IsAvail: new("1"), ExpectExpireTime: new(""), ExpectExpireType: new(""), Comment: new("")})
	}
	convert := func() (tftypes.Value, error) {
		return backupsStateOf(config, backups, w)
	}
	state, err := convert()
	var got map[string]tftypes.Value
	var listed []tftypes.Value
	if err != nil || state.As(&got) != nil || got["backups"].As(&listed) != nil || len(listed) != n {
		b.Fatalf("the state has %d backups, want %d (%v)", len(listed), n, err)
	}
	b.Run(fmt.Sprintf("%d", n), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := convert(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// backupsStateOf is the state of polardb_backups listing backups in w.
func backupsStateOf(config tftypes.Value, backups []*backupSet, w backupWindow) (tftypes.Value, error) {
	state, diags := (&dataSourceRead{}).state(config, func(attrs map[string]tftypes.Value, types map[string]tftypes.Type) {
		setBackups(attrs, types, backupsRead{backups: newestFirst(backups, w), total: len(backups)})
	})
	if diags.HasError() {
		return state, fmt.Errorf("%v", diags)
	}
	return state, nil
}

// recoveryLatency is how long the emulator takes to answer each call in
// BenchmarkRecoveryWindowRead.
const recoveryLatency = time.Second

// BenchmarkRecoveryWindowRead reads polardb_recovery_window over the
// protocol, as Terraform does, from an API answering at once and from one
// answering each call after recoveryLatency, and reports what the latency
// adds to a read, in seconds (extra-s/op): about 1 when its three calls go
// out together, 3 when one after another.
func BenchmarkRecoveryWindowRead(b *testing.B) {
	read := func(b *testing.B, faults emulator.Faults) time.Duration {
		e := serveEmulator(b, emulator.New(emulator.Data{
			Credentials: []emulator.Credential{{AccessKeyID: testAccessKeyID, AccessKeySecret: testAccessKeySecret}},
			Clusters:    []emulator.Cluster{{ID: clusterWithBackups, Backups: testBackups}},
		}, emulator.WithFaults(faults)))
		server, configType := protocolServer(b, e, "polardb_recovery_window")
		request := &tfprotov6.ReadDataSourceRequest{TypeName: "polardb_recovery_window",
			Config: protocolValue(b, configType, map[string]string{"cluster_id": clusterWithBackups})}
		began := time.Now()
		resp, err := server.ReadDataSource(context.Background(), request)
		if err != nil {
			b.Fatal(err)
		}
		if len(resp.Diagnostics) > 0 {
			b.Fatal(diagnosticsText(resp.Diagnostics))
		}
		return time.Since(began)
	}
	b.Run("at-1s", func(b *testing.B) {
		var extra time.Duration
		for b.Loop() {
			extra += read(b, emulator.Faults{Latency: emulator.Duration(recoveryLatency)}) - read(b, emulator.Faults{})
		}
		b.ReportMetric(extra.Seconds()/float64(b.N), "extra-s/op")
	})
}
