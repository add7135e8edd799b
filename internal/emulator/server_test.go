package emulator

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
)

var allJobs = []string{"1000000004", "1000000002", "1000000003", "1000000001"}

func TestAcceptsSignedCalls(t *testing.T) {
	creds := []struct {
		name            string
		ak, secret, tok string
	}{
		{"access key", testAK, testSecret, ""},
		{"STS token", stsAK, stsSecret, stsToken},
	}
	for _, m := range modes {
		for _, cr := range creds {
			for _, method := range []string{"POST", "GET"} {
				t.Run(m.name+"/"+cr.name+"/"+method, func(t *testing.T) {
					s, endpoint := startServer(t)
					c := newClient(t, endpoint, clientConfig{legacy: m.legacy, ak: cr.ak, secret: cr.secret, token: cr.tok})
					p := apiParams()
					p.Method = dara.String(method)

					body, _ := mustCall(t, c, p, query("DBClusterId", clusterJobs))

					if got := jobIDs(t, body); !slices.Equal(got, allJobs) {
						t.Errorf("BackupJobIds = %v, want %v", got, allJobs)
					}
					items := body["Items"].(map[string]any)["BackupJob"].([]any)
					wantFirst := map[string]any{
						"StartTime": "2024-03-04T01:00:00Z", "Process": "100", "BackupJobId": "1000000004",
						"JobMode": "Automated", "BackupProgressStatus": "Finished", "TaskAction": "NormalBackupTask",
					}
					if !maps.Equal(items[0].(map[string]any), wantFirst) {
						t.Errorf("first job = %v, want %v", items[0], wantFirst)
					}
					want := RecordedRequest{
						Action: "DescribeBackupTasks", Version: "2017-08-01",
						Params:        map[string]string{"DBClusterId": clusterJobs},
						SignatureMode: m.mode, AccessKeyID: cr.ak,
					}
					assertRecorded(t, s, want)
				})
			}
		}
	}
}

