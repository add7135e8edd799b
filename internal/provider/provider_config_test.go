package provider

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/polardb-community/terraform-provider-polardb/internal/auth"
)

// allEnv is every environment variable the provider reads, and those
// credentials-go reads on its own.
var allEnv = [][]string{envRegion, envEndpoint, envEndpointType, {envAppendUserAgent},
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
			testSteps(t, resource.TestStep{Config: tt.provider + readClusterWithJobs, ExpectError: regexp.MustCompile(tt.want)})
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
			testSteps(t, resource.TestStep{
				Config:            provider + readClusterWithJobs,
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(tasksAddress, tfjsonpath.New("tasks"), knownvalue.ListSizeExact(len(testJobs)))},
			})
		})
	}
}

func TestAccProvider_securityToken(t *testing.T) {
	tests := []struct {
		name, token string
		wantErr     *regexp.Regexp
	}{
		{"accepted", testSTSToken, nil},
		{"not the key's token", "some-other-token", regexp.MustCompile(`(?s)PolarDB API refused the credentials.*STS\.\*\*\*\*0002.*security_token.*Code: InvalidSecurityToken\.MismatchWithAccessKey.*Request\s+ID:`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearProviderEnv(t)
			emu := startEmulator(t)
			expectReadOrError(t, fmt.Sprintf(`
provider "polardb" {
  endpoint       = %q
  protocol       = "HTTP"
  access_key     = %q
  secret_key     = %q
  security_token = %q
}`, emu.endpoint, testSTSKeyID, testSTSKeySecret, tt.token)+readClusterWithJobs, tt.wantErr)
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
			testSteps(t, resource.TestStep{
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
			})
			if n := len(emu.Requests()); n != 0 {
				t.Errorf("the emulator saw %d requests, want none", n)
			}
		})
	}
}

// protocol = "HTTP" to a host other than loopback gets a warning naming the
// attribute; the emulator on loopback gets none. The other host is this
// machine's own non-loopback address, so nothing leaves the machine.
func TestAccPlaintextWarning(t *testing.T) {
	clearProviderEnv(t)
	ip := nonLoopbackAddress(t)
	emu := startEmulator(t)
	listener, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Fatal(err)
	}
	server := &httptest.Server{Listener: listener, Config: &http.Server{Handler: emu.Server}}
	server.Start()
	t.Cleanup(server.Close)

	for endpoint, warned := range map[string]bool{listener.Addr().String(): true, emu.endpoint: false} {
		w := newCLIWorkdir(t, httpProvider(endpoint)+readClusterWithJobs)
		out, err := w.command(context.Background(), "plan", "-input=false", "-no-color").CombinedOutput()
		if err != nil {
			t.Fatalf("plan against %s: %v\n%s", endpoint, err, out)
		}
		text := oneLine(string(out))
		got := strings.Contains(text, "Warning: PolarDB API requests are not encrypted")
		if got != warned || warned && !strings.Contains(text, "protocol is HTTP and the endpoint "+endpoint+" is not a loopback address") {
			t.Errorf("endpoint %s: warning %v, want %v:\n%s", endpoint, got, warned, out)
		}
	}
	if n := emu.calls("DescribeBackupTasks", ""); n != 2 {
		t.Errorf("%d calls, want one per plan", n)
	}
}

// nonLoopbackAddress is an IPv4 address of this machine that is not a
// loopback one.
func nonLoopbackAddress(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	t.Skip("this machine has no non-loopback IPv4 address")
	return ""
}

// endpoint_type = "vpc" in a region without a known VPC endpoint, or a
// wrong type in the environment, stop at configure, before any call.
func TestAccEndpointTypeRefusals(t *testing.T) {
	for _, tt := range []struct{ name, provider, env, want string }{
		{"no VPC endpoint", `endpoint_type = "vpc"` + "\n  region = \"cn-zhangbei\"", "",
			`no PolarDB VPC endpoint is known for region "cn-zhangbei"; set the endpoint explicitly`},
		{"wrong environment", `region = "cn-hangzhou"`, "VPC",
			`endpoint type "VPC" is neither "public" nor "vpc" \(from ALICLOUD_ENDPOINT_TYPE\)`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clearProviderEnv(t)
			t.Setenv("ALICLOUD_ENDPOINT_TYPE", tt.env)
			testSteps(t, resource.TestStep{
				Config: fmt.Sprintf("provider \"polardb\" {\n  access_key = %q\n  secret_key = %q\n  %s\n}\n", testAccessKeyID, testAccessKeySecret, tt.provider) +
					readClusterWithJobs,
				ExpectError: regexp.MustCompile(strings.ReplaceAll(tt.want, " ", `\s+`)),
			})
		})
	}
}
