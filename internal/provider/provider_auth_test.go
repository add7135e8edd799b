package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
)

var testRoles = []emulator.Role{
	{Arn: testRoleArn},
	{Arn: testPartnerRoleArn, ExternalID: testPartnerID},
	{Arn: testOIDCRoleArn, OIDCProviderArn: testOIDCProviderArn, OIDCTokens: []string{testOIDCToken}},
	{Arn: "acs:ram::" + testAccount + ":role/" + testInstanceRole, InstanceRole: true},
}

// authProvider is a provider block for the emulator without credentials;
// body adds them.
func (e *testEmulator) authProvider(body string) string {
	return fmt.Sprintf(`
provider "polardb" {
  endpoint     = %q
  protocol     = "HTTP"
  sts_endpoint = %q
  %s
}
`, e.endpoint, e.stsEndpoint, body) + readClusterWithJobs
}

// writeHomeFile writes a file under the test's home directory.
func writeHomeFile(t *testing.T, rel, content string) string {
	t.Helper()
	path := filepath.Join(os.Getenv("HOME"), rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// usedTemporaryKeys fails unless every DescribeBackupTasks call was signed
// with an STS key the emulator issued, and returns the actions seen.
func usedTemporaryKeys(t *testing.T, emu *testEmulator) []string {
	t.Helper()
	var actions []string
	reads := 0
	for _, r := range emu.Requests() {
		actions = append(actions, r.Action)
		if r.Action != "DescribeBackupTasks" {
			continue
		}
		reads++
		if !strings.HasPrefix(r.AccessKeyID, "STS.") || r.AccessKeyID == testSTSKeyID || r.Code != "" {
			t.Errorf("DescribeBackupTasks signed with %q (code %q), want an issued STS key", r.AccessKeyID, r.Code)
		}
	}
	if reads == 0 {
		t.Errorf("no DescribeBackupTasks call; the emulator saw %v", actions)
	}
	return actions
}

// errorWith matches an error showing each part, in order; nil without
// parts. The CLI wraps long lines, so any run of spaces in a part matches
// any whitespace.
func errorWith(parts ...string) *regexp.Regexp {
	if len(parts) == 0 {
		return nil
	}
	for i, p := range parts {
		parts[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))
}

func countOf(list []string, s string) int {
	n := 0
	for _, v := range list {
		if v == s {
			n++
		}
	}
	return n
}

func testCLIConfig(e *testEmulator, tokenFile string) string {
	return fmt.Sprintf(`{
  "current": "ak",
  "profiles": [
    {"name": "ak", "mode": "AK", "access_key_id": %[1]q, "access_key_secret": %[2]q, "region_id": "cn-hangzhou"},
    {"name": "sts", "mode": "StsToken", "access_key_id": %[3]q, "access_key_secret": %[4]q, "sts_token": %[5]q},
    {"name": "role", "mode": "RamRoleArn", "access_key_id": %[1]q, "access_key_secret": %[2]q, "ram_role_arn": %[6]q, "ram_session_name": "profile-session"},
    {"name": "chained", "mode": "ChainableRamRoleArn", "source_profile": "ak", "ram_role_arn": %[6]q},
    {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": %[7]q},
    {"name": "oidc", "mode": "OIDC", "ram_role_arn": %[8]q, "oidc_provider_arn": %[9]q, "oidc_token_file": %[10]q},
    {"name": "uri", "mode": "CredentialsURI", "credentials_uri": %[11]q}
  ]
}`, testAccessKeyID, testAccessKeySecret, testSTSKeyID, testSTSKeySecret, testSTSToken, testRoleArn, testInstanceRole,
		testOIDCRoleArn, testOIDCProviderArn, tokenFile, e.credentialsURI(testRoleArn))
}

// Every mode of an aliyun CLI profile, chosen by `profile`, by the
// environment, or as the file's current profile.
func TestAccProvider_profiles(t *testing.T) {
	tests := []struct {
		name, provider string
		env            map[string]string
		wantActions    []string // besides DescribeBackupTasks; nil: static keys
		wantErr        []string // parts of the error, if one is expected
	}{
		{name: "current profile (AK)", provider: ""},
		{name: "AK by argument", provider: `profile = "ak"`},
		{name: "StsToken by ALIBABA_CLOUD_PROFILE", env: map[string]string{"ALIBABA_CLOUD_PROFILE": "sts"}},
		{name: "RamRoleArn by ALICLOUD_PROFILE", env: map[string]string{"ALICLOUD_PROFILE": "role"}, wantActions: []string{"AssumeRole"}},
		{name: "ChainableRamRoleArn", provider: `profile = "chained"`, wantActions: []string{"AssumeRole"}},
		{name: "OIDC", provider: `profile = "oidc"`, wantActions: []string{"AssumeRoleWithOIDC"}},
		{name: "CredentialsURI", provider: `profile = "uri"`, wantActions: []string{"CredentialsURI"}},
		// The metadata service itself is tested at the unit level: here the
		// profile is recognized, and the disabled service is not contacted.
		{name: "EcsRamRole", provider: `profile = "ecs"`,
			wantErr: []string{"Invalid PolarDB provider credentials", `profile "ecs" (mode EcsRamRole)`, `asks for the ECS instance role "instance-reader"`, "ALIBABA_CLOUD_ECS_METADATA_DISABLED=true forbids"}},
		{name: "missing profile", provider: `profile = "nobody"`,
			wantErr: []string{"Invalid PolarDB provider credentials", `profile "nobody" not found: searched`, ".aliyun/config.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearProviderEnv(t)
			emu := startEmulator(t)
			tokenFile := writeHomeFile(t, "oidc-token", testOIDCToken)
			writeHomeFile(t, ".aliyun/config.json", testCLIConfig(emu, tokenFile))
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			expectReadOrError(t, emu.authProvider(tt.provider), errorWith(tt.wantErr...))
			if tt.wantErr != nil || tt.wantActions == nil {
				return
			}
			actions := usedTemporaryKeys(t, emu)
			for _, a := range tt.wantActions {
				if countOf(actions, a) == 0 {
					t.Errorf("no %s call; the emulator saw %v", a, actions)
				}
			}
		})
	}
}

// The SDKs' INI credentials file, at its default place and named by
// ALIBABA_CLOUD_CREDENTIALS_FILE.
func TestAccProvider_credentialsFile(t *testing.T) {
	ini := fmt.Sprintf("[default]\ntype = access_key\naccess_key_id = %s\naccess_key_secret = %s\n\n"+
		"[role]\ntype = ram_role_arn\naccess_key_id = %s\naccess_key_secret = %s\nrole_arn = %s\nrole_session_name = ini-session\n",
		testAccessKeyID, testAccessKeySecret, testAccessKeyID, testAccessKeySecret, testRoleArn)
	for _, tt := range []struct{ name, provider string }{{"default section", ""}, {"ram_role_arn section", `profile = "role"`}} {
		t.Run(tt.name, func(t *testing.T) {
			clearProviderEnv(t)
			emu := startEmulator(t)
			t.Setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", writeHomeFile(t, "sdk-credentials", ini))
			expectReadOrError(t, emu.authProvider(tt.provider), nil)
			if tt.provider != "" {
				usedTemporaryKeys(t, emu)
			}
		})
	}
}

func TestAccProvider_assumeRole(t *testing.T) {
	keys := fmt.Sprintf("access_key = %q\n  secret_key = %q\n", testAccessKeyID, testAccessKeySecret)
	tests := []struct {
		name, block string
		env         map[string]string
		wantParams  map[string]string
		wantErr     []string
	}{{
		name: "every argument",
		block: keys + fmt.Sprintf(`assume_role {
    role_arn           = %q
    session_name       = "ci-run-42"
    session_expiration = 900
    external_id        = %q
    policy             = jsonencode({ Version = "1", Statement = [{ Effect = "Allow", Action = "polardb:DescribeBackupTasks", Resource = "*" }] })
  }`, testPartnerRoleArn, testPartnerID),
		wantParams: map[string]string{"RoleArn": testPartnerRoleArn, "RoleSessionName": "ci-run-42", "DurationSeconds": "900", "ExternalId": testPartnerID,
			"Policy": `{"Statement":[{"Action":"polardb:DescribeBackupTasks","Effect":"Allow","Resource":"*"}],"Version":"1"}`},
	}, {
		name:       "defaults",
		block:      keys + fmt.Sprintf("assume_role {\n    role_arn = %q\n  }", testRoleArn),
		wantParams: map[string]string{"RoleArn": testRoleArn, "RoleSessionName": "terraform-provider-polardb", "DurationSeconds": "3600"},
	}, {
		name:       "from the environment",
		block:      keys,
		env:        map[string]string{"ALICLOUD_ASSUME_ROLE_ARN": testRoleArn, "ALICLOUD_ASSUME_ROLE_SESSION_NAME": "env-session"},
		wantParams: map[string]string{"RoleArn": testRoleArn, "RoleSessionName": "env-session", "DurationSeconds": "3600"},
	}, {
		name:  "a role that does not exist",
		block: keys + `assume_role { role_arn = "acs:ram::` + testAccount + `:role/nobody" }`,
		wantErr: []string{"Cannot obtain PolarDB credentials", "role acs:ram::" + testAccount + ":role/nobody assumed with `access_key`",
			"Code: EntityNotExist.Role", "Message: The specified Role not exists.", "Request ID: "},
	}, {
		name:    "a wrong external ID",
		block:   keys + fmt.Sprintf("assume_role {\n    role_arn = %q\n    external_id = \"guess\"\n  }", testPartnerRoleArn),
		wantErr: []string{"Cannot obtain PolarDB credentials", "Code: NoPermission", "Request ID: "},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearProviderEnv(t)
			emu := startEmulator(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			expectReadOrError(t, emu.authProvider(tt.block), errorWith(tt.wantErr...))
			if tt.wantErr != nil {
				return
			}
			usedTemporaryKeys(t, emu)
			for _, r := range emu.Requests() {
				if r.Action != "AssumeRole" {
					continue
				}
				if r.AccessKeyID != testAccessKeyID {
					t.Errorf("AssumeRole signed with %q, want the static key", r.AccessKeyID)
				}
				for k, want := range tt.wantParams {
					if got := r.Params[k]; got != want {
						t.Errorf("AssumeRole %s = %q, want %q", k, got, want)
					}
				}
			}
		})
	}
}

func TestAccProvider_assumeRoleWithOIDC(t *testing.T) {
	tests := []struct {
		name, token, block string
		wantErr            []string
	}{
		{name: "block", token: testOIDCToken, block: `assume_role_with_oidc {
    role_arn          = "` + testOIDCRoleArn + `"
    oidc_provider_arn = "` + testOIDCProviderArn + `"
    oidc_token_file   = "%s"
    role_session_name = "pod-session"
  }`},
		{name: "RRSA environment", token: testOIDCToken},
		{name: "a token STS does not accept", token: "eyJ.forged", wantErr: []string{"Cannot obtain PolarDB credentials", "assumed with the OIDC token in", "Check the OIDC token file",
			"Code: AuthenticationFail.OIDCToken.Invalid", "Request ID: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearProviderEnv(t)
			emu := startEmulator(t)
			tokenFile := writeHomeFile(t, "token", tt.token)
			block := tt.block
			if strings.Contains(block, "%s") {
				block = fmt.Sprintf(block, tokenFile)
			} else {
				t.Setenv("ALIBABA_CLOUD_ROLE_ARN", testOIDCRoleArn)
				t.Setenv("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", testOIDCProviderArn)
				t.Setenv("ALIBABA_CLOUD_OIDC_TOKEN_FILE", tokenFile)
			}
			expectReadOrError(t, emu.authProvider(block), errorWith(tt.wantErr...))
			if tt.wantErr != nil {
				return
			}
			actions := usedTemporaryKeys(t, emu)
			if countOf(actions, "AssumeRoleWithOIDC") == 0 || countOf(actions, "AssumeRole") != 0 {
				t.Errorf("want AssumeRoleWithOIDC only, the emulator saw %v", actions)
			}
		})
	}
}

func TestAccProvider_credentialsURI(t *testing.T) {
	for _, viaEnv := range []bool{false, true} {
		t.Run(fmt.Sprintf("environment=%v", viaEnv), func(t *testing.T) {
			clearProviderEnv(t)
			emu := startEmulator(t)
			block := fmt.Sprintf("credentials_uri = %q", emu.credentialsURI(testRoleArn))
			if viaEnv {
				t.Setenv("ALIBABA_CLOUD_CREDENTIALS_URI", emu.credentialsURI(testRoleArn))
				block = ""
			}
			expectReadOrError(t, emu.authProvider(block), nil)
			if actions := usedTemporaryKeys(t, emu); countOf(actions, "CredentialsURI") == 0 {
				t.Errorf("the credentials URI was not called: %v", actions)
			}
		})
	}
}

func TestAccProvider_expiredSecurityToken(t *testing.T) {
	clearProviderEnv(t)
	emu := startEmulator(t)
	expectReadOrError(t, emu.authProvider(fmt.Sprintf("access_key = %q\n  secret_key = %q\n  security_token = %q", testExpiredKeyID, testExpiredSecret, testExpiredToken)),
		errorWith("PolarDB API refused the credentials", "(AccessKey ID STS.****ed03)", "security token is expired",
			"Code: InvalidSecurityToken.Expired", "Request ID: "))
}

// With nothing configured the provider fails at configure time, names every
// way in, and sends nothing anywhere.
func TestAccProvider_nothingConfigured(t *testing.T) {
	clearProviderEnv(t)
	emu := startEmulator(t)
	expectReadOrError(t, emu.authProvider(""), errorWith("PolarDB provider is missing configuration", "`access_key` and `secret_key`",
		"ALIBABA_CLOUD_ACCESS_KEY_ID", "`profile`", "`assume_role_with_oidc`, `credentials_uri` or `ecs_role_name`", "guides/authentication"))
	if n := len(emu.Requests()); n != 0 {
		t.Errorf("the emulator saw %d requests, want none", n)
	}
}
