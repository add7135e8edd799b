package provider

// What the data sources share: the provider's client, the cluster_id
// argument, masked logging and the context of their diagnostics.

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// configured holds what Configure hands a data source or an action: nil
// until the provider is configured with values known at plan time.
type configured struct {
	provider *providerData
}

func (c *configured) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	c.configure(req.ProviderData, &resp.Diagnostics)
}

// configure keeps the provider's data, handed over as data.
func (c *configured) configure(data any, diags *diag.Diagnostics) {
	if data == nil {
		return // not configured yet, or configured with unknown values
	}
	p, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", data))
		return
	}
	c.provider = p
}

// notConfigured is the error of a read or an action the provider could
// not be configured for; cannot says what cannot be done.
func notConfigured(cannot string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("PolarDB provider not configured",
		"The polardb provider block has values that are not known until apply (for example a region taken from a resource "+
			"that does not exist yet), so "+cannot+". Use values known at plan time in the provider block.")
}

// clusterIDDescription describes the cluster_id argument of the data
// sources and the action.
const clusterIDDescription = "ID of the PolarDB cluster, such as `pc-2zed3m89cw7xxxxxx` (`DBClusterId`)."

// clusterIDAttribute is the cluster_id argument.
func clusterIDAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: clusterIDDescription,
		Required:            true,
		Validators:          clusterIDValidators(),
	}
}

// idAttribute is the id of a data source's state: the cluster ID.
func idAttribute() schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: "The cluster ID.", Computed: true}
}

// idArgument is an optional ID argument, such as backup_job_id; shape says
// what it identifies.
func idArgument(description, shape string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Optional:            true,
		Validators:          []validator.String{stringvalidator.RegexMatches(backupIDPattern, shape+": non-empty, with no whitespace"), text{max: maxIDLength}},
	}
}

// backupModeArgument is the backup_mode filter of what (tasks, backups).
func backupModeArgument(what string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Only " + what + " of this backup mode (`BackupMode`): `Automated` or `Manual`, case-sensitive.",
		Optional:            true,
		Validators:          []validator.String{stringvalidator.OneOf("Automated", "Manual")},
	}
}

func clusterIDValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(clusterIDPattern,
		`a PolarDB cluster ID: "pc-" followed by lowercase letters and digits, such as pc-2zed3m89cw7xxxxxx`), text{max: maxIDLength}}
}

// optionalString is a request parameter: nil, not sent, when the
// argument is not set.
func optionalString(v types.String) *string {
	if v.ValueString() == "" {
		return nil
	}
	return v.ValueStringPointer()
}

// masked is ctx with the provider's secrets masked in every log line.
func (p *providerData) masked(ctx context.Context) context.Context {
	ctx = tflog.MaskMessageStrings(ctx, p.secrets...)
	return tflog.MaskAllFieldValuesStrings(ctx, p.secrets...)
}

// dataSourceTimeoutSetting is what bounds a data source's read, as its
// diagnostics name it.
const dataSourceTimeoutSetting = "`timeouts = { read = \"...\" }` on the data source"

// readContext is what a diagnostic of a failed call of action may tell;
// doing is what failed, as its title begins.
func (p *providerData) readContext(action, doing, clusterID string, readTimeout time.Duration) readContext {
	return readContext{
		action: action, doing: doing, clusterID: clusterID, endpoint: p.client.Endpoint(), region: p.region,
		accessKeyID: p.accessKeyID, credentials: p.credentialSource, readTimeout: readTimeout,
		timeoutSetting: dataSourceTimeoutSetting,
	}
}

// logCall logs a call of the API operation action at DEBUG, with where it
// went, with which credentials (the key masked), how long it took, and
// fields: what was asked and answered. It runs in the read's context,
// where secrets are masked.
func (p *providerData) logCall(ctx context.Context, action string, started time.Time, fields map[string]any, err error) {
	fields["action"] = action
	fields["endpoint"] = p.client.Endpoint()
	fields["access_key_id"] = maskAccessKeyID(p.accessKeyID)
	fields["credentials"] = p.credentialSource
	fields["duration_ms"] = time.Since(started).Milliseconds()
	if err != nil {
		fields["error"] = err.Error()
		tflog.Debug(ctx, "PolarDB API call failed", fields)
		return
	}
	tflog.Debug(ctx, "PolarDB API call", fields)
}
