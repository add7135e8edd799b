package provider

// The polardb_backup resource: one manual backup set, taken as the action
// takes one (new_backup.go), found by its ID, deleted at most once in
// effect, imported by "cluster:backup" or by identity.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
)

// importWindow is how far back a backup imported by its ID is looked for:
// the longest that PolarDB keeps a level-1 backup.
const importWindow = 14 * 24 * time.Hour

// resourceSurface is the resource, as the diagnostics of its create name it.
var resourceSurface = backupSurface{
	timeoutSetting: "`timeouts = { create = \"...\" }` on the resource",
	again:          "apply",
	atLimit: " If this create replaces a polardb_backup with create_before_destroy, the backup it would replace is kept: " +
		"a replacement takes its new backup before it deletes the old one. Delete another manual backup first, or apply once without create_before_destroy.",
}

type backupResource struct {
	configured
}

var (
	_ resource.ResourceWithConfigure   = (*backupResource)(nil)
	_ resource.ResourceWithImportState = (*backupResource)(nil)
	_ resource.ResourceWithIdentity    = (*backupResource)(nil)
)

func newBackupResource() resource.Resource { return &backupResource{} }

// backupValues are an object's attributes by name, of the schema's types:
// a polardb_backup's plan or state, or the configuration of its list block.
type backupValues map[string]tftypes.Value

// backupValuesOf reads value's attributes.
func backupValuesOf(value tftypes.Value) backupValues {
	var attrs map[string]tftypes.Value
	_ = value.As(&attrs) // an object, as the schema has it
	return attrs
}

// text is the string attribute name; "" when null or unknown.
func (s backupValues) text(name string) string {
	var v *string
	_ = s[name].As(&v) // nil for a null value; an unknown one is an error, and leaves it nil
	return deref(v)
}

// identity is the state's identity.
func (s backupValues) identity() backupIdentity {
	return backupIdentity{ClusterID: types.StringValue(s.text("cluster_id")), BackupID: types.StringValue(s.text("backup_id"))}
}

// backupIdentity is the resource's identity: the backup set, and the
// cluster it is of.
type backupIdentity struct {
	ClusterID types.String `tfsdk:"cluster_id"`
	BackupID  types.String `tfsdk:"backup_id"`
}

func (r *backupResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backup"
}

func (r *backupResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"cluster_id": identityschema.StringAttribute{RequiredForImport: true, Description: "ID of the PolarDB cluster."},
		"backup_id":  identityschema.StringAttribute{RequiredForImport: true, Description: "ID of the backup set."},
	}}
}

func (r *backupResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	kept := stringplanmodifier.UseStateForUnknown()
	attributes := map[string]schema.Attribute{
		"id": schema.StringAttribute{MarkdownDescription: "The backup set's ID, as `backup_id`.", Computed: true,
			PlanModifiers: []planmodifier.String{kept}},
		"cluster_id": schema.StringAttribute{
			MarkdownDescription: clusterIDDescription + " Changing it takes a backup of the other cluster, and deletes this one unless `retain_on_destroy` is set.",
			Required:            true,
			Validators:          clusterIDValidators(),
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"triggers": schema.MapAttribute{
			MarkdownDescription: "Values that, when one changes, take a new backup in place of this one, such as " +
				"`{ engine = var.engine_version }`: the value a risky change changes. Set for the first time (on an imported backup, say) " +
				"or removed, they are recorded without a new backup.",
			ElementType: types.StringType,
			Optional:    true,
			Validators: []validator.Map{
				mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1), text{max: maxNameLength}),
				mapvalidator.ValueStringsAre(text{max: maxPolicyLength}),
			},
			PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplaceIf(knownTriggersChanged,
				"A change of known triggers takes a new backup.", "A change of known triggers takes a new backup.")},
		},
		"retain_on_destroy": schema.BoolAttribute{
			MarkdownDescription: "`true` keeps the backup in PolarDB when Terraform destroys or replaces the resource: no `DeleteBackup` is sent, " +
				"and Terraform forgets it. Default: `false`, the backup is deleted. Changing it sends no call.",
			Optional: true,
			Computed: true,
			Default:  booldefault.StaticBool(false),
		},
		"timeouts": resourceTimeoutsAttribute(ctx),
		"backup_job_id": schema.StringAttribute{MarkdownDescription: "ID of the backup job that `CreateBackup` started (`BackupJobId`); " +
			"null for an imported backup.", Computed: true, PlanModifiers: []planmodifier.String{kept}},
	}
	for _, f := range backupFields {
		switch {
		case f.listOnly:
		case f.kind.Is(tftypes.Number):
			attributes[f.name] = schema.Int64Attribute{MarkdownDescription: f.description, Computed: true,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}}
		case f.kind.Is(tftypes.Bool):
			attributes[f.name] = schema.BoolAttribute{MarkdownDescription: f.description, Computed: true,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}}
		default:
			attributes[f.name] = schema.StringAttribute{MarkdownDescription: f.description, Computed: true,
				PlanModifiers: []planmodifier.String{kept}}
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: withRAMAction("A manual backup of a PolarDB cluster, taken when the resource is created (API `CreateBackup`), "+
			"waited for until it is listed as `Success` and available, and deleted when it is destroyed (`DeleteBackup`) unless `retain_on_destroy` is set. "+
			"It works under every CLI, OpenTofu included: the backup before a risky change, taken again when `triggers` change.",
			"CreateBackup", "DescribeBackupTasks", "DescribeBackups", "DeleteBackup"),
		Attributes: attributes,
	}
}

