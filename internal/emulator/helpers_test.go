package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
	"github.com/polardb-community/terraform-provider-polardb/internal/testsupport"
)

func TestMain(m *testing.M) { testsupport.Run(m) }

const (
	testAK     = "LTAI5tTestAccessKey000001"
	testSecret = "test-secret-0001"
	stsAK      = "STS.NTestStsAccessKey0001"
	stsSecret  = "sts-secret-0001"
	stsToken   = "CAIS-test-security-token/+=0001"

	clusterJobs  = "pc-bp1test000000001"
	clusterEmpty = "pc-bp1test000000002"

	testAccount     = "1234567890123456"
	roleArn         = "acs:ram::" + testAccount + ":role/emulator-reader"
	partnerRoleArn  = "acs:ram::" + testAccount + ":role/partner-reader"
	externalID      = "partner-external-id-0001"
	oidcRoleArn     = "acs:ram::" + testAccount + ":role/ci-reader"
	oidcProviderArn = "acs:ram::" + testAccount + ":oidc-provider/ci-issuer"
	oidcToken       = "eyJhbGciOiJSUzI1NiJ9.test-oidc-token-0001.c2ln"
	instanceRoleArn = "acs:ram::" + testAccount + ":role/ecs-reader"
	instanceRole    = "ecs-reader"
)

