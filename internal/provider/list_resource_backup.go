package provider

// The polardb_backup list resource, for terraform query: a cluster's
// level-1 backup sets in a window, newest first, each with its identity and, with
// include_resource, as the polardb_backup resource would hold it.

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
)

type backupListResource struct {
	configured
}

var (
	_ list.ListResourceWithConfigure      = (*backupListResource)(nil)
	_ list.ListResourceWithValidateConfig = (*backupListResource)(nil)
)

func newBackupListResource() list.ListResource { return &backupListResource{} }

func (l *backupListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backup"
}

func (l *backupListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	attributes := map[string]schema.Attribute{
		"cluster_id": schema.StringAttribute{MarkdownDescription: clusterIDDescription, Required: true, Validators: clusterIDValidators()},
		"backup_mode": schema.StringAttribute{
			MarkdownDescription: "Only backups of this backup mode (`BackupMode`): `Automated` or `Manual`, case-sensitive.",
			Optional:            true,
			Validators:          []validator.String{stringvalidator.OneOf("Automated", "Manual")},
		},
	}
	for name, description := range map[string]string{
		"start_time": "Beginning of the window, an RFC 3339 timestamp. Default: 7 days before `end_time`. A backup is in the window when it started within it.",
		"end_time":   "End of the window, an RFC 3339 timestamp, not before `start_time`. Default: the time of the query.",
	} {
		attributes[name] = schema.StringAttribute{MarkdownDescription: description, Optional: true, Validators: []validator.String{timestamp{}}}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: withRAMAction("Lists the backup sets of a PolarDB cluster within a time window (API `DescribeBackups`), newest first, "+
			"for `terraform query` (Terraform 1.14 or later): each with its identity, to import it as a `polardb_backup`, "+
			"and with `include_resource = true` every attribute the resource has.", "DescribeBackups"),
		Attributes: attributes,
	}
}

func (l *backupListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.configure(req.ProviderData, &resp.Diagnostics)
}

// ValidateListResourceConfig refuses a window that ends before it starts.
func (l *backupListResource) ValidateListResourceConfig(ctx context.Context, req list.ValidateConfigRequest, resp *list.ValidateConfigResponse) {
	config := backupValuesOf(req.Config.Raw)
	if !config["start_time"].IsKnown() || !config["end_time"].IsKnown() {
		return
	}
	if _, problem := windowOf(config.text("start_time"), config.text("end_time"), time.Now()); problem != nil {
		resp.Diagnostics.Append(problem)
	}
}

// List reads the limit newest backups of the window (no more pages than
// they need) when Terraform asks for the results: the calls are made in
// the results' iterator, which outlives List.
func (l *backupListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	config := backupValuesOf(req.Config.Raw)
	var diags diag.Diagnostics
	if l.provider == nil {
		diags.Append(notConfigured("no backup can be listed"))
	}
	w, problem := windowOf(config.text("start_time"), config.text("end_time"), time.Now())
	if problem != nil {
		diags.Append(problem)
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		ctx, cancel := context.WithTimeout(l.provider.masked(ctx), defaultReadTimeout)
		defer cancel()
		clusterID, mode := config.text("cluster_id"), config.text("backup_mode")
		request := polardb.DescribeBackupsRequest{DBClusterId: &clusterID}
		if mode != "" {
			request.BackupMode = &mode
		}
		read, err := l.provider.readNewestBackups(ctx, request, w, int(req.Limit))
		sets := levelOnes(read.backups)
		if err == nil && read.partial && int64(len(sets)) < req.Limit {
			// Level-2 copies, or backups outside the window, took places
			// on the pages read: the rest are read too.
			read, err = l.provider.readBackups(ctx, request, w)
			sets = levelOnes(read.backups)
		}
		if err != nil {
			rc := l.provider.readContext("DescribeBackups", "Listing PolarDB backups", clusterID, defaultReadTimeout)
			rc.backupMode, rc.timeoutSetting = mode, "the fixed limit of a query"
			push(list.ListResult{Diagnostics: readErrorDiagnostics(err, rc)})
			return
		}
		for i, b := range sets {
			if int64(i) >= req.Limit {
				return
			}
			result := req.NewListResult(ctx)
			result.DisplayName = fmt.Sprintf("%s %s backup %s of %s, %s", deref(b.BackupStatus), deref(b.BackupMode), deref(b.BackupId), clusterID, deref(b.BackupStartTime))
			result.Diagnostics.Append(result.Identity.Set(ctx, backupIdentity{ClusterID: types.StringValue(clusterID), BackupID: types.StringPointerValue(b.BackupId)})...)
			if req.IncludeResource {
				result.Resource.Raw, diags = resourceOf(result.Resource.Raw.Type(), clusterID, b)
				result.Diagnostics.Append(diags...)
			}
			if !push(result) {
				return
			}
		}
	}
}

// resourceOf is backup b of clusterID as a polardb_backup of type typ
// holds it once imported: retain_on_destroy false, no triggers or
// timeouts, no job ID.
func resourceOf(typ tftypes.Type, clusterID string, b *backupSet) (tftypes.Value, diag.Diagnostics) {
	object, _ := typ.(tftypes.Object)
	attrs := make(map[string]tftypes.Value, len(object.AttributeTypes))
	for name, t := range object.AttributeTypes {
		attrs[name] = tftypes.NewValue(t, nil)
	}
	attrs["cluster_id"] = tftypes.NewValue(tftypes.String, clusterID)
	attrs["retain_on_destroy"] = tftypes.NewValue(tftypes.Bool, false)
	return withAttributes("polardb_backup", tftypes.NewValue(typ, attrs), func(attrs map[string]tftypes.Value, _ map[string]tftypes.Type) {
		setBackupAttributes(attrs, b, nil)
	})
}
