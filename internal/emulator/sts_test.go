package emulator

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials/providers"
)

func staticAK(t *testing.T, ak, secret string) providers.CredentialsProvider {
	t.Helper()
	p, err := providers.NewStaticAKCredentialsProviderBuilder().WithAccessKeyId(ak).WithAccessKeySecret(secret).Build()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func staticSTS(t *testing.T, ak, secret, token string) providers.CredentialsProvider {
	t.Helper()
	p, err := providers.NewStaticSTSCredentialsProviderBuilder().WithAccessKeyId(ak).WithAccessKeySecret(secret).WithSecurityToken(token).Build()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// ramRole is credentials-go's AssumeRole client, as a provider configures it.
func ramRole(t *testing.T, endpoint string, previous providers.CredentialsProvider, arn string, configure ...func(*providers.RAMRoleARNCredentialsProviderBuilder)) *providers.RAMRoleARNCredentialsProvider {
	t.Helper()
	b := providers.NewRAMRoleARNCredentialsProviderBuilder().
		WithCredentialsProvider(previous).
		WithRoleArn(arn).
		WithRoleSessionName("emulator-test").
		WithStsEndpoint(endpoint)
	for _, c := range configure {
		c(b)
	}
	p, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// describeWith calls DescribeBackupTasks over HTTPS with cc, in both
// signature modes, and expects the cluster's jobs.
func describeWith(t *testing.T, endpoint string, cc *providers.Credentials) {
	t.Helper()
	for _, m := range modes {
		c := newClient(t, endpoint, clientConfig{legacy: m.legacy, https: true, ak: cc.AccessKeyId, secret: cc.AccessKeySecret, token: cc.SecurityToken})
		body, _ := mustCall(t, c, apiParams(), query("DBClusterId", clusterJobs))
		if got := jobIDs(t, body); !slices.Equal(got, allJobs) {
			t.Errorf("%s: BackupJobIds = %v, want %v", m.name, got, allJobs)
		}
	}
}

func TestAssumeRoleWithCredentialsGo(t *testing.T) {
	s := New(testData())
	tp := &tap{next: s}
	endpoint := startTLSHandler(t, tp)
	const policy = `{"Version":"1","Statement":[{"Effect":"Allow","Action":"polardb:DescribeBackupTasks","Resource":"*"}]}`
	p := ramRole(t, endpoint, staticAK(t, testAK, testSecret), roleArn, func(b *providers.RAMRoleARNCredentialsProviderBuilder) {
		b.WithDurationSeconds(900).WithPolicy(policy)
	})

	cc, err := p.GetCredentials()
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	if !strings.HasPrefix(cc.AccessKeyId, "STS.") || cc.AccessKeySecret == "" || len(cc.SecurityToken) < 256 {
		t.Errorf("credentials %q / %q / %q do not look like STS ones", cc.AccessKeyId, cc.AccessKeySecret, cc.SecurityToken)
	}
	assumeRole := tp.last(t)
	assertRecorded(t, s, RecordedRequest{
		Action: "AssumeRole", Version: "2015-04-01",
		Params:        map[string]string{"RoleArn": roleArn, "RoleSessionName": "emulator-test", "DurationSeconds": "900", "Policy": policy},
		SignatureMode: modeRPC, AccessKeyID: testAK,
	})

	// The issued credentials sign PolarDB calls, here over HTTPS too.
	describeWith(t, endpoint, cc)

	// ... but not with one byte of the signature changed.
	for _, m := range modes {
		signed := captureSigned(t, endpoint, clientConfig{legacy: m.legacy, https: true, ak: cc.AccessKeyId, secret: cc.AccessKeySecret, token: cc.SecurityToken})
		if status, body := send(t, signed, func(c *captured) { flipSignature(t, m.name, c) }); status != 400 || body.Code != "SignatureDoesNotMatch" {
			t.Errorf("%s: changed signature answered %d %s (%s)", m.name, status, body.Code, body.Message)
		}
	}
	// Nor is the AssumeRole call itself accepted with its signature
	// changed; unchanged, it is a replay.
	if status, body := send(t, assumeRole, func(c *captured) { flipSignature(t, "v2", c) }); status != 400 || body.Code != "SignatureDoesNotMatch" {
		t.Errorf("AssumeRole with a changed signature answered %d %s (%s)", status, body.Code, body.Message)
	}
	if status, body := send(t, assumeRole, nil); status != 400 || body.Code != "SignatureNonceUsed" {
		t.Errorf("replayed AssumeRole answered %d %s (%s)", status, body.Code, body.Message)
	}
}

// flipSignature changes one byte of the signature of a request in mode
// "ACS3" or "v2".
func flipSignature(t *testing.T, mode string, c *captured) {
	t.Helper()
	if mode == "v2" {
		editQuery(t, c, "Signature", func(v string) string { return flip(t, v) })
		return
	}
	auth := c.header.Get("Authorization")
	i := strings.Index(auth, "Signature=") + len("Signature=")
	c.header.Set("Authorization", auth[:i]+flip(t, auth[i:]))
}

// The SDK's STS calls, in both signature modes, get the whole answer.
func TestAssumeRoleAnswer(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			s, endpoint := startServer(t, WithClock(func() time.Time { return now }))
			c := newClient(t, endpoint, clientConfig{legacy: m.legacy, ak: testAK, secret: testSecret})
			body, headers := mustCall(t, c, stsParams("AssumeRole"), form("RoleArn", roleArn, "RoleSessionName", "alice@example.com"))

			if id, _ := body["RequestId"].(string); !requestIDPattern.MatchString(id) || headers["x-acs-request-id"] != id {
				t.Errorf("RequestId %q, header %v", id, headers["x-acs-request-id"])
			}
			user, _ := body["AssumedRoleUser"].(map[string]any)
			if got, want := user["Arn"], "acs:ram::"+testAccount+":assumed-role/emulator-reader/alice@example.com"; got != want {
				t.Errorf("AssumedRoleUser.Arn = %v, want %s", got, want)
			}
			roleID, _ := user["AssumedRoleId"].(string)
			if id, session, _ := strings.Cut(roleID, ":"); len(id) != 19 || session != "alice@example.com" {
				t.Errorf("AssumedRoleId = %q, want <19 digits>:alice@example.com", roleID)
			}
			creds, _ := body["Credentials"].(map[string]any)
			if got, want := creds["Expiration"], now.Add(time.Hour).Format("2006-01-02T15:04:05Z"); got != want {
				t.Errorf("Expiration = %v, want %s (an hour, the default)", got, want)
			}
			for _, field := range []string{"AccessKeyId", "AccessKeySecret", "SecurityToken"} {
				if v, _ := creds[field].(string); v == "" {
					t.Errorf("Credentials.%s is empty", field)
				}
			}
			if len(creds) != 4 || len(body) != 3 {
				t.Errorf("unexpected fields in %v", body)
			}
			assertRecorded(t, s, RecordedRequest{
				Action: "AssumeRole", Version: "2015-04-01",
				Params:        map[string]string{"RoleArn": roleArn, "RoleSessionName": "alice@example.com"},
				SignatureMode: m.mode, AccessKeyID: testAK,
			})

			// Each call issues new credentials.
			again, _ := mustCall(t, c, stsParams("AssumeRole"), form("RoleArn", roleArn, "RoleSessionName", "alice@example.com"))
			if again["Credentials"].(map[string]any)["AccessKeyId"] == creds["AccessKeyId"] {
				t.Error("a second AssumeRole answered the same access key")
			}
		})
	}
}

