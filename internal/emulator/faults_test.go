package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
)

// plainCall posts an unsigned DescribeBackupTasks for cluster, which is
// enough to meet the faults: they come before the signature check, which
// then refuses it with IncompleteSignature. Each call has its own
// connection, so net/http never retries a reset one on its own.
func plainCall(t *testing.T, endpoint, cluster string, timeout time.Duration) (*http.Response, []byte, error) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}, Timeout: timeout}
	resp, err := client.Post("http://"+endpoint+"/?Action=DescribeBackupTasks&Version=2017-08-01",
		"application/x-www-form-urlencoded", strings.NewReader("DBClusterId="+cluster))
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

// tracker counts the handlers running, to show that none is left behind.
type tracker struct {
	next   http.Handler
	active atomic.Int32
}

func (tr *tracker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tr.active.Add(1)
	defer tr.active.Add(-1)
	tr.next.ServeHTTP(w, r)
}

func (tr *tracker) waitIdle(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); tr.active.Load() > 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("a handler is still running 5s after its client left")
		}
	}
}

// startTracked serves s, counting its running handlers.
func startTracked(t *testing.T, s *Server) (*tracker, *httptest.Server) {
	t.Helper()
	tr := &tracker{next: s}
	ts := httptest.NewServer(tr)
	t.Cleanup(ts.Close)
	return tr, ts
}

// fixedClock is a server clock that moves only when the test moves it. It
// starts 750ms past a whole second of the real time, close enough for the
// SDK's timestamps.
type fixedClock struct {
	mu    sync.Mutex
	t     time.Time
	start time.Time // for set
}

func newFixedClock() *fixedClock {
	return &fixedClock{t: time.Now().Truncate(time.Second).Add(750 * time.Millisecond)}
}

func (c *fixedClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// set puts the clock d after the time it started at.
func (c *fixedClock) set(t *testing.T, d time.Duration) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.start.IsZero() {
		c.start = c.t
	}
	c.t = c.start.Add(d)
}

func (c *fixedClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func codes(s *Server) []string {
	var out []string
	for _, r := range s.Requests() {
		out = append(out, r.Code)
	}
	return out
}

func jsonErrorOf(code string) func(*testing.T, *http.Response, []byte) {
	return func(t *testing.T, resp *http.Response, body []byte) {
		var e errorBody
		if err := json.Unmarshal(body, &e); err != nil || e.Code != code || e.Message == "" || e.HostId == "" ||
			e.RequestId != resp.Header.Get("x-acs-request-id") || !strings.Contains(e.Recommend, "q="+code+"&product=polardb") {
			t.Errorf("body %s (%v), want a %s error body", body, err, code)
		}
	}
}

type faultKindCase struct {
	kind    FaultKind
	timeout time.Duration // of the client
	status  int           // 0: no answer
	code    string        // recorded
	sdkCode string        // the SDK's error code, when it has one
	check   func(t *testing.T, resp *http.Response, body []byte)
	err     func(error) bool
}

var faultKindCases = []faultKindCase{
	{kind: FaultInternalError, status: 500, code: "InternalError", sdkCode: "InternalError", check: jsonErrorOf("InternalError")},
	{kind: FaultUnavailable, status: 503, code: "ServiceUnavailable", sdkCode: "ServiceUnavailable", check: jsonErrorOf("ServiceUnavailable")},
	{kind: FaultThrottling, status: 400, code: "Throttling.User", sdkCode: "Throttling.User", check: func(t *testing.T, resp *http.Response, body []byte) {
		jsonErrorOf("Throttling.User")(t, resp, body)
		// The fixed clock is 250ms before the next whole second.
		re := regexp.MustCompile(`^Limit:1,Remain:0,TimeLeft:250,Reset:([0-9]+)$`)
		m := re.FindStringSubmatch(resp.Header.Get("x-ratelimit-user-api"))
		if m == nil {
			t.Fatalf("x-ratelimit-user-api: %q, want a match of %s", resp.Header.Get("x-ratelimit-user-api"), re)
		}
		if reset, _ := strconv.ParseInt(m[1], 10, 64); time.UnixMilli(reset).Nanosecond() != 0 {
			t.Errorf("Reset %s is not the next whole second", m[1])
		}
	}},
	{kind: FaultHTML502, status: 502, code: "fault:html_502", check: func(t *testing.T, resp *http.Response, body []byte) {
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !bytes.Contains(body, []byte("<h1>502 Bad Gateway</h1>")) {
			t.Errorf("Content-Type %q, body %q: want an HTML page", ct, body)
		}
	}},
	{kind: FaultTruncated, status: 200, code: "fault:truncated", check: func(t *testing.T, resp *http.Response, body []byte) {
		if json.Valid(body) || !bytes.HasPrefix(body, []byte(`{"RequestId":"`)) || len(body) < 100 {
			t.Errorf("body %q, want the first half of the answer", body)
		}
		if resp.ContentLength != int64(len(body)) {
			t.Errorf("Content-Length %d for %d bytes", resp.ContentLength, len(body))
		}
	}},
	{kind: FaultErrorIn200, status: 200, code: "InternalError", check: jsonErrorOf("InternalError")},
	{kind: FaultReset, code: "fault:reset", err: func(err error) bool {
		return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF)
	}},
	{kind: FaultHang, timeout: 300 * time.Millisecond, code: "fault:hang", err: func(err error) bool {
		var timeout interface{ Timeout() bool }
		return errors.As(err, &timeout) && timeout.Timeout()
	}},
}

