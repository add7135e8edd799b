package provider

// The polardb_backups data source: a cluster's backup sets in a window
// (DescribeBackups), newest first, with the latest one that can be
// restored from, and a wait until a backup is available.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
)

var _ datasource.DataSourceWithValidateConfig = &backupsDataSource{}

func newBackupsDataSource() datasource.DataSource {
	return &backupsDataSource{dataSource{kind: readKind{name: "backups", subject: "PolarDB backups", operations: []string{"DescribeBackups"}}}}
}

type backupsDataSource struct {
	dataSource
}

type backupsModel struct {
	readArguments
	BackupID        types.String `tfsdk:"backup_id"`
	BackupStatus    types.String `tfsdk:"backup_status"`
	BackupRegion    types.String `tfsdk:"backup_region"`
	StartTime       types.String `tfsdk:"start_time"`
	EndTime         types.String `tfsdk:"end_time"`
	Backups         types.List   `tfsdk:"backups"`
	LatestAvailable types.Object `tfsdk:"latest_available"`
	Total           types.Int64  `tfsdk:"total"`
}

// backupAttributes are the attributes of one backup, in backups and
// latest_available.
func backupAttributes() map[string]schema.Attribute {
	attributes := map[string]schema.Attribute{}
	for _, f := range backupFields {
		switch {
		case f.kind.Is(tftypes.Number):
			attributes[f.name] = schema.Int64Attribute{MarkdownDescription: f.description, Computed: true}
		case f.kind.Is(tftypes.Bool):
			attributes[f.name] = schema.BoolAttribute{MarkdownDescription: f.description, Computed: true}
		default:
			attributes[f.name] = computedString(f.description)
		}
	}
	return attributes
}

func (d *backupsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = d.schemaOf(ctx, "Lists the backup sets of a PolarDB cluster (API `DescribeBackups`) within a time window, "+
		"newest first, with the newest one that can be restored from: the recovery point to check before a risky change.",
		map[string]schema.Attribute{
			"backup_mode": backupModeAttribute("backups"),
			"backup_id":   idArgument("Only the backup set with this ID (`BackupId`).", "a backup ID"),
			"backup_status": schema.StringAttribute{
				MarkdownDescription: "Only backups with this status (`BackupStatus`): `Success` or `Failed`, case-sensitive.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(backupSuccess, backupFailed)},
			},
			"backup_region": schema.StringAttribute{
				MarkdownDescription: "Only the backups copied to this region, for cross-region backups of PolarDB for MySQL (`BackupRegion`), such as `cn-beijing`.",
				Optional:            true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1),
					stringvalidator.RegexMatches(regionPattern, "a region ID: lowercase letters and digits in dash-separated words, such as cn-hangzhou"),
					text{max: maxNameLength}},
			},
			"start_time": schema.StringAttribute{
				MarkdownDescription: "Beginning of the window, an RFC 3339 timestamp such as `2026-12-01T00:00:00Z` or " +
					"`timeadd(plantimestamp(), \"-24h\")`. Default: 7 days before `end_time`. A backup is in the window when it started within it.",
				Optional:   true,
				Validators: []validator.String{timestamp{}},
			},
			"end_time": schema.StringAttribute{
				MarkdownDescription: "End of the window, an RFC 3339 timestamp, not before `start_time`. Default: the time of the read.",
				Optional:            true,
				Validators:          []validator.String{timestamp{}},
			},
			"wait_until": schema.StringAttribute{
				MarkdownDescription: "`available`: with `backup_id`, poll within `timeouts.read` until that backup is listed with status `Success` " +
					"and can be restored from (a new backup is listed some time after its task finished). Unset: no wait.",
				Optional: true,
				Validators: []validator.String{stringvalidator.OneOf(waitAvailable),
					stringvalidator.AlsoRequires(path.MatchRoot("backup_id"))},
			},
			"backups": schema.ListNestedAttribute{
				MarkdownDescription: "Every backup in the window that matches the filters, newest first (by `start_time`). Empty when there are none.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: backupAttributes()},
			},
			"latest_available": schema.SingleNestedAttribute{
				MarkdownDescription: "The newest backup in `backups` with status `Success` that can be restored from (`available`), or null when there is none.",
				Computed:            true,
				Attributes:          backupAttributes(),
			},
			"total": schema.Int64Attribute{
				MarkdownDescription: "How many backups the API reported for the window (`TotalRecordCount`). The API counts whole minutes, " +
					"so this may exceed the length of `backups` by the backups in the window's first and last minutes but outside it.",
				Computed: true,
			},
		})
}

