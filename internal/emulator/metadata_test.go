package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials/providers"
)

// metadataRequest sends one request as credentials-go's ECS provider does
// (providers/ecs_ram_role.go), with a header when name is not "".
func metadataRequest(t *testing.T, endpoint, method, path, name, value string) (status int, body string, header http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+endpoint+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if name != "" {
		req.Header.Set(name, value)
	}
	resp, err := loopback.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(raw), resp.Header
}

func metadataToken(t *testing.T, endpoint string) string {
	t.Helper()
	status, token, _ := metadataRequest(t, endpoint, "PUT", "/latest/api/token", "X-aliyun-ecs-metadata-token-ttl-seconds", "21600")
	if status != 200 || token == "" {
		t.Fatalf("IMDSv2 token: answered %d %q", status, token)
	}
	return token
}

// ecsCredentials asks the metadata service for the instance role's name,
// then its credentials, with token when not "" (IMDSv2), and checks the
// answer.
func ecsCredentials(t *testing.T, endpoint, token string) *providers.Credentials {
	t.Helper()
	header := ""
	if token != "" {
		header = "X-aliyun-ecs-metadata-token"
	}
	status, name, h := metadataRequest(t, endpoint, "GET", "/latest/meta-data/ram/security-credentials/", header, token)
	if status != 200 || name != instanceRole {
		t.Fatalf("role name: answered %d %q, want %s", status, name, instanceRole)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("role name Content-Type = %q", ct)
	}
	before := time.Now().UTC().Truncate(time.Second)
	status, body, h := metadataRequest(t, endpoint, "GET", "/latest/meta-data/ram/security-credentials/"+name, header, token)
	after := time.Now().UTC()
	if status != 200 || h.Get("Content-Type") != "application/json" {
		t.Fatalf("credentials: answered %d (%s) %q", status, h.Get("Content-Type"), body)
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("credentials %q: %v", body, err)
	}
	if got["Code"] != "Success" || !strings.HasPrefix(got["AccessKeyId"], "STS.") || got["AccessKeySecret"] == "" || got["SecurityToken"] == "" || len(got) != 6 {
		t.Errorf("credentials %v", got)
	}
	expires, err := time.Parse("2006-01-02T15:04:05Z", got["Expiration"])
	if err != nil || expires.Before(before.Add(time.Hour)) || expires.After(after.Add(time.Hour)) {
		t.Errorf("Expiration %q, want an hour from now", got["Expiration"])
	}
	if updated, err := time.Parse("2006-01-02T15:04:05Z", got["LastUpdated"]); err != nil || updated.Before(before) || updated.After(after) {
		t.Errorf("LastUpdated %q, want now", got["LastUpdated"])
	}
	return &providers.Credentials{AccessKeyId: got["AccessKeyId"], AccessKeySecret: got["AccessKeySecret"], SecurityToken: got["SecurityToken"]}
}

func TestMetadataIMDSv2(t *testing.T) {
	for _, opts := range [][]Option{nil, {WithIMDSv2Required()}} {
		s, endpoint := startServer(t, opts...)
		cc := ecsCredentials(t, endpoint, metadataToken(t, endpoint))
		c := newClient(t, endpoint, clientConfig{ak: cc.AccessKeyId, secret: cc.AccessKeySecret, token: cc.SecurityToken})
		mustCall(t, c, apiParams(), query("DBClusterId", clusterJobs))

		path := func(p string) map[string]string { return map[string]string{"Path": p} }
		assertRecorded(t, s,
			RecordedRequest{Action: "ECSMetadata", Params: path("/latest/api/token")},
			RecordedRequest{Action: "ECSMetadata", Params: path("/latest/meta-data/ram/security-credentials/")},
			RecordedRequest{Action: "ECSMetadata", Params: path("/latest/meta-data/ram/security-credentials/" + instanceRole)},
			RecordedRequest{Action: "DescribeBackupTasks", Version: "2017-08-01", Params: map[string]string{"DBClusterId": clusterJobs},
				SignatureMode: modeACS3, AccessKeyID: cc.AccessKeyId},
		)
	}
}

func TestMetadataIMDSv1(t *testing.T) {
	_, endpoint := startServer(t)
	cc := ecsCredentials(t, endpoint, "")
	c := newClient(t, endpoint, clientConfig{legacy: true, ak: cc.AccessKeyId, secret: cc.AccessKeySecret, token: cc.SecurityToken})
	mustCall(t, c, apiParams(), query("DBClusterId", clusterJobs))
}