func TestFaultKinds(t *testing.T) {
	for _, tt := range faultKindCases {
		t.Run(string(tt.kind), func(t *testing.T) {
			var logged bytes.Buffer
			s := New(testData(), WithFaults(Faults{Fault: tt.kind}), WithClock(newFixedClock().now), WithLogger(log.New(&logged, "", 0)))
			tr, ts := startTracked(t, s)
			endpoint := strings.TrimPrefix(ts.URL, "http://")
			timeout := tt.timeout
			if timeout == 0 {
				timeout = 10 * time.Second
			}

			resp, body, err := plainCall(t, endpoint, clusterJobs, timeout)
			switch {
			case tt.err != nil:
				if err == nil || !tt.err(err) {
					t.Errorf("call: %v, want the %s error", err, tt.kind)
				}
			case err != nil:
				t.Fatalf("call: %v", err)
			default:
				if resp.StatusCode != tt.status {
					t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
				}
				tt.check(t, resp, body)
			}
			tr.waitIdle(t)
			assertRecorded(t, s, RecordedRequest{Action: "DescribeBackupTasks", Version: "2017-08-01",
				Params: map[string]string{"DBClusterId": clusterJobs}, Code: tt.code})
			wantLog := fmt.Sprintf(`action="DescribeBackupTasks" cluster=%q status=%d code=%q`, clusterJobs, tt.status, tt.code)
			if !strings.Contains(logged.String(), wantLog) || !strings.HasSuffix(logged.String(), ` fault="`+string(tt.kind)+"\"\n") ||
				strings.Count(logged.String(), "\n") != 1 {
				t.Errorf("log %q, want one line with %s and the fault", logged.String(), wantLog)
			}

			if tt.sdkCode != "" {
				c := newClient(t, endpoint, clientConfig{ak: testAK, secret: testSecret})
				_, err := call(t, c, apiParams(), query("DBClusterId", clusterJobs))
				if code, status, _ := apiErrorOf(t, err); code != tt.sdkCode || status != tt.status {
					t.Errorf("SDK call: %d %s, want %d %s", status, code, tt.status, tt.sdkCode)
				}
			}
		})
	}
}

