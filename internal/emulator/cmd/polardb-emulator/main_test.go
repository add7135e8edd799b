package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/polardb-community/terraform-provider-polardb/internal/testsupport"
)

// runMainEnv makes the test binary act as the command, so the tests run
// the real main without needing a toolchain to build it.
const runMainEnv = "POLARDB_EMULATOR_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	testsupport.Run(m)
}

func TestServesDemoDataUntilInterrupted(t *testing.T) {
	emu := start(t, "--listen", "127.0.0.1:0")
	endpoint := emu.Endpoint
	ak := valueOf(t, nextLine(t, emu), "ALIBABA_CLOUD_ACCESS_KEY_ID")
	secret := valueOf(t, nextLine(t, emu), "ALIBABA_CLOUD_ACCESS_KEY_SECRET")
	if !strings.HasPrefix(endpoint, "127.0.0.1:") {
		t.Errorf("endpoint %q is not on loopback", endpoint)
	}

	res, err := describe(t, endpoint, ak, secret, "pc-2zedemo0000000001")
	if err != nil {
		t.Fatalf("call: %v", err)
	}
	if jobs := listed(res, "BackupJob", "BackupJobId"); len(jobs) != 3 {
		t.Errorf("demo cluster has jobs %v, want 3", jobs)
	}

	interruptAndWait(t, emu)
	log := emu.Log()
	if !strings.Contains(log, `action="DescribeBackupTasks" cluster="pc-2zedemo0000000001" status=200`) {
		t.Errorf("stderr has no line for the request:\n%s", log)
	}
	if strings.Contains(log, secret) {
		t.Errorf("stderr shows the secret:\n%s", log)
	}
}

// With --finish-after, the demo cluster's unfinished tasks are Finished
// that long after their first listing.
func TestFinishAfter(t *testing.T) {
	emu := start(t, "--finish-after", "300ms")
	endpoint := emu.Endpoint
	ak := valueOf(t, nextLine(t, emu), "ALIBABA_CLOUD_ACCESS_KEY_ID")
	secret := valueOf(t, nextLine(t, emu), "ALIBABA_CLOUD_ACCESS_KEY_SECRET")
	statuses := func() []string {
		res, err := describe(t, endpoint, ak, secret, "pc-2zedemo0000000001")
		if err != nil {
			t.Fatalf("call: %v", err)
		}
		return listed(res, "BackupJob", "BackupProgressStatus")
	}
	if got := statuses(); !slices.Equal(got, []string{"Finished", "Uploading", "NoStart"}) {
		t.Errorf("first listing: %v, want the demo data's", got)
	}
	time.Sleep(400 * time.Millisecond)
	if got := statuses(); !slices.Equal(got, []string{"Finished", "Finished", "Finished"}) {
		t.Errorf("after --finish-after: %v, want every task Finished", got)
	}
	interruptAndWait(t, emu)
}

// With --finish-after and --listing-delay, DescribeBackups lists the demo
// cluster's unfinished tasks as backup sets the delay after they finished,
// its first call starting their clock.
func TestListingDelay(t *testing.T) {
	emu := start(t, "--finish-after", "300ms", "--listing-delay", "500ms")
	ak := valueOf(t, nextLine(t, emu), "ALIBABA_CLOUD_ACCESS_KEY_ID")
	secret := valueOf(t, nextLine(t, emu), "ALIBABA_CLOUD_ACCESS_KEY_SECRET")
	backups := func() []string {
		res, err := callAPI(t, emu.Endpoint, ak, secret, "DescribeBackups",
			"DBClusterId", "pc-2zedemo0000000001", "StartTime", "2024-05-01T00:00Z", "EndTime", "2024-06-01T00:00Z")
		if err != nil {
			t.Fatalf("call: %v", err)
		}
		return listed(res, "Backup", "BackupId")
	}
	demo := []string{"2198605021", "2198671170", "2198689384", "2198736415"}
	began := time.Now()
	if got := backups(); !slices.Equal(got, demo) {
		t.Errorf("first listing: %v, want the demo data's %v", got, demo)
	}
	time.Sleep(400*time.Millisecond - time.Since(began))
	if got := backups(); !slices.Equal(got, demo) {
		t.Errorf("after --finish-after: %v, want still the demo data's %v", got, demo)
	}
	time.Sleep(time.Second - time.Since(began))
	if got, want := backups(), append(demo, "2198801132", "2198865520"); !slices.Equal(got, want) {
		t.Errorf("after --listing-delay: %v, want %v", got, want)
	}
	interruptAndWait(t, emu)
}

