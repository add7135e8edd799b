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
