package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Shapes of arguments, checked at validate time.
var (
	clusterIDPattern       = regexp.MustCompile(`^pc-[a-z0-9]+$`)
	backupIDPattern        = regexp.MustCompile(`^\S+$`) // backup job and backup set IDs
	regionPattern          = regexp.MustCompile(`^([a-z0-9]+(-[a-z0-9]+)*)?$`)
	endpointPattern        = regexp.MustCompile(`^(([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$|^$`)
	noSpacePattern         = regexp.MustCompile(`^\S*$`)
	uriPattern             = regexp.MustCompile(`^(https?://\S+)?$`)
	roleArnPattern         = regexp.MustCompile(`^(acs:ram::[0-9]+:role/\S+)?$`)
	oidcProviderArnPattern = regexp.MustCompile(`^(acs:ram::[0-9]+:oidc-provider/\S+)?$`)
	sessionNamePattern     = regexp.MustCompile(`^([A-Za-z0-9.@_-]{2,64})?$`)
)

const roleArnShape = "a RAM role ARN such as acs:ram::1234567890123456:role/polardb-reader"

// Length limits: far above any real value, so that a runaway value (a file
// read by mistake, say) is refused at plan time, not sent.
const (
	maxIDLength     = 64    // cluster and backup job IDs
	maxNameLength   = 128   // regions, profile and role names, key IDs
	maxHostLength   = 261   // a 253-character host name and a port
	maxPathLength   = 4096  // file paths, URLs, ARNs
	maxPolicyLength = 16384 // RAM policy documents, STS tokens
	maxSecretLength = 256   // AccessKey secrets
)

// maxMaxRetries bounds max_retries: with the backoff's 10 s cap, more could
// not fit in any sensible read timeout.
const maxMaxRetries = 100

// STS accepts sessions of 15 minutes to 12 hours.
const minSessionExpiration, maxSessionExpiration = 900, 43200

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

// text refuses values longer than max and values with control characters:
// a pasted line break or a stray byte, which no identifier, path or key
// has. For a secret, whitespace is refused too, and the value is never
// shown.
type text struct {
	max    int
	secret bool
}

func (v text) Description(context.Context) string {
	if v.secret {
		return fmt.Sprintf("value must be at most %d characters, without whitespace or control characters", v.max)
	}
	return fmt.Sprintf("value must be at most %d characters, without control characters", v.max)
}

func (v text) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v text) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	problem := ""
	if n := utf8.RuneCountInString(value); n > v.max {
		problem = fmt.Sprintf("it has %d characters", n)
	}
	for i, r := range value {
		if unicode.IsControl(r) || (v.secret && unicode.IsSpace(r)) {
			problem = fmt.Sprintf("it has %U at byte %d", r, i)
			break
		}
	}
	if problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value",
			"Attribute "+req.Path.String()+" "+v.Description(ctx)+": "+problem+".")
	}
}

// duration accepts a positive Go duration such as "30s" or "5m".
type duration struct{}

func (duration) Description(context.Context) string {
	return `value must be a positive duration: numbers with units "s", "m" or "h", such as "30s", "5m" or "1h30m"`
}

func (v duration) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v duration) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if d, err := time.ParseDuration(req.ConfigValue.ValueString()); err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value",
			fmt.Sprintf("Attribute %s %s, got: %q.", req.Path, v.Description(ctx), req.ConfigValue.ValueString()))
	}
}

// timestamp accepts an RFC 3339 timestamp, as plantimestamp() and
// timeadd() give.
type timestamp struct{}

func (timestamp) Description(context.Context) string {
	return `value must be an RFC 3339 timestamp, such as "2026-12-01T00:00:00Z" or timeadd(plantimestamp(), "-24h")`
}

func (v timestamp) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v timestamp) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := time.Parse(time.RFC3339, req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value",
			fmt.Sprintf("Attribute %s %s, got: %q.", req.Path, v.Description(ctx), req.ConfigValue.ValueString()))
	}
}
