package auth

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/polardb-community/terraform-provider-polardb/internal/testsupport"
)

const cliConfigJSON = `{
  "current": "dev",
  "profiles": [
    {"name": "dev", "mode": "AK", "access_key_id": "LTAIprofiledev", "access_key_secret": "dev-secret", "region_id": "cn-shanghai"},
    {"name": "sts", "mode": "StsToken", "access_key_id": "STS.profile", "access_key_secret": "sts-secret", "sts_token": "sts-token"},
    {"name": "role", "mode": "RamRoleArn", "access_key_id": "LTAIprofilerole", "access_key_secret": "role-secret",
     "ram_role_arn": "acs:ram::1234567890123456:role/reader", "ram_session_name": "s1", "expired_seconds": 900},
    {"name": "chain", "mode": "ChainableRamRoleArn", "source_profile": "dev", "ram_role_arn": "acs:ram::1234567890123456:role/chained"},
    {"name": "loop", "mode": "ChainableRamRoleArn", "source_profile": "loop2", "ram_role_arn": "acs:ram::1234567890123456:role/x"},
    {"name": "loop2", "mode": "ChainableRamRoleArn", "source_profile": "loop", "ram_role_arn": "acs:ram::1234567890123456:role/y"},
    {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "instance-role"},
    {"name": "oidc", "mode": "OIDC", "ram_role_arn": "acs:ram::1234567890123456:role/pod", "oidc_provider_arn": "acs:ram::1234567890123456:oidc-provider/ack", "oidc_token_file": "/var/run/token"},
    {"name": "uri", "mode": "CredentialsURI", "credentials_uri": "http://127.0.0.1:9/creds"},
    {"name": "sso", "mode": "CloudSSO"}
  ]
}`

const credentialsINI = `[default]
type = access_key
access_key_id = LTAIinidefault
access_key_secret = ini-secret

[ecs]
type = ecs_ram_role
role_name = ini-instance-role
`

