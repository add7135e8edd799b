package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/polardb-community/terraform-provider-polardb/internal/auth"
)

// allEnv is every environment variable the provider reads, and those
// credentials-go reads on its own.
var allEnv = [][]string{envRegion, envEndpoint, {envAppendUserAgent},
	auth.EnvAccessKey, auth.EnvSecretKey, auth.EnvSecurityToken, auth.EnvProfile, auth.EnvConfigFile, auth.EnvCredentialsFile,
	auth.EnvAssumeRoleArn, auth.EnvRoleSessionName, auth.EnvOIDCProviderArn, auth.EnvOIDCTokenFile, auth.EnvECSRoleName,
	auth.EnvCredentialsURI, auth.EnvSTSEndpoint,
	{"ALIBABA_CLOUD_OIDC_TOKEN", "ALIBABA_CLOUD_STS_REGION", "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED", "ALIBABA_CLOUD_IMDSV1_DISABLED"}}

// clearProviderEnv makes a test independent of the caller's environment
// and profile files: every variable empty, and an empty home directory.
func clearProviderEnv(t *testing.T) {
	for _, names := range allEnv {
		for _, name := range names {
			t.Setenv(name, "")
		}
	}
	t.Setenv("HOME", t.TempDir())
}

const readClusterWithJobs = `
data "polardb_backup_tasks" "this" {
  cluster_id = "` + clusterWithJobs + `"
}
`

func TestAccProvider_missingConfigurationNamesEveryWayToSupplyIt(t *testing.T) {
	tests := []struct{ name, provider, want string }{{
		name:     "no credentials",
		provider: `provider "polardb" { region = "cn-hangzhou" }`,
		want: `(?s)PolarDB provider is missing configuration.*access_key.*secret_key.*ALIBABA_CLOUD_ACCESS_KEY_ID\s+or\s+ALICLOUD_ACCESS_KEY` +
			`.*ALIBABA_CLOUD_ACCESS_KEY_SECRET\s+or\s+ALICLOUD_SECRET_KEY`,
	}, {
		name:     "no region and no endpoint",
		provider: fmt.Sprintf("provider \"polardb\" {\n  access_key = %q\n  secret_key = %q\n}", testAccessKeyID, testAccessKeySecret),
		want:     `(?s)PolarDB provider is missing configuration.*region.*ALIBABA_CLOUD_REGION\s+or\s+ALICLOUD_REGION.*endpoint.*ALIBABA_CLOUD_ENDPOINT_POLARDB\s+or\s+POLARDB_ENDPOINT`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearProviderEnv(t)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tt.provider + readClusterWithJobs, ExpectError: regexp.MustCompile(tt.want)}},
			})
		})
	}
}

