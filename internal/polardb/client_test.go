package polardb

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/credentials-go/credentials"
	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
	"github.com/polardb-community/terraform-provider-polardb/internal/testsupport"
)

func TestMain(m *testing.M) { testsupport.Run(m) }

const okBody = `{"RequestId":"REQ-1","Items":{"BackupJob":[
 {"StartTime":"2020-08-08T07:24:01Z","Process":"0","BackupJobId":"11111111","JobMode":"Automated","BackupProgressStatus":"NoStart","TaskAction":"NormalBackupTask"},
 {"StartTime":"2020-08-09T07:24:01Z","Process":"42","BackupJobId":"22222222","JobMode":"Manual","BackupProgressStatus":"Uploading","TaskAction":"TempBackupTask"}]}}`

func testCredential(t testing.TB) credentials.Credential {
	return credentialFor(t, "LTAI5tTestKeyId0000", "test-secret-value")
}

func benchCredential(t testing.TB) credentials.Credential {
	return credentialFor(t, benchKeyID, benchSecret)
}

func credentialFor(t testing.TB, id, secret string) credentials.Credential {
	t.Helper()
	c, err := credentials.NewCredential(&credentials.Config{
		Type: dara.String("access_key"), AccessKeyId: dara.String(id), AccessKeySecret: dara.String(secret),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const testUserAgent = "terraform-provider-polardb/test terraform/1.11.4 ci-pipeline/7"

// newTestClient points a client at an httptest server answering with handler.
func newTestClient(t testing.TB, handler http.HandlerFunc, readTimeout time.Duration) *Client {
	t.Helper()
	server := httptest.NewServer(handler)
	t.Cleanup(server.Close)
	client, err := NewClient(Config{
		Endpoint:    strings.TrimPrefix(server.URL, "http://"),
		Protocol:    "HTTP",
		Credential:  testCredential(t),
		UserAgent:   testUserAgent,
		ReadTimeout: readTimeout,
	})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// newEmulatedClient is a client, with retry, of an emulator serving
// clusters to the matrix's access key, built with opts.
func newEmulatedClient(t testing.TB, retry RetryPolicy, clusters []emulator.Cluster, opts ...emulator.Option) (*emulator.Server, *Client) {
	t.Helper()
	server := newMatrixEmulator(clusters, opts...)
	return server, newMatrixClient(t, retry, server)
}

// newMatrixEmulator is an emulator serving clusters to the matrix's access
// key, built with opts.
func newMatrixEmulator(clusters []emulator.Cluster, opts ...emulator.Option) *emulator.Server {
	return emulator.New(emulator.Data{
		Credentials: []emulator.Credential{{AccessKeyID: matrixKeyID, AccessKeySecret: matrixSecret}},
		Clusters:    clusters,
	}, opts...)
}

// newMatrixClient is a client, with retry and the matrix's access key, of
// handler served over HTTP.
func newMatrixClient(t testing.TB, retry RetryPolicy, handler http.Handler) *Client {
	t.Helper()
	ts := httptest.NewServer(handler)
	t.Cleanup(ts.Close)
	client, err := NewClient(Config{Endpoint: strings.TrimPrefix(ts.URL, "http://"), Protocol: "HTTP",
		Credential: credentialFor(t, matrixKeyID, matrixSecret), Retry: retry})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// noWait is a RetryPolicy.Sleep that does not wait, for tests of what a
// retry does, not of its pacing.
func noWait(ctx context.Context, _ time.Duration) error { return ctx.Err() }

func answer(status int, contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
}

func TestDescribeBackupTasksDecodesJobsAndSendsOnlySetParameters(t *testing.T) {
	var got *http.Request
	client := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(context.Background())
		answer(200, "application/json", okBody)(w, r)
	}, 0)

	resp, err := client.DescribeBackupTasks(context.Background(), &DescribeBackupTasksRequest{DBClusterId: dara.String("pc-abc")})
	if err != nil {
		t.Fatal(err)
	}
	if got.Method != http.MethodPost || got.URL.Path != "/" {
		t.Errorf("request = %s %s, want POST /", got.Method, got.URL.Path)
	}
	if h := got.Header; h.Get("x-acs-action") != "DescribeBackupTasks" || h.Get("x-acs-version") != "2017-08-01" ||
		!strings.HasPrefix(h.Get("Authorization"), "ACS3-HMAC-SHA256 ") {
		t.Errorf("headers = %v, want ACS3-HMAC-SHA256 signed DescribeBackupTasks 2017-08-01", h)
	}
	if ua := got.Header.Get("User-Agent"); !strings.Contains(ua, testUserAgent) {
		t.Errorf("User-Agent = %q, want it to carry %q", ua, testUserAgent)
	}
	if q := got.URL.Query(); q.Get("DBClusterId") != "pc-abc" || q.Has("BackupJobId") || q.Has("BackupMode") {
		t.Errorf("query = %v, want DBClusterId only", q)
	}
	jobs := resp.Body.Items.BackupJob
	if len(jobs) != 2 || *jobs[1].BackupJobId != "22222222" || *jobs[1].Process != "42" ||
		*jobs[1].BackupProgressStatus != "Uploading" || *jobs[1].TaskAction != "TempBackupTask" || *resp.Body.RequestId != "REQ-1" {
		t.Errorf("decoded %+v", resp.Body)
	}

	_, err = client.DescribeBackupTasks(context.Background(), &DescribeBackupTasksRequest{
		DBClusterId: dara.String("pc-abc"), BackupJobId: dara.String("11111111"), BackupMode: dara.String("Manual"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if q := got.URL.Query(); q.Get("BackupJobId") != "11111111" || q.Get("BackupMode") != "Manual" {
		t.Errorf("query = %v, want both filters", q)
	}
}

type describeErrorCase struct {
	name    string
	handler http.HandlerFunc
	check   func(t *testing.T, err error)
}

var describeErrorCases = []describeErrorCase{{
	name: "API error keeps status, code, message, request ID and recommend",
	handler: answer(400, "application/json", `{"RequestId":"REQ-404","HostId":"polardb.aliyuncs.com","Code":"InvalidDBClusterId.NotFound",`+
		`"Message":"The DBClusterId provided does not exist in our records.","Recommend":"https://api.aliyun.com/troubleshoot?q=x"}`),
	check: func(t *testing.T, err error) {
		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("err = %T %v, want *APIError", err, err)
		}
		want := APIError{StatusCode: 400, Code: "InvalidDBClusterId.NotFound", Message: "The DBClusterId provided does not exist in our records.",
			RequestID: "REQ-404", Recommend: "https://api.aliyun.com/troubleshoot?q=x", HostID: "polardb.aliyuncs.com"}
		if *apiErr != want {
			t.Errorf("got %+v, want %+v", *apiErr, want)
		}
	},
}, {
	name:    "server error 503",
	handler: answer(503, "application/json", `{"RequestId":"REQ-503","Code":"ServiceUnavailable","Message":"The request has failed due to a temporary failure of the server."}`),
	check: func(t *testing.T, err error) {
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.Code != "ServiceUnavailable" || apiErr.RequestID != "REQ-503" {
			t.Fatalf("err = %#v", err)
		}
	},
}, {
	name:    "throttling",
	handler: answer(400, "application/json", `{"RequestId":"REQ-T","Code":"Throttling.User","Message":"Request was denied due to user flow control."}`),
	check: func(t *testing.T, err error) {
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Code != "Throttling.User" || apiErr.RequestID != "REQ-T" {
			t.Fatalf("err = %#v", err)
		}
	},
}, {
	name:    "an error code in a 200 whose other fields have no usable shape",
	handler: answer(200, "application/json", `{"RequestId":"REQ-F","Code":"Forbidden.RAM","Message":"no","Items":{"BackupJob":"oops"}}`),
	check: func(t *testing.T, err error) {
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Code != "Forbidden.RAM" || apiErr.RequestID != "REQ-F" {
			t.Fatalf("err = %#v, want the APIError the Code tells", err)
		}
	},
}, {
	name:    "HTML 502 from a proxy",
	handler: answer(502, "text/html", "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"),
	check: func(t *testing.T, err error) {
		var respErr *ResponseError
		if !errors.As(err, &respErr) || respErr.StatusCode != 502 || respErr.ContentType != "text/html" {
			t.Fatalf("err = %#v", err)
		}
		if want := "502 Bad Gateway 502 Bad Gateway nginx"; respErr.Excerpt != want {
			t.Errorf("excerpt = %q, want %q", respErr.Excerpt, want)
		}
		if !strings.Contains(err.Error(), "HTTP 502") || !strings.Contains(err.Error(), "not valid JSON") {
			t.Errorf("message = %q", err)
		}
	},
}, {
	name:    "truncated 200 body",
	handler: answer(200, "application/json", okBody[:60]),
	check: func(t *testing.T, err error) {
		var respErr *ResponseError
		if !errors.As(err, &respErr) || respErr.StatusCode != 200 || respErr.Problem != "body is not valid JSON" {
			t.Fatalf("err = %#v", err)
		}
	},
}, {
	name:    "empty 200 body",
	handler: answer(200, "application/json", ""),
	check: func(t *testing.T, err error) {
		var respErr *ResponseError
		if !errors.As(err, &respErr) || respErr.Problem != "empty body" {
			t.Fatalf("err = %#v", err)
		}
	},
}, {
	name:    "200 of the wrong shape",
	handler: answer(200, "application/json", `{"RequestId":"R","Items":{"BackupJob":"oops"}}`),
	check: func(t *testing.T, err error) {
		var respErr *ResponseError
		if !errors.As(err, &respErr) || !strings.Contains(respErr.Problem, "DescribeBackupTasks shape") || strings.Contains(err.Error(), "content-length") {
			t.Fatalf("err = %#v", err)
		}
		if respErr.RequestID != "R" || !strings.Contains(err.Error(), "(request ID R)") {
			t.Errorf("err = %q (RequestID %q), want it to carry the answer's request ID R", err, respErr.RequestID)
		}
	},
}, {
	name:    "200 of the wrong shape, its request ID a number",
	handler: answer(200, "application/json", `{"RequestId":42,"Items":{"BackupJob":[{"Process":{}}]}}`),
	check: func(t *testing.T, err error) {
		var respErr *ResponseError
		if !errors.As(err, &respErr) || respErr.RequestID != "42" ||
			!strings.Contains(err.Error(), "Items.BackupJob[0].Process: an object where a string is expected (request ID 42)") {
			t.Fatalf("err = %v (%#v)", err, err)
		}
	},
}, {
	name:    "200 of the wrong shape, without a request ID",
	handler: answer(200, "application/json", `{"RequestId":{},"Items":{"BackupJob":"oops"}}`),
	check: func(t *testing.T, err error) {
		var respErr *ResponseError
		if !errors.As(err, &respErr) || respErr.RequestID != "" || strings.Contains(err.Error(), "request ID") {
			t.Fatalf("err = %v (%#v)", err, err)
		}
	},
}}

func TestDescribeBackupTasksErrors(t *testing.T) {
	for _, tt := range describeErrorCases {
		t.Run(tt.name, func(t *testing.T) {
			client := newTestClient(t, tt.handler, 0)
			_, err := client.DescribeBackupTasks(context.Background(), &DescribeBackupTasksRequest{DBClusterId: dara.String("pc-abc")})
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), "test-secret-value") {
				t.Errorf("error leaks the secret: %v", err)
			}
			tt.check(t, err)
		})
	}
}

func TestNetworkErrorNamesTheHost(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := listener.Addr().String()
	listener.Close() // nothing listens there now: connection refused

	client, err := NewClient(Config{Endpoint: addr, Protocol: "HTTP", Credential: testCredential(t)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.DescribeBackupTasks(context.Background(), &DescribeBackupTasksRequest{DBClusterId: dara.String("pc-abc")})
	var netErr *NetworkError
	if !errors.As(err, &netErr) || netErr.Host != addr || !strings.Contains(err.Error(), addr) {
		t.Fatalf("err = %v, want a NetworkError naming %s", err, addr)
	}
	if strings.Contains(err.Error(), "DBClusterId") {
		t.Errorf("error repeats the request URL: %v", err)
	}
}

func TestReadTimeoutAndCancellationEndTheCall(t *testing.T) {
	release := make(chan struct{})
	hang := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}
	t.Cleanup(func() { close(release) })

	client := newTestClient(t, hang, 200*time.Millisecond)
	_, err := client.DescribeBackupTasks(context.Background(), &DescribeBackupTasksRequest{DBClusterId: dara.String("pc-abc")})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("read timeout: err = %v, want a deadline error", err)
	}

	client = newTestClient(t, hang, time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err = client.DescribeBackupTasks(ctx, &DescribeBackupTasksRequest{DBClusterId: dara.String("pc-abc")})
	var netErr *NetworkError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &netErr) {
		t.Errorf("cancel: err = %v, want a NetworkError wrapping context.Canceled", err)
	}
}

func TestConcurrentReadsShareKeepAliveConnections(t *testing.T) {
	var conns atomic.Int32
	server := httptest.NewUnstartedServer(answer(200, "application/json", okBody))
	server.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			conns.Add(1)
		}
	}
	server.Start()
	t.Cleanup(server.Close)
	client, err := NewClient(Config{Endpoint: strings.TrimPrefix(server.URL, "http://"), Protocol: "HTTP", Credential: testCredential(t)})
	if err != nil {
		t.Fatal(err)
	}

	const parallel, rounds = 10, 5
	for range rounds {
		var wg sync.WaitGroup
		for range parallel {
			wg.Go(func() {
				if _, err := client.DescribeBackupTasks(context.Background(), &DescribeBackupTasksRequest{DBClusterId: dara.String("pc-abc")}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		// A call returns once its answer is read; the transport puts the
		// connection back in its pool just after, on its own goroutine. On a
		// loaded machine the next round could otherwise start first, and
		// dial.
		time.Sleep(50 * time.Millisecond)
	}
	if n := conns.Load(); n > parallel {
		t.Errorf("%d reads opened %d connections, want at most %d (one per concurrent read)", parallel*rounds, n, parallel)
	}
}

func TestNewClientChecksItsConfig(t *testing.T) {
	if _, err := NewClient(Config{Region: "cn-hangzhou"}); err == nil {
		t.Error("no error without a credential")
	}
	if _, err := NewClient(Config{Region: "cn-hangzhou", Protocol: "FTP", Credential: testCredential(t)}); err == nil || !strings.Contains(err.Error(), "FTP") {
		t.Errorf("protocol FTP: %v, want an error naming it", err)
	}
	c, err := NewClient(Config{Region: "ap-southeast-1", Credential: testCredential(t)})
	if err != nil || c.Endpoint() != "polardb.ap-southeast-1.aliyuncs.com" {
		t.Errorf("endpoint = %q, %v", c.Endpoint(), err)
	}
}

func TestResolveEndpoint(t *testing.T) {
	resolve := func(region, endpoint, endpointType string) string {
		t.Helper()
		got, err := ResolveEndpoint(region, endpoint, endpointType)
		if err != nil {
			t.Errorf("ResolveEndpoint(%q, %q, %q): %v", region, endpoint, endpointType, err)
		}
		return got
	}
	central := []string{"cn-qingdao", "cn-beijing", "cn-wulanchabu", "cn-hangzhou", "cn-shanghai", "cn-heyuan", "cn-hangzhou-finance",
		"cn-beijing-finance-1", "cn-beijing-gov-1", "cn-edge-1", "cn-fujian", "cn-wuhan", "cn-zhangbei", "eu-west-1-oxs", "rus-west-1-pop"}
	for _, region := range central {
		for _, endpointType := range []string{"", "public"} {
			if got := resolve(region, "", endpointType); got != "polardb.aliyuncs.com" {
				t.Errorf("ResolveEndpoint(%q, %q) = %q, want polardb.aliyuncs.com", region, endpointType, got)
			}
		}
	}
	for _, region := range []string{"cn-shenzhen", "cn-hongkong", "ap-southeast-1", "us-west-1", "eu-central-1", "me-east-1", "xx-new-9"} {
		if got, want := resolve(region, "", ""), "polardb."+region+".aliyuncs.com"; got != want {
			t.Errorf("ResolveEndpoint(%q) = %q, want %q", region, got, want)
		}
	}
	for _, endpointType := range []string{"", "public", "vpc"} {
		if got := resolve("cn-hangzhou", "127.0.0.1:9000", endpointType); got != "127.0.0.1:9000" {
			t.Errorf("explicit endpoint lost with type %q: %q", endpointType, got)
		}
	}
}

// The aliyun CLI's product metadata lists a PolarDB VPC endpoint for these
// 30 regions, each polardb-vpc.<region>.aliyuncs.com; other regions have
// none to derive.
func TestResolveVPCEndpoint(t *testing.T) {
	listed := []string{"ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
		"ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "cn-beijing", "cn-chengdu", "cn-guangzhou", "cn-hangzhou",
		"cn-hangzhou-finance", "cn-heyuan", "cn-hongkong", "cn-huhehaote", "cn-qingdao", "cn-shanghai", "cn-shanghai-finance-1",
		"cn-shenzhen", "cn-shenzhen-finance-1", "cn-wulanchabu", "cn-zhangjiakou", "eu-central-1", "eu-west-1", "me-east-1",
		"na-south-1", "us-east-1", "us-west-1"}
	if len(vpcRegions) != len(listed) {
		t.Errorf("%d VPC regions, want the %d listed", len(vpcRegions), len(listed))
	}
	for _, region := range listed {
		got, err := ResolveEndpoint(region, "", "vpc")
		if want := "polardb-vpc." + region + ".aliyuncs.com"; got != want || err != nil {
			t.Errorf("ResolveEndpoint(%q, vpc) = %q, %v; want %q", region, got, err, want)
		}
	}
	for _, region := range []string{"cn-zhangbei", "cn-beijing-gov-1", "xx-new-9"} {
		got, err := ResolveEndpoint(region, "", "vpc")
		if err == nil || !strings.Contains(err.Error(), region) || !strings.Contains(err.Error(), "endpoint explicitly") {
			t.Errorf("ResolveEndpoint(%q, vpc) = %q, %v; want an error naming the region and the way out", region, got, err)
		}
	}
	if _, err := ResolveEndpoint("cn-hangzhou", "", "internal"); err == nil || !strings.Contains(err.Error(), "internal") {
		t.Errorf("an unknown endpoint type: %v", err)
	}
}

func TestExcerpt(t *testing.T) {
	for in, want := range map[string]string{
		"plain text":                       "plain text",
		"<p>a</p>\n\n<p>b</p>":             "a b",
		"bad \xff utf8\x00ctl":             "bad \uFFFD utf8 ctl",
		strings.Repeat("x", maxExcerpt+10): strings.Repeat("x", maxExcerpt) + "…",
	} {
		if got := excerpt([]byte(in)); got != want {
			t.Errorf("excerpt(%q) = %q, want %q", in, got, want)
		}
	}
}
