package provider

// The polardb_create_backup action: a new backup (new_backup.go), waited
// for as wait_until says within timeout, and its failures explained.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

type createBackupAction struct {
	configured
}

var _ action.ActionWithConfigure = (*createBackupAction)(nil)

func newCreateBackupAction() action.Action { return &createBackupAction{} }

type createBackupModel struct {
	ClusterID types.String `tfsdk:"cluster_id"`
	WaitUntil types.String `tfsdk:"wait_until"`
	Timeout   types.String `tfsdk:"timeout"`
}

func (a *createBackupAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_create_backup"
}

func (a *createBackupAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: withRAMAction("Takes a manual backup of a PolarDB cluster now (API `CreateBackup`) and waits for it: "+
			"before a risky change, from `terraform apply -invoke` or a resource's `action_trigger`. Needs Terraform 1.14 or later.",
			"CreateBackup", "DescribeBackupTasks", "DescribeBackups"),
		Attributes: map[string]schema.Attribute{
			"cluster_id": schema.StringAttribute{
				MarkdownDescription: clusterIDDescription,
				Required:            true,
				Validators:          clusterIDValidators(),
			},
			"wait_until": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("How long the action waits, polling on the schedule of the data sources' `wait_until`: "+
					"`%s` (the default) until the backup's task is `Finished` and `DescribeBackups` lists the backup as `Success` and available to restore from; "+
					"`%s` until its task is `Finished`; `%s` only until `CreateBackup` answers.", waitAvailable, waitFinished, waitStarted),
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(waitAvailable, waitFinished, waitStarted)},
			},
			"timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("How long the whole action may take, retries and the wait included, such as `\"30m\"` or `\"2h\"`. "+
					"Default: `%s`. At the timeout the action fails, naming the backup and its last status; the backup keeps running.", durationText(defaultWaitTimeout)),
				Optional:   true,
				Validators: []validator.String{duration{}},
			},
		},
	}
}

// Configure keeps the provider's data.
func (a *createBackupAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.configure(req.ProviderData, &resp.Diagnostics)
}

func (a *createBackupAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var model createBackupModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if a.provider == nil {
		resp.Diagnostics.Append(notConfigured("no backup can be taken"))
		return
	}
	waitUntil := cmp.Or(model.WaitUntil.ValueString(), waitAvailable)
	timeout := defaultWaitTimeout
	if d, err := time.ParseDuration(model.Timeout.ValueString()); err == nil && d > 0 { // refused at plan time otherwise
		timeout = d
	}
	ctx, cancel := context.WithTimeout(a.provider.masked(ctx), timeout)
	defer cancel()

	b := &backupInProgress{waitUntil: waitUntil, newBackup: newBackup{provider: a.provider, clusterID: model.ClusterID.ValueString(), surface: actionSurface, timeout: timeout,
		progress: func(message string) {
			if resp.SendProgress != nil {
				resp.SendProgress(action.InvokeProgressEvent{Message: message})
			}
		}}}
	resp.Diagnostics.Append(b.run(ctx)...)
}

// backupInProgress is one invocation of the action: the backup it asked
// for, and how long it waits.
type backupInProgress struct {
	newBackup
	waitUntil string
}

// actionSurface is the action, as its diagnostics name it.
var actionSurface = backupSurface{timeoutSetting: "`timeout` on the action", again: "invoke the action"}

// run takes the backup and waits as wait_until says.
func (b *backupInProgress) run(ctx context.Context) diag.Diagnostics {
	if err := b.create(ctx); err != nil {
		return diag.Diagnostics{b.createErrorDiagnostic(err)}
	}
	if b.waitUntil == waitStarted {
		return nil
	}
	err := b.waitForTask(ctx)
	if err == nil && b.waitUntil == waitAvailable {
		_, err = b.waitUntilAvailable(ctx)
	}
	if err == nil {
		return nil
	}
	var ended *waitEndedError
	var failed *backupFailedError
	switch {
	// Ended during a wait's first poll too, which the waiter passes on as
	// the call's error (a shared call's deadline comes a moment early).
	case errors.As(err, &ended) || ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded):
		cancelled := errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled)
		// Terraform prints nothing of an interrupted action: the log says it.
		tflog.Warn(ctx, "Stopped waiting for the new PolarDB backup; the backup keeps running",
			map[string]any{"cluster_id": b.clusterID, "backup_job_id": b.jobID, "last_seen": b.lastSeen})
		return diag.Diagnostics{b.waitEndedDiagnostic(cancelled)}
	case errors.As(err, &failed):
		return diag.Diagnostics{diag.NewErrorDiagnostic("PolarDB backup failed",
			fmt.Sprintf("Backup %s of %s, started by this action (CreateBackup request ID %s), is listed with status Failed: "+
				"it will never be available to restore from. Invoke the action again to take a new backup.", b.jobID, b.clusterID, b.requestID))}
	}
	return diag.Diagnostics{withDetail(b.waitCallDiagnostic(err), fmt.Sprintf("\n\nBackup job %s of %s was started (CreateBackup request ID %s) and keeps running: "+
		"follow it with the polardb_backup_tasks data source (backup_job_id = %q).", b.jobID, b.clusterID, b.requestID, b.jobID))}
}

// waitEndedDiagnostic tells where the backup was when the wait ended (by
// the timeout, or cancelled), and that it keeps running.
func (b *backupInProgress) waitEndedDiagnostic(cancelled bool) diag.Diagnostic {
	last := cmp.Or(b.lastSeen, "nothing yet")
	waited := time.Since(b.started).Round(time.Second)
	follow := fmt.Sprintf("The backup keeps running in PolarDB: follow it with the polardb_backup_tasks data source (backup_job_id = %q).", b.jobID)
	if cancelled {
		return diag.NewErrorDiagnostic("Waiting for the PolarDB backup was cancelled",
			fmt.Sprintf("The action was interrupted after waiting %s for backup job %s of %s (wait_until = %q); last seen: %s. "+
				"Only the wait stopped. %s", waited, b.jobID, b.clusterID, b.waitUntil, last, follow))
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("timeout"), "PolarDB backup not done at the action's timeout",
		fmt.Sprintf("Waited %s for backup job %s of %s (wait_until = %q, started by CreateBackup request ID %s); last seen: %s.\n\n%s\n\n"+
			"The wait is bounded by `timeout` on the action (%s; default %s). Raise it, for example `timeout = \"2h\"`, "+
			"or set wait_until = %q and wait for the backup elsewhere.",
			waited, b.jobID, b.clusterID, b.waitUntil, b.requestID, last, follow, durationText(b.timeout), durationText(defaultWaitTimeout), waitStarted))
}
