package emulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// serveDirect runs the handler without a network, so that a panic fails
// the test instead of being swallowed by net/http.
func serveDirect(t *testing.T, s *Server, r *http.Request) (int, errorBody) {
	t.Helper()
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	var body errorBody
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("answer %q is not JSON: %v", w.Body.String(), err)
	}
	return w.Code, body
}

func TestMalformedRequests(t *testing.T) {
	const rpc = "/?Action=DescribeBackupTasks&Version=2017-08-01"
	const legacyFields = rpc + "&AccessKeyId=" + testAK + "&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=n1&Timestamp="
	acs3 := func(auth string) func(*http.Request) {
		return func(r *http.Request) {
			r.Header.Set("Authorization", auth)
			r.Header.Set("x-acs-action", "DescribeBackupTasks")
			r.Header.Set("x-acs-version", "2017-08-01")
			r.Header.Set("x-acs-date", "2024-01-01T00:00:00Z")
			r.Header.Set("x-acs-signature-nonce", "n1")
			r.Header.Set("x-acs-content-sha256", hexSHA256(nil))
		}
	}
	tests := []struct {
		name     string
		method   string
		target   string
		body     string
		setup    func(*http.Request)
		wantCode string
	}{
		{name: "no parameters", target: "/", wantCode: "InvalidApi.NotFound"},
		{name: "bad escape in query", target: rpc + "&DBClusterId=%zz", wantCode: "IncompleteSignature"},
		{name: "semicolon in query", target: rpc + "&DBClusterId=x;y", wantCode: "IncompleteSignature"},
		{name: "bad escape in Action", target: "/?Action=%G1", wantCode: "InvalidApi.NotFound"},
		{name: "legacy, no Signature", target: legacyFields + "2024-01-01T00:00:00Z", wantCode: "IncompleteSignature"},
		{name: "legacy, SHA256 method", target: strings.Replace(legacyFields, "HMAC-SHA1", "HMAC-SHA256", 1) + "x&Signature=abc", wantCode: "IncompleteSignature"},
		{name: "legacy, unknown key", target: strings.Replace(legacyFields, testAK, "nobody", 1) + "x&Signature=abc", wantCode: "InvalidAccessKeyId.NotFound"},
		{name: "legacy, repeated parameter: the first counts", target: legacyFields + "x&Signature=abc&AccessKeyId=nobody", wantCode: "InvalidTimeStamp.Format"},
		{name: "legacy, garbage timestamp", target: legacyFields + "%00%FF&Signature=abc", wantCode: "InvalidTimeStamp.Format"},
		{name: "legacy, bad escape in form", method: "POST", target: legacyFields + "2024-01-01T00:00:00Z&Signature=abc",
			body: "DBClusterId=%", setup: func(r *http.Request) { r.Header.Set("Content-Type", "application/x-www-form-urlencoded") },
			wantCode: "InvalidTimeStamp.Expired"},
		{name: "body too large", method: "POST", target: rpc, body: strings.Repeat("a", maxBodyBytes+1), wantCode: "RequestEntityTooLarge"},
		{name: "ACS3, bare algorithm", target: "/", setup: acs3("ACS3-HMAC-SHA256"), wantCode: "IncompleteSignature"},
		{name: "ACS3, other algorithm", target: "/", setup: acs3("ACS3-HMAC-SM3 Credential=a,SignedHeaders=host,Signature=00"), wantCode: "IncompleteSignature"},
		{name: "ACS3, empty fields", target: "/", setup: acs3("ACS3-HMAC-SHA256 ,,,"), wantCode: "IncompleteSignature"},
		{name: "ACS3, repeated field", target: "/", setup: acs3("ACS3-HMAC-SHA256 Credential=a,Credential=b,SignedHeaders=host,Signature=00"), wantCode: "IncompleteSignature"},
		{name: "ACS3, no signature", target: "/", setup: acs3("ACS3-HMAC-SHA256 Credential=" + testAK + ",SignedHeaders=host"), wantCode: "IncompleteSignature"},
		{name: "ACS3, unsigned date", target: "/", setup: acs3("ACS3-HMAC-SHA256 Credential=" + testAK + ",SignedHeaders=host,Signature=00"), wantCode: "IncompleteSignature"},
		{name: "ACS3, huge header", target: "/", setup: func(r *http.Request) {
			acs3("ACS3-HMAC-SHA256 Credential=" + strings.Repeat("K", 1<<20) + ",SignedHeaders=x,Signature=00")(r)
		}, wantCode: "IncompleteSignature"},
		{name: "ACS3, unknown key", target: "/", setup: acs3("ACS3-HMAC-SHA256 Credential=nobody,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=00"),
			wantCode: "InvalidAccessKeyId.NotFound"},
		{name: "ACS3, stale", target: "/", setup: acs3("ACS3-HMAC-SHA256 Credential=" + testAK + ",SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=00"),
			wantCode: "InvalidTimeStamp.Expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(testData())
			method := tt.method
			if method == "" {
				method = "GET"
			}
			r := httptest.NewRequest(method, "http://polardb.test"+tt.target, strings.NewReader(tt.body))
			if tt.setup != nil {
				tt.setup(r)
			}
			status, body := serveDirect(t, s, r)
			if body.Code != tt.wantCode || status < 400 || status >= 500 {
				t.Errorf("answered %d %s (%s), want %s", status, body.Code, body.Message, tt.wantCode)
			}
			if recs := s.Requests(); len(recs) != 1 || recs[0].Code != body.Code {
				t.Errorf("recorded %+v", recs)
			}
		})
	}
}

// A malformed query cannot be rebuilt into a canonical string, so even a
// known key with a fresh timestamp is refused at the signature.
func TestMalformedQueryFailsSignature(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			_, endpoint := startServer(t)
			signed := captureSigned(t, endpoint, clientConfig{legacy: m.legacy, ak: testAK, secret: testSecret})
			status, body := send(t, signed, func(c *captured) { c.url += "&X=%zz" })
			if status != 400 || body.Code != "SignatureDoesNotMatch" {
				t.Errorf("answered %d %s (%s)", status, body.Code, body.Message)
			}
		})
	}
}

// FuzzServeHTTP checks that no input makes the handler panic or answer
// anything but a JSON refusal.
func FuzzServeHTTP(f *testing.F) {
	f.Add("POST", "Action=DescribeBackupTasks&Version=2017-08-01&Signature=%", "ACS3-HMAC-SHA256 Credential=a", "DBClusterId=pc-1")
	f.Add("GET", "%zz", "", "")
	f.Add("POST", "a=b;c", "ACS3-HMAC-SHA256 ,=,=,", "%%%")
	f.Add("POST", "Action=AssumeRoleWithOIDC&Version=2015-04-01", "", "RoleArn="+oidcRoleArn+"&RoleSessionName=s1&OIDCProviderArn="+oidcProviderArn+"&OIDCToken=x")
	// Without OIDC tokens, no request can succeed unsigned.
	d := testData()
	d.Roles[2].OIDCTokens = nil
	s := New(d)
	f.Fuzz(func(t *testing.T, method, rawQuery, auth, body string) {
		r := httptest.NewRequest("POST", "http://polardb.test/", strings.NewReader(body))
		r.Method = method
		r.URL.RawQuery = rawQuery
		r.Header.Set("Authorization", auth)
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code < 400 || !json.Valid(w.Body.Bytes()) {
			t.Errorf("answered %d %q", w.Code, w.Body.String())
		}
	})
}