func TestAssumeRoleAccepts(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	tests := []struct {
		name string
		form []string
		want time.Duration
	}{
		{"shortest session", []string{"RoleArn", roleArn, "RoleSessionName", "ab", "DurationSeconds", "900"}, 900 * time.Second},
		{"longest session", []string{"RoleArn", roleArn, "RoleSessionName", strings.Repeat("s", 64), "DurationSeconds", "43200"}, 12 * time.Hour},
		{"all session name characters", []string{"RoleArn", roleArn, "RoleSessionName", "a.b@c_d-E9"}, time.Hour},
		{"policy", []string{"RoleArn", roleArn, "RoleSessionName", "s1", "Policy", `{"Version": "1"}`}, time.Hour},
		{"external ID", []string{"RoleArn", partnerRoleArn, "RoleSessionName", "s1", "ExternalId", externalID}, time.Hour},
		{"external ID the role does not ask for", []string{"RoleArn", roleArn, "RoleSessionName", "s1", "ExternalId", "anything"}, time.Hour},
	}
	_, endpoint := startServer(t, WithClock(func() time.Time { return now }))
	c := newClient(t, endpoint, clientConfig{ak: testAK, secret: testSecret})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, _ := mustCall(t, c, stsParams("AssumeRole"), form(tt.form...))
			if got, want := body["Credentials"].(map[string]any)["Expiration"], now.Add(tt.want).Format("2006-01-02T15:04:05Z"); got != want {
				t.Errorf("Expiration = %v, want %s", got, want)
			}
		})
	}
}

