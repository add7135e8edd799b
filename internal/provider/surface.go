package provider

// What every surface (data source, action) shares: the provider's data
// handed over by Configure, the not-configured diagnostic, the RAM action
// in its description, and the cluster_id argument.

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// configured holds what Configure hands a data source or an action: nil
// until the provider is configured with values known at plan time.
type configured struct {
	provider *providerData
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

// withRAMAction is the description of a surface that calls the API
// operations, followed by the RAM actions its credentials need: the docs
// page shows them first (its template splits the first paragraph off for
// the front matter), and the other pages point there.
func withRAMAction(description string, operations ...string) string {
	actions := make([]string, len(operations))
	for i, operation := range operations {
		actions[i] = "`polardb:" + operation + "`"
	}
	if len(actions) == 1 {
		return description + "\n\nThe credentials need the RAM action " + actions[0] + " on the cluster, and no other."
	}
	return description + "\n\nThe credentials need the RAM actions " + strings.Join(actions[:len(actions)-1], ", ") +
		" and " + actions[len(actions)-1] + " on the cluster, and no other."
}

// clusterIDDescription describes the cluster_id argument of every surface.
const clusterIDDescription = "ID of the PolarDB cluster, such as `pc-2zed3m89cw7xxxxxx` (`DBClusterId`)."

// clusterIDValidators refuse, at plan time, what is not a cluster ID.
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
