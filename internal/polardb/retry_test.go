package polardb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
)

func TestRetryable(t *testing.T) {
	api := func(status int, code string) error { return &APIError{StatusCode: status, Code: code} }
	network := func(err error) error { return &NetworkError{Host: "h", Err: err} }
	dnsErr := &net.DNSError{Err: "no such host", Name: "polardb.nowhere.aliyuncs.com", IsNotFound: true}
	tests := []struct {
		err  error
		want bool
	}{
		{api(400, "Throttling"), true},
		{api(400, "Throttling.User"), true},
		{api(400, "Throttling.Api"), true},
		{api(503, "ServiceUnavailable"), true},
		{api(500, "InternalError"), true},
		{api(200, "InternalError"), true}, // an error code in a 200 answer
		{api(504, "GatewayTimeout"), true},
		{api(400, "InvalidDBClusterId.NotFound"), false},
		{api(400, "InvalidBackupMode.Malformed"), false},
		{api(400, "SignatureDoesNotMatch"), false},
		{api(400, "IncompleteSignature"), false},
		{api(404, "InvalidAccessKeyId.NotFound"), false},
		{api(403, "Forbidden.RAM"), false},
		{&ResponseError{StatusCode: 502, Problem: "body is not valid JSON"}, true},
		{&ResponseError{StatusCode: 403, Problem: "body is not valid JSON"}, false},
		{&ResponseError{StatusCode: 200, Problem: "body is not valid JSON"}, false}, // truncated: fails cleanly
		{network(syscall.ECONNRESET), true},
		{network(fmt.Errorf("dial tcp: %w", syscall.ECONNREFUSED)), true},
		{network(io.EOF), true},
		{network(fmt.Errorf("reading the answer: %w", io.ErrUnexpectedEOF)), true},
		{network(&net.OpError{Op: "read", Err: timeoutError{}}), true},
		{network(dnsErr), false},
		{network(errors.New("tls: failed to verify certificate")), false},
		{&RetriesError{Attempts: 2, Err: api(400, "Throttling")}, true},
		{errors.New("something else"), false},
	}
	for _, tt := range tests {
		if got := Retryable(tt.err); got != tt.want {
			t.Errorf("Retryable(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func TestDelayIsFullJitterUnderACap(t *testing.T) {
	p := DefaultRetryPolicy()
	for _, tt := range []struct {
		n      int
		random float64
		want   time.Duration
	}{
		{1, 0, 0},
		{1, 0.5, 100 * time.Millisecond},
		{2, 0.5, 200 * time.Millisecond},
		{4, 1, 1600 * time.Millisecond},
		{7, 1, 10 * time.Second}, // 12.8 s, capped
		{60, 1, 10 * time.Second},
	} {
		p.Random = func() float64 { return tt.random }
		if got := p.Delay(tt.n, errors.New("x")); got != tt.want {
			t.Errorf("Delay(%d) with random %v = %v, want %v", tt.n, tt.random, got, tt.want)
		}
	}
	// The API's hint wins when it is longer.
	p.Random = func() float64 { return 0.5 }
	if got := p.Delay(1, &APIError{Code: "Throttling.User", RetryAfter: 1843 * time.Millisecond}); got != 1843*time.Millisecond {
		t.Errorf("Delay with a 1843 ms hint = %v", got)
	}
	if got := p.Delay(6, &APIError{Code: "Throttling.User", RetryAfter: time.Millisecond}); got != 3200*time.Millisecond {
		t.Errorf("Delay with a short hint = %v, want the backoff 3.2s", got)
	}
}

func TestRateLimitWait(t *testing.T) {
	for header, want := range map[string]time.Duration{
		"Limit:100,Remain:0,TimeLeft:1843,Reset:1764000000000": 1843 * time.Millisecond,
		" TimeLeft : 250 ":                    250 * time.Millisecond,
		"Limit:100,Remain:0":                  0,
		"TimeLeft:-5":                         0,
		"TimeLeft:abc":                        0,
		"TimeLeft:99999999999999999999999999": 0,
		"":                                    0,
	} {
		h := http.Header{}
		h.Set("x-ratelimit-user-api", header)
		if got := rateLimitWait(h); got != want {
			t.Errorf("rateLimitWait(%q) = %v, want %v", header, got, want)
		}
	}
	h := http.Header{}
	h.Set("x-ratelimit-user", "TimeLeft:700")
	h.Set("x-ratelimit-user-api", "TimeLeft:300")
	if got := rateLimitWait(h); got != 700*time.Millisecond {
		t.Errorf("both headers: %v, want the longer wait", got)
	}
}

// scripted answers with failures[i] on call i, then with okBody.
func scripted(failures ...http.HandlerFunc) (http.HandlerFunc, *atomic.Int32) {
	var calls atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		i := int(calls.Add(1)) - 1
		if i < len(failures) {
			failures[i](w, r)
			return
		}
		answer(200, "application/json", okBody)(w, r)
	}, &calls
}

func throttled(timeLeftMS int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-ratelimit-user-api", fmt.Sprintf("Limit:15,Remain:0,TimeLeft:%d", timeLeftMS))
		answer(400, "application/json", `{"RequestId":"R-T","Code":"Throttling.User","Message":"Request was denied due to user flow control."}`)(w, r)
	}
}

var (
	unavailable = answer(503, "application/json", `{"RequestId":"R-U","Code":"ServiceUnavailable","Message":"The request has failed due to a temporary failure of the server."}`)
	gatewayPage = answer(502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>")
	errorIn200  = answer(200, "application/json", `{"RequestId":"R-200","Code":"InternalError","Message":"The request processing has failed due to some unknown error."}`)
	notFound    = answer(400, "application/json", `{"RequestId":"R-N","Code":"InvalidDBClusterId.NotFound","Message":"The DBClusterId provided does not exist in our records."}`)
)

func resetConnection(w http.ResponseWriter, _ *http.Request) {
	conn, _, _ := w.(http.Hijacker).Hijack()
	_ = conn.(*net.TCPConn).SetLinger(0)
	conn.Close()
}

// retryClient is a client of handler whose waits are recorded, not slept.
func retryClient(t *testing.T, handler http.HandlerFunc, maxRetries int) (*Client, *[]Retry, *[]time.Duration) {
	t.Helper()
	server := httptest.NewServer(handler)
	t.Cleanup(server.Close)
	var retries []Retry
	var waits []time.Duration
	client, err := NewClient(Config{
		Endpoint: strings.TrimPrefix(server.URL, "http://"), Protocol: "HTTP", Credential: testCredential(t),
		Retry: RetryPolicy{
			MaxRetries: maxRetries, Base: defaultRetryBase, Cap: defaultRetryCap,
			Random: func() float64 { return 0.5 },
			Sleep: func(ctx context.Context, d time.Duration) error {
				waits = append(waits, d)
				return ctx.Err()
			},
		},
		OnRetry: func(_ context.Context, r Retry) { retries = append(retries, r) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return client, &retries, &waits
}

func describe(client *Client, ctx context.Context) error {
	_, err := client.DescribeBackupTasks(ctx, &DescribeBackupTasksRequest{DBClusterId: dara.String("pc-abc")})
	return err
}

func TestCallRetriesTransientFailures(t *testing.T) {
	eight := []http.HandlerFunc{throttled(0), unavailable, gatewayPage, errorIn200, resetConnection, unavailable, throttled(0), unavailable}
	tests := []struct {
		name         string
		failures     []http.HandlerFunc
		maxRetries   int
		wantAttempts int
		wantErr      string // "" for success
	}{
		{"eight transient failures of every kind, then success", eight, 8, 9, ""},
		{"a ninth failure exhausts the retries", append(append([]http.HandlerFunc{}, eight...), unavailable), 8, 9,
			"ServiceUnavailable (HTTP 503): The request has failed due to a temporary failure of the server. (request ID R-U) (after 9 attempts)"},
		{"a permanent error is not retried", []http.HandlerFunc{notFound}, 8, 1, "InvalidDBClusterId.NotFound"},
		{"max_retries 0 disables retries", []http.HandlerFunc{unavailable}, 0, 1, "ServiceUnavailable"},
		{"a permanent error after a transient one", []http.HandlerFunc{unavailable, notFound}, 8, 2, "InvalidDBClusterId.NotFound (HTTP 400)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			handler, calls := scripted(tt.failures...)
			client, retries, waits := retryClient(t, handler, tt.maxRetries)
			err := describe(client, context.Background())
			if int(calls.Load()) != tt.wantAttempts {
				t.Errorf("%d attempts, want %d", calls.Load(), tt.wantAttempts)
			}
			if len(*retries) != tt.wantAttempts-1 || len(*waits) != tt.wantAttempts-1 {
				t.Errorf("%d retries logged and %d waits for %d attempts", len(*retries), len(*waits), tt.wantAttempts)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("err = %v, want success", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestCallWaitsAsTheAPIAsks(t *testing.T) {
	handler, _ := scripted(throttled(1843), unavailable)
	client, retries, waits := retryClient(t, handler, 8)
	if err := describe(client, context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{1843 * time.Millisecond, 200 * time.Millisecond} // the hint, then backoff 0.5 × 400 ms
	if fmt.Sprint(*waits) != fmt.Sprint(want) {
		t.Errorf("waits = %v, want %v", *waits, want)
	}
	r := (*retries)[0]
	var apiErr *APIError
	if r.Attempt != 1 || r.Delay != want[0] || !errors.As(r.Err, &apiErr) || apiErr.Code != "Throttling.User" {
		t.Errorf("first retry logged as %+v", r)
	}
}

// No wait goes past the context's deadline: a retry that could not start
// in time is not waited for, and the error says why it stopped.
func TestCallNeverWaitsPastTheDeadline(t *testing.T) {
	handler, calls := scripted(throttled(5000))
	client, _, waits := retryClient(t, handler, 8)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := describe(client, ctx)
	var retriesErr *RetriesError
	if !errors.As(err, &retriesErr) || !strings.Contains(err.Error(), "the next attempt would start after the read timeout") ||
		!strings.Contains(err.Error(), "Throttling.User") {
		t.Fatalf("err = %v, want the throttling error and why no retry was made", err)
	}
	if calls.Load() != 1 || len(*waits) != 0 {
		t.Errorf("%d attempts and waits %v, want 1 attempt and no wait", calls.Load(), *waits)
	}
}

// A context ending during a wait ends the call at once, naming the last
// failure.
func TestCallStopsWhenTheContextEnds(t *testing.T) {
	handler, _ := scripted(unavailable, unavailable, unavailable)
	server := httptest.NewServer(handler)
	t.Cleanup(server.Close)
	ctx, cancel := context.WithCancel(context.Background())
	var draws atomic.Int32
	client, err := NewClient(Config{
		Endpoint: strings.TrimPrefix(server.URL, "http://"), Protocol: "HTTP", Credential: testCredential(t),
		Retry: RetryPolicy{MaxRetries: 8, Base: time.Hour, Cap: time.Hour, Random: func() float64 {
			return float64(draws.Add(1) - 1) // no wait, then an hour's
		}},
		OnRetry: func(_ context.Context, r Retry) {
			if r.Attempt == 2 {
				cancel() // as the wait of an hour begins
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- describe(client, ctx) }()
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		t.Fatal("the call did not end when its context was cancelled")
	}
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "after 2 attempts") || !strings.Contains(err.Error(), "ServiceUnavailable") {
		t.Errorf("err = %v, want cancellation after 2 attempts naming the last failure", err)
	}
}
