package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// badValue is a wrong value for an argument, as HCL, and what the error
// must say besides the argument's name.
type badValue struct {
	hcl  string
	want string // a regular expression
}

var (
	huge       = badValue{fmt.Sprintf("%q", strings.Repeat("a", maxPathLength+1)), `characters.*it\s+has\s+4097\s+characters`}
	control    = badValue{`"a\u0007b"`, `without.*control\s+characters.*U\+0007`}
	listType   = badValue{`["a"]`, `(Inappropriate value|Incorrect attribute value type).*string\s+required`}
	numberType = badValue{`"many"`, `(Inappropriate value|Incorrect attribute value type).*number\s+is\s+required`}
	notARegion = badValue{`" cn-hangzhou "`, `a\s+region\s+ID`}
	notAHost   = badValue{`"https://polardb.aliyuncs.com/"`, `no\s+scheme\s+or\s+path`}
	notARole   = badValue{`"polardb-reader"`, `a\s+RAM\s+role\s+ARN`}
	badSession = badValue{`"a b"`, `2\s+to\s+64\s+characters`}
	tooShort   = badValue{`600`, `between\s+900\s+and\s+43200`}
	notJSON    = badValue{`"Effect: Allow"`, `JSON\s+object`}
)

// Every argument, given wrong values (whitespace, wrong case, wrong type,
// huge strings, control characters), gets a plan-time diagnostic naming it,
// and nothing is sent. Empty strings are not wrong for provider arguments:
// they mean "unset", so that modules can pass "" (tested elsewhere).
func TestAccBadInputRefusedAtPlanTime(t *testing.T) {
	type argument struct {
		block, name string // block is "provider", "assume_role", "assume_role_with_oidc" or "data"
		values      []badValue
	}
	arguments := []argument{
		{"provider", "region", []badValue{notARegion, {`"CN-HANGZHOU"`, `a\s+region\s+ID`}, huge, control, listType}},
		{"provider", "access_key", []badValue{huge, control, listType}},
		{"provider", "secret_key", []badValue{{`"secret with space"`, `without\s+whitespace`}, huge, control, listType}},
		{"provider", "security_token", []badValue{{`"token\n"`, `without\s+whitespace`}, control, listType}},
		{"provider", "profile", []badValue{{`"my profile"`, `without\s+whitespace`}, huge, control, listType}},
		{"provider", "shared_credentials_file", []badValue{control, listType}},
		{"provider", "ecs_role_name", []badValue{{`"a role"`, `without\s+whitespace`}, huge, control}},
		{"provider", "credentials_uri", []badValue{{`"127.0.0.1:8080/creds"`, `http://\s+or\s+https://`}, control}},
		{"provider", "sts_endpoint", []badValue{notAHost, huge}},
		{"provider", "endpoint", []badValue{notAHost, {`"polardb.aliyuncs.com:99999999"`, `no\s+scheme`}, huge, control}},
		{"provider", "protocol", []badValue{{`"https"`, `one\s+of.*"HTTPS".*"HTTP"`}, {`"FTP"`, `one\s+of`}, listType}},
		{"provider", "max_retries", []badValue{{`-1`, `between\s+0\s+and\s+100`}, {`1000`, `between\s+0\s+and\s+100`}, numberType}},
		{"assume_role", "role_arn", []badValue{notARole, huge}},
		{"assume_role", "session_name", []badValue{badSession, {`"x"`, `2\s+to\s+64`}}},
		{"assume_role", "session_expiration", []badValue{tooShort, {`86400`, `between\s+900\s+and\s+43200`}, numberType}},
		{"assume_role", "external_id", []badValue{huge, control}},
		{"assume_role", "policy", []badValue{notJSON, {`"[]"`, `JSON\s+object`}}},
		{"assume_role_with_oidc", "role_arn", []badValue{notARole}},
		{"assume_role_with_oidc", "oidc_provider_arn", []badValue{{`"ack-rrsa"`, `an\s+OIDC\s+provider\s+ARN`}}},
		{"assume_role_with_oidc", "oidc_token_file", []badValue{control}},
		{"assume_role_with_oidc", "role_session_name", []badValue{badSession}},
		{"assume_role_with_oidc", "session_expiration", []badValue{tooShort}},
		{"assume_role_with_oidc", "policy", []badValue{notJSON}},
		{"data", "cluster_id", []badValue{{`""`, `PolarDB\s+cluster\s+ID`}, {`" pc-abc"`, `PolarDB\s+cluster\s+ID`},
			{`"PC-ABC"`, `PolarDB\s+cluster\s+ID`}, {`"pc-` + strings.Repeat("a", 100) + `"`, `at\s+most\s+64`}, control, listType}},
		{"data", "backup_job_id", []badValue{{`""`, `non-empty`}, {`"1 2"`, `no\s+whitespace`}, huge, control}},
		{"data", "backup_mode", []badValue{{`"manual"`, `one\s+of.*"Automated".*"Manual"`}, {`""`, `one\s+of`}, listType}},
		{"data", "timeouts", []badValue{{`{ read = "five minutes" }`, `\.read\s+value\s+must\s+be\s+a\s+positive\s+duration.*got:\s+"five\s+minutes"`}, {`{ read = "-5m" }`, `positive\s+duration`}, {`"5m"`, `object\s+required`}}},
	}
	for _, arg := range arguments {
		for i, bad := range arg.values {
			t.Run(fmt.Sprintf("%s.%s/%d", arg.block, arg.name, i), func(t *testing.T) {
				clearProviderEnv(t)
				emu := startEmulator(t)
				setting := arg.name + " = " + bad.hcl
				var providerExtra, dataExtra string
				switch arg.block {
				case "provider":
					providerExtra = setting
				case "data":
					dataExtra = setting
				default:
					providerExtra = arg.block + " {\n    " + setting + "\n  }"
					if arg.name != "role_arn" && arg.block == "assume_role" {
						providerExtra = arg.block + " {\n    role_arn = \"" + testRoleArn + "\"\n    " + setting + "\n  }"
					}
				}
				clusterID := `"` + clusterWithJobs + `"`
				if arg.name == "cluster_id" {
					clusterID, dataExtra = bad.hcl, ""
				}
				// The provider's own settings, unless the one under test.
				var base []string
				for _, kv := range [][2]string{{"endpoint", emu.endpoint}, {"protocol", "HTTP"}, {"access_key", testAccessKeyID}, {"secret_key", testAccessKeySecret}} {
					if arg.block != "provider" || arg.name != kv[0] {
						base = append(base, fmt.Sprintf("%s = %q", kv[0], kv[1]))
					}
				}
				config := fmt.Sprintf(`
provider "polardb" {
  %s
  %s
}
data "polardb_backup_tasks" "this" {
  cluster_id = %s
  %s
}`, strings.Join(base, "\n  "), providerExtra, clusterID, dataExtra)
				named := regexp.QuoteMeta(arg.name)
				// Terraform's own type errors name the attribute without its block.
				if (arg.block == "assume_role" || arg.block == "assume_role_with_oidc") && bad != numberType && bad != listType {
					named = arg.block + `(\.|.*)` + named
				}
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: protoV6ProviderFactories,
					Steps:                    []resource.TestStep{{Config: config, ExpectError: regexp.MustCompile(`(?s)` + named + `.*` + bad.want)}},
				})
				if n := len(emu.Requests()); n != 0 {
					t.Errorf("the emulator saw %d requests, want none", n)
				}
			})
		}
	}
}

// A refused secret never shows in the diagnostic.
func TestRefusedSecretIsNotShown(t *testing.T) {
	for _, secret := range []string{"s3cr3t with space", "s3cr3t\n", strings.Repeat("s3cr3t", 100)} {
		req := validator.StringRequest{Path: path.Root("secret_key"), ConfigValue: types.StringValue(secret)}
		var resp validator.StringResponse
		text{max: maxSecretLength, secret: true}.ValidateString(context.Background(), req, &resp)
		if !resp.Diagnostics.HasError() {
			t.Fatalf("%q accepted", secret)
		}
		if detail := resp.Diagnostics[0].Detail(); strings.Contains(detail, "s3cr3t") || !strings.Contains(detail, "secret_key") {
			t.Errorf("detail shows the secret or lacks the attribute: %s", detail)
		}
	}
}
