package provider

import (
	"context"
	"encoding/json"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Shapes of arguments, checked at validate time.
var (
	regionPattern          = regexp.MustCompile(`^([a-z0-9]+(-[a-z0-9]+)*)?$`)
	endpointPattern        = regexp.MustCompile(`^(([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$|^$`)
	noSpacePattern         = regexp.MustCompile(`^\S*$`)
	uriPattern             = regexp.MustCompile(`^(https?://\S+)?$`)
	roleArnPattern         = regexp.MustCompile(`^(acs:ram::[0-9]+:role/\S+)?$`)
	oidcProviderArnPattern = regexp.MustCompile(`^(acs:ram::[0-9]+:oidc-provider/\S+)?$`)
	sessionNamePattern     = regexp.MustCompile(`^([A-Za-z0-9.@_-]{2,64})?$`)
)

const roleArnShape = "a RAM role ARN such as acs:ram::1234567890123456:role/polardb-reader"

// maxMaxRetries bounds max_retries: with the backoff's 10 s cap, more could
// not fit in any sensible read timeout.
const maxMaxRetries = 100

// STS accepts sessions of 15 minutes to 12 hours.
const minSessionExpiration, maxSessionExpiration = 900, 43200

func sessionNameAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Name of the role session, shown in ActionTrail: 2 to 64 letters, digits and `.@_-`. Default: `terraform-provider-polardb`.",
		Optional:            true,
		Validators:          []validator.String{stringvalidator.RegexMatches(sessionNamePattern, "2 to 64 characters among letters, digits and .@_-")},
	}
}

func sessionExpirationAttribute() schema.Int64Attribute {
	return schema.Int64Attribute{
		MarkdownDescription: "Lifetime of the temporary credentials in seconds, 900 to 43200 (and at most the role's maximum session duration). Default: 3600. They are renewed before they expire.",
		Optional:            true,
		Validators:          []validator.Int64{int64validator.Between(minSessionExpiration, maxSessionExpiration)},
	}
}

func policyAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "RAM policy (a JSON document) that further restricts the session, for example `jsonencode({...})`.",
		Optional:            true,
		Validators:          []validator.String{jsonObject{}},
	}
}

// jsonObject accepts a JSON object, as a RAM policy is.
type jsonObject struct{}

func (jsonObject) Description(context.Context) string {
	return "value must be a JSON object, such as a RAM policy document"
}

func (v jsonObject) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v jsonObject) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() == "" {
		return
	}
	var object map[string]json.RawMessage
	if err := json.Unmarshal([]byte(req.ConfigValue.ValueString()), &object); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid policy document",
			"Attribute "+req.Path.String()+" "+v.Description(ctx)+": "+err.Error()+". Write it with jsonencode({ Version = \"1\", Statement = [...] }).")
	}
}
