package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestResolveSettingsPrecedence(t *testing.T) {
	env := map[string]string{
		"ALIBABA_CLOUD_REGION": "cn-shanghai", "ALICLOUD_REGION": "cn-beijing",
		"ALICLOUD_ACCESS_KEY": "LTAIfromalicloud", "ALICLOUD_SECRET_KEY": "secret-alicloud",
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET": "  secret-alibaba  ", "POLARDB_ENDPOINT": "127.0.0.1:9",
	}
	getenv := func(name string) string { return env[name] }

	got := resolveSettings(providerModel{Region: types.StringValue("cn-hangzhou"), Protocol: types.StringValue("HTTP")}, getenv)
	want := settings{region: "cn-hangzhou", endpoint: "127.0.0.1:9", protocol: "HTTP", accessKey: "LTAIfromalicloud", secretKey: "secret-alibaba"}
	if got != want {
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

func TestSettingsMissing(t *testing.T) {
	complete := settings{region: "cn-hangzhou", accessKey: "LTAIx", secretKey: "s"}
	if summary, _ := complete.missing(); summary != "" {
		t.Errorf("complete settings reported missing: %s", summary)
	}
	endpointOnly := settings{endpoint: "127.0.0.1:9", accessKey: "LTAIx", secretKey: "s"}
	if summary, _ := endpointOnly.missing(); summary != "" {
		t.Errorf("an endpoint without region reported missing: %s", summary)
	}
	_, detail := settings{accessKey: "LTAIx"}.missing()
	for _, s := range []string{"`access_key`", "`secret_key`", "ALIBABA_CLOUD_ACCESS_KEY_SECRET or ALICLOUD_SECRET_KEY", "`region`", "`endpoint`"} {
		if !strings.Contains(detail, s) {
			t.Errorf("detail lacks %q:\n%s", s, detail)
		}
	}
}

func TestSecretsAreListedForMasking(t *testing.T) {
	s := settings{accessKey: "LTAIx", secretKey: "the-secret", securityToken: "the-token"}
	if got := strings.Join(s.secrets(), ","); got != "the-secret,the-token" {
		t.Errorf("secrets = %q", got)
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
		{"backup_job_id", backupJobIDPattern.MatchString, []string{"11111111", "job-1"}, []string{"", " ", "11 11", "11\t", "\n"}},
		{"region", regionPattern.MatchString, []string{"", "cn-hangzhou", "ap-southeast-1", "cn-beijing-finance-1"},
			[]string{"cn hangzhou", "CN-HANGZHOU", "cn-", "-cn", "cn_hangzhou"}},
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
