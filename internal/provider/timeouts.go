package provider

// Timeouts: how long a read, a wait or an action may take, and how the
// data sources' timeouts.read is declared and named.

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	resourcetimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	resourceschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// defaultReadTimeout bounds a read that does not wait when timeouts.read is
// not set.
const defaultReadTimeout = 5 * time.Minute

// defaultDeleteTimeout bounds a delete and its wait when timeouts.delete is
// not set; a create's default is defaultWaitTimeout, the action's.
const defaultDeleteTimeout = 30 * time.Minute

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

// resourceTimeoutsAttribute is framework-timeouts' attribute of create and
// delete, with timeoutsAttribute's validator and descriptions that say what
// each bounds; the package's as it is if its shape changes.
func resourceTimeoutsAttribute(ctx context.Context) resourceschema.Attribute {
	original := resourcetimeouts.Attributes(ctx, resourcetimeouts.Opts{Create: true, Delete: true})
	a, ok := original.(resourceschema.SingleNestedAttribute)
	if !ok {
		return original
	}
	descriptions := map[string]string{
		"create": "How long a create may take, retries and the wait until the backup is available included, such as `\"2h\"`. Default: `" + durationText(defaultWaitTimeout) + "`. " +
			"At the timeout the backup, still being taken, is recorded in the state and tainted.",
		"delete": "How long a delete may take, retries and the wait until the backup is no longer listed included. Default: `" + durationText(defaultDeleteTimeout) + "`.",
	}
	attributes := map[string]resourceschema.Attribute{}
	for name, description := range descriptions {
		s, ok := a.Attributes[name].(resourceschema.StringAttribute)
		if !ok {
			return original
		}
		s.MarkdownDescription, s.Validators = description, []validator.String{duration{}}
		attributes[name] = s
	}
	a.Attributes = attributes
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