func stsWithRole(kv ...string) []string {
	return append([]string{"RoleArn", roleArn, "RoleSessionName", "s1"}, kv...)
}

func stsOIDC(kv ...string) []string {
	return append([]string{"RoleArn", oidcRoleArn, "RoleSessionName", "s1", "OIDCProviderArn", oidcProviderArn, "OIDCToken", oidcToken}, kv...)
}

type stsRefusalCase struct {
	name       string
	action     string
	version    string
	secret     string
	form       []string
	wantStatus int
	wantCode   string
	wantMsg    string
}

var stsRefusalCases = []stsRefusalCase{
	{name: "no RoleArn", form: []string{"RoleSessionName", "s1"}, wantStatus: 400, wantCode: "InvalidParameter.RoleArn"},
	{name: "short account", form: []string{"RoleArn", "acs:ram::123:role/emulator-reader", "RoleSessionName", "s1"},
		wantStatus: 400, wantCode: "InvalidParameter.RoleArn"},
	{name: "not a role", form: []string{"RoleArn", oidcProviderArn, "RoleSessionName", "s1"}, wantStatus: 400, wantCode: "InvalidParameter.RoleArn"},
	{name: "no session name", form: []string{"RoleArn", roleArn}, wantStatus: 400, wantCode: "InvalidParameter.RoleSessionName"},
	{name: "session name too short", form: []string{"RoleArn", roleArn, "RoleSessionName", "s"}, wantStatus: 400, wantCode: "InvalidParameter.RoleSessionName"},
	{name: "session name too long", form: []string{"RoleArn", roleArn, "RoleSessionName", strings.Repeat("s", 65)},
		wantStatus: 400, wantCode: "InvalidParameter.RoleSessionName"},
	{name: "space in session name", form: []string{"RoleArn", roleArn, "RoleSessionName", "s 1"}, wantStatus: 400, wantCode: "InvalidParameter.RoleSessionName"},
	{name: "duration too short", form: stsWithRole("DurationSeconds", "899"), wantStatus: 400, wantCode: "InvalidParameter.DurationSeconds"},
	{name: "duration too long", form: stsWithRole("DurationSeconds", "43201"), wantStatus: 400, wantCode: "InvalidParameter.DurationSeconds"},
	{name: "duration not a number", form: stsWithRole("DurationSeconds", "3600s"), wantStatus: 400, wantCode: "InvalidParameter.DurationSeconds"},
	{name: "duration beyond time.Duration", form: stsWithRole("DurationSeconds", "18446744073709552"), wantStatus: 400, wantCode: "InvalidParameter.DurationSeconds"},
	{name: "policy not JSON", form: stsWithRole("Policy", "Allow everything"), wantStatus: 400, wantCode: "InvalidParameter.PolicyGrammar"},
	{name: "policy an array", form: stsWithRole("Policy", "[]"), wantStatus: 400, wantCode: "InvalidParameter.PolicyGrammar"},
	{name: "policy null", form: stsWithRole("Policy", "null"), wantStatus: 400, wantCode: "InvalidParameter.PolicyGrammar"},
	{name: "unknown role", form: []string{"RoleArn", "acs:ram::" + testAccount + ":role/nobody", "RoleSessionName", "s1"},
		wantStatus: 404, wantCode: "EntityNotExist.Role"},
	{name: "role of another account", form: []string{"RoleArn", "acs:ram::6543210987654321:role/emulator-reader", "RoleSessionName", "s1"},
		wantStatus: 404, wantCode: "EntityNotExist.Role"},
	{name: "no external ID", form: []string{"RoleArn", partnerRoleArn, "RoleSessionName", "s1"},
		wantStatus: 403, wantCode: "NoPermission", wantMsg: "You are not authorized to do this action. You should be authorized by RAM."},
	{name: "wrong external ID", form: []string{"RoleArn", partnerRoleArn, "RoleSessionName", "s1", "ExternalId", externalID + "x"},
		wantStatus: 403, wantCode: "NoPermission"},
	{name: "wrong secret", secret: "not-the-secret", form: stsWithRole(), wantStatus: 400, wantCode: "SignatureDoesNotMatch"},
	{name: "unknown STS action", action: "GetCallerIdentity", wantStatus: 404, wantCode: "InvalidApi.NotFound"},
	{name: "AssumeRole of another version", version: "2019-01-01", form: stsWithRole(), wantStatus: 404, wantCode: "InvalidApi.NotFound"},

	{name: "OIDC, other provider", action: "AssumeRoleWithOIDC",
		form:       []string{"RoleArn", oidcRoleArn, "RoleSessionName", "s1", "OIDCProviderArn", "acs:ram::" + testAccount + ":oidc-provider/other", "OIDCToken", oidcToken},
		wantStatus: 404, wantCode: "EntityNotExist.OIDCProvider"},
	{name: "OIDC, no provider", action: "AssumeRoleWithOIDC", form: []string{"RoleArn", oidcRoleArn, "RoleSessionName", "s1", "OIDCToken", oidcToken},
		wantStatus: 404, wantCode: "EntityNotExist.OIDCProvider"},
	{name: "OIDC, role without a provider", action: "AssumeRoleWithOIDC", form: stsWithRole("OIDCProviderArn", oidcProviderArn, "OIDCToken", oidcToken),
		wantStatus: 404, wantCode: "EntityNotExist.OIDCProvider"},
	{name: "OIDC, wrong token", action: "AssumeRoleWithOIDC",
		form:       []string{"RoleArn", oidcRoleArn, "RoleSessionName", "s1", "OIDCProviderArn", oidcProviderArn, "OIDCToken", oidcToken + "x"},
		wantStatus: 400, wantCode: "AuthenticationFail.OIDCToken.Invalid", wantMsg: "The OIDC token is invalid."},
	{name: "OIDC, no token", action: "AssumeRoleWithOIDC", form: []string{"RoleArn", oidcRoleArn, "RoleSessionName", "s1", "OIDCProviderArn", oidcProviderArn},
		wantStatus: 400, wantCode: "AuthenticationFail.OIDCToken.Invalid"},
	{name: "OIDC, bad duration", action: "AssumeRoleWithOIDC", form: stsOIDC("DurationSeconds", "60"), wantStatus: 400, wantCode: "InvalidParameter.DurationSeconds"},
	{name: "OIDC, bad policy", action: "AssumeRoleWithOIDC", form: stsOIDC("Policy", `"x"`), wantStatus: 400, wantCode: "InvalidParameter.PolicyGrammar"},
	{name: "OIDC, unknown role", action: "AssumeRoleWithOIDC",
		form:       []string{"RoleArn", "acs:ram::" + testAccount + ":role/nobody", "RoleSessionName", "s1", "OIDCProviderArn", oidcProviderArn, "OIDCToken", oidcToken},
		wantStatus: 404, wantCode: "EntityNotExist.Role"},
}

