package auth

import (
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
	"github.com/polardb-community/terraform-provider-polardb/internal/testsupport"
)

const (
	staticKeyID   = "LTAI5tAuthTestKey001"
	staticSecret  = "auth-test-secret"
	roleArn       = "acs:ram::1234567890123456:role/polardb-reader"
	instanceRole  = "instance-reader"
	instanceArn   = "acs:ram::1234567890123456:role/" + instanceRole
	tempKeyPrefix = "STS."
)

// startSTS serves an emulator over HTTPS (trusted through SSL_CERT_FILE,
// set in TestMain) with clock now, and returns it and its host:port.
func startSTS(t *testing.T, now func() time.Time) (*emulator.Server, string) {
	t.Helper()
	server := emulator.New(emulator.Data{
		Credentials: []emulator.Credential{{AccessKeyID: staticKeyID, AccessKeySecret: staticSecret}},
		Roles:       []emulator.Role{{Arn: roleArn}, {Arn: instanceArn, InstanceRole: true}},
	}, emulator.WithClock(now))
	ts := testsupport.ServeTLS(t, server)
	return server, strings.TrimPrefix(ts.URL, "https://")
}

func count(server *emulator.Server, action string) int {
	n := 0
	for _, r := range server.Requests() {
		if r.Action == action && r.Code == "" {
			n++
		}
	}
	return n
}

func assumeRoleCredentials(t *testing.T, stsEndpoint string) *Credentials {
	t.Helper()
	creds, err := Resolve(Config{
		AccessKey: staticKeyID, SecretKey: staticSecret,
		AssumeRole:  &AssumeRole{RoleArn: roleArn, SessionExpiration: 900},
		STSEndpoint: stsEndpoint,
	}, testEnv(t, "", "", nil))
	if err != nil {
		t.Fatal(err)
	}
	return creds
}

// Concurrent reads of one configured provider share one role session:
// STS is asked once, and the keys are the same for all.
func TestTemporaryCredentialsAreShared(t *testing.T) {
	server, endpoint := startSTS(t, time.Now)
	creds := assumeRoleCredentials(t, endpoint)

	const readers = 20
	keys := make([]string, readers)
	var wg sync.WaitGroup
	for i := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := creds.Credential.GetCredential()
			if err != nil {
				t.Error(err)
				return
			}
			keys[i] = *m.AccessKeyId
		}()
	}
	wg.Wait()
	if n := count(server, "AssumeRole"); n != 1 {
		t.Errorf("%d AssumeRole calls for %d concurrent reads, want 1", n, readers)
	}
	for _, k := range keys {
		if k != keys[0] || !strings.HasPrefix(k, tempKeyPrefix) {
			t.Fatalf("readers got different or non-temporary keys: %q", keys)
		}
	}
}