// A data file's answer_quirks reshape the answers the command sends.
func TestAnswerQuirks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data.json")
	data := `{"credentials": [{"access_key_id": "AKFILE", "access_key_secret": "file-secret"}],
	          "clusters": [{"id": "pc-file", "answer_quirks": ["numbers", "single_object"], "backup_jobs": [
	            {"StartTime": "2024-05-20T09:41:27Z", "Process": "42", "BackupJobId": "2198801132", "JobMode": "Manual",
	             "BackupProgressStatus": "Uploading", "TaskAction": "TempBackupTask"}]}]}`
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	emu := start(t, "--data", path)
	res, err := callAPI(t, emu.Endpoint, "AKFILE", "file-secret", "DescribeBackupTasks", "DBClusterId", "pc-file")
	if err != nil {
		t.Fatalf("call: %v", err)
	}
	job, ok := res["body"].(map[string]any)["Items"].(map[string]any)["BackupJob"].(map[string]any)
	if !ok {
		t.Fatalf("Items.BackupJob is not one object: %v", res["body"])
	}
	if process, isString := job["Process"].(string); isString {
		t.Errorf("Process is the string %q, want a number", process)
	}
	interruptAndWait(t, emu)
}

func TestDataFileSecretsAreNotPrinted(t *testing.T) {
	const secret = "file-secret-do-not-print"
	path := filepath.Join(t.TempDir(), "data.json")
	data := `{"credentials": [{"access_key_id": "AKFILE", "access_key_secret": "` + secret + `"}],
	          "clusters": [{"id": "pc-file", "backup_jobs": []}]}`
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	emu := start(t, "--data", path)
	endpoint := emu.Endpoint
	if _, err := describe(t, endpoint, "AKFILE", secret, "pc-file"); err != nil {
		t.Fatalf("call: %v", err)
	}
	if _, err := describe(t, endpoint, "AKFILE", "wrong", "pc-file"); err == nil {
		t.Error("wrong secret accepted")
	}
	interruptAndWait(t, emu)
	noMoreLines(t, emu.Lines, "after the endpoint")
	if strings.Contains(emu.Log(), secret) {
		t.Errorf("stderr shows the secret:\n%s", emu.Log())
	}
}

func TestServesHTTPS(t *testing.T) {
	certFile := filepath.Join(t.TempDir(), "emulator.pem")
	emu := start(t, "--tls", "--cert-out", certFile)
	endpoint := emu.Endpoint
	if got := valueOf(t, nextLine(t, emu), "SSL_CERT_FILE"); got != certFile {
		t.Errorf("SSL_CERT_FILE=%s, want %s", got, certFile)
	}
	if got := valueOf(t, nextLine(t, emu), "ALIBABA_CLOUD_STS_ENDPOINT"); got != endpoint {
		t.Errorf("ALIBABA_CLOUD_STS_ENDPOINT=%s, want %s", got, endpoint)
	}
	ak := valueOf(t, nextLine(t, emu), "ALIBABA_CLOUD_ACCESS_KEY_ID")
	secret := valueOf(t, nextLine(t, emu), "ALIBABA_CLOUD_ACCESS_KEY_SECRET")

	res, err := describeTLS(t, rootsFrom(t, certFile), endpoint, ak, secret, "pc-2zedemo0000000001")
	if err != nil {
		t.Fatalf("call over HTTPS: %v", err)
	}
	if jobs := listed(res, "BackupJob", "BackupJobId"); len(jobs) != 3 {
		t.Errorf("demo cluster has jobs %v, want 3", jobs)
	}
	// Without the certificate, or without TLS, no answer.
	if _, err := describeTLS(t, x509.NewCertPool(), endpoint, ak, secret, "pc-2zedemo0000000001"); err == nil {
		t.Error("HTTPS call accepted without trusting the certificate")
	}
	if _, err := describe(t, endpoint, ak, secret, "pc-2zedemo0000000001"); err == nil {
		t.Error("plain HTTP call accepted")
	}

	interruptAndWait(t, emu)
	if _, err := os.Stat(certFile); err != nil {
		t.Errorf("the --cert-out file is gone after exit: %v", err)
	}
	if !strings.Contains(emu.Log(), `action="DescribeBackupTasks" cluster="pc-2zedemo0000000001" status=200`) {
		t.Errorf("stderr has no line for the request:\n%s", emu.Log())
	}
}