func TestSTSRefusals(t *testing.T) {
	for _, m := range modes {
		for _, tt := range stsRefusalCases {
			t.Run(m.name+"/"+tt.name, func(t *testing.T) {
				s, endpoint := startServer(t)
				secret := tt.secret
				if secret == "" {
					secret = testSecret
				}
				c := newClient(t, endpoint, clientConfig{legacy: m.legacy, ak: testAK, secret: secret})
				action := tt.action
				if action == "" {
					action = "AssumeRole"
				}
				p := stsParams(action)
				if tt.version != "" {
					p.Version = &tt.version
				}

				_, err := call(t, c, p, form(tt.form...))

				code, body := assertRefused(t, err, tt.wantStatus, tt.wantCode, tt.wantMsg)
				if strings.Contains(body.Message, oidcToken) || strings.Contains(body.Message, testSecret) {
					t.Errorf("Message %q reveals a secret", body.Message)
				}
				wantRecommend := "https://api.aliyun.com/troubleshoot?q=" + code + "&product=Sts&requestId=" + body.RequestId
				if code != "InvalidApi.NotFound" && body.Recommend != wantRecommend {
					t.Errorf("Recommend = %q, want %q", body.Recommend, wantRecommend)
				}
				if recs := s.Requests(); len(recs) != 1 || recs[0].Code != tt.wantCode {
					t.Errorf("recorded %+v, want one request with code %s", recs, tt.wantCode)
				}
			})
		}
	}
}