// Credentials within three minutes of their expiry are renewed before use.
// The emulator's clock runs behind, so that it issues sessions expiring
// 100 s from now (real time): each use renews, and every key issued is
// one the emulator still accepts.
func TestTemporaryCredentialsAreRenewedBeforeExpiry(t *testing.T) {
	behind := func() time.Time { return time.Now().Add(-800 * time.Second) }
	server, endpoint := startSTS(t, behind)
	creds := assumeRoleCredentials(t, endpoint)

	seen := map[string]bool{}
	for range 3 {
		m, err := creds.Credential.GetCredential()
		if err != nil {
			t.Fatal(err)
		}
		seen[*m.AccessKeyId] = true
	}
	if n := count(server, "AssumeRole"); n != 3 || len(seen) != 3 {
		t.Errorf("%d AssumeRole calls, %d distinct keys for 3 uses of nearly expired credentials; want 3 and 3", n, len(seen))
	}

	// With a whole session ahead, the keys are kept.
	fresh, endpoint := startSTS(t, time.Now)
	creds = assumeRoleCredentials(t, endpoint)
	for range 3 {
		if _, err := creds.Credential.GetCredential(); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(fresh, "AssumeRole"); n != 1 {
		t.Errorf("%d AssumeRole calls for 3 uses of fresh credentials, want 1", n)
	}
}

// The ECS role is fetched from the metadata service named by Env, IMDSv2
// first, and kept until shortly before it expires.
func TestECSRoleFromTheMetadataService(t *testing.T) {
	for _, tt := range []struct {
		name         string
		clock        func() time.Time
		wantFetches  int
		imdsRequired bool
	}{
		{"fresh credentials are kept", time.Now, 1, true},
		{"credentials about to expire are renewed", func() time.Time { return time.Now().Add(-58 * time.Minute) }, 3, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := []emulator.Option{emulator.WithClock(tt.clock)}
			if tt.imdsRequired {
				opts = append(opts, emulator.WithIMDSv2Required())
			}
			server := emulator.New(emulator.Data{Roles: []emulator.Role{{Arn: instanceArn, InstanceRole: true}}}, opts...)
			metadata := httptest.NewServer(server)
			t.Cleanup(metadata.Close)
			env := testEnv(t, "", "", map[string]string{"ALIBABA_CLOUD_ECS_METADATA": instanceRole})
			env.MetadataURL = metadata.URL

			creds, err := Resolve(Config{}, env)
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				m, err := creds.Credential.GetCredential()
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(*m.AccessKeyId, tempKeyPrefix) || *m.SecurityToken == "" {
					t.Fatalf("got key %q with token %q", *m.AccessKeyId, *m.SecurityToken)
				}
			}
			fetches := 0
			for _, r := range server.Requests() {
				if r.Action == "ECSMetadata" && strings.HasSuffix(r.Params["Path"], "/"+instanceRole) {
					fetches++
				}
			}
			if fetches != tt.wantFetches {
				t.Errorf("%d credential fetches for 3 uses, want %d", fetches, tt.wantFetches)
			}
		})
	}
}

func TestECSRoleErrorsNameTheRoleAndService(t *testing.T) {
	server := emulator.New(emulator.Data{Roles: []emulator.Role{{Arn: instanceArn, InstanceRole: true}}})
	metadata := httptest.NewServer(server)
	t.Cleanup(metadata.Close)
	env := testEnv(t, "", "", nil)
	env.MetadataURL = metadata.URL
	creds, err := Resolve(Config{ECSRoleName: "another-role"}, env)
	if err != nil {
		t.Fatal(err)
	}
	_, err = creds.Credential.GetCredential()
	var credErr *CredentialError
	if !errors.As(err, &credErr) || !strings.Contains(err.Error(), `ECS instance role "another-role"`) || !strings.Contains(err.Error(), "404") {
		t.Errorf("err = %v, want a CredentialError naming the role and the 404", err)
	}

	metadata.Close() // a machine that is not an ECS instance
	creds, _ = Resolve(Config{ECSRoleName: instanceRole}, env)
	if _, err := creds.Credential.GetCredential(); err == nil || !strings.Contains(err.Error(), "did not answer") {
		t.Errorf("err = %v, want one saying the metadata service did not answer", err)
	}
}

// STS's refusal keeps its code, message and request ID.
func TestSTSRefusalKeepsTheAPIError(t *testing.T) {
	_, endpoint := startSTS(t, time.Now)
	creds, err := Resolve(Config{
		AccessKey: staticKeyID, SecretKey: staticSecret,
		AssumeRole:  &AssumeRole{RoleArn: "acs:ram::1234567890123456:role/nobody"},
		STSEndpoint: endpoint,
	}, testEnv(t, "", "", nil))
	if err != nil {
		t.Fatal(err)
	}
	_, err = creds.Credential.GetCredential()
	var credErr *CredentialError
	if !errors.As(err, &credErr) {
		t.Fatalf("err = %v (%T), want a CredentialError", err, err)
	}
	if credErr.Code != "EntityNotExist.Role" || credErr.Message == "" || credErr.RequestID == "" {
		t.Errorf("got code %q, message %q, request ID %q", credErr.Code, credErr.Message, credErr.RequestID)
	}
}