var requestIDPattern = regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$`)

func testData() Data {
	job := func(id, mode, status, process, action string) BackupJob {
		return BackupJob{StartTime: "2024-03-0" + id[len(id)-1:] + "T01:00:00Z", Process: process, BackupJobId: id,
			JobMode: mode, BackupProgressStatus: status, TaskAction: action}
	}
	return Data{
		Credentials: []Credential{
			{AccessKeyID: testAK, AccessKeySecret: testSecret},
			{AccessKeyID: stsAK, AccessKeySecret: stsSecret, SecurityToken: stsToken},
		},
		Clusters: []Cluster{
			{ID: clusterJobs, BackupJobs: []BackupJob{
				job("1000000004", "Automated", "Finished", "100", "NormalBackupTask"),
				job("1000000002", "Manual", "Finished", "100", "TempBackupTask"),
				job("1000000003", "Automated", "NoStart", "0", "NormalBackupTask"),
				job("1000000001", "Manual", "Uploading", "42", "TempBackupTask"),
			}},
			{ID: clusterEmpty}, // nil jobs must still answer []
		},
		Roles: []Role{
			{Arn: roleArn},
			{Arn: partnerRoleArn, ExternalID: externalID},
			{Arn: oidcRoleArn, OIDCProviderArn: oidcProviderArn, OIDCTokens: []string{"another-token", oidcToken}},
			{Arn: instanceRoleArn, InstanceRole: true},
		},
	}
}

// startServer serves testData on a loopback httptest server and returns
// the server and its endpoint (host:port).
func startServer(t *testing.T, opts ...Option) (*Server, string) {
	t.Helper()
	s := New(testData(), opts...)
	return s, startHandler(t, s)
}

// The access key of a RAM user whose policies deny an action: startDenying.
const (
	deniedAK     = "LTAI5tReadOnly00000001"
	deniedSecret = "read-only-secret"
)

// startDenying is startServer with one more credential, deniedAK, that no
// RAM policy allows action.
func startDenying(t *testing.T, action string) (*Server, string) {
	t.Helper()
	data := testData()
	data.Credentials = append(data.Credentials, Credential{AccessKeyID: deniedAK, AccessKeySecret: deniedSecret, DeniedActions: []string{action}})
	s := New(data)
	return s, startHandler(t, s)
}

func startHandler(t *testing.T, h http.Handler) string {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return strings.TrimPrefix(ts.URL, "http://")
}

// startTLSHandler is startHandler over HTTPS, with the certificate that
// TestMain has the process trust.
func startTLSHandler(t *testing.T, h http.Handler) string {
	t.Helper()
	return strings.TrimPrefix(testsupport.ServeTLS(t, h).URL, "https://")
}

// clientConfig says how to build an SDK client.
type clientConfig struct {
	legacy     bool // SignatureAlgorithm "v2": HMAC-SHA1 RPC signatures
	https      bool
	ak, secret string
	token      string
	httpClient dara.HttpClient
}

var modes = []struct {
	name   string
	legacy bool
	mode   string
}{
	{"ACS3", false, modeACS3},
	{"v2", true, modeRPC},
}

func newClient(t *testing.T, endpoint string, c clientConfig) *openapi.Client {
	t.Helper()
	cfg := &openapiutil.Config{
		AccessKeyId:     dara.String(c.ak),
		AccessKeySecret: dara.String(c.secret),
		Endpoint:        dara.String(endpoint),
		Protocol:        dara.String("HTTP"),
		HttpClient:      c.httpClient,
	}
	if cfg.HttpClient == nil {
		// The SDK's shared default client writes its Timeout while other
		// calls read it (a data race inside dara), so each test client
		// brings its own.
		cfg.HttpClient = loopbackClient{}
	}
	if c.token != "" {
		cfg.SecurityToken = dara.String(c.token)
	}
	if c.legacy {
		cfg.SignatureAlgorithm = dara.String("v2")
	}
	if c.https {
		cfg.Protocol = dara.String("HTTPS")
	}
	client, err := openapi.NewClient(cfg)
	if err != nil {
		t.Fatalf("openapi.NewClient: %v", err)
	}
	return client
}

// apiParams describe a DescribeBackupTasks call as the SDK makes it.
func apiParams() *openapiutil.Params {
	p := polardb.RPCParams("DescribeBackupTasks")
	p.Protocol = dara.String("HTTP")
	return p
}

// stsParams describes an STS call as the darabonba SDK makes it.
func stsParams(action string) *openapiutil.Params {
	p := apiParams()
	p.Action = dara.String(action)
	p.Version = dara.String("2015-04-01")
	if action == "AssumeRoleWithOIDC" {
		p.AuthType = dara.String("Anonymous")
	}
	return p
}

// form builds a request with a form body from name, value pairs, the way
// STS takes its parameters.
func form(kv ...string) *openapiutil.OpenApiRequest {
	body := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		body[kv[i]] = kv[i+1]
	}
	return &openapiutil.OpenApiRequest{Body: body}
}

// query builds a request from name, value pairs.
func query(kv ...string) *openapiutil.OpenApiRequest {
	q := map[string]*string{}
	for i := 0; i+1 < len(kv); i += 2 {
		q[kv[i]] = dara.String(kv[i+1])
	}
	return &openapiutil.OpenApiRequest{Query: q}
}

func call(t *testing.T, c *openapi.Client, p *openapiutil.Params, req *openapiutil.OpenApiRequest) (map[string]any, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return c.CallApiWithCtx(ctx, p, req, &dara.RuntimeOptions{})
}

// mustCall expects success and returns the decoded body and headers.
func mustCall(t *testing.T, c *openapi.Client, p *openapiutil.Params, req *openapiutil.OpenApiRequest) (body map[string]any, headers map[string]any) {
	t.Helper()
	res, err := call(t, c, p, req)
	if err != nil {
		t.Fatalf("call refused: %v", err)
	}
	body, _ = res["body"].(map[string]any)
	headers, _ = res["headers"].(map[string]any)
	if body == nil {
		t.Fatalf("no JSON body in %v", res)
	}
	return body, headers
}

// jobIDs lists Items.BackupJob[].BackupJobId, failing unless BackupJob is a
// JSON array (never null).
func jobIDs(t *testing.T, body map[string]any) []string {
	t.Helper()
	items, _ := body["Items"].(map[string]any)
	list, ok := items["BackupJob"].([]any)
	if !ok {
		t.Fatalf("Items.BackupJob is not an array: %#v", body["Items"])
	}
	ids := []string{}
	for _, j := range list {
		job, _ := j.(map[string]any)
		id, _ := job["BackupJobId"].(string)
		ids = append(ids, id)
	}
	return ids
}

// assertRefused checks that a call was refused with wantStatus and wantCode
// (and wantMsg, unless empty), and returns the code and the error body.
func assertRefused(t *testing.T, err error, wantStatus int, wantCode, wantMsg string) (string, errorBody) {
	t.Helper()
	if err == nil {
		t.Fatal("call accepted, want a refusal")
	}
	code, status, body := apiErrorOf(t, err)
	if code != wantCode || status != wantStatus {
		t.Errorf("refused with %d %s (%s), want %d %s", status, code, body.Message, wantStatus, wantCode)
	}
	if wantMsg != "" && body.Message != wantMsg {
		t.Errorf("Message = %q, want %q", body.Message, wantMsg)
	}
	return code, body
}

// apiErrorOf unpacks an SDK error: the code, the HTTP status and the error
// body the server sent.
func apiErrorOf(t *testing.T, err error) (code string, status int, body errorBody) {
	t.Helper()
	sdkErr, ok := errors.AsType[*tea.SDKError](err)
	if !ok {
		t.Fatalf("not an SDK error: %T %v", err, err)
	}
	if sdkErr.Data != nil {
		if err := json.Unmarshal([]byte(*sdkErr.Data), &body); err != nil {
			t.Fatalf("error data %q: %v", *sdkErr.Data, err)
		}
	}
	return dara.StringValue(sdkErr.Code), dara.IntValue(sdkErr.StatusCode), body
}

// loopback sends replayed requests; it never uses a proxy.
var loopback = &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 10 * time.Second}

// loopbackClient is a dara.HttpClient that sends through loopback.
type loopbackClient struct{}

func (loopbackClient) Call(r *http.Request, _ *http.Transport) (*http.Response, error) {
	return loopback.Do(r)
}

// captured is a request exactly as the SDK handed it to its HTTP layer.
type captured struct {
	method, url, host string
	header            http.Header
	body              []byte
}

// captures keeps requests, safe for concurrent use.
type captures struct {
	mu      sync.Mutex
	reqs    []captured
	answers [][]byte // the raw answers, when a recorder forwards
}

func (cs *captures) add(c captured) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.reqs = append(cs.reqs, c)
}

func (cs *captures) last(t *testing.T) captured {
	t.Helper()
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if len(cs.reqs) == 0 {
		t.Fatal("no request captured")
	}
	return cs.reqs[len(cs.reqs)-1]
}

// recorder is a dara.HttpClient that keeps every request the SDK sends.
// With forward set it passes them on to the server and keeps the raw
// answers; otherwise it answers a canned success itself, so the captured
// request is still unused (its nonce fresh) on the server.
type recorder struct {
	forward bool
	captures
}

func (rc *recorder) Call(r *http.Request, _ *http.Transport) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		var err error
		if body, err = io.ReadAll(r.Body); err != nil {
			return nil, err
		}
	}
	// The SDK sets lower-case header keys directly; canonical ones let the
	// tests use Header.Get, Set and Del.
	header := http.Header{}
	for k, vs := range r.Header {
		for _, v := range vs {
			header.Add(k, v)
		}
	}
	rc.add(captured{r.Method, r.URL.String(), r.Host, header, body})
	if !rc.forward {
		return &http.Response{
			StatusCode: http.StatusOK,
			Header:     http.Header{"Content-Type": {"application/json"}},
			Body:       io.NopCloser(strings.NewReader(`{"RequestId":"captured","Items":{"BackupJob":[]}}`)),
			Request:    r,
		}, nil
	}
	out := r.Clone(r.Context())
	out.Body = io.NopCloser(bytes.NewReader(body))
	resp, err := loopback.Do(out)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	rc.mu.Lock()
	rc.answers = append(rc.answers, answer)
	rc.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(answer))
	return resp, nil
}

// send replays a copy of c, changed by mutate, and returns the status and
// the decoded error body (zero on success).
func send(t *testing.T, c captured, mutate func(*captured)) (int, errorBody) {
	t.Helper()
	c.header, c.body = c.header.Clone(), bytes.Clone(c.body)
	if mutate != nil {
		mutate(&c)
	}
	req, err := http.NewRequest(c.method, c.url, bytes.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header, req.Host = c.header, c.host
	resp, err := loopback.Do(req)
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var body errorBody
	if resp.StatusCode != http.StatusOK {
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatalf("error body %q: %v", raw, err)
		}
	}
	return resp.StatusCode, body
}

// editQuery changes the decoded value of one query parameter of c.
func editQuery(t *testing.T, c *captured, name string, edit func(string) string) {
	t.Helper()
	u, err := url.Parse(c.url)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if !q.Has(name) {
		t.Fatalf("no query parameter %s in %s", name, c.url)
	}
	q.Set(name, edit(q.Get(name)))
	u.RawQuery = q.Encode()
	c.url = u.String()
}

// flip changes one byte of s, its first letter or digit, into another of
// the same kind, so the result stays validly encoded.
func flip(t *testing.T, s string) string {
	t.Helper()
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= '0' && c <= '8', c >= 'a' && c <= 'y', c >= 'A' && c <= 'Y':
			b[i] = c + 1
			return string(b)
		case c == '9', c == 'z', c == 'Z':
			b[i] = c - 1
			return string(b)
		}
	}
	t.Fatalf("nothing to flip in %q", s)
	return ""
}

// tap keeps a copy of every request that reaches a handler, for clients
// such as credentials-go whose HTTP layer a test cannot replace.
type tap struct {
	next http.Handler
	captures
}

func (tp *tap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	tp.add(captured{r.Method, scheme + "://" + r.Host + r.URL.RequestURI(), r.Host, r.Header.Clone(), body})
	r.Body = io.NopCloser(bytes.NewReader(body))
	tp.next.ServeHTTP(w, r)
}

// testClock is a server clock that a test moves.
type testClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *testClock) set(offset time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = offset
}