// knownTriggersChanged replaces the backup when triggers that were known
// change; triggers set for the first time, or removed, do not.
func knownTriggersChanged(_ context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.StateValue.IsNull() && !req.PlanValue.IsNull()
}

func (r *backupResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

// Create takes the backup and waits until it is listed as Success and
// available. A backup that fails leaves nothing in state; one still being
// taken at the timeout is recorded, and Terraform marks it tainted, so that
// no backup is lost track of.
func (r *backupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx, cancel, timeout := r.begin(ctx, req.Plan, timeouts.Value.Create, defaultWaitTimeout, "no backup can be taken", &resp.Diagnostics)
	if cancel == nil {
		return
	}
	defer cancel()
	b := &newBackup{provider: r.provider, clusterID: backupValuesOf(req.Plan.Raw).text("cluster_id"), surface: resourceSurface, timeout: timeout,
		progress: func(message string) { tflog.Info(ctx, message) }}
	if err := b.create(ctx); err != nil {
		resp.Diagnostics.Append(b.createErrorDiagnostic(err))
		return
	}
	err := b.waitForTask(ctx)
	var set *backupSet
	if err == nil {
		set, err = b.waitUntilAvailable(ctx)
	}
	var failed *backupFailedError
	if errors.As(err, &failed) {
		resp.Diagnostics.AddError("PolarDB backup failed",
			fmt.Sprintf("Backup %s of %s (CreateBackup request ID %s) is listed with status Failed: it will never be available to restore from, "+
				"and is not kept in the state. Apply again to take a new backup.", b.jobID, b.clusterID, b.requestID))
		return
	}
	if set == nil { // not listed yet: what is known of it
		set = &backupSet{BackupId: &b.jobID}
	}
	r.save(ctx, req.Plan.Raw, set, &b.jobID, resp.Identity, &resp.State, &resp.Diagnostics)
	if err != nil {
		resp.Diagnostics.Append(b.unfinishedDiagnostic(err))
	}
}

// begin is the context of a create or a delete: bounded by the timeout
// that limit reads from the timeouts attribute of value (byDefault when not
// set), with secrets masked. cancel is nil, with diagnostics, when nothing
// can be done: cannot says what.
func (r *backupResource) begin(ctx context.Context, value interface {
	GetAttribute(context.Context, path.Path, any) diag.Diagnostics
}, limit func(timeouts.Value, context.Context, time.Duration) (time.Duration, diag.Diagnostics), byDefault time.Duration, cannot string, diags *diag.Diagnostics,
) (_ context.Context, cancel context.CancelFunc, timeout time.Duration) {
	if r.provider == nil {
		diags.Append(notConfigured(cannot))
		return ctx, nil, 0
	}
	var limits timeouts.Value
	diags.Append(value.GetAttribute(ctx, path.Root("timeouts"), &limits)...)
	timeout, problems := limit(limits, ctx, byDefault)
	if diags.Append(problems...); diags.HasError() {
		return ctx, nil, 0
	}
	ctx, cancel = context.WithTimeout(r.provider.masked(ctx), timeout)
	return ctx, cancel, timeout
}

// unfinishedDiagnostic explains a create whose wait err ended: the backup
// is in the state, and Terraform marks it tainted.
func (b *newBackup) unfinishedDiagnostic(err error) diag.Diagnostic {
	kept := fmt.Sprintf("\n\nBackup %s of %s (CreateBackup request ID %s) keeps being taken in PolarDB, and is recorded in the state; "+
		"Terraform marks it tainted, so the next apply deletes it once it is done and takes a new one. "+
		"To keep it instead: terraform untaint, once it is listed as Success.", b.jobID, b.clusterID, b.requestID)
	var ended *waitEndedError
	if errors.Is(err, context.Canceled) || (errors.As(err, &ended) && errors.Is(ended.cause, context.Canceled)) {
		return diag.NewErrorDiagnostic("Waiting for the new PolarDB backup was cancelled",
			fmt.Sprintf("The apply was interrupted after waiting %s; last seen: %s.%s", time.Since(b.started).Round(time.Second), cmp.Or(b.lastSeen, "nothing yet"), kept))
	}
	if errors.As(err, &ended) || errors.Is(err, context.DeadlineExceeded) {
		return diag.NewErrorDiagnostic("PolarDB backup not done at the create timeout",
			fmt.Sprintf("Waited %s for the backup to be listed as Success and available; last seen: %s. "+
				"The wait is bounded by %s (%s; default %s).%s", time.Since(b.started).Round(time.Second), cmp.Or(b.lastSeen, "nothing yet"),
				b.surface.timeoutSetting, durationText(b.timeout), durationText(defaultWaitTimeout), kept))
	}
	return withDetail(b.waitCallDiagnostic(err), kept)
}

// save sets state to base with the backup set's attributes (null where
// not known), and the identity.
func (r *backupResource) save(ctx context.Context, base tftypes.Value, set *backupSet, jobID *string, identity *tfsdk.ResourceIdentity, state *tfsdk.State, diags *diag.Diagnostics) {
	value, problems := withAttributes("polardb_backup", base, func(attrs map[string]tftypes.Value, _ map[string]tftypes.Type) {
		setBackupAttributes(attrs, set, jobID)
	})
	if diags.Append(problems...); problems.HasError() {
		return
	}
	state.Raw = value
	diags.Append(identity.Set(ctx, backupValuesOf(value).identity())...)
}

// setBackupAttributes sets a polardb_backup's attributes from the backup
// set, and backup_job_id from jobID unless it is nil; what is not known
// is null, not unknown.
func setBackupAttributes(attrs map[string]tftypes.Value, set *backupSet, jobID *string) {
	for name, v := range backupFieldValues(set, map[string]tftypes.Value{}) {
		if _, ok := attrs[name]; ok {
			attrs[name] = v
		}
	}
	attrs["id"] = attrs["backup_id"]
	if jobID != nil {
		attrs["backup_job_id"] = stringValue(jobID)
	}
	for name, v := range attrs {
		if !v.IsKnown() {
			attrs[name] = tftypes.NewValue(v.Type(), nil)
		}
	}
}

// Read finds the backup by its ID. A backup no longer listed is removed from
// the state, so that the next plan takes a new one; one never listed yet
// (being taken when its create timed out) and one whose cluster is not
// found are kept, never lost track of. The identity is set first, from the
// state, as the framework wants it even then.
func (r *backupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state := backupValuesOf(req.State.Raw)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, state.identity())...)
	if r.provider == nil {
		resp.Diagnostics.Append(notConfigured("the backup cannot be read"))
		return
	}
	ctx, cancel := context.WithTimeout(r.provider.masked(ctx), defaultReadTimeout)
	defer cancel()
	found, w, err := r.find(ctx, state)
	switch {
	case clusterGone(err):
		resp.Diagnostics.AddAttributeWarning(path.Root("cluster_id"), "PolarDB cluster not found: backup not read",
			fmt.Sprintf("No PolarDB cluster %s is found at %s, so backup %s was not read, and is kept in the state as it was. "+
				"If the provider's region or endpoint is wrong, correct it. If the cluster was released, its backup is out of this resource's reach: "+
				"destroying the resource forgets it.", state.text("cluster_id"), r.provider.client.Endpoint(), state.text("backup_id")))
		return
	case err != nil:
		resp.Diagnostics.Append(r.callFailed(err, "DescribeBackups", "Reading the PolarDB backup", state, defaultReadTimeout, "")...)
		return
	case found != nil:
		r.save(ctx, req.State.Raw, found, nil, resp.Identity, &resp.State, &resp.Diagnostics)
		return
	}
	// Not listed: gone, unless it was never listed (an import, or a create
	// that timed out while the backup was being taken).
	switch {
	case state.text("backup_status") != "":
		tflog.Warn(ctx, "The PolarDB backup is no longer listed: removed from the state", map[string]any{
			"cluster_id": state.text("cluster_id"), "backup_id": state.text("backup_id")})
		resp.State.RemoveResource(ctx)
	case state.text("backup_job_id") != "":
		// Taken by this resource and not listed yet: a backup is listed some
		// time after its task finished.
		tflog.Info(ctx, "The PolarDB backup is not listed yet: kept in the state", map[string]any{
			"cluster_id": state.text("cluster_id"), "backup_id": state.text("backup_id")})
	default:
		start, end := w.apiWindow()
		resp.Diagnostics.AddAttributeError(path.Root("backup_id"), "PolarDB backup not found",
			fmt.Sprintf("DescribeBackups lists no level-1 backup set %s of %s between %s and %s, the last %d days: the longest PolarDB keeps one. "+
				"Check the backup ID (in the console under Backup and Restore, or with the polardb_backups data source), and that it is not a level-2 copy.",
				state.text("backup_id"), state.text("cluster_id"), start, end, int(importWindow.Hours()/24)))
	}
}