func assertRecorded(t *testing.T, s *Server, want ...RecordedRequest) {
	t.Helper()
	got := s.Requests()
	if len(got) != len(want) {
		t.Fatalf("recorded %d requests, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if !maps.Equal(g.Params, w.Params) || g.Action != w.Action || g.Version != w.Version ||
			g.SignatureMode != w.SignatureMode || g.AccessKeyID != w.AccessKeyID || g.Code != w.Code {
			t.Errorf("request %d recorded as %+v, want %+v", i, g, w)
		}
	}
}

func TestFilters(t *testing.T) {
	tests := []struct {
		name  string
		query []string
		want  []string
	}{
		{"no filter", nil, allJobs},
		{"job id", []string{"BackupJobId", "1000000003"}, []string{"1000000003"}},
		{"unknown job id", []string{"BackupJobId", "999"}, []string{}},
		{"job id is exact", []string{"BackupJobId", "100000000"}, []string{}},
		{"automated", []string{"BackupMode", "Automated"}, []string{"1000000004", "1000000003"}},
		{"manual", []string{"BackupMode", "Manual"}, []string{"1000000002", "1000000001"}},
		{"empty mode is no filter", []string{"BackupMode", ""}, allJobs},
		{"both", []string{"BackupMode", "Manual", "BackupJobId", "1000000001"}, []string{"1000000001"}},
		{"both, disjoint", []string{"BackupMode", "Automated", "BackupJobId", "1000000001"}, []string{}},
	}
	for _, m := range modes {
		_, endpoint := startServer(t)
		c := newClient(t, endpoint, clientConfig{legacy: m.legacy, ak: testAK, secret: testSecret})
		for _, tt := range tests {
			t.Run(m.name+"/"+tt.name, func(t *testing.T) {
				body, _ := mustCall(t, c, apiParams(), query(append([]string{"DBClusterId", clusterJobs}, tt.query...)...))
				if got := jobIDs(t, body); !slices.Equal(got, tt.want) {
					t.Errorf("BackupJobIds = %v, want %v", got, tt.want)
				}
			})
		}
		t.Run(m.name+"/cluster without jobs", func(t *testing.T) {
			body, _ := mustCall(t, c, apiParams(), query("DBClusterId", clusterEmpty))
			if got := jobIDs(t, body); len(got) != 0 {
				t.Errorf("BackupJobIds = %v, want none", got)
			}
		})
	}
}

// The SDK decodes null and [] alike, so check the bytes on the wire.
func TestEmptyListIsArrayNotNull(t *testing.T) {
	_, endpoint := startServer(t)
	rec := &recorder{forward: true}
	c := newClient(t, endpoint, clientConfig{ak: testAK, secret: testSecret, httpClient: rec})
	for _, q := range [][]string{
		{"DBClusterId", clusterEmpty},
		{"DBClusterId", clusterJobs, "BackupJobId", "none"},
	} {
		mustCall(t, c, apiParams(), query(q...))
		answer := string(rec.answers[len(rec.answers)-1])
		if !strings.Contains(answer, `"Items":{"BackupJob":[]}`) {
			t.Errorf("%v: answer %s, want Items.BackupJob to be []", q, answer)
		}
	}
}

func lateClock() time.Time { return time.Now().Add(16 * time.Minute) }

func earlyClock() time.Time { return time.Now().Add(-16 * time.Minute) }

type refusalCase struct {
	name       string
	client     clientConfig
	clock      func() time.Time
	action     string
	version    string
	query      []string
	wantStatus int
	wantCode   string
	wantMsg    string
}

var refusalCases = []refusalCase{
	{name: "wrong secret", client: clientConfig{ak: testAK, secret: "not-the-secret"},
		wantStatus: 400, wantCode: "SignatureDoesNotMatch"},
	{name: "secret of another key", client: clientConfig{ak: testAK, secret: stsSecret},
		wantStatus: 400, wantCode: "SignatureDoesNotMatch"},
	{name: "unknown key", client: clientConfig{ak: "LTAI5tUnknownKey000000000", secret: testSecret},
		wantStatus: 404, wantCode: "InvalidAccessKeyId.NotFound"},
	{name: "server clock 16 min ahead", clock: lateClock,
		wantStatus: 400, wantCode: "InvalidTimeStamp.Expired"},
	{name: "server clock 16 min behind", clock: earlyClock,
		wantStatus: 400, wantCode: "InvalidTimeStamp.Expired"},
	{name: "unknown action", action: "DescribeDBClusters",
		wantStatus: 404, wantCode: "InvalidApi.NotFound"},
	{name: "wrong version", version: "2020-01-01",
		wantStatus: 404, wantCode: "InvalidApi.NotFound"},
	{name: "no DBClusterId", query: []string{},
		wantStatus: 400, wantCode: "MissingDBClusterId"},
	{name: "empty DBClusterId", query: []string{"DBClusterId", ""},
		wantStatus: 400, wantCode: "MissingDBClusterId"},
	{name: "unknown cluster", query: []string{"DBClusterId", "pc-bp1unknown0000001"},
		wantStatus: 400, wantCode: "InvalidDBClusterId.NotFound",
		wantMsg: "The DBClusterId provided does not exist in our records."},
	{name: "bad BackupMode", query: []string{"DBClusterId", clusterJobs, "BackupMode", "manual"},
		wantStatus: 400, wantCode: "InvalidBackupMode.Malformed",
		wantMsg: "The specified parameter BackupMode is not valid."},
	{name: "STS key without token", client: clientConfig{ak: stsAK, secret: stsSecret},
		wantStatus: 400, wantCode: "InvalidSecurityToken.Malformed"},
	{name: "STS key with another token", client: clientConfig{ak: stsAK, secret: stsSecret, token: "CAIS-other-token"},
		wantStatus: 400, wantCode: "InvalidSecurityToken.MismatchWithAccessKey"},
	{name: "token for a key without one", client: clientConfig{ak: testAK, secret: testSecret, token: stsToken},
		wantStatus: 400, wantCode: "InvalidSecurityToken.MismatchWithAccessKey"},
}

func TestRefusals(t *testing.T) {
	for _, m := range modes {
		for _, tt := range refusalCases {
			t.Run(m.name+"/"+tt.name, func(t *testing.T) {
				var opts []Option
				if tt.clock != nil {
					opts = append(opts, WithClock(tt.clock))
				}
				s, endpoint := startServer(t, opts...)
				cfg := tt.client
				if cfg.ak == "" {
					cfg = clientConfig{ak: testAK, secret: testSecret}
				}
				cfg.legacy = m.legacy
				c := newClient(t, endpoint, cfg)
				p := apiParams()
				if tt.action != "" {
					p.Action = dara.String(tt.action)
				}
				if tt.version != "" {
					p.Version = dara.String(tt.version)
				}
				q := tt.query
				if q == nil {
					q = []string{"DBClusterId", clusterJobs}
				}

				_, err := call(t, c, p, query(q...))

				code, body := assertRefused(t, err, tt.wantStatus, tt.wantCode, tt.wantMsg)
				for _, secret := range []string{testSecret, stsSecret, cfg.secret, stsToken} {
					if strings.Contains(body.Message, secret) {
						t.Errorf("Message %q reveals %q", body.Message, secret)
					}
				}
				if !requestIDPattern.MatchString(body.RequestId) || body.HostId != endpoint || body.Code != code {
					t.Errorf("error body %+v: want a request ID, HostId %s, Code %s", body, endpoint, code)
				}
				recs := s.Requests()
				if len(recs) != 1 || recs[0].Code != tt.wantCode {
					t.Errorf("recorded %+v, want one request with code %s", recs, tt.wantCode)
				}
			})
		}
	}
}

func TestClockSkewWithinLimitIsAccepted(t *testing.T) {
	for _, skew := range []time.Duration{-14 * time.Minute, 14 * time.Minute} {
		for _, m := range modes {
			t.Run(fmt.Sprint(m.name, skew), func(t *testing.T) {
				_, endpoint := startServer(t, WithClock(func() time.Time { return time.Now().Add(skew) }))
				c := newClient(t, endpoint, clientConfig{legacy: m.legacy, ak: testAK, secret: testSecret})
				mustCall(t, c, apiParams(), query("DBClusterId", clusterJobs))
			})
		}
	}
}

func TestFreshRequestIDs(t *testing.T) {
	_, endpoint := startServer(t)
	c := newClient(t, endpoint, clientConfig{ak: testAK, secret: testSecret})
	seen := map[string]bool{}
	for range 5 {
		body, headers := mustCall(t, c, apiParams(), query("DBClusterId", clusterJobs))
		id, _ := body["RequestId"].(string)
		if !requestIDPattern.MatchString(id) {
			t.Fatalf("RequestId %q is not an upper-case UUID", id)
		}
		if h := headers["x-acs-request-id"]; h != id {
			t.Errorf("x-acs-request-id = %v, body RequestId = %s", h, id)
		}
		if seen[id] {
			t.Errorf("RequestId %s repeated", id)
		}
		seen[id] = true
	}
	for range 2 {
		_, err := call(t, c, apiParams(), query("DBClusterId", "pc-unknown"))
		_, _, body := apiErrorOf(t, err)
		if !requestIDPattern.MatchString(body.RequestId) || seen[body.RequestId] {
			t.Errorf("error RequestId %q is not a fresh upper-case UUID", body.RequestId)
		}
		seen[body.RequestId] = true
	}
}

// A raw request without any signature shows the whole error envelope.
func TestErrorEnvelope(t *testing.T) {
	_, endpoint := startServer(t)
	resp, err := loopback.Post("http://"+endpoint+"/?Action=DescribeBackupTasks&Version=2017-08-01&DBClusterId="+clusterJobs, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body errorBody
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 400 || body.Code != "IncompleteSignature" {
		t.Fatalf("answered %d %+v, want 400 IncompleteSignature", resp.StatusCode, body)
	}
	wantRecommend := "https://api.aliyun.com/troubleshoot?q=IncompleteSignature&product=polardb&requestId=" + body.RequestId
	if body.Recommend != wantRecommend || body.HostId != endpoint || !requestIDPattern.MatchString(body.RequestId) || body.Message == "" {
		t.Errorf("error body %+v", body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if id := resp.Header.Get("x-acs-request-id"); id != body.RequestId {
		t.Errorf("x-acs-request-id = %q, body RequestId = %q", id, body.RequestId)
	}
}

func TestRecordsExactParams(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			s, endpoint := startServer(t)
			c := newClient(t, endpoint, clientConfig{legacy: m.legacy, ak: testAK, secret: testSecret})
			req := query("DBClusterId", clusterJobs, "BackupJobId", "1000000002", "BackupMode", "Manual")
			mustCall(t, c, apiParams(), req)
			// A parameter sent in the form body counts as well.
			req = query("DBClusterId", clusterJobs, "RegionId", "cn-hangzhou")
			req.Body = map[string]any{"BackupMode": "Automated"}
			body, _ := mustCall(t, c, apiParams(), req)
			if got := jobIDs(t, body); !slices.Equal(got, []string{"1000000004", "1000000003"}) {
				t.Errorf("body filter ignored: %v", got)
			}
			bad := newClient(t, endpoint, clientConfig{legacy: m.legacy, ak: "LTAI5tUnknownKey000000000", secret: "x"})
			if _, err := call(t, bad, apiParams(), query("DBClusterId", clusterJobs)); err == nil {
				t.Fatal("unknown key accepted")
			}

			ok := RecordedRequest{Action: "DescribeBackupTasks", Version: "2017-08-01", SignatureMode: m.mode, AccessKeyID: testAK}
			first, second, refused := ok, ok, ok
			first.Params = map[string]string{"DBClusterId": clusterJobs, "BackupJobId": "1000000002", "BackupMode": "Manual"}
			second.Params = map[string]string{"DBClusterId": clusterJobs, "RegionId": "cn-hangzhou", "BackupMode": "Automated"}
			refused.Params = map[string]string{"DBClusterId": clusterJobs}
			refused.AccessKeyID, refused.Code = "LTAI5tUnknownKey000000000", "InvalidAccessKeyId.NotFound"
			assertRecorded(t, s, first, second, refused)
			for _, r := range s.Requests() {
				if !strings.Contains(r.UserAgent, "TeaDSL/") {
					t.Errorf("recorded User-Agent %q, want the SDK's", r.UserAgent)
				}
			}

			// Requests returns a copy.
			s.Requests()[0].Params["DBClusterId"] = "changed"
			if s.Requests()[0].Params["DBClusterId"] != clusterJobs {
				t.Error("Requests shares its maps with the server")
			}
			s.Reset()
			if n := len(s.Requests()); n != 0 {
				t.Errorf("after Reset, %d requests recorded", n)
			}
		})
	}
}

func TestOnlyGetAndPost(t *testing.T) {
	s, endpoint := startServer(t)
	for _, method := range []string{"PUT", "DELETE", "PATCH", "OPTIONS"} {
		c := captured{method: method, url: "http://" + endpoint + "/?Action=DescribeBackupTasks&Version=2017-08-01", host: endpoint, header: http.Header{}}
		status, body := send(t, c, nil)
		if status != http.StatusMethodNotAllowed || body.Code != "UnsupportedHTTPMethod" {
			t.Errorf("%s answered %d %s", method, status, body.Code)
		}
	}
	if n := len(s.Requests()); n != 4 {
		t.Errorf("recorded %d requests, want 4", n)
	}
}

func TestConcurrentCalls(t *testing.T) {
	s, endpoint := startServer(t)
	clients := []clientConfig{
		{ak: testAK, secret: testSecret},
		{legacy: true, ak: testAK, secret: testSecret},
		{ak: stsAK, secret: stsSecret, token: stsToken},
		{legacy: true, ak: stsAK, secret: stsSecret, token: stsToken},
	}
	const workers, calls = 16, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*calls)
	for w := range workers {
		c := newClient(t, endpoint, clients[w%len(clients)])
		wg.Go(func() {
			for range calls {
				if _, err := call(t, c, apiParams(), query("DBClusterId", clusterJobs, "BackupMode", "Manual")); err != nil {
					errs <- err
				}
				s.Requests() // readers race with writers too
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	recs := s.Requests()
	if len(recs) != workers*calls {
		t.Fatalf("recorded %d requests, want %d", len(recs), workers*calls)
	}
	for _, r := range recs {
		if r.Code != "" {
			t.Errorf("request refused: %+v", r)
		}
	}
}

func TestSampleDataServes(t *testing.T) {
	d := SampleData()
	if err := d.validate(); err != nil {
		t.Fatalf("SampleData is not valid: %v", err)
	}
	ts := New(d)
	srv := startHandler(t, ts)
	c := newClient(t, srv, clientConfig{ak: "LTAI5tDemoAccessKey000000", secret: "demo-secret-not-a-real-key"})
	body, _ := mustCall(t, c, apiParams(), query("DBClusterId", "pc-2zedemo0000000001"))
	items := body["Items"].(map[string]any)["BackupJob"].([]any)
	var got []string
	for _, it := range items {
		j := it.(map[string]any)
		got = append(got, fmt.Sprint(j["BackupProgressStatus"], "/", j["JobMode"], "/", j["TaskAction"], "/", j["Process"]))
	}
	want := []string{"Finished/Automated/NormalBackupTask/100", "Uploading/Manual/TempBackupTask/42", "NoStart/Automated/NormalBackupTask/0"}
	if !slices.Equal(got, want) {
		t.Errorf("demo cluster 1 jobs = %v, want %v", got, want)
	}
	body, _ = mustCall(t, c, apiParams(), query("DBClusterId", "pc-2zedemo0000000002"))
	if ids := jobIDs(t, body); len(ids) != 0 {
		t.Errorf("demo cluster 2 jobs = %v, want none", ids)
	}
}