// testEnv is an environment with a home directory holding the given
// profile files ("" for none).
func testEnv(t *testing.T, cliConfig, credentials string, vars map[string]string) Env {
	t.Helper()
	home := t.TempDir()
	write := func(rel, content string) {
		if content == "" {
			return
		}
		path := filepath.Join(home, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(".aliyun/config.json", cliConfig)
	write(".alibabacloud/credentials", credentials)
	return Env{Getenv: func(name string) string { return vars[name] }, Home: home}
}

// keyID is the AccessKey ID the credentials sign with; static ones only.
func keyID(t *testing.T, c *Credentials) string {
	t.Helper()
	m, err := c.Credential.GetCredential()
	if err != nil {
		t.Fatalf("GetCredential: %v", err)
	}
	return *m.AccessKeyId
}

func TestResolvePrecedence(t *testing.T) {
	envKeys := map[string]string{"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIenv", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret"}
	tests := []struct {
		name           string
		cfg            Config
		cliConfig, ini string
		vars           map[string]string
		wantSource     string
		wantKeyID      string // checked for static credentials
	}{
		{"arguments before environment and profiles", Config{AccessKey: "LTAIarg", SecretKey: "arg-secret"}, cliConfigJSON, credentialsINI, envKeys,
			"`access_key` and `secret_key` in the provider block", "LTAIarg"},
		{"the other half of a pair from the environment", Config{AccessKey: "LTAIarg"}, "", "", envKeys,
			"in the provider block", "LTAIarg"},
		{"a profile argument before environment keys", Config{Profile: "sts"}, cliConfigJSON, "", envKeys,
			`profile "sts" (mode StsToken)`, "STS.profile"},
		{"environment keys before profile files", Config{}, cliConfigJSON, credentialsINI, envKeys,
			"environment variables ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIenv"},
		{"ALIBABA_CLOUD_ names before ALICLOUD_ names", Config{}, "", "", map[string]string{
			"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIsdk", "ALICLOUD_ACCESS_KEY": "LTAIalicloud", "ALICLOUD_SECRET_KEY": "s"},
			"environment variables", "LTAIsdk"},
		{"ALICLOUD_ names", Config{}, "", "", map[string]string{"ALICLOUD_ACCESS_KEY": "LTAIalicloud", "ALICLOUD_SECRET_KEY": "s"},
			"environment variables", "LTAIalicloud"},
		{"the CLI's current profile", Config{}, cliConfigJSON, credentialsINI, nil,
			`profile "dev" (mode AK) in`, "LTAIprofiledev"},
		{"ALIBABA_CLOUD_PROFILE", Config{}, cliConfigJSON, "", map[string]string{"ALIBABA_CLOUD_PROFILE": "sts"},
			`profile "sts"`, "STS.profile"},
		{"ALICLOUD_PROFILE", Config{}, cliConfigJSON, "", map[string]string{"ALICLOUD_PROFILE": "sts"},
			`profile "sts"`, "STS.profile"},
		{"the SDKs' credentials file without a CLI configuration", Config{}, "", credentialsINI, nil,
			"profile [default] (type access_key)", "LTAIinidefault"},
		{"a profile only the credentials file has", Config{Profile: "ecs"}, `{"current": "dev", "profiles": []}`, credentialsINI, nil,
			`ECS instance role "ini-instance-role" from profile [ecs]`, ""},
		{"profile files before OIDC environment", Config{}, cliConfigJSON, "", map[string]string{
			"ALIBABA_CLOUD_ROLE_ARN": "acs:ram::1:role/pod", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN": "acs:ram::1:oidc-provider/ack", "ALIBABA_CLOUD_OIDC_TOKEN_FILE": "/t"},
			`profile "dev"`, "LTAIprofiledev"},
		{"OIDC environment", Config{}, "", "", map[string]string{
			"ALIBABA_CLOUD_ROLE_ARN": "acs:ram::1:role/pod", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN": "acs:ram::1:oidc-provider/ack", "ALIBABA_CLOUD_OIDC_TOKEN_FILE": "/t",
			"ALIBABA_CLOUD_ECS_METADATA": "instance-role"},
			"role acs:ram::1:role/pod assumed with the OIDC token in /t", ""},
		{"ECS role environment last", Config{}, "", "", map[string]string{"ALICLOUD_ECS_ROLE_NAME": "instance-role"},
			`ECS instance role "instance-role" from the environment variable`, ""},
		{"credentials URI environment", Config{}, "", "", map[string]string{"ALIBABA_CLOUD_CREDENTIALS_URI": "http://127.0.0.1:9/c"},
			"credentials URI from the environment variable ALIBABA_CLOUD_CREDENTIALS_URI", ""},
		{"assume_role on top of what was found", Config{AssumeRole: &AssumeRole{RoleArn: "acs:ram::1:role/admin"}}, "", "", envKeys,
			"role acs:ram::1:role/admin assumed with the environment variables", ""},
		{"ALICLOUD_ASSUME_ROLE_ARN", Config{}, "", "", map[string]string{"ALICLOUD_ASSUME_ROLE_ARN": "acs:ram::1:role/env", "ALICLOUD_ACCESS_KEY": "LTAIx", "ALICLOUD_SECRET_KEY": "s"},
			"role acs:ram::1:role/env assumed with", ""},
		{"ALIBABA_CLOUD_ROLE_ARN is the OIDC role, not assumed twice", Config{}, "", "", map[string]string{
			"ALIBABA_CLOUD_ROLE_ARN": "acs:ram::1:role/pod", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN": "acs:ram::1:oidc-provider/ack", "ALIBABA_CLOUD_OIDC_TOKEN_FILE": "/t"},
			"role acs:ram::1:role/pod assumed with the OIDC token", ""},
		{"nor with the OIDC block", Config{AssumeRoleWithOIDC: &AssumeRoleWithOIDC{OIDCProviderArn: "acs:ram::1:oidc-provider/ack", OIDCTokenFile: "~/t"}}, "", "",
			map[string]string{"ALIBABA_CLOUD_ROLE_ARN": "acs:ram::1:role/pod"},
			"role acs:ram::1:role/pod assumed with the OIDC token in ", ""},
		{"ALIBABA_CLOUD_ROLE_ARN before ALICLOUD_ASSUME_ROLE_ARN", Config{}, "", "", map[string]string{
			"ALIBABA_CLOUD_ROLE_ARN": "acs:ram::1:role/sdk", "ALICLOUD_ASSUME_ROLE_ARN": "acs:ram::1:role/alicloud", "ALICLOUD_ACCESS_KEY": "LTAIx", "ALICLOUD_SECRET_KEY": "s"},
			"role acs:ram::1:role/sdk assumed with", ""},
		{"block keys do not take the environment's token", Config{AccessKey: "LTAIarg", SecretKey: "arg-secret"}, "", "", map[string]string{"ALIBABA_CLOUD_SECURITY_TOKEN": "leftover"},
			"`access_key` and `secret_key` in the provider block", "LTAIarg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Resolve(tt.cfg, testEnv(t, tt.cliConfig, tt.ini, tt.vars))
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if !strings.Contains(got.Source, tt.wantSource) {
				t.Errorf("source = %q, want it to contain %q", got.Source, tt.wantSource)
			}
			if strings.Count(got.Source, "assumed with") > 1 {
				t.Errorf("a role was assumed twice: %s", got.Source)
			}
			if tt.wantKeyID != "" {
				if id := keyID(t, got); id != tt.wantKeyID {
					t.Errorf("AccessKey ID = %q, want %q", id, tt.wantKeyID)
				}
			}
		})
	}
}

func TestResolveProfileModes(t *testing.T) {
	tests := []struct{ profile, wantSource, wantErr string }{
		{"dev", `profile "dev" (mode AK)`, ""},
		{"role", `role acs:ram::1234567890123456:role/reader assumed with profile "role" (mode RamRoleArn)`, ""},
		{"chain", `role acs:ram::1234567890123456:role/chained assumed with profile "dev" (mode AK)`, ""},
		{"ecs", `ECS instance role "instance-role" from profile "ecs" (mode EcsRamRole)`, ""},
		{"oidc", `role acs:ram::1234567890123456:role/pod assumed with the OIDC token in /var/run/token`, ""},
		{"uri", `credentials URI from profile "uri"`, ""},
		{"loop", "", `source_profile "loop" leads back to itself`},
		{"sso", "", "mode CloudSSO is not supported by this provider"},
		{"nobody", "", `profile "nobody" not found: searched .*config.json`},
	}
	for _, tt := range tests {
		t.Run(tt.profile, func(t *testing.T) {
			env := testEnv(t, cliConfigJSON, "", nil)
			env.MetadataURL = "http://127.0.0.1:9" // never contacted: Resolve does not fetch
			got, err := Resolve(Config{Profile: tt.profile}, env)
			if tt.wantErr != "" {
				if err == nil || !regexp.MustCompile(tt.wantErr).MatchString(err.Error()) {
					t.Fatalf("err = %v, want one matching %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if !strings.Contains(got.Source, tt.wantSource) {
				t.Errorf("source = %q, want it to contain %q", got.Source, tt.wantSource)
			}
		})
	}
}

func TestResolveProfileDetails(t *testing.T) {
	env := testEnv(t, cliConfigJSON, "", nil)
	got, err := Resolve(Config{}, env)
	if err != nil {
		t.Fatal(err)
	}
	if got.Region != "cn-shanghai" {
		t.Errorf("region = %q, want the profile's region_id cn-shanghai", got.Region)
	}
	if got.AccessKeyID != "LTAIprofiledev" || strings.Join(got.Secrets, ",") != "dev-secret" {
		t.Errorf("AccessKeyID %q, secrets %q", got.AccessKeyID, got.Secrets)
	}

	sts, err := Resolve(Config{Profile: "sts"}, env)
	if err != nil {
		t.Fatal(err)
	}
	m, err := sts.Credential.GetCredential()
	if err != nil {
		t.Fatal(err)
	}
	if *m.AccessKeySecret != "sts-secret" || *m.SecurityToken != "sts-token" {
		t.Errorf("StsToken profile gave secret %q token %q", *m.AccessKeySecret, *m.SecurityToken)
	}
	if strings.Join(sts.Secrets, ",") != "sts-secret,sts-token" {
		t.Errorf("secrets to mask = %q", sts.Secrets)
	}

	// shared_credentials_file names another file, with ~ for the home directory.
	if err := os.WriteFile(filepath.Join(env.Home, "other.json"), []byte(`{"profiles": [{"name": "default", "mode": "AK", "access_key_id": "LTAIother", "access_key_secret": "x"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	other, err := Resolve(Config{SharedCredentialsFile: "~/other.json"}, env)
	if err != nil {
		t.Fatal(err)
	}
	if id := keyID(t, other); id != "LTAIother" {
		t.Errorf("shared_credentials_file: AccessKey ID %q", id)
	}
	if _, err := Resolve(Config{SharedCredentialsFile: "~/missing.json"}, env); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("a named file that does not exist: err = %v", err)
	}
	bad := filepath.Join(env.Home, "bad.json")
	if err := os.WriteFile(bad, []byte("current = dev"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Resolve(Config{SharedCredentialsFile: bad}, env); err == nil || !strings.Contains(err.Error(), "is not an aliyun CLI configuration") {
		t.Errorf("a file that is not JSON: err = %v", err)
	}
}

func TestResolveRefusesIncompleteConfiguration(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		vars    map[string]string
		wantErr string
	}{
		{"key without secret", Config{AccessKey: "LTAIx"}, nil, "incomplete AccessKey pair from `access_key`, `secret_key` and `security_token` in the provider block and the environment"},
		{"secret without key in the environment", Config{}, map[string]string{"ALICLOUD_SECRET_KEY": "s"}, "incomplete AccessKey pair from the environment"},
		{"token without keys", Config{SecurityToken: "t"}, nil, "incomplete AccessKey pair from `access_key`, `secret_key` and `security_token` in the provider block and the environment"},
		{"OIDC block without a token file", Config{AssumeRoleWithOIDC: &AssumeRoleWithOIDC{RoleArn: "acs:ram::1:role/r", OIDCProviderArn: "acs:ram::1:oidc-provider/p"}}, nil,
			"lacks oidc_token_file (ALIBABA_CLOUD_OIDC_TOKEN_FILE)"},
		{"ECS role while the metadata service is disabled", Config{ECSRoleName: "r"}, map[string]string{"ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"},
			"ALIBABA_CLOUD_ECS_METADATA_DISABLED=true forbids"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Resolve(tt.cfg, testEnv(t, "", "", tt.vars))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// With nothing configured, Resolve fails at once and names every way in;
// it never waits on the metadata service.
func TestResolveNothingConfigured(t *testing.T) {
	start := time.Now()
	_, err := Resolve(Config{}, testEnv(t, "", "", nil))
	if !errors.As(err, new(NoCredentialsError)) {
		t.Fatalf("err = %v, want NoCredentialsError", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("took %v: something waited on the network", elapsed)
	}
	for _, s := range []string{"`access_key`", "`secret_key`", "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY", "`profile`", DocsURL} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("the error lacks %q: %v", s, err)
		}
	}
}

func TestMain(m *testing.M) { testsupport.Run(m) }

// A security token goes with the keys it was issued for: keys from the
// provider block ignore a token left in the environment.
func TestSecurityTokenFollowsItsKeys(t *testing.T) {
	env := testEnv(t, "", "", map[string]string{"ALIBABA_CLOUD_SECURITY_TOKEN": "leftover", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret"})
	for _, tt := range []struct {
		cfg       Config
		wantToken string
	}{
		{Config{AccessKey: "LTAIarg", SecretKey: "arg-secret"}, ""},
		{Config{AccessKey: "LTAIarg", SecretKey: "arg-secret", SecurityToken: "arg-token"}, "arg-token"},
		{Config{AccessKey: "LTAIarg"}, "leftover"}, // the secret and its token both from the environment
	} {
		creds, err := Resolve(tt.cfg, env)
		if err != nil {
			t.Fatal(err)
		}
		m, err := creds.Credential.GetCredential()
		if err != nil {
			t.Fatal(err)
		}
		if got := *m.SecurityToken; got != tt.wantToken {
			t.Errorf("%+v: token %q, want %q", tt.cfg, got, tt.wantToken)
		}
	}
}