func TestTemporaryCertFile(t *testing.T) {
	emu := start(t, "--tls", "--data", writeData(t))
	endpoint := emu.Endpoint
	certFile := valueOf(t, nextLine(t, emu), "SSL_CERT_FILE")
	valueOf(t, nextLine(t, emu), "ALIBABA_CLOUD_STS_ENDPOINT")
	if !filepath.IsAbs(certFile) {
		t.Errorf("SSL_CERT_FILE=%s is not absolute", certFile)
	}
	if _, err := describeTLS(t, rootsFrom(t, certFile), endpoint, "AKFILE", "file-secret", "pc-file"); err != nil {
		t.Fatalf("call over HTTPS: %v", err)
	}
	interruptAndWait(t, emu)
	if _, err := os.Stat(certFile); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the temporary certificate %s is still there after exit: %v", certFile, err)
	}
	noMoreLines(t, emu.Lines, "with --data")
}

// --stats writes, on exit, the connections, TLS handshakes and requests
// accepted; stdout stays as it was.
func TestStatsFile(t *testing.T) {
	dir := t.TempDir()
	certFile, statsFile := filepath.Join(dir, "emulator.pem"), filepath.Join(dir, "stats.json")
	emu := start(t, "--tls", "--cert-out", certFile, "--data", writeData(t), "--stats", statsFile)
	endpoint := emu.Endpoint
	valueOf(t, nextLine(t, emu), "SSL_CERT_FILE")
	valueOf(t, nextLine(t, emu), "ALIBABA_CLOUD_STS_ENDPOINT")

	// A connection that sends nothing first (accepted before the others,
	// so counted before the interrupt), then two calls, each on a client
	// of its own: a connection and a full handshake each.
	conn, err := net.Dial("tcp", endpoint)
	if err != nil {
		t.Fatal(err)
	}
	_ = conn.Close()
	for range 2 {
		if _, err := describeTLS(t, rootsFrom(t, certFile), endpoint, "AKFILE", "file-secret", "pc-file"); err != nil {
			t.Fatalf("call over HTTPS: %v", err)
		}
	}
	if got, err := os.ReadFile(statsFile); err != nil || len(got) != 0 {
		t.Errorf("stats file before exit: %q, %v; want it empty", got, err)
	}
	interruptAndWait(t, emu)

	got, err := os.ReadFile(statsFile)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"connections":3,"tls_handshakes":2,"tls_resumed":0,"requests":2}` + "\n"; string(got) != want {
		t.Errorf("stats file %q, want %q", got, want)
	}
	if want := "accepted 3 connections, 2 TLS handshakes (0 resumed), 2 requests"; !strings.Contains(emu.Log(), want) {
		t.Errorf("stderr has no %q:\n%s", want, emu.Log())
	}
	noMoreLines(t, emu.Lines, "before exit")
}

func TestRunRefuses(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"all interfaces", []string{"--listen", "0.0.0.0:0"}, "--allow-remote"},
		{"all interfaces, no host", []string{"--listen", ":0"}, "--allow-remote"},
		{"IPv6 any", []string{"--listen", "[::]:0"}, "--allow-remote"},
		{"a host name", []string{"--listen", "example.com:0"}, "--allow-remote"},
		{"missing data file", []string{"--data", filepath.Join(t.TempDir(), "absent.json")}, "absent.json"},
		{"unknown flag", []string{"--port", "1"}, "flag provided but not defined"},
		{"stray argument", []string{"serve"}, "unexpected arguments"},
		{"--cert-out without --tls", []string{"--cert-out", filepath.Join(t.TempDir(), "cert.pem")}, "--cert-out needs --tls"},
		{"unwritable --cert-out", []string{"--tls", "--cert-out", filepath.Join(t.TempDir(), "absent", "cert.pem")}, "writing the certificate"},
		{"unwritable --stats", []string{"--stats", filepath.Join(t.TempDir(), "absent", "stats.json")}, "--stats: open"},
		{"unknown fault", []string{"--fault", "crash"}, `fault flags: fault "crash" is not one of`},
		{"fraction above 1", []string{"--fault", "reset", "--fault-fraction", "2"}, "fault flags: fraction 2 is not between 0 and 1"},
		{"negative latency", []string{"--latency", "-1s"}, "fault flags: latency -1s is negative"},
		{"--fault-first without --fault", []string{"--fault-first", "1"}, "fault flags: first and fraction need a fault"},
		{"bad duration", []string{"--jitter", "soon"}, `invalid value "soon" for flag -jitter`},
		{"negative --finish-after", []string{"--finish-after", "-1s"}, "--finish-after -1s is negative"},
		{"negative --listing-delay", []string{"--listing-delay", "-1s"}, "--listing-delay -1s is negative"},
		{"negative --delete-delay", []string{"--delete-delay", "-1s"}, "--delete-delay -1s is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout bytes.Buffer
			err := run(context.Background(), tt.args, &stdout, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run error = %v, want one mentioning %q", err, tt.want)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
		})
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:0": true, "127.0.0.2:8080": true, "[::1]:0": true, "localhost:0": true,
		"0.0.0.0:0": false, ":0": false, "[::]:0": false, "10.0.0.1:80": false, "127.0.0.1": false,
	} {
		if got := isLoopback(addr); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", addr, got, want)
		}
	}
}

func TestFaultFlags(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		global    string // JSON faults of the data file
		cluster   string
		wantCodes []string // of successive calls to pc-file
	}{
		{"first calls", []string{"--fault", "unavailable", "--fault-first", "2"}, "", "", []string{"ServiceUnavailable", "ServiceUnavailable", ""}},
		{"every call", []string{"--fault", "internal_error"}, "", "", []string{"InternalError", "InternalError"}},
		{"fraction", []string{"--fault", "throttling", "--fault-fraction", "1", "--seed", "3"}, "", "", []string{"Throttling.User"}},
		{"rate limit", []string{"--rate-limit", "0.01"}, "", "", []string{"", "Throttling.User"}},
		{"latency", []string{"--latency", "10ms", "--jitter", "5ms"}, "", "", []string{""}},
		{"clock skew", []string{"--clock-skew", "16m"}, "", "", []string{"InvalidTimeStamp.Expired"}},
		{"clock skew behind", []string{"--clock-skew=-16m"}, "", "", []string{"InvalidTimeStamp.Expired"}},
		{"data file", nil, `{"fault": "internal_error", "first": 1}`, `{"fault": "unavailable", "first": 2}`,
			[]string{"InternalError", "ServiceUnavailable", ""}},
		{"flags replace the data file's global faults", []string{"--latency", "1ms"}, `{"fault": "internal_error"}`, `{"fault": "unavailable", "first": 1}`,
			[]string{"ServiceUnavailable", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			emu := start(t, append([]string{"--data", writeDataFaults(t, tt.global, tt.cluster)}, tt.args...)...)
			endpoint := emu.Endpoint
			var got []string
			for range tt.wantCodes {
				_, err := describe(t, endpoint, "AKFILE", "file-secret", "pc-file")
				got = append(got, codeOf(t, err))
			}
			if !slices.Equal(got, tt.wantCodes) {
				t.Errorf("codes %q, want %q", got, tt.wantCodes)
			}
			interruptAndWait(t, emu)
			if faulted := slices.ContainsFunc(tt.wantCodes, func(c string) bool { return c != "" && c != "InvalidTimeStamp.Expired" }); faulted &&
				!strings.Contains(emu.Log(), ` fault="`) {
				t.Errorf("stderr has no fault:\n%s", emu.Log())
			}
			noMoreLines(t, emu.Lines, "before exit")
		})
	}
}

// SIGINT ends a call the emulator hangs on, and the emulator then exits
// at once and cleanly.
func TestHangEndsOnInterrupt(t *testing.T) {
	emu := start(t, "--fault", "hang")
	endpoint := emu.Endpoint
	ak := valueOf(t, nextLine(t, emu), "ALIBABA_CLOUD_ACCESS_KEY_ID")
	secret := valueOf(t, nextLine(t, emu), "ALIBABA_CLOUD_ACCESS_KEY_SECRET")
	done := make(chan error, 1)
	go func() {
		_, err := describe(t, endpoint, ak, secret, "pc-2zedemo0000000001")
		done <- err
	}()
	for !strings.Contains(emu.Log(), `fault="hang"`) {
		select {
		case err := <-done:
			t.Fatalf("the call ended: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	start := time.Now()
	interruptAndWait(t, emu)
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("took %s to exit", took)
	}
	if err := <-done; err == nil {
		t.Error("the hung call got an answer")
	}
}