func TestAccProvider_environmentFallbacks(t *testing.T) {
	tests := []struct {
		name     string
		provider string
		env      func(e *testEmulator) map[string]string
	}{{
		name:     "ALIBABA_CLOUD_ variables",
		provider: `provider "polardb" { protocol = "HTTP" }`,
		env: func(e *testEmulator) map[string]string {
			return map[string]string{"ALIBABA_CLOUD_REGION": "cn-hangzhou", "ALIBABA_CLOUD_ENDPOINT_POLARDB": e.endpoint,
				"ALIBABA_CLOUD_ACCESS_KEY_ID": testAccessKeyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": testAccessKeySecret}
		},
	}, {
		name:     "ALICLOUD_ variables",
		provider: `provider "polardb" { protocol = "HTTP" }`,
		env: func(e *testEmulator) map[string]string {
			return map[string]string{"ALICLOUD_REGION": "cn-hangzhou", "POLARDB_ENDPOINT": e.endpoint,
				"ALICLOUD_ACCESS_KEY": testAccessKeyID, "ALICLOUD_SECRET_KEY": testAccessKeySecret}
		},
	}, {
		name:     "ALIBABA_CLOUD_ before ALICLOUD_",
		provider: `provider "polardb" { protocol = "HTTP" }`,
		env: func(e *testEmulator) map[string]string {
			return map[string]string{"ALIBABA_CLOUD_ENDPOINT_POLARDB": e.endpoint, "POLARDB_ENDPOINT": "127.0.0.1:1",
				"ALIBABA_CLOUD_ACCESS_KEY_ID": testAccessKeyID, "ALICLOUD_ACCESS_KEY": "LTAIwrongwrongwrong",
				"ALIBABA_CLOUD_ACCESS_KEY_SECRET": testAccessKeySecret, "ALICLOUD_SECRET_KEY": "wrong"}
		},
	}, {
		name: "configuration before environment",
		provider: func() string {
			return `provider "polardb" {
  protocol   = "HTTP"
  endpoint   = "%s"
  access_key = "` + testAccessKeyID + `"
  secret_key = "` + testAccessKeySecret + `"
}`
		}(),
		env: func(e *testEmulator) map[string]string {
			return map[string]string{"ALIBABA_CLOUD_ENDPOINT_POLARDB": "127.0.0.1:1", "ALIBABA_CLOUD_REGION": "cn-hangzhou",
				"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIwrongwrongwrong", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "wrong"}
		},
	}, {
		name:     "security token from the environment",
		provider: `provider "polardb" { protocol = "HTTP" }`,
		env: func(e *testEmulator) map[string]string {
			return map[string]string{"ALIBABA_CLOUD_ENDPOINT_POLARDB": e.endpoint, "ALIBABA_CLOUD_ACCESS_KEY_ID": testSTSKeyID,
				"ALIBABA_CLOUD_ACCESS_KEY_SECRET": testSTSKeySecret, "ALICLOUD_SECURITY_TOKEN": testSTSToken}
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearProviderEnv(t)
			emu := startEmulator(t)
			for name, value := range tt.env(emu) {
				t.Setenv(name, value)
			}
			provider := tt.provider
			if regexp.MustCompile(`%s`).MatchString(provider) {
				provider = fmt.Sprintf(provider, emu.endpoint)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:            provider + readClusterWithJobs,
					ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks"), knownvalue.ListSizeExact(len(testJobs)))},
				}},
			})
		})
	}
}

func TestAccProvider_securityToken(t *testing.T) {
	tests := []struct{ name, token, wantErr string }{
		{"accepted", testSTSToken, ""},
		{"not the key's token", "some-other-token", `(?s)PolarDB API refused the credentials.*STS\.\*\*\*\*0002.*security_token.*Code: InvalidSecurityToken\.MismatchWithAccessKey.*Request\s+ID:`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearProviderEnv(t)
			emu := startEmulator(t)
			step := resource.TestStep{Config: fmt.Sprintf(`
provider "polardb" {
  endpoint       = %q
  protocol       = "HTTP"
  access_key     = %q
  secret_key     = %q
  security_token = %q
}`, emu.endpoint, testSTSKeyID, testSTSKeySecret, tt.token) + readClusterWithJobs}
			if tt.wantErr != "" {
				step.ExpectError = regexp.MustCompile(tt.wantErr)
			} else {
				step.ConfigStateChecks = expectTasks(testJobs...)
			}
			resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: []resource.TestStep{step}})
		})
	}
}

// A provider argument known only after apply, at the top or in a nested
// block, leaves the provider unconfigured during plan: a clear error, no
// crash, and no request with half a configuration.
func TestAccProvider_unknownConfigurationAtPlan(t *testing.T) {
	for name, argument := range map[string]string{
		"endpoint":             "endpoint = terraform_data.later.output",
		"assume_role.role_arn": "assume_role {\n    role_arn = terraform_data.later.output\n  }",
	} {
		t.Run(name, func(t *testing.T) {
			clearProviderEnv(t)
			emu := startEmulator(t)
			endpoint := fmt.Sprintf("endpoint = %q", emu.endpoint)
			if name == "endpoint" {
				endpoint = ""
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: fmt.Sprintf(`
resource "terraform_data" "later" {
  input = %q
}
provider "polardb" {
  %s
  %s
  protocol   = "HTTP"
  access_key = %q
  secret_key = %q
}`, emu.endpoint, endpoint, argument, testAccessKeyID, testAccessKeySecret) + readClusterWithJobs,
					ExpectError: regexp.MustCompile(`(?s)PolarDB provider not configured.*not\s+known\s+until\s+apply`),
				}},
			})
			if n := len(emu.Requests()); n != 0 {
				t.Errorf("the emulator saw %d requests, want none", n)
			}
		})
	}
}
