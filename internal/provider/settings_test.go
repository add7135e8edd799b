package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/polardb-community/terraform-provider-polardb/internal/auth"
)

func TestResolveSettingsPrecedence(t *testing.T) {
	env := map[string]string{"ALIBABA_CLOUD_REGION": "cn-shanghai", "ALICLOUD_REGION": "cn-beijing", "POLARDB_ENDPOINT": " 127.0.0.1:9 "}
	getenv := func(name string) string { return env[name] }

	got := resolveSettings(providerModel{Region: types.StringValue("cn-hangzhou"), Protocol: types.StringValue("HTTP")}, getenv)
	if want := (settings{region: "cn-hangzhou", endpoint: "127.0.0.1:9", protocol: "HTTP"}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	// An empty string in the configuration counts as unset.
	if got := resolveSettings(providerModel{Region: types.StringValue("")}, getenv); got.region != "cn-shanghai" {
		t.Errorf("region = %q, want the environment's cn-shanghai", got.region)
	}
	if got := resolveSettings(providerModel{}, func(string) string { return "" }); got != (settings{}) {
		t.Errorf("nothing set: got %+v", got)
	}
}

func TestMissingConfigurationNamesEveryWay(t *testing.T) {
	_, detail := missingConfiguration(auth.NoCredentialsError{}.Error(), settings{})
	for _, s := range []string{"`access_key`", "`secret_key`", "ALIBABA_CLOUD_ACCESS_KEY_SECRET or ALICLOUD_SECRET_KEY", "`profile`",
		auth.DocsURL, "`region`", "ALIBABA_CLOUD_REGION or ALICLOUD_REGION", "`endpoint`", "POLARDB_ENDPOINT"} {
		if !strings.Contains(detail, s) {
			t.Errorf("detail lacks %q:\n%s", s, detail)
		}
	}
	if _, detail := missingConfiguration("", settings{}); strings.Contains(detail, "Credentials") {
		t.Errorf("credentials reported missing when only the region is:\n%s", detail)
	}
}

func TestUserAgent(t *testing.T) {
	env := map[string]string{}
	getenv := func(name string) string { return env[name] }
	if got, want := userAgent("1.2.3", "1.11.4", getenv), "terraform-provider-polardb/1.2.3 terraform/1.11.4"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	env["TF_APPEND_USER_AGENT"] = " ci-pipeline/7 "
	if got, want := userAgent("1.2.3", "1.11.4", getenv), "terraform-provider-polardb/1.2.3 terraform/1.11.4 ci-pipeline/7"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPolicyMustBeAJSONObject(t *testing.T) {
	for value, wantErr := range map[string]bool{
		`{"Version":"1","Statement":[]}`: false,
		"":                               false,
		`["not", "an object"]`:           true,
		`{"Version": "1"`:                true,
	} {
		req := validator.StringRequest{Path: path.Root("assume_role").AtName("policy"), ConfigValue: types.StringValue(value)}
		var resp validator.StringResponse
		jsonObject{}.ValidateString(context.Background(), req, &resp)
		if got := resp.Diagnostics.HasError(); got != wantErr {
			t.Errorf("policy %q: error = %v, want %v (%v)", value, got, wantErr, resp.Diagnostics)
		}
		if wantErr && !strings.Contains(resp.Diagnostics[0].Detail(), "assume_role.policy") {
			t.Errorf("the error does not name the attribute: %s", resp.Diagnostics[0].Detail())
		}
	}
}

func TestArgumentPatterns(t *testing.T) {
	tests := []struct {
		name    string
		match   func(string) bool
		good    []string
		refused []string
	}{
		{"cluster_id", clusterIDPattern.MatchString, []string{"pc-2zed3m89cw7xxxxxx", "pc-0"},
			[]string{"", "pc-", "PC-abc", "pc-ABC", "pc-abc ", " pc-abc", "rm-abc", "pc-abc-def", "pc-abc\n"}},
		{"backup_job_id", backupIDPattern.MatchString, []string{"11111111", "job-1"}, []string{"", " ", "11 11", "11\t", "\n"}},
		{"region", regionPattern.MatchString, []string{"", "cn-hangzhou", "ap-southeast-1", "cn-beijing-finance-1"},
			[]string{"cn hangzhou", "CN-HANGZHOU", "cn-", "-cn", "cn_hangzhou"}},
		{"role_arn", roleArnPattern.MatchString, []string{"", "acs:ram::1234567890123456:role/polardb-reader"},
			[]string{"polardb-reader", "acs:ram::123:user/x", "acs:ram:cn-hangzhou:123:role/x", "acs:ram::123:role/a b"}},
		{"oidc_provider_arn", oidcProviderArnPattern.MatchString, []string{"acs:ram::1234567890123456:oidc-provider/ack-rrsa-c1"},
			[]string{"acs:ram::1234567890123456:role/x", "ack-rrsa-c1"}},
		{"session_name", sessionNamePattern.MatchString, []string{"", "ci", "terraform-provider-polardb", "a.b@c_d-e"},
			[]string{"x", "has space", "slash/name", strings.Repeat("a", 65)}},
		{"credentials_uri", uriPattern.MatchString, []string{"", "http://127.0.0.1:8080/credentials", "https://creds.internal/v1"},
			[]string{"127.0.0.1:8080", "ftp://host/x", "http://host/a b"}},
		{"endpoint", endpointPattern.MatchString, []string{"", "polardb.aliyuncs.com", "127.0.0.1:8080", "localhost", "[::1]:9000", "polardb.cn-shenzhen.aliyuncs.com"},
			[]string{"https://polardb.aliyuncs.com", "polardb.aliyuncs.com/", "host/path", "host:port", "a b", "host:123456", "-bad.example"}},
	}
	for _, tt := range tests {
		for _, s := range tt.good {
			if !tt.match(s) {
				t.Errorf("%s: %q refused, want accepted", tt.name, s)
			}
		}
		for _, s := range tt.refused {
			if tt.match(s) {
				t.Errorf("%s: %q accepted, want refused", tt.name, s)
			}
		}
	}
}

func TestPlaintextWarning(t *testing.T) {
	for _, endpoint := range []string{"127.0.0.1:8080", "127.9.9.9", "localhost:80", "LOCALHOST", "emulator.localhost:9", "[::1]:8080", "::1"} {
		if w := plaintextWarning("HTTP", endpoint); w != "" {
			t.Errorf("loopback %s warned: %s", endpoint, w)
		}
	}
	for _, endpoint := range []string{"10.0.0.1:8080", "polardb.aliyuncs.com", "polardb-vpc.cn-hangzhou.aliyuncs.com:80", "[2001:db8::1]:80", "localhost.example.com"} {
		if w := plaintextWarning("http", endpoint); !strings.Contains(w, endpoint+" is not a loopback address") || !strings.Contains(w, "security token") {
			t.Errorf("%s: warning %q", endpoint, w)
		}
		if w := plaintextWarning("HTTPS", endpoint); w != "" {
			t.Errorf("HTTPS to %s warned", endpoint)
		}
	}
}