// find looks the backup up by its ID, in a window around its start time,
// or the last importWindow when that is not known: one DescribeBackups call.
func (r *backupResource) find(ctx context.Context, state backupValues) (*backupSet, backupWindow, error) {
	now := time.Now()
	w := backupWindow{start: now.Add(-importWindow - backupClockSkew), end: now.Add(backupClockSkew)}
	if started, err := time.Parse(time.RFC3339, state.text("start_time")); err == nil {
		w = backupWindow{start: started.Add(-backupClockSkew), end: started.Add(backupClockSkew)}
	}
	read, err := r.provider.readBackups(ctx, polardb.DescribeBackupsRequest{DBClusterId: new(state.text("cluster_id")),
		BackupId: new(state.text("backup_id"))}, w)
	if err != nil {
		return nil, w, err
	}
	return levelOne(read.backups, state.text("backup_id")), w, nil
}

// Update changes only what sends no call: retain_on_destroy, timeouts, and
// triggers set for the first time or removed.
func (r *backupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
	resp.Diagnostics.Append(resp.Identity.Set(ctx, backupValuesOf(req.Plan.Raw).identity())...)
}

// Delete deletes the backup, unless retain_on_destroy: a backup still being
// taken is waited for first; DeleteBackup is sent again only when needed
// (deleteNeeded), a backup already gone counting as deleted; then the wait
// until it is no longer listed.
func (r *backupResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state := backupValuesOf(req.State.Raw)
	id, clusterID := state.text("backup_id"), state.text("cluster_id")
	switch {
	case state["retain_on_destroy"].Equal(tftypes.NewValue(tftypes.Bool, true)):
		tflog.Info(ctx, "retain_on_destroy: the PolarDB backup is kept, and forgotten", map[string]any{"cluster_id": clusterID, "backup_id": id})
		return
	case state.text("backup_mode") == "Automated":
		resp.Diagnostics.Append(automatedDiagnostic(state, ""))
		return
	}
	ctx, cancel, timeout := r.begin(ctx, req.State, timeouts.Value.Delete, defaultDeleteTimeout, "the backup cannot be deleted", &resp.Diagnostics)
	if cancel == nil {
		return
	}
	defer cancel()
	failed := func(err error, operation string) diag.Diagnostics {
		return r.callFailed(err, operation, "Deleting the PolarDB backup", state, timeout, "`timeouts = { delete = \"...\" }` on the resource")
	}

	if state.text("backup_status") != backupSuccess { // tainted, still being taken: DeleteBackup takes only a Success
		b := &newBackup{provider: r.provider, clusterID: clusterID, jobID: id, started: time.Now().Add(-importWindow),
			progress: func(message string) { tflog.Info(ctx, message) }}
		if started, err := time.Parse(time.RFC3339, state.text("start_time")); err == nil {
			b.started = started
		}
		var failedBackup *backupFailedError
		switch _, err := b.waitUntilAvailable(ctx); {
		case errors.As(err, &failedBackup):
			resp.Diagnostics.AddWarning("PolarDB backup failed: nothing to delete",
				fmt.Sprintf("Backup %s of %s is listed with status Failed: it restores nothing, and PolarDB deletes only backups in status Success. "+
					"Terraform forgets it.", id, clusterID))
			return
		case clusterGone(err):
			resp.Diagnostics.Append(clusterGoneWarning(state))
			return
		case err != nil:
			resp.Diagnostics.Append(failed(err, "DescribeBackups")...)
			return
		}
	}

	started := time.Now()
	_, err := r.provider.client.DeleteBackupUnlessGone(ctx, &polardb.DeleteBackupRequest{DBClusterId: &clusterID, BackupId: &id}, r.deleteNeeded(state))
	r.provider.logCall(ctx, "DeleteBackup", started, map[string]any{"cluster_id": clusterID, "backup_id": id}, err)
	var apiErr *polardb.APIError
	switch {
	case polardb.BackupGone(err): // deleted already: by an attempt whose answer was lost, or outside Terraform
	case clusterGone(err):
		resp.Diagnostics.Append(clusterGoneWarning(state))
		return
	case errors.As(err, &apiErr):
		// The code of the refusal of an automated backup is not documented:
		// the listing tells whether that is why.
		if found, _, _ := r.find(ctx, state); found != nil && deref(found.BackupMode) == "Automated" {
			resp.Diagnostics.Append(automatedDiagnostic(state, "\n\n"+apiErrorFacts(apiErr, "DeleteBackup")))
			return
		}
		fallthrough
	case err != nil:
		resp.Diagnostics.Append(failed(err, "DeleteBackup")...)
		return
	}
	tflog.Info(ctx, "Deleting PolarDB backup "+id+" of "+clusterID+": waiting until it is no longer listed")
	if _, err = r.waitUntilGone(ctx, state, ""); err != nil {
		resp.Diagnostics.Append(failed(err, "DescribeBackups")...)
	}
}

