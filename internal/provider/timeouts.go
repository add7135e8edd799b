package provider

// Timeouts: how long a read, a wait or an action may take, and how the
// data sources' timeouts.read is declared and named.

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// defaultReadTimeout bounds a read that does not wait when timeouts.read is
// not set.
const defaultReadTimeout = 5 * time.Minute

// dataSourceTimeoutSetting is what bounds a data source's read, as its
// diagnostics name it.
const dataSourceTimeoutSetting = "`timeouts = { read = \"...\" }` on the data source"

// defaultTimeout is a data source's limit when timeouts.read is not set:
// longer when wait_until is.
func defaultTimeout(waitUntil string) time.Duration {
	if waitUntil != "" {
		return defaultWaitTimeout
	}
	return defaultReadTimeout
}

// timeoutsAttribute is framework-timeouts' attribute with a validator whose
// message names the attribute, which the package's does not, and which
// refuses durations that are not positive; waits says whether the data
// source has a wait_until, which changes the default. Should
// framework-timeouts change the shape of its attribute, this is the
// package's attribute as it is, and TestTimeoutsAttribute fails.
func timeoutsAttribute(ctx context.Context, waits bool) schema.Attribute {
	original := timeouts.AttributesWithOpts(ctx, timeouts.Opts{})
	a, ok := original.(schema.SingleNestedAttribute)
	read, readOK := a.Attributes["read"].(schema.StringAttribute)
	if !ok || !readOK {
		return original
	}
	included, defaults := "retries", fmt.Sprintf("`%s`", durationText(defaultReadTimeout))
	if waits {
		included, defaults = "retries and any wait", fmt.Sprintf("`%s`, or `%s` when `wait_until` is set", durationText(defaultReadTimeout), durationText(defaultWaitTimeout))
	}
	read.MarkdownDescription = "How long the whole read may take, " + included + " included, such as `\"30s\"` or `\"2h\"`. Default: " + defaults + "."
	read.Validators = []validator.String{duration{}}
	a.Attributes = map[string]schema.Attribute{"read": read}
	return a
}

// durationText is d as timeouts.read takes it: "60m" for whole minutes
// rather than Go's "1h0m0s".
func durationText(d time.Duration) string {
	if d > 0 && d%time.Minute == 0 {
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return d.String()
}
