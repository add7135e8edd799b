package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Wrong values, and what the validators must say of them.
var (
	hugeValue    = strings.Repeat("a", maxPathLength+1)
	hugeSaid     = `characters.*it has 4097 characters`
	controlValue = "a\u0007b"
	controlSaid  = `without control characters.*U\+0007`
)

type wrongValueCase struct {
	attribute string // block.name, "provider." for the provider's own
	value     any    // a string or an int64
	want      string // a regular expression for the detail
}

var wrongValueCases = []wrongValueCase{
	{"provider.region", " cn-hangzhou ", `a region ID`},
	{"provider.region", "CN-HANGZHOU", `a region ID`},
	{"provider.region", "cn hangzhou", `a region ID.*such as cn-hangzhou.*got: cn hangzhou`},
	{"provider.region", hugeValue, hugeSaid},
	{"provider.region", controlValue, controlSaid},
	{"provider.access_key", hugeValue, `at most 128 characters`},
	{"provider.access_key", controlValue, controlSaid},
	{"provider.secret_key", "secret with space", `without whitespace`},
	{"provider.secret_key", hugeValue, `at most 256 characters`},
	{"provider.security_token", "token\n", `without whitespace`},
	{"provider.profile", "my profile", `without whitespace`},
	{"provider.profile", hugeValue, hugeSaid},
	{"provider.shared_credentials_file", controlValue, controlSaid},
	{"provider.ecs_role_name", "a role", `without whitespace`},
	{"provider.credentials_uri", "127.0.0.1:8080/creds", `http:// or https://`},
	{"provider.credentials_uri", controlValue, controlSaid},
	{"provider.sts_endpoint", "https://sts.aliyuncs.com", `no scheme`},
	{"provider.endpoint", "https://polardb.aliyuncs.com/", `a host name.*no scheme or path.*got: https://polardb.aliyuncs.com/`},
	{"provider.endpoint", "polardb.aliyuncs.com/api", `no scheme or path`},
	{"provider.endpoint", "polardb.aliyuncs.com:99999999", `no scheme`},
	{"provider.endpoint", hugeValue, hugeSaid},
	{"provider.protocol", "https", `one of.*"HTTPS".*"HTTP".*got: "https"`},
	{"provider.protocol", "FTP", `one of`},
	{"provider.endpoint_type", "VPC", `one of.*"public".*"vpc".*got: "VPC"`},
	{"provider.endpoint_type", "internal", `one of`},
	{"provider.max_retries", int64(-1), `between 0 and 100`},
	{"provider.max_retries", int64(1000), `between 0 and 100`},
	{"assume_role.role_arn", "polardb-reader", `a RAM role ARN such as acs:ram::`},
	{"assume_role.role_arn", hugeValue, `a RAM role ARN`},
	{"assume_role.session_name", "a b", `2 to 64 characters`},
	{"assume_role.session_name", "x", `2 to 64`},
	{"assume_role.session_expiration", int64(600), `between 900 and 43200`},
	{"assume_role.session_expiration", int64(86400), `between 900 and 43200`},
	{"assume_role.external_id", controlValue, controlSaid},
	{"assume_role.policy", "Effect: Allow", `JSON object`},
	{"assume_role.policy", "[]", `JSON object`},
	{"assume_role_with_oidc.role_arn", "polardb-reader", `a RAM role ARN`},
	{"assume_role_with_oidc.oidc_provider_arn", "ack-rrsa", `an OIDC provider ARN`},
	{"assume_role_with_oidc.oidc_token_file", controlValue, controlSaid},
	{"assume_role_with_oidc.role_session_name", "a b", `2 to 64 characters`},
	{"assume_role_with_oidc.session_expiration", int64(600), `between 900 and 43200`},
	{"assume_role_with_oidc.policy", "Effect: Allow", `JSON object`},
	{"data.cluster_id", "", `a PolarDB cluster ID`},
	{"data.cluster_id", " pc-abc", `a PolarDB cluster ID`},
	{"data.cluster_id", "PC-2ZE123", `a PolarDB cluster ID:.*pc-.*got: PC-2ZE123`},
	{"data.cluster_id", "rm-2ze123", `got: rm-2ze123`},
	{"data.cluster_id", "pc-" + strings.Repeat("a", 100), `at most 64`},
	{"data.cluster_id", controlValue, controlSaid},
	{"data.backup_job_id", "", `a backup job ID: non-empty`},
	{"data.backup_job_id", "12 34", `no whitespace.*got: 12 34`},
	{"data.backup_job_id", hugeValue, `at most 64`},
	{"data.backup_mode", "manual", `one of.*"Automated".*"Manual".*got: "manual"`},
	{"data.backup_mode", "", `one of.*got: ""`},
	{"data.wait_until", "Finished", `one of.*"idle".*"finished".*got: "Finished"`},
	{"data.wait_until", "", `one of.*got: ""`},
	{"data.timeouts.read", "five minutes", `timeouts\.read value must be a positive duration.*got: "five minutes"`},
	{"data.timeouts.read", "-5m", `positive duration`},
}

