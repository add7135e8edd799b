package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
)

var _ datasource.DataSourceWithConfigure = &backupTasksDataSource{}

// defaultReadTimeout bounds a read when timeouts.read is not set.
const defaultReadTimeout = 5 * time.Minute

func newBackupTasksDataSource() datasource.DataSource { return &backupTasksDataSource{} }

type backupTasksDataSource struct {
	configured
}

type backupTasksModel struct {
	ID          types.String   `tfsdk:"id"`
	ClusterID   types.String   `tfsdk:"cluster_id"`
	BackupJobID types.String   `tfsdk:"backup_job_id"`
	BackupMode  types.String   `tfsdk:"backup_mode"`
	WaitUntil   types.String   `tfsdk:"wait_until"`
	IDs         types.List     `tfsdk:"ids"`
	Tasks       types.List     `tfsdk:"tasks"`
	Timeouts    timeouts.Value `tfsdk:"timeouts"`
}

func (d *backupTasksDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backup_tasks"
}

func (d *backupTasksDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: withRAMAction("DescribeBackupTasks", "Lists the backup tasks of a PolarDB cluster (API `DescribeBackupTasks`): "+
			"backups that are scheduled, running or just finished. Use it to gate changes on running backups in `check` blocks and conditions."),
		Attributes: map[string]schema.Attribute{
			"id":            idAttribute(),
			"cluster_id":    clusterIDAttribute(),
			"backup_job_id": idArgument("Only the task with this backup job ID (`BackupJobId`).", "a backup job ID"),
			"backup_mode":   backupModeArgument("tasks"),
			"wait_until": schema.StringAttribute{
				MarkdownDescription: "Wait before returning, polling with the same filters within `timeouts.read`: `idle` until no listed task is in progress, " +
					"`finished` until every listed task is `Finished` (or none is listed); see [Wait until backups are done](#wait-until-backups-are-done). " +
					"Unset: one call, no wait.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(waitIdle, waitFinished)},
			},
			"ids": schema.ListAttribute{
				MarkdownDescription: "The `backup_job_id` of every task, in the API's order. Empty when there are none.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"tasks": schema.ListNestedAttribute{
				MarkdownDescription: "The backup tasks, in the API's order, with the API's values verbatim. Empty when there are none.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"backup_job_id": schema.StringAttribute{
						MarkdownDescription: "ID of the backup task (`BackupJobId`).",
						Computed:            true,
					},
					"start_time": schema.StringAttribute{
						MarkdownDescription: "When the task started, ISO 8601 in UTC such as `2020-08-08T07:24:01Z` (`StartTime`).",
						Computed:            true,
					},
					"process": schema.StringAttribute{
						MarkdownDescription: "Progress in percent, as a string such as `\"42\"` (`Process`).",
						Computed:            true,
					},
					"job_mode": schema.StringAttribute{
						MarkdownDescription: "Backup mode: `Automated` or `Manual` (`JobMode`).",
						Computed:            true,
					},
					"backup_progress_status": schema.StringAttribute{
						MarkdownDescription: "State of the task: `NoStart`, `Preparing`, `Waiting`, `Uploading`, `Checking` or `Finished` (`BackupProgressStatus`).",
						Computed:            true,
					},
					"task_action": schema.StringAttribute{
						MarkdownDescription: "Kind of task: `TempBackupTask` (an ad hoc backup) or `NormalBackupTask` (a scheduled one) (`TaskAction`).",
						Computed:            true,
					},
				}},
			},
			"timeouts": timeoutsAttribute(ctx),
		},
	}
}

func (d *backupTasksDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model backupTasksModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.provider == nil {
		resp.Diagnostics.Append(notConfigured(tasksWait.subject + " cannot be read during this plan"))
		return
	}
	waitUntil := model.WaitUntil.ValueString()
	readTimeout, diags := model.Timeouts.Read(ctx, defaultTimeout(waitUntil))
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	ctx = d.provider.masked(ctx)

	request := &polardb.DescribeBackupTasksRequest{DBClusterId: model.ClusterID.ValueStringPointer(),
		BackupJobId: optionalString(model.BackupJobID), BackupMode: optionalString(model.BackupMode)}
	describe := func(ctx context.Context) (*polardb.DescribeBackupTasksResponse, error) {
		return d.provider.describeTasks(ctx, request)
	}
	var response *polardb.DescribeBackupTasksResponse
	var err error
	if waitUntil == "" {
		response, err = describe(ctx)
	} else {
		response, err = waitForTasks(ctx, waitUntil, describe)
	}
	var waitEnded *waitEndedError
	switch {
	case errors.As(err, &waitEnded):
		resp.Diagnostics.Append(waitEndedDiagnostic(waitEnded, tasksGoal(waitUntil, model.ClusterID.ValueString(), readTimeout)))
		return
	case err != nil:
		rc := d.provider.readContext("DescribeBackupTasks", "Reading "+tasksWait.subject, model.ClusterID.ValueString(), readTimeout)
		rc.backupMode = model.BackupMode.ValueString()
		resp.Diagnostics.Append(readErrorDiagnostics(err, rc)...)
		return
	}

	state, err := stateValue(req.Config.Raw, jobsOf(response))
	if err != nil {
		resp.Diagnostics.AddError("Cannot build the state of polardb_backup_tasks",
			err.Error()+"\n\nThis is a bug in the provider; please report it.")
		return
	}
	resp.State.Raw = state
}