func TestAssumeRoleWithOIDCCredentialsGo(t *testing.T) {
	s := New(testData())
	endpoint := startTLSHandler(t, s)
	tokenFile := filepath.Join(t.TempDir(), "oidc-token")
	if err := os.WriteFile(tokenFile, []byte(oidcToken), 0o600); err != nil {
		t.Fatal(err)
	}
	oidcProvider := func(providerArn, tokenFile string) *providers.OIDCCredentialsProvider {
		p, err := providers.NewOIDCCredentialsProviderBuilder().
			WithOIDCProviderARN(providerArn).
			WithOIDCTokenFilePath(tokenFile).
			WithRoleArn(oidcRoleArn).
			WithRoleSessionName("ci-run-1").
			WithSTSEndpoint(endpoint).
			Build()
		if err != nil {
			t.Fatal(err)
		}
		return p
	}

	cc, err := oidcProvider(oidcProviderArn, tokenFile).GetCredentials()
	if err != nil {
		t.Fatalf("AssumeRoleWithOIDC: %v", err)
	}
	// The call is anonymous: no signature, no key.
	assertRecorded(t, s, RecordedRequest{
		Action: "AssumeRoleWithOIDC", Version: "2015-04-01",
		Params: map[string]string{"RoleArn": oidcRoleArn, "OIDCProviderArn": oidcProviderArn, "OIDCToken": oidcToken,
			"RoleSessionName": "ci-run-1", "DurationSeconds": "3600"},
	})
	describeWith(t, endpoint, cc)

	otherToken := filepath.Join(t.TempDir(), "other-token")
	if err := os.WriteFile(otherToken, []byte("not-"+oidcToken), 0o600); err != nil {
		t.Fatal(err)
	}
	for providerArn, want := range map[string]string{
		oidcProviderArn: "AuthenticationFail.OIDCToken.Invalid",
		"acs:ram::" + testAccount + ":oidc-provider/other": "EntityNotExist.OIDCProvider",
	} {
		if _, err := oidcProvider(providerArn, otherToken).GetCredentials(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("provider %s, wrong token: error %v, want %s", providerArn, err, want)
		}
	}
}

func TestChainedAssumeRole(t *testing.T) {
	s := New(testData())
	endpoint := startTLSHandler(t, s)

	// From a data file's STS credential.
	fromSTS := ramRole(t, endpoint, staticSTS(t, stsAK, stsSecret, stsToken), roleArn)
	cc, err := fromSTS.GetCredentials()
	if err != nil {
		t.Fatalf("AssumeRole with an STS caller: %v", err)
	}
	describeWith(t, endpoint, cc)

	// From credentials the emulator issued: role chaining, with an
	// external ID on the second role.
	first := ramRole(t, endpoint, staticAK(t, testAK, testSecret), roleArn)
	second := ramRole(t, endpoint, first, partnerRoleArn, func(b *providers.RAMRoleARNCredentialsProviderBuilder) {
		b.WithExternalId(externalID)
	})
	cc, err = second.GetCredentials()
	if err != nil {
		t.Fatalf("chained AssumeRole: %v", err)
	}
	recs := s.Requests()
	firstKey := recs[len(recs)-1].AccessKeyID
	if !strings.HasPrefix(firstKey, "STS.") || recs[len(recs)-1].Params["RoleArn"] != partnerRoleArn || recs[len(recs)-1].Code != "" {
		t.Errorf("second AssumeRole recorded as %+v, want one signed with the first role's key", recs[len(recs)-1])
	}
	describeWith(t, endpoint, cc)

	// The caller's token is checked as for any API.
	p := ramRole(t, endpoint, staticSTS(t, stsAK, stsSecret, "CAIS-other-token"), roleArn)
	if _, err := p.GetCredentials(); err == nil || !strings.Contains(err.Error(), "InvalidSecurityToken.MismatchWithAccessKey") {
		t.Errorf("STS caller with another token: error %v, want InvalidSecurityToken.MismatchWithAccessKey", err)
	}
	p = ramRole(t, endpoint, staticAK(t, stsAK, stsSecret), roleArn)
	if _, err := p.GetCredentials(); err == nil || !strings.Contains(err.Error(), "InvalidSecurityToken.Malformed") {
		t.Errorf("STS caller without its token: error %v, want InvalidSecurityToken.Malformed", err)
	}
}