// Wrong values for every argument, against the validators the schemas
// declare: each is refused with a diagnostic on that attribute that names
// it and says the accepted shape. (Wrong types are Terraform's own errors,
// and the wiring of these validators to plan time is TestAccBadInputRefusedAtPlanTime's.)
func TestValidatorsRefuseWrongValues(t *testing.T) {
	for _, tt := range wrongValueCases {
		t.Run(fmt.Sprintf("%s=%.20q", tt.attribute, tt.value), func(t *testing.T) {
			p := attributePath(tt.attribute)
			diags := validate(t, tt.attribute, p, tt.value)
			if !diags.HasError() {
				t.Fatalf("accepted")
			}
			matched := false
			for _, d := range diags {
				withPath, ok := d.(diag.DiagnosticWithPath)
				detail := oneLine(d.Detail())
				if d.Severity() != diag.SeverityError || !ok || !withPath.Path().Equal(p) || !strings.Contains(detail, p.String()) {
					t.Errorf("diagnostic %.200q, want an error on %s that names it", detail, p)
				}
				matched = matched || regexp.MustCompile(tt.want).MatchString(detail)
			}
			if !matched {
				t.Errorf("no diagnostic matches %s: %.300v", tt.want, diags)
			}
		})
	}
}

// A refused secret never shows in the diagnostic.
func TestRefusedSecretIsNotShown(t *testing.T) {
	for _, secret := range []string{"s3cr3t with space", "s3cr3t\n", strings.Repeat("s3cr3t", 100)} {
		diags := validate(t, "provider.secret_key", path.Root("secret_key"), secret)
		if !diags.HasError() {
			t.Fatalf("%q accepted", secret)
		}
		if detail := diags[0].Detail(); strings.Contains(detail, "s3cr3t") || !strings.Contains(detail, "secret_key") {
			t.Errorf("detail shows the secret or lacks the attribute: %s", detail)
		}
	}
}

// The read timeout's attribute is framework-timeouts' with this package's
// validator and description: a framework-timeouts whose attribute has
// another shape fails here rather than leaving the validator out.
func TestTimeoutsAttribute(t *testing.T) {
	a, ok := timeoutsAttribute(context.Background(), true).(dsschema.SingleNestedAttribute)
	read, readOK := a.Attributes["read"].(dsschema.StringAttribute)
	if !ok || !readOK || len(a.Attributes) != 1 {
		t.Fatalf("timeouts attribute %#v, want a single nested attribute with only a string read", a)
	}
	if len(read.Validators) != 1 || read.Validators[0] != (duration{}) || !strings.Contains(read.MarkdownDescription, "`"+durationText(defaultReadTimeout)+"`, or `"+durationText(defaultWaitTimeout)+"` when `wait_until` is set") {
		t.Errorf("timeouts.read has validators %v and description %q", read.Validators, read.MarkdownDescription)
	}
}

// attributePath is the path of "block.name" ("provider.name" for the
// provider's own arguments, "data.name" for the data source's).
func attributePath(attribute string) path.Path {
	parts := strings.Split(attribute, ".")
	if parts[0] == "provider" || parts[0] == "data" {
		parts = parts[1:]
	}
	p := path.Root(parts[0])
	for _, name := range parts[1:] {
		p = p.AtName(name)
	}
	return p
}

// validate runs the validators the schemas declare for attribute on value.
func validate(t *testing.T, attribute string, p path.Path, value any) diag.Diagnostics {
	t.Helper()
	ctx := context.Background()
	var validators any
	parts := strings.Split(attribute, ".")
	if parts[0] == "data" {
		var resp datasource.SchemaResponse
		newBackupTasksDataSource().Schema(ctx, datasource.SchemaRequest{}, &resp)
		a := resp.Schema.Attributes[parts[1]]
		if len(parts) == 3 {
			a = a.(dsschema.SingleNestedAttribute).Attributes[parts[2]]
		}
		validators = a
	} else {
		var resp provider.SchemaResponse
		New("test")().Schema(ctx, provider.SchemaRequest{}, &resp)
		if parts[0] == "provider" {
			validators = resp.Schema.Attributes[parts[1]]
		} else {
			validators = resp.Schema.Blocks[parts[0]].(schema.SingleNestedBlock).Attributes[parts[1]]
		}
	}
	switch v := value.(type) {
	case string:
		return runValidators(t, attribute, validators, stringValidators.StringValidators, func(sv validator.String) diag.Diagnostics {
			var resp validator.StringResponse
			sv.ValidateString(ctx, validator.StringRequest{Path: p, ConfigValue: types.StringValue(v)}, &resp)
			return resp.Diagnostics
		})
	case int64:
		return runValidators(t, attribute, validators, int64Validators.Int64Validators, func(iv validator.Int64) diag.Diagnostics {
			var resp validator.Int64Response
			iv.ValidateInt64(ctx, validator.Int64Request{Path: p, ConfigValue: types.Int64Value(v)}, &resp)
			return resp.Diagnostics
		})
	}
	return nil
}

type (
	stringValidators interface{ StringValidators() []validator.String }
	int64Validators  interface{ Int64Validators() []validator.Int64 }
)

// runValidators runs each validator that attribute (an A) lists, into one
// set of diagnostics.
func runValidators[A, V any](t *testing.T, attribute string, attr any, list func(A) []V, run func(V) diag.Diagnostics) diag.Diagnostics {
	t.Helper()
	a, ok := attr.(A)
	if !ok {
		t.Fatalf("%s is not a %T attribute", attribute, *new(V))
	}
	var diags diag.Diagnostics
	for _, v := range list(a) {
		diags.Append(run(v)...)
	}
	return diags
}