// defaultTimeout is the read's limit when timeouts.read is not set.
func defaultTimeout(waitUntil string) time.Duration {
	if waitUntil != "" {
		return defaultWaitTimeout
	}
	return defaultReadTimeout
}

// describeTasks makes one DescribeBackupTasks call and logs it at DEBUG,
// with the request, the answer's size and request ID or the error.
func (p *providerData) describeTasks(ctx context.Context, request *polardb.DescribeBackupTasksRequest) (*polardb.DescribeBackupTasksResponse, error) {
	started := time.Now()
	response, err := p.client.DescribeBackupTasks(ctx, request)
	fields := map[string]any{"cluster_id": deref(request.DBClusterId), "backup_job_id": deref(request.BackupJobId),
		"backup_mode": deref(request.BackupMode)}
	if err == nil {
		fields["request_id"], fields["tasks"] = requestID(response), len(jobsOf(response))
	}
	p.logCall(ctx, "DescribeBackupTasks", started, fields, err)
	return response, err
}

// taskType is the Terraform type of one element of tasks; a test holds it
// equal to the schema's.
var taskType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"backup_job_id": tftypes.String, "start_time": tftypes.String, "process": tftypes.String,
	"job_mode": tftypes.String, "backup_progress_status": tftypes.String, "task_action": tftypes.String,
}}

// stateValue is the data source's state: the configuration with id, ids and
// tasks set from jobs, the lists empty, never null, when there are none. It
// builds the Terraform value directly: the framework's reflection-based
// State.Set costs about 1 ms for 10 tasks and 850 ms and 370 MB for 10,000,
// a hundred times this.
func stateValue(config tftypes.Value, jobs []*backupJob) (tftypes.Value, error) {
	var attrs map[string]tftypes.Value
	if err := config.As(&attrs); err != nil {
		return tftypes.Value{}, err
	}
	str := func(s *string) tftypes.Value {
		if s == nil {
			return tftypes.NewValue(tftypes.String, nil)
		}
		return tftypes.NewValue(tftypes.String, *s)
	}
	ids := make([]tftypes.Value, 0, len(jobs))
	tasks := make([]tftypes.Value, 0, len(jobs))
	for _, job := range jobs {
		if job == nil {
			continue
		}
		ids = append(ids, tftypes.NewValue(tftypes.String, deref(job.BackupJobId)))
		tasks = append(tasks, tftypes.NewValue(taskType, map[string]tftypes.Value{
			"backup_job_id":          str(job.BackupJobId),
			"start_time":             str(job.StartTime),
			"process":                str(job.Process),
			"job_mode":               str(job.JobMode),
			"backup_progress_status": str(job.BackupProgressStatus),
			"task_action":            str(job.TaskAction),
		}))
	}
	attrs["id"] = attrs["cluster_id"]
	attrs["ids"] = tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, ids)
	attrs["tasks"] = tftypes.NewValue(tftypes.List{ElementType: taskType}, tasks)
	return tftypes.NewValue(config.Type(), attrs), nil
}

func requestID(response *polardb.DescribeBackupTasksResponse) string {
	if response.Body != nil && response.Body.RequestId != nil {
		return *response.Body.RequestId
	}
	return ""
}

// jobsOf is the tasks of an answer, none if it has no Items.
func jobsOf(response *polardb.DescribeBackupTasksResponse) []*backupJob {
	if response == nil || response.Body == nil || response.Body.Items == nil {
		return nil
	}
	return response.Body.Items.BackupJob
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// logRetry logs each retry at debug level, in the read's context, where
// secrets are masked.
func logRetry(ctx context.Context, r polardb.Retry) {
	fields := map[string]any{"attempt": r.Attempt, "error": r.Err.Error(), "delay_ms": r.Delay.Milliseconds()}
	var apiErr *polardb.APIError
	if errors.As(r.Err, &apiErr) {
		fields["code"] = apiErr.Code
		fields["request_id"] = apiErr.RequestID
	}
	tflog.Debug(ctx, "PolarDB API call retried", fields)
}

// timeoutsAttribute is framework-timeouts' attribute with a validator whose
// message names the attribute, which the package's does not, and which
// refuses durations that are not positive. Should framework-timeouts change
// the shape of its attribute, this is the package's attribute as it is,
// and TestTimeoutsAttribute fails.
func timeoutsAttribute(ctx context.Context) schema.Attribute {
	original := timeouts.AttributesWithOpts(ctx, timeouts.Opts{})
	a, ok := original.(schema.SingleNestedAttribute)
	read, readOK := a.Attributes["read"].(schema.StringAttribute)
	if !ok || !readOK {
		return original
	}
	read.MarkdownDescription = fmt.Sprintf("How long the whole read may take, retries and any wait included, such as `\"30s\"` or `\"2h\"`. "+
		"Default: `%s`, or `%s` when `wait_until` is set.", durationText(defaultReadTimeout), durationText(defaultWaitTimeout))
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