func TestMetadataRefusals(t *testing.T) {
	const ttlHeader, tokenHeader = "X-aliyun-ecs-metadata-token-ttl-seconds", "X-aliyun-ecs-metadata-token"
	const creds = "/latest/meta-data/ram/security-credentials/"
	clock := &testClock{}
	tests := []struct {
		name          string
		opts          []Option
		method, path  string
		header, value string // value "expired" sends a token a second old with a ttl of 1
		wantStatus    int
		wantAllow     string
	}{
		{name: "token without ttl", method: "PUT", path: "/latest/api/token", wantStatus: 400},
		{name: "token ttl 0", method: "PUT", path: "/latest/api/token", header: ttlHeader, value: "0", wantStatus: 400},
		{name: "token ttl too long", method: "PUT", path: "/latest/api/token", header: ttlHeader, value: "21601", wantStatus: 400},
		{name: "token ttl not a number", method: "PUT", path: "/latest/api/token", header: ttlHeader, value: "6h", wantStatus: 400},
		{name: "token by GET", method: "GET", path: "/latest/api/token", header: ttlHeader, value: "60", wantStatus: 405, wantAllow: "PUT"},
		{name: "credentials by PUT", method: "PUT", path: creds + instanceRole, wantStatus: 405, wantAllow: "GET"},
		{name: "credentials by POST", method: "POST", path: creds + instanceRole, wantStatus: 405, wantAllow: "GET"},
		{name: "another role", method: "GET", path: creds + "emulator-reader", wantStatus: 404},
		{name: "another path", method: "GET", path: "/latest/meta-data/instance-id", wantStatus: 404},
		{name: "role name without the slash", method: "GET", path: strings.TrimSuffix(creds, "/"), wantStatus: 404},
		{name: "unknown token", method: "GET", path: creds, header: tokenHeader, value: "made-up", wantStatus: 401},
		{name: "expired token", method: "GET", path: creds + instanceRole, header: tokenHeader, value: "expired", wantStatus: 401},
		{name: "IMDSv2 required, no token", opts: []Option{WithIMDSv2Required()}, method: "GET", path: creds, wantStatus: 401},
		{name: "IMDSv2 required, no token for credentials", opts: []Option{WithIMDSv2Required()}, method: "GET", path: creds + instanceRole, wantStatus: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock.set(0)
			s, endpoint := startServer(t, append(tt.opts, WithClock(clock.now))...)
			value := tt.value
			if value == "expired" {
				_, value, _ = metadataRequest(t, endpoint, "PUT", "/latest/api/token", ttlHeader, "1")
				clock.set(time.Second)
				s.Reset()
			}

			status, body, h := metadataRequest(t, endpoint, tt.method, tt.path, tt.header, value)

			if status != tt.wantStatus || body != http.StatusText(status) {
				t.Errorf("answered %d %q, want %d", status, body, tt.wantStatus)
			}
			if got := h.Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tt.wantAllow)
			}
			recs := s.Requests()
			if len(recs) != 1 || recs[0].Action != "ECSMetadata" || recs[0].Params["Path"] != tt.path || recs[0].Code != http.StatusText(tt.wantStatus) {
				t.Errorf("recorded %+v", recs)
			}
		})
	}
}

func TestMetadataWithoutInstanceRole(t *testing.T) {
	d := testData()
	d.Roles = d.Roles[:1]
	endpoint := startHandler(t, New(d))
	for _, path := range []string{"/latest/meta-data/ram/security-credentials/", "/latest/meta-data/ram/security-credentials/" + instanceRole} {
		if status, body, _ := metadataRequest(t, endpoint, "GET", path, "", ""); status != 404 {
			t.Errorf("%s answered %d %q, want 404", path, status, body)
		}
	}
}