// The SDK takes an error body with status 200 for an answer.
func TestErrorIn200ThroughSDK(t *testing.T) {
	_, endpoint := startServer(t, WithFaults(Faults{Fault: FaultErrorIn200}))
	c := newClient(t, endpoint, clientConfig{ak: testAK, secret: testSecret})
	body, _ := mustCall(t, c, apiParams(), query("DBClusterId", clusterJobs))
	if body["Code"] != "InternalError" || body["Items"] != nil {
		t.Errorf("body %v, want an InternalError body", body)
	}
}

func TestFaultFirstThenSuccess(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			s, endpoint := startServer(t, WithFaults(Faults{Fault: FaultUnavailable, First: 2}))
			c := newClient(t, endpoint, clientConfig{legacy: m.legacy, ak: testAK, secret: testSecret})
			for range 2 {
				_, err := call(t, c, apiParams(), query("DBClusterId", clusterJobs))
				if code, status, _ := apiErrorOf(t, err); code != "ServiceUnavailable" || status != 503 {
					t.Errorf("answered %d %s, want 503 ServiceUnavailable", status, code)
				}
			}
			body, _ := mustCall(t, c, apiParams(), query("DBClusterId", clusterJobs))
			if got := jobIDs(t, body); !slices.Equal(got, allJobs) {
				t.Errorf("BackupJobIds = %v", got)
			}
			if got := codes(s); !slices.Equal(got, []string{"ServiceUnavailable", "ServiceUnavailable", ""}) {
				t.Errorf("recorded codes %q", got)
			}
		})
	}
}