// deleteGrace is how long a backup is given, after a DeleteBackup whose
// answer was lost, to stop being listed as Success before the call is sent
// again: the service may list a backup a while after it deleted it.
const deleteGrace = time.Minute

// deleteNeeded says, before DeleteBackup is sent again after the attempt
// that failed, whether the backup is still to be deleted. A refusal
// (throttling) did nothing: it is. An attempt that may have acted (its
// answer lost) is given deleteGrace: it is not when the backup stops being
// listed as Success meanwhile.
func (r *backupResource) deleteNeeded(state backupValues) func(context.Context, error) bool {
	return func(ctx context.Context, failed error) bool {
		var apiErr *polardb.APIError
		if errors.As(failed, &apiErr) && apiErr.StatusCode < 500 {
			return true
		}
		ctx, cancel := context.WithTimeout(ctx, deleteGrace)
		defer cancel()
		_, err := r.waitUntilGone(ctx, state, backupSuccess)
		return err != nil
	}
}

// waitUntilGone polls until DescribeBackups no longer lists the backup or,
// with only set, no longer lists it with that status.
func (r *backupResource) waitUntilGone(ctx context.Context, state backupValues, only string) (*backupSet, error) {
	return waiter[*backupSet]{subject: "the PolarDB backup's deletion", field: "backup", until: stateGone,
		poll: func(ctx context.Context) (polled[*backupSet], error) {
			found, _, err := r.find(ctx, state)
			switch {
			case err != nil:
				return polled[*backupSet]{}, err
			case found == nil || (only != "" && deref(found.BackupStatus) != only):
				return polled[*backupSet]{state: stateGone}, nil
			}
			return polled[*backupSet]{state: statePending, answer: found,
				held: []string{"backup " + state.text("backup_id") + " is still listed as " + deref(found.BackupStatus)}}, nil
		}}.wait(ctx)
}