// ValidateConfig refuses, at plan time, a window that ends before it
// starts, when the values that set it are known.
func (d *backupsDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var start, end types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("start_time"), &start)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("end_time"), &end)...)
	if start.IsUnknown() || end.IsUnknown() || resp.Diagnostics.HasError() {
		return
	}
	if _, problem := windowOf(start.ValueString(), end.ValueString(), time.Now()); problem != nil {
		resp.Diagnostics.Append(problem)
	}
}

func (d *backupsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model backupsModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &model)...); resp.Diagnostics.HasError() {
		return
	}
	r, ctx, cancel := d.startRead(ctx, model.readArguments, &resp.Diagnostics)
	if r == nil {
		return
	}
	defer cancel()

	// The window is taken at each call: while a wait polls, a default end
	// moves on with the clock, so that a backup that starts during the
	// wait (queued behind another) is in it.
	describe := func(ctx context.Context) (backupsRead, error) {
		w, problem := windowOf(model.StartTime.ValueString(), model.EndTime.ValueString(), time.Now())
		if problem != nil {
			return backupsRead{}, &windowError{problem}
		}
		return r.provider.readBackups(ctx, polardb.DescribeBackupsRequest{DBClusterId: model.ClusterID.ValueStringPointer(),
			BackupId: optionalString(model.BackupID), BackupStatus: optionalString(model.BackupStatus),
			BackupMode: optionalString(model.BackupMode), BackupRegion: optionalString(model.BackupRegion)}, w)
	}
	id := model.BackupID.ValueString()
	goal := waitGoal{subject: "a PolarDB backup", stillTitle: "PolarDB backup not available at the read timeout",
		goal: "backup " + id + " of " + model.ClusterID.ValueString() + " to be listed as Success and available"}
	var read backupsRead
	var err error
	if model.WaitUntil.ValueString() == "" {
		read, err = describe(ctx)
	} else {
		read, err = waiter[backupsRead]{subject: goal.subject, field: "backup", poll: func(ctx context.Context) (polled[backupsRead], error) {
			read, err := describe(ctx)
			return availability(id, read), err
		}}.wait(ctx)
	}
	var failed *backupFailedError
	var badWindow *windowError
	switch {
	case errors.As(err, &badWindow):
		resp.Diagnostics.Append(badWindow.problem)
		return
	case errors.As(err, &failed):
		resp.Diagnostics.AddAttributeError(path.Root("backup_id"), "PolarDB backup failed",
			fmt.Sprintf("Backup %s of %s is listed with status Failed: it will never be available to restore from, so the wait stopped. "+
				"Take a new backup, and wait for that one.", failed.id, model.ClusterID.ValueString()))
		return
	case err != nil:
		resp.Diagnostics.Append(r.failed(err, goal)...)
		return
	}
	r.respond(req.Config.Raw, resp, func(attrs map[string]tftypes.Value, types map[string]tftypes.Type) {
		setBackups(attrs, types, read)
	})
}

// windowError is a window that cannot be read, found at read time: values
// unknown at plan time, or a start_time that the clock has not reached.
type windowError struct{ problem diag.Diagnostic }

func (e *windowError) Error() string { return e.problem.Detail() }

// setBackups sets backups, latest_available and total from read, of the
// schema's types.
func setBackups(attrs map[string]tftypes.Value, types map[string]tftypes.Type, read backupsRead) {
	backupType := types["latest_available"]
	values := make([]tftypes.Value, 0, len(read.backups))
	latest := tftypes.NewValue(backupType, nil)
	words := map[string]tftypes.Value{}
	for _, b := range read.backups {
		v := backupValue(b, backupType, words)
		if latest.IsNull() && restorable(b) {
			latest = v
		}
		values = append(values, v)
	}
	attrs["backups"] = tftypes.NewValue(types["backups"], values)
	attrs["latest_available"] = latest
	attrs["total"] = tftypes.NewValue(tftypes.Number, int64(read.total))
}

// backupValue is one backup's state, of type typ. Strings are the API's
// verbatim, null when it sent none; comment and expiry are null when empty
// too; the consistent time, size and availability are read liberally, and
// null when the API's value cannot be read. words holds the values of the
// strings that repeat from backup to backup (statuses, modes, levels):
// made once, they spare a state of 10,000 backups 230,000 allocations.
func backupValue(b *backupSet, typ tftypes.Type, words map[string]tftypes.Value) tftypes.Value {
	return tftypes.NewValue(typ, backupFieldValues(b, words))
}
