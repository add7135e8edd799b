package polardb

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
)

// These benchmarks answer "what does a read cost beyond the round trip?".
// BenchmarkRoundTrip is the floor: a bare HTTP POST receiving the same answer.
// BenchmarkDescribeBackupTasks adds everything this client does: signing,
// the runtime's request building, the envelope check, decoding. Both report
// cpu-ns/op, the process's CPU time (user+system) per read; the difference
// between the two is the client's own cost.

const benchKeyID, benchSecret = "LTAI5tBenchKeyId0001", "bench-secret"

func benchJobs(n int) []emulator.BackupJob {
	jobs := make([]emulator.BackupJob, n)
	for i := range jobs {
		jobs[i] = emulator.BackupJob{StartTime: "2026-11-26T08:15:30Z", Process: "42", BackupJobId: fmt.Sprintf("%08d", i),
			JobMode: "Automated", BackupProgressStatus: "Uploading", TaskAction: "NormalBackupTask"}
	}
	return jobs
}

// cannedAnswer serves one fixed DescribeBackupTasks answer with n jobs.
func cannedAnswer(n int) http.HandlerFunc {
	var b strings.Builder
	b.WriteString(`{"RequestId":"BENCH","Items":{"BackupJob":[`)
	for i, j := range benchJobs(n) {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"StartTime":%q,"Process":%q,"BackupJobId":%q,"JobMode":%q,"BackupProgressStatus":%q,"TaskAction":%q}`,
			j.StartTime, j.Process, j.BackupJobId, j.JobMode, j.BackupProgressStatus, j.TaskAction)
	}
	b.WriteString(`]}}`)
	return answer(200, "application/json", b.String())
}

// reportCPU adds cpu-ns/op: process CPU time spent over the timed loop.
func reportCPU(b *testing.B, run func()) {
	cpu := func() time.Duration {
		var u syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &u)
		return time.Duration(u.Utime.Nano() + u.Stime.Nano())
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := cpu()
	for b.Loop() {
		run()
	}
	b.ReportMetric(float64(cpu()-start)/float64(b.N), "cpu-ns/op")
}

func BenchmarkRoundTrip(b *testing.B) {
	server := httptest.NewServer(cannedAnswer(10))
	defer server.Close()
	client := server.Client()
	reportCPU(b, func() {
		resp, err := client.Post(server.URL+"/?DBClusterId=pc-bench", "application/x-www-form-urlencoded", nil)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	})
}

func BenchmarkDescribeBackupTasks(b *testing.B) {
	emulated := emulator.New(emulator.Data{
		Credentials: []emulator.Credential{{AccessKeyID: benchKeyID, AccessKeySecret: benchSecret}},
		Clusters:    []emulator.Cluster{{ID: "pc-bench", BackupJobs: benchJobs(10)}},
	})
	for _, tc := range []struct {
		name    string
		handler http.Handler
		tasks   int
	}{
		{"canned/10", cannedAnswer(10), 10},
		{"canned/1000", cannedAnswer(1000), 1000},
		{"canned/10000", cannedAnswer(10000), 10000},
		{"emulator/10", emulated, 10},
	} {
		b.Run(tc.name, func(b *testing.B) {
			server := httptest.NewServer(tc.handler)
			defer server.Close()
			client, err := NewClient(Config{Endpoint: strings.TrimPrefix(server.URL, "http://"), Protocol: "HTTP", Credential: benchCredential(b)})
			if err != nil {
				b.Fatal(err)
			}
			request := &DescribeBackupTasksRequest{DBClusterId: dara.String("pc-bench")}
			reportCPU(b, func() {
				resp, err := client.DescribeBackupTasks(context.Background(), request)
				if err != nil {
					b.Fatal(err)
				}
				if len(resp.Body.Items.BackupJob) != tc.tasks {
					b.Fatalf("%d jobs, want %d", len(resp.Body.Items.BackupJob), tc.tasks)
				}
			})
		})
	}
}

// backupsBody is a DescribeBackups answer of n backups, every value a
// string as documented, or, with numbers, the numeric ones as JSON numbers
// (which json.Unmarshal refuses, and decodeAnswer reads reshaped).
func backupsBody(n int, numbers bool) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `{"RequestId":"BENCH","TotalRecordCount":"%d","PageRecordCount":"%d","PageNumber":"1","TotalLevel2BackupSize":"0","Items":{"Backup":[`, n, n)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		size, consistent, avail := `"154920107"`, `"1588373788"`, `"1"`
		if numbers {
			size, consistent, avail = "154920107", "1588373788", "1"
		}
		fmt.Fprintf(&b, `{"BackupId":"%08d","DBClusterId":"pc-bench","BackupStatus":"Success","BackupMode":"Automated",`+
			`"BackupMethod":"Snapshot","BackupType":"FullBackup","BackupsLevel":"Level-1","BackupStartTime":"2020-05-01T22:56:28Z",`+
			`"BackupEndTime":"2020-05-01T22:56:43Z","ConsistentTime":%s,"BackupSetSize":%s,"IsAvail":%s,`+
			`"ExpectExpireTime":"","ExpectExpireType":"","Comment":"","TableRestoreMetaStatus":""}`, i, consistent, size, avail)
	}
	b.WriteString(`]}}`)
	return []byte(b.String())
}

// BenchmarkDecodeBackups decodes what a read of 10,000 backups decodes:
// 100 pages of 100 backups, each as the client does (decodeAnswer, into the
// answer type); documented, and with numbers where strings are documented,
// which json.Unmarshal refuses and decodeAnswer reads again, reshaped.
func BenchmarkDecodeBackups(b *testing.B) {
	for _, tc := range []struct {
		name    string
		numbers bool
	}{{"documented/100x100", false}, {"numbers/100x100", true}} {
		b.Run(tc.name, func(b *testing.B) {
			const pages, perPage = 100, 100
			body := backupsBody(perPage, tc.numbers)
			b.SetBytes(int64(pages * len(body)))
			b.ReportAllocs()
			for b.Loop() {
				for range pages {
					page, err := bodyOf[DescribeBackupsResponseBody](body)
					if err != nil {
						b.Fatal(err)
					}
					if backups := page.(*DescribeBackupsResponseBody).Items.Backup; len(backups) != perPage {
						b.Fatalf("%d backups", len(backups))
					}
				}
			}
		})
	}
}

// pagingLatency is the emulated API's answer time in
// BenchmarkDescribeAllBackups.
const pagingLatency = 200 * time.Millisecond

// BenchmarkDescribeAllBackups reads a window of 1,000 backups, ten pages,
// from the emulator answering each call after pagingLatency, and reports
// the read's time in those latencies (latencies/op): 2 when the pages
// after the first are read together, 10 when one after another.
func BenchmarkDescribeAllBackups(b *testing.B) {
	backups := make([]emulator.Backup, 1000)
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range backups {
		at := start.Add(time.Duration(i) * time.Minute).Format(time.RFC3339)
		backups[i] = emulator.Backup{BackupId: fmt.Sprintf("%08d", i), BackupStatus: "Success", BackupMode: "Automated",
			BackupStartTime: at, BackupEndTime: at, ConsistentTime: "1795140015", BackupSetSize: "1000", IsAvail: "1"}
	}
	emulated := emulator.New(emulator.Data{
		Credentials: []emulator.Credential{{AccessKeyID: benchKeyID, AccessKeySecret: benchSecret}},
		Clusters:    []emulator.Cluster{{ID: "pc-bench", Backups: backups}},
	}, emulator.WithFaults(emulator.Faults{Latency: emulator.Duration(pagingLatency)}))
	server := httptest.NewServer(emulated)
	defer server.Close()
	client, err := NewClient(Config{Endpoint: strings.TrimPrefix(server.URL, "http://"), Protocol: "HTTP", Credential: benchCredential(b)})
	if err != nil {
		b.Fatal(err)
	}
	request := &DescribeBackupsRequest{DBClusterId: dara.String("pc-bench"), StartTime: dara.String("2026-11-01T00:00Z"), EndTime: dara.String("2026-11-02T00:00Z")}
	b.Run("1000-at-200ms", func(b *testing.B) {
		began := time.Now()
		for b.Loop() {
			sets, err := client.DescribeAllBackups(context.Background(), request)
			if err != nil {
				b.Fatal(err)
			}
			if len(sets.Backups) != 1000 {
				b.Fatalf("%d backups, want 1000", len(sets.Backups))
			}
		}
		b.ReportMetric(float64(time.Since(began))/float64(b.N)/float64(pagingLatency), "latencies/op")
	})
}