// callFailed is the diagnostic of a failed call of the resource's.
func (r *backupResource) callFailed(err error, operation, doing string, state backupValues, timeout time.Duration, setting string) diag.Diagnostics {
	rc := r.provider.readContext(operation, doing, state.text("cluster_id"), timeout)
	if setting != "" {
		rc.timeoutSetting = setting
	}
	var ended *waitEndedError
	if errors.As(err, &ended) {
		return diag.Diagnostics{diag.NewErrorDiagnostic(doing+" timed out",
			fmt.Sprintf("Waited %s; still holding it: %s. The wait is bounded by %s (%s). Raise it, or apply again later: "+
				"a backup already deleted counts as deleted.", ended.waited.Round(time.Second), strings.Join(ended.held, "; "), rc.timeoutSetting, durationText(timeout)))}
	}
	return readErrorDiagnostics(err, rc)
}

// clusterGoneWarning tells that a backup's cluster no longer exists: the
// backup is out of the resource's reach, and forgotten.
func clusterGoneWarning(state backupValues) diag.Diagnostic {
	return diag.NewWarningDiagnostic("PolarDB cluster no longer exists: backup forgotten",
		fmt.Sprintf("Cluster %s no longer exists, so its backup %s is out of this resource's reach: Terraform forgets it. "+
			"Backups a deleted cluster keeps (see its backup policy's retention on deletion) are in the console's Cluster Recycle Bin.",
			state.text("cluster_id"), state.text("backup_id")))
}