func TestFaultFractionIsSeeded(t *testing.T) {
	// outcomes makes 40 calls and returns x for each fault, . for the others.
	outcomes := func(f Faults, seed int64) string {
		s, endpoint := startServer(t, WithFaults(f), WithSeed(seed))
		for range 40 {
			if _, _, err := plainCall(t, endpoint, clusterJobs, 10*time.Second); err != nil {
				t.Fatal(err)
			}
		}
		var b strings.Builder
		for _, code := range codes(s) {
			if code == "InternalError" {
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	half := Faults{Fault: FaultInternalError, Fraction: 0.5}
	first := outcomes(half, 7)
	if again := outcomes(half, 7); again != first {
		t.Errorf("seed 7 gave %s, then %s", first, again)
	}
	if hits := strings.Count(first, "x"); hits < 8 || hits > 32 {
		t.Errorf("seed 7 gave %s: %d faults for a fraction of 0.5", first, hits)
	}
	if other := outcomes(half, 8); other == first {
		t.Errorf("seeds 7 and 8 both gave %s", first)
	}
	// First adds to Fraction; the draws are the same.
	withFirst := outcomes(Faults{Fault: FaultInternalError, First: 3, Fraction: 0.5}, 7)
	if withFirst != "xxx"+first[3:] {
		t.Errorf("with first 3: %s, want xxx then the rest of %s", withFirst, first)
	}
}

func TestRateLimit(t *testing.T) {
	timeLeft := func(t *testing.T, resp *http.Response) time.Duration {
		t.Helper()
		m := regexp.MustCompile(`TimeLeft:([0-9]+)`).FindStringSubmatch(resp.Header.Get("x-ratelimit-user-api"))
		if resp.StatusCode != 400 || m == nil {
			t.Fatalf("answered %d with x-ratelimit-user-api %q, want a throttling", resp.StatusCode, resp.Header.Get("x-ratelimit-user-api"))
		}
		ms, _ := strconv.Atoi(m[1])
		return time.Duration(ms) * time.Millisecond
	}
	tests := []struct {
		rate     float64
		burst    int
		timeLeft time.Duration
	}{
		{2, 2, 500 * time.Millisecond},
		{3, 3, 334 * time.Millisecond},
		{0.5, 1, 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.rate), func(t *testing.T) {
			clock := newFixedClock()
			s, endpoint := startServer(t, WithFaults(Faults{RateLimit: tt.rate}), WithClock(clock.now))
			var want []string
			for range tt.burst {
				if resp, _, err := plainCall(t, endpoint, clusterJobs, 10*time.Second); err != nil || resp.StatusCode != 400 {
					t.Fatalf("call within the burst: %v", err)
				}
				want = append(want, "IncompleteSignature")
			}
			resp, body, err := plainCall(t, endpoint, clusterJobs, 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if got := timeLeft(t, resp); got != tt.timeLeft || !strings.HasPrefix(resp.Header.Get("x-ratelimit-user-api"), fmt.Sprintf("Limit:%d,Remain:0,", tt.burst)) {
				t.Errorf("x-ratelimit-user-api %q, want Limit:%d and TimeLeft %s", resp.Header.Get("x-ratelimit-user-api"), tt.burst, tt.timeLeft)
			}
			if !bytes.Contains(body, []byte(`"Code":"Throttling.User"`)) {
				t.Errorf("body %s", body)
			}
			// A millisecond early is still too early.
			clock.advance(tt.timeLeft - time.Millisecond)
			resp, _, err = plainCall(t, endpoint, clusterJobs, 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if got := timeLeft(t, resp); got != time.Millisecond {
				t.Errorf("TimeLeft %s a millisecond early, want 1ms", got)
			}
			clock.advance(time.Millisecond)
			c := newClient(t, endpoint, clientConfig{ak: testAK, secret: testSecret})
			mustCall(t, c, apiParams(), query("DBClusterId", clusterJobs))
			want = append(want, "Throttling.User", "Throttling.User", "")
			if got := codes(s); !slices.Equal(got, want) {
				t.Errorf("recorded codes %q, want %q", got, want)
			}
		})
	}
}

func TestClockSkew(t *testing.T) {
	tests := []struct {
		name            string
		global, cluster time.Duration
		wantCode        string
	}{
		{"ahead", 16 * time.Minute, 0, "InvalidTimeStamp.Expired"},
		{"behind", -16 * time.Minute, 0, "InvalidTimeStamp.Expired"},
		{"within 15 minutes", 14 * time.Minute, 0, ""},
		{"cluster", 0, 16 * time.Minute, "InvalidTimeStamp.Expired"},
		{"added up", 8 * time.Minute, 8 * time.Minute, "InvalidTimeStamp.Expired"},
	}
	for _, m := range modes {
		for _, tt := range tests {
			t.Run(m.name+"/"+tt.name, func(t *testing.T) {
				s, endpoint := startServer(t, WithFaults(Faults{ClockSkew: Duration(tt.global)}))
				s.SetClusterFaults(clusterJobs, Faults{ClockSkew: Duration(tt.cluster)})
				c := newClient(t, endpoint, clientConfig{legacy: m.legacy, ak: testAK, secret: testSecret})
				_, err := call(t, c, apiParams(), query("DBClusterId", clusterJobs))
				if tt.wantCode == "" {
					if err != nil {
						t.Errorf("refused: %v", err)
					}
				} else if code, status, _ := apiErrorOf(t, err); code != tt.wantCode || status != 400 {
					t.Errorf("answered %d %s, want 400 %s", status, code, tt.wantCode)
				}
				if tt.global == 0 {
					mustCall(t, c, apiParams(), query("DBClusterId", clusterEmpty)) // another cluster
				}
			})
		}
	}
}

func TestClusterFaults(t *testing.T) {
	t.Run("from the data", func(t *testing.T) {
		d := testData()
		d.Clusters[0].Faults = &Faults{Fault: FaultUnavailable}
		endpoint := startHandler(t, New(d))
		c := newClient(t, endpoint, clientConfig{ak: testAK, secret: testSecret})
		mustCall(t, c, apiParams(), query("DBClusterId", clusterEmpty))
		_, err := call(t, c, apiParams(), query("DBClusterId", clusterJobs))
		if code, _, _ := apiErrorOf(t, err); code != "ServiceUnavailable" {
			t.Errorf("answered %s, want ServiceUnavailable", code)
		}
	})
	t.Run("server first, then cluster", func(t *testing.T) {
		s, endpoint := startServer(t, WithFaults(Faults{Fault: FaultInternalError, First: 1}))
		s.SetClusterFaults(clusterJobs, Faults{Fault: FaultUnavailable, First: 2})
		c := newClient(t, endpoint, clientConfig{ak: testAK, secret: testSecret})
		for range 3 {
			_, _ = call(t, c, apiParams(), query("DBClusterId", clusterJobs))
		}
		// The cluster counted the first call too.
		mustCall(t, c, apiParams(), query("DBClusterId", clusterJobs))
		s.SetClusterFaults(clusterJobs, Faults{Fault: FaultUnavailable})
		_, _ = call(t, c, apiParams(), query("DBClusterId", clusterJobs))
		mustCall(t, c, apiParams(), query("DBClusterId", clusterEmpty))
		s.SetClusterFaults(clusterJobs, Faults{})
		mustCall(t, c, apiParams(), query("DBClusterId", clusterJobs))
		want := []string{"InternalError", "ServiceUnavailable", "", "", "ServiceUnavailable", "", ""}
		if got := codes(s); !slices.Equal(got, want) {
			t.Errorf("recorded codes %q, want %q", got, want)
		}
	})
	t.Run("limited to one operation", func(t *testing.T) {
		s, endpoint := startServer(t)
		c := newClient(t, endpoint, clientConfig{ak: testAK, secret: testSecret})
		s.SetClusterFaults(clusterJobs, Faults{Fault: FaultUnavailable, Operation: "DeleteBackup"})
		mustCall(t, c, apiParams(), query("DBClusterId", clusterJobs))
		s.SetClusterFaults(clusterJobs, Faults{Fault: FaultUnavailable, Operation: "DescribeBackupTasks"})
		_, _ = call(t, c, apiParams(), query("DBClusterId", clusterJobs))
		if got, want := codes(s), []string{"", "ServiceUnavailable"}; !slices.Equal(got, want) {
			t.Errorf("recorded codes %q, want %q", got, want)
		}
		if err := (Faults{Fault: FaultUnavailable, Operation: "DropCluster"}).Validate(); err == nil || !strings.Contains(err.Error(), `"DropCluster"`) {
			t.Errorf("an operation the emulator does not serve: %v, want it refused by name", err)
		}
	})
	t.Run("setting faults starts their count afresh", func(t *testing.T) {
		f := Faults{Fault: FaultInternalError, First: 1}
		s, endpoint := startServer(t)
		s.SetFaults(f)
		c := newClient(t, endpoint, clientConfig{ak: testAK, secret: testSecret})
		_, _ = call(t, c, apiParams(), query("DBClusterId", clusterJobs))
		mustCall(t, c, apiParams(), query("DBClusterId", clusterJobs))
		s.SetFaults(f)
		_, _ = call(t, c, apiParams(), query("DBClusterId", clusterJobs))
		s.SetFaults(Faults{})
		mustCall(t, c, apiParams(), query("DBClusterId", clusterJobs))
		if got, want := codes(s), []string{"InternalError", "", "InternalError", ""}; !slices.Equal(got, want) {
			t.Errorf("recorded codes %q, want %q", got, want)
		}
	})
	t.Run("rate limit", func(t *testing.T) {
		s, endpoint := startServer(t, WithClock(newFixedClock().now))
		s.SetClusterFaults(clusterJobs, Faults{RateLimit: 1})
		for _, cluster := range []string{clusterJobs, clusterEmpty, clusterEmpty, clusterJobs} {
			if _, _, err := plainCall(t, endpoint, cluster, 10*time.Second); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := codes(s), []string{"IncompleteSignature", "IncompleteSignature", "IncompleteSignature", "Throttling.User"}; !slices.Equal(got, want) {
			t.Errorf("recorded codes %q, want %q", got, want)
		}
	})
}

// STS, the metadata service and the credentials URI hand out the
// credentials; the faults are the PolarDB API's.
func TestFaultsSpareOtherServices(t *testing.T) {
	_, endpoint := startServer(t, WithFaults(Faults{Fault: FaultInternalError, RateLimit: 0.001, Latency: Duration(time.Hour)}))
	c := newClient(t, endpoint, clientConfig{ak: testAK, secret: testSecret})
	mustCall(t, c, stsParams("AssumeRole"), form("RoleArn", roleArn, "RoleSessionName", "s1"))
	if status, _, _ := metadataRequest(t, endpoint, "GET", "/latest/meta-data/ram/security-credentials/", "", ""); status != 200 {
		t.Errorf("metadata service answered %d", status)
	}
	if status, _, _ := metadataRequest(t, endpoint, "GET", "/credentials-uri/emulator-reader", "", ""); status != 200 {
		t.Errorf("credentials URI answered %d", status)
	}
	p := apiParams()
	p.Action = dara.String("DescribeDBClusters")
	_, err := call(t, c, p, query())
	if code, _, _ := apiErrorOf(t, err); code != "InvalidApi.NotFound" {
		t.Errorf("unknown API answered %s", code)
	}
}

func TestLatency(t *testing.T) {
	s, endpoint := startServer(t, WithFaults(Faults{Latency: Duration(100 * time.Millisecond), Jitter: Duration(50 * time.Millisecond)}))
	s.SetClusterFaults(clusterJobs, Faults{Latency: Duration(100 * time.Millisecond)})
	c := newClient(t, endpoint, clientConfig{ak: testAK, secret: testSecret})
	for cluster, least := range map[string]time.Duration{clusterEmpty: 100 * time.Millisecond, clusterJobs: 200 * time.Millisecond} {
		start := time.Now()
		mustCall(t, c, apiParams(), query("DBClusterId", cluster))
		if took := time.Since(start); took < least {
			t.Errorf("%s answered in %s, want at least %s", cluster, took, least)
		}
	}
}

// A client that leaves during the latency leaves no handler behind.
func TestLatencyAbandoned(t *testing.T) {
	s := New(testData(), WithFaults(Faults{Latency: Duration(time.Hour)}))
	tr, ts := startTracked(t, s)
	if _, _, err := plainCall(t, strings.TrimPrefix(ts.URL, "http://"), clusterJobs, 100*time.Millisecond); err == nil {
		t.Fatal("answered within the latency")
	}
	tr.waitIdle(t)
	if got := codes(s); !slices.Equal(got, []string{"fault:abandoned"}) {
		t.Errorf("recorded codes %q", got)
	}
}

// A hang ends when the server closes its connections, even with a client
// that would wait for ever, so that httptest.Server.Close returns.
func TestHangEndsWithTheServer(t *testing.T) {
	s := New(testData(), WithFaults(Faults{Fault: FaultHang}))
	tr, ts := startTracked(t, s)
	done := make(chan error, 1)
	go func() {
		_, _, err := plainCall(t, strings.TrimPrefix(ts.URL, "http://"), clusterJobs, 0)
		done <- err
	}()
	for len(s.Requests()) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	closed := make(chan struct{})
	go func() {
		ts.CloseClientConnections()
		ts.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("httptest.Server.Close still waiting after 5s")
	}
	tr.waitIdle(t)
	if err := <-done; err == nil {
		t.Error("the hung call got an answer")
	}
}

func TestFaultsJSON(t *testing.T) {
	f := Faults{Latency: Duration(200 * time.Millisecond), Jitter: Duration(1500 * time.Millisecond), RateLimit: 2.5,
		Fault: FaultReset, First: 1, Fraction: 0.25, ClockSkew: Duration(-16 * time.Minute)}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"latency":"200ms","jitter":"1.5s","rate_limit":2.5,"fault":"reset","first":1,"fraction":0.25,"clock_skew":"-16m0s"}`
	if string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	var back Faults
	if err := json.Unmarshal(b, &back); err != nil || back != f {
		t.Errorf("read back %+v (%v), want %+v", back, err, f)
	}
}

func TestLoadDataFaults(t *testing.T) {
	path := writeFile(t, `{
  "credentials": [{"access_key_id": "AK1", "access_key_secret": "s1"}],
  "faults": {"latency": "50ms", "jitter": "10ms", "rate_limit": 5, "clock_skew": "-1m"},
  "clusters": [
    {"id": "pc-1", "faults": {"fault": "throttling", "first": 2, "fraction": 0.1}},
    {"id": "pc-2"}
  ]
}`)
	d, err := LoadData(path)
	if err != nil {
		t.Fatal(err)
	}
	wantGlobal := Faults{Latency: Duration(50 * time.Millisecond), Jitter: Duration(10 * time.Millisecond), RateLimit: 5, ClockSkew: Duration(-time.Minute)}
	if d.Faults == nil || *d.Faults != wantGlobal {
		t.Errorf("faults %+v, want %+v", d.Faults, wantGlobal)
	}
	if f := d.Clusters[0].Faults; f == nil || *f != (Faults{Fault: FaultThrottling, First: 2, Fraction: 0.1}) {
		t.Errorf("pc-1 faults %+v", f)
	}
	if d.Clusters[1].Faults != nil {
		t.Errorf("pc-2 faults %+v, want none", d.Clusters[1].Faults)
	}
}

func TestInvalidFaultsPanic(t *testing.T) {
	for name, f := range map[string]func(){
		"WithFaults":       func() { New(testData(), WithFaults(Faults{Latency: -1})) },
		"New":              func() { d := testData(); d.Faults = &Faults{Fault: "crash"}; New(d) },
		"SetFaults":        func() { New(testData()).SetFaults(Faults{Fraction: 2, Fault: FaultReset}) },
		"SetClusterFaults": func() { New(testData()).SetClusterFaults(clusterJobs, Faults{First: 1}) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(fmt.Sprint(r), "emulator: faults: ") {
					t.Errorf("recovered %v, want a panic about the faults", r)
				}
			}()
			f()
		})
	}
}

// The docs list exactly the fault kinds, in their order: DEVELOPERS.md in
// its table of answers, the guide to testing modules in its --fault row.
func TestFaultKindsAreDocumented(t *testing.T) {
	docs := []struct {
		file string
		part *regexp.Regexp // its first group lists the kinds
		kind *regexp.Regexp // a kind in that part
	}{
		{"../../DEVELOPERS.md", regexp.MustCompile("(?s)\\| `fault` +\\| Answer[^\n]*\n[^\n]*\n(.*?)\n\n"), regexp.MustCompile("(?m)^\\| `([a-z0-9_]+)` ")},
		{"../../templates/guides/testing-modules.md.tmpl", regexp.MustCompile("\\| `--fault KIND` \\|([^\n]*)"), regexp.MustCompile(" `([a-z0-9_]+)`")},
	}
	for _, doc := range docs {
		content, err := os.ReadFile(doc.file)
		if err != nil {
			t.Fatal(err)
		}
		part := doc.part.FindSubmatch(content)
		if part == nil {
			t.Fatalf("%s: no list of the fault kinds", doc.file)
		}
		var listed []FaultKind
		for _, m := range doc.kind.FindAllSubmatch(part[1], -1) {
			listed = append(listed, FaultKind(m[1]))
		}
		if !slices.Equal(listed, faultKinds) {
			t.Errorf("%s lists the fault kinds %v, want %v", doc.file, listed, faultKinds)
		}
	}
}