func TestCredentialsURI(t *testing.T) {
	s, endpoint := startServer(t)
	uri := func(name string) *providers.URLCredentialsProvider {
		p, err := providers.NewURLCredentialsProviderBuilder().WithUrl("http://" + endpoint + "/credentials-uri/" + name).Build()
		if err != nil {
			t.Fatal(err)
		}
		return p
	}

	cc, err := uri("emulator-reader").GetCredentials()
	if err != nil {
		t.Fatalf("credentials URI: %v", err)
	}
	if !strings.HasPrefix(cc.AccessKeyId, "STS.") {
		t.Errorf("AccessKeyId %q", cc.AccessKeyId)
	}
	c := newClient(t, endpoint, clientConfig{ak: cc.AccessKeyId, secret: cc.AccessKeySecret, token: cc.SecurityToken})
	mustCall(t, c, apiParams(), query("DBClusterId", clusterJobs))

	if _, err := uri("nobody").GetCredentials(); err == nil || !strings.Contains(err.Error(), "EntityNotExist.Role") {
		t.Errorf("unknown role: error %v, want EntityNotExist.Role", err)
	}
	status, body := send(t, captured{method: "POST", url: "http://" + endpoint + "/credentials-uri/emulator-reader", host: endpoint, header: http.Header{}}, nil)
	if status != 405 || body.Code != "UnsupportedHTTPMethod" || body.Message != "This http method is not supported. Use GET." {
		t.Errorf("POST answered %d %+v", status, body)
	}

	path := func(p string) map[string]string { return map[string]string{"Path": p} }
	assertRecorded(t, s,
		RecordedRequest{Action: "CredentialsURI", Params: path("/credentials-uri/emulator-reader")},
		RecordedRequest{Action: "DescribeBackupTasks", Version: "2017-08-01", Params: map[string]string{"DBClusterId": clusterJobs},
			SignatureMode: modeACS3, AccessKeyID: cc.AccessKeyId},
		RecordedRequest{Action: "CredentialsURI", Params: path("/credentials-uri/nobody"), Code: "EntityNotExist.Role"},
		RecordedRequest{Action: "CredentialsURI", Params: path("/credentials-uri/emulator-reader"), Code: "UnsupportedHTTPMethod"},
	)
}

// Whatever source hands out credentials, the log shows none of them, nor
// the OIDC token or the secrets of the data.
func TestLogHidesSecrets(t *testing.T) {
	var logged bytes.Buffer
	s, endpoint := startServer(t, WithLogger(log.New(&logged, "", 0)))
	secrets := []string{testSecret, stsSecret, stsToken, oidcToken}
	keep := func(body map[string]any) {
		creds := body["Credentials"].(map[string]any)
		secrets = append(secrets, creds["AccessKeySecret"].(string), creds["SecurityToken"].(string))
	}

	c := newClient(t, endpoint, clientConfig{ak: testAK, secret: testSecret})
	body, _ := mustCall(t, c, stsParams("AssumeRole"), form("RoleArn", roleArn, "RoleSessionName", "s1", "Policy", `{"Statement": []}`))
	keep(body)
	body, _ = mustCall(t, c, stsParams("AssumeRoleWithOIDC"),
		form("RoleArn", oidcRoleArn, "RoleSessionName", "s1", "OIDCProviderArn", oidcProviderArn, "OIDCToken", oidcToken))
	keep(body)
	_, _ = call(t, c, stsParams("AssumeRoleWithOIDC"),
		form("RoleArn", oidcRoleArn, "RoleSessionName", "s1", "OIDCProviderArn", oidcProviderArn, "OIDCToken", oidcToken+"-wrong"))
	token := metadataToken(t, endpoint)
	secrets = append(secrets, token)
	cc := ecsCredentials(t, endpoint, token)
	secrets = append(secrets, cc.AccessKeySecret, cc.SecurityToken)
	sts := newClient(t, endpoint, clientConfig{ak: stsAK, secret: stsSecret, token: stsToken})
	mustCall(t, sts, apiParams(), query("DBClusterId", clusterJobs))

	if lines := strings.Count(logged.String(), "\n"); lines != len(s.Requests()) {
		t.Errorf("%d log lines for %d requests:\n%s", lines, len(s.Requests()), logged.String())
	}
	for _, secret := range secrets {
		if strings.Contains(logged.String(), secret) {
			t.Errorf("the log shows %q:\n%s", secret, logged.String())
		}
	}
	if !strings.Contains(logged.String(), `action="AssumeRoleWithOIDC" cluster="" status=200`) ||
		!strings.Contains(logged.String(), `action="ECSMetadata" cluster="" status=200`) {
		t.Errorf("log lines missing:\n%s", logged.String())
	}
}