func TestExpiredCredentialsAreRefused(t *testing.T) {
	clock := &testClock{}
	_, endpoint := startServer(t, WithClock(clock.now))
	// Issue 15 minutes of credentials with the server clock 14 minutes
	// behind: they expire in a minute, and the server clock can pass that
	// while request timestamps stay within the allowed skew.
	clock.set(-14 * time.Minute)
	c := newClient(t, endpoint, clientConfig{ak: testAK, secret: testSecret})
	body, _ := mustCall(t, c, stsParams("AssumeRole"), form("RoleArn", roleArn, "RoleSessionName", "short", "DurationSeconds", "900"))
	creds := body["Credentials"].(map[string]any)
	ak, secret, token := creds["AccessKeyId"].(string), creds["AccessKeySecret"].(string), creds["SecurityToken"].(string)
	for _, m := range modes {
		issued := newClient(t, endpoint, clientConfig{legacy: m.legacy, ak: ak, secret: secret, token: token})
		mustCall(t, issued, apiParams(), query("DBClusterId", clusterJobs))
	}

	clock.set(2 * time.Minute)
	for _, m := range modes {
		issued := newClient(t, endpoint, clientConfig{legacy: m.legacy, ak: ak, secret: secret, token: token})
		for name, p := range map[string]func() (any, error){
			"DescribeBackupTasks": func() (any, error) { return call(t, issued, apiParams(), query("DBClusterId", clusterJobs)) },
			"AssumeRole": func() (any, error) {
				return call(t, issued, stsParams("AssumeRole"), form("RoleArn", roleArn, "RoleSessionName", "chained"))
			},
		} {
			_, err := p()
			if err == nil {
				t.Fatalf("%s/%s: expired credentials accepted", m.name, name)
			}
			code, status, body := apiErrorOf(t, err)
			if code != "InvalidSecurityToken.Expired" || status != 400 || body.Message != "Specified SecurityToken is expired." {
				t.Errorf("%s/%s: refused with %d %s (%s), want 400 InvalidSecurityToken.Expired", m.name, name, status, code, body.Message)
			}
		}
		// A wrong token is still a wrong token.
		other := newClient(t, endpoint, clientConfig{legacy: m.legacy, ak: ak, secret: secret, token: "CAIS-other"})
		_, err := call(t, other, apiParams(), query("DBClusterId", clusterJobs))
		if code, _, _ := apiErrorOf(t, err); code != "InvalidSecurityToken.MismatchWithAccessKey" {
			t.Errorf("%s: expired key with another token refused with %s", m.name, code)
		}
	}
}

func TestDataCredentialExpiration(t *testing.T) {
	d := testData()
	d.Credentials = []Credential{
		{AccessKeyID: "STS.Past", AccessKeySecret: "s1", SecurityToken: "t1", Expiration: "2020-01-01T00:00:00Z"},
		{AccessKeyID: "STS.Future", AccessKeySecret: "s2", SecurityToken: "t2", Expiration: "2999-01-01T08:00:00+08:00"},
	}
	endpoint := startHandler(t, New(d))
	for _, m := range modes {
		for _, tt := range []struct{ ak, secret, token, want string }{
			{"STS.Past", "s1", "t1", "InvalidSecurityToken.Expired"},
			{"STS.Future", "s2", "t2", ""},
		} {
			c := newClient(t, endpoint, clientConfig{legacy: m.legacy, ak: tt.ak, secret: tt.secret, token: tt.token})
			_, err := call(t, c, apiParams(), query("DBClusterId", clusterJobs))
			code := ""
			if err != nil {
				code, _, _ = apiErrorOf(t, err)
			}
			if code != tt.want {
				t.Errorf("%s/%s: answered %q, want %q", m.name, tt.ak, code, tt.want)
			}
		}
	}
}

func TestMakeRoom(t *testing.T) {
	now := time.Now()
	m := map[string]time.Time{"expired": now.Add(-time.Second), "late": now.Add(time.Hour), "soon": now.Add(time.Minute)}
	ident := func(t time.Time) time.Time { return t }
	makeRoom(m, 4, now, ident)
	if len(m) != 3 {
		t.Fatalf("below the limit, makeRoom dropped entries: %v", m)
	}
	makeRoom(m, 3, now, ident)
	if _, ok := m["expired"]; ok || len(m) != 2 {
		t.Fatalf("at the limit, makeRoom left %v, want the expired entry gone", m)
	}
	makeRoom(m, 2, now, ident)
	if _, ok := m["late"]; !ok || len(m) != 1 {
		t.Fatalf("with nothing expired, makeRoom left %v, want only the latest", m)
	}
}
