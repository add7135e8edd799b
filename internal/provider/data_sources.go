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
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// configured holds what Configure hands a data source: nil until the
// provider is configured with values known at plan time.
type configured struct {
	provider *providerData
}

func (c *configured) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return // not configured yet, or configured with unknown values
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", req.ProviderData))
		return
	}
	c.provider = data
}

// notConfigured is the error of a read the provider could not be
// configured for during this plan.
func notConfigured(subject string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("PolarDB provider not configured",
		"The polardb provider block has values that are not known until apply (for example a region taken from a resource "+
			"that does not exist yet), so "+subject+" cannot be read during this plan. Use values known at plan time in the provider block.")
}

// clusterIDAttribute is the cluster_id argument.
func clusterIDAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "ID of the PolarDB cluster, such as `pc-2zed3m89cw7xxxxxx` (`DBClusterId`).",
		Required:            true,
		Validators:          clusterIDValidators(),
	}
}

func clusterIDValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(clusterIDPattern,
		`a PolarDB cluster ID: "pc-" followed by lowercase letters and digits, such as pc-2zed3m89cw7xxxxxx`), text{max: maxIDLength}}
}

// masked is ctx with the provider's secrets masked in every log line.
func (p *providerData) masked(ctx context.Context) context.Context {
	ctx = tflog.MaskMessageStrings(ctx, p.secrets...)
	return tflog.MaskAllFieldValuesStrings(ctx, p.secrets...)
}

// readContext is what a diagnostic of a failed call of action may tell.
func (p *providerData) readContext(action, subject, clusterID string, readTimeout time.Duration) readContext {
	return readContext{
		action: action, subject: subject, clusterID: clusterID, endpoint: p.client.Endpoint(), region: p.region,
		accessKeyID: p.accessKeyID, credentials: p.credentialSource, readTimeout: readTimeout,
	}
}