// automatedDiagnostic refuses to delete an automated backup, which PolarDB
// does not delete by hand; facts are the API's refusal, if there was one.
func automatedDiagnostic(state backupValues, facts string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("retain_on_destroy"), "Automated PolarDB backups cannot be deleted",
		fmt.Sprintf("Backup %s of %s is an automated backup: it expires at the end of the backup policy's retention period, when PolarDB deletes it, "+
			"and PolarDB refuses to delete it by hand. Set retain_on_destroy = true and apply: then Terraform forgets it when it is destroyed.%s",
			state.text("backup_id"), state.text("cluster_id"), facts))
}

// ImportState takes "pc-xxx:BACKUP_ID", or the identity; Read then finds
// the backup in the last importWindow.
func (r *backupResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var id backupIdentity
	given := fmt.Sprintf("The import ID %q is", req.ID)
	if req.ID != "" {
		clusterID, backupID, _ := strings.Cut(req.ID, ":")
		id = backupIdentity{ClusterID: types.StringValue(clusterID), BackupID: types.StringValue(backupID)}
	} else if resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...); resp.Diagnostics.HasError() {
		return
	} else {
		given = fmt.Sprintf("The identity (cluster_id = %q, backup_id = %q) is", id.ClusterID.ValueString(), id.BackupID.ValueString())
	}
	if !clusterIDPattern.MatchString(id.ClusterID.ValueString()) || !backupIDPattern.MatchString(id.BackupID.ValueString()) || strings.Contains(id.BackupID.ValueString(), ",") {
		resp.Diagnostics.AddError("Invalid PolarDB backup to import",
			given+" not a cluster ID and a backup ID: import with the two joined by a colon, such as pc-2zed3m89cw7xxxxxx:1234567890, "+
				"or an import block's identity = { cluster_id = \"pc-2zed3m89cw7xxxxxx\", backup_id = \"1234567890\" }.")
		return
	}
	for name, v := range map[string]any{"id": id.BackupID, "backup_id": id.BackupID, "cluster_id": id.ClusterID, "retain_on_destroy": types.BoolValue(false)} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), v)...)
	}
	resp.Diagnostics.Append(resp.Identity.Set(ctx, id)...)
}
