package provider

// What the data sources share: their type name and Configure, the
// arguments every one has, a read bounded by timeouts.read with its
// diagnostics, and the state built from the configuration, with the
// schema's types.

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// dataSource is what every data source is built on: what it reads, and
// the provider's data.
type dataSource struct {
	configured
	kind readKind
}

// readKind is what a data source reads.
type readKind struct {
	name       string   // its type name after the provider's: "backup_tasks"
	subject    string   // in diagnostics: "PolarDB backup tasks"
	operations []string // the API operations it calls: "DescribeBackupTasks"
}

func (d *dataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.kind.name
}

func (d *dataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

// readArguments are the arguments of a read, embedded in the model of
// the data sources that list backups or their tasks. Every data source has
// id, cluster_id and timeouts (schemaOf); those have backup_mode
// (backupModeAttribute) and a wait_until of their own too.
type readArguments struct {
	ID         types.String   `tfsdk:"id"`
	ClusterID  types.String   `tfsdk:"cluster_id"`
	BackupMode types.String   `tfsdk:"backup_mode"`
	WaitUntil  types.String   `tfsdk:"wait_until"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
}

// schemaOf is a data source's schema: its own attributes, and id,
// cluster_id and timeouts, which every data source has.
func (d *dataSource) schemaOf(ctx context.Context, description string, own map[string]schema.Attribute) schema.Schema {
	attributes := map[string]schema.Attribute{
		"id": schema.StringAttribute{MarkdownDescription: "The cluster ID.", Computed: true},
		"cluster_id": schema.StringAttribute{
			MarkdownDescription: clusterIDDescription,
			Required:            true,
			Validators:          clusterIDValidators(),
		},
		"timeouts": timeoutsAttribute(ctx, own["wait_until"] != nil),
	}
	maps.Copy(attributes, own)
	return schema.Schema{MarkdownDescription: withRAMAction(description, d.kind.operations...), Attributes: attributes}
}

// backupModeAttribute is backup_mode; what is the plural the data source
// lists.
func backupModeAttribute(what string) schema.Attribute {
	return schema.StringAttribute{
		MarkdownDescription: "Only " + what + " of this backup mode (`BackupMode`): `Automated` or `Manual`, case-sensitive.",
		Optional:            true,
		Validators:          []validator.String{stringvalidator.OneOf("Automated", "Manual")},
	}
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

// computedString is a string attribute the API's answer sets.
func computedString(description string) schema.Attribute {
	return schema.StringAttribute{MarkdownDescription: description, Computed: true}
}

// dataSourceRead is one read of a data source.
type dataSourceRead struct {
	readKind
	provider *providerData
	args     readArguments
	timeout  time.Duration // timeouts.read, or its default
}

// startRead begins a read with args: its context bounded by timeouts.read
// and with secrets masked. It is nil, with diagnostics, when nothing can
// be read.
func (d *dataSource) startRead(ctx context.Context, args readArguments, diags *diag.Diagnostics) (*dataSourceRead, context.Context, context.CancelFunc) {
	if d.provider == nil {
		diags.Append(notConfigured(d.kind.subject + " cannot be read during this plan"))
		return nil, ctx, nil
	}
	timeout, problems := args.Timeouts.Read(ctx, defaultTimeout(args.WaitUntil.ValueString()))
	if diags.Append(problems...); diags.HasError() {
		return nil, ctx, nil
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	return &dataSourceRead{readKind: d.kind, provider: d.provider, args: args, timeout: timeout}, d.provider.masked(ctx), cancel
}

// waitGoal is what a wait_until waited for, for the diagnostic of a wait
// that ended.
type waitGoal struct {
	subject    string // what the wait is for: "Waiting for " + subject
	stillTitle string // the summary at the deadline
	goal       string // "no backup task of pc-x to be in progress"
}

// failed is the diagnostic of a read that err ended: a wait_until that
// ended before goal, or a failed call (callFailed).
func (r *dataSourceRead) failed(err error, goal waitGoal) diag.Diagnostics {
	var ended *waitEndedError
	if !errors.As(err, &ended) {
		return r.callFailed(err)
	}
	lines := make([]string, 0, len(ended.held))
	for _, h := range ended.held {
		lines = append(lines, "- "+h)
	}
	held := strings.Join(lines, "\n")
	waited := ended.waited.Round(time.Second)
	mode := r.args.WaitUntil.ValueString()
	if errors.Is(ended.cause, context.Canceled) {
		return diag.Diagnostics{diag.NewAttributeErrorDiagnostic(path.Root("wait_until"), "Waiting for "+goal.subject+" was cancelled",
			fmt.Sprintf("The read was interrupted after waiting %s for %s (wait_until = %q). Still holding it:\n%s", waited, goal.goal, mode, held))}
	}
	return diag.Diagnostics{diag.NewAttributeErrorDiagnostic(path.Root("wait_until"), goal.stillTitle,
		fmt.Sprintf("Waited %s for %s (wait_until = %q). Still holding it:\n%s\n\n"+
			"The wait is bounded by `timeouts.read` on the data source (%s; default %s when wait_until is set). "+
			"Raise it, for example `timeouts = { read = \"2h\" }`, or run again later.",
			waited, goal.goal, mode, held, durationText(r.timeout), durationText(defaultWaitTimeout)))}
}

// callFailed is the diagnostic of a read that a failed call ended: of the
// operation a *failedCall names, else of the data source's first.
func (r *dataSourceRead) callFailed(err error) diag.Diagnostics {
	operation := r.operations[0]
	var failed *failedCall
	if errors.As(err, &failed) {
		operation = failed.operation
	}
	rc := r.provider.readContext(operation, "Reading "+r.subject, r.args.ClusterID.ValueString(), r.timeout)
	rc.backupMode = r.args.BackupMode.ValueString()
	return readErrorDiagnostics(err, rc)
}

// respond sets resp's state to the read's state (state) from the
// configuration resp answers, or its diagnostics.
func (r *dataSourceRead) respond(config tftypes.Value, resp *datasource.ReadResponse, set func(attrs map[string]tftypes.Value, types map[string]tftypes.Type)) {
	state, diags := r.state(config, set)
	if resp.Diagnostics.Append(diags...); !diags.HasError() {
		resp.State.Raw = state
	}
}

// state is the read's state: the configuration, with id set to the cluster
// ID and the computed attributes set by set (withAttributes).
func (r *dataSourceRead) state(config tftypes.Value, set func(attrs map[string]tftypes.Value, types map[string]tftypes.Type)) (tftypes.Value, diag.Diagnostics) {
	return withAttributes("polardb_"+r.name, config, func(attrs map[string]tftypes.Value, types map[string]tftypes.Type) {
		attrs["id"] = attrs["cluster_id"]
		set(attrs, types)
	})
}
