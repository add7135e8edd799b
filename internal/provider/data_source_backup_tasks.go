package provider

// The polardb_backup_tasks data source: a cluster's backup tasks
// (DescribeBackupTasks), and a wait until they are idle or finished.

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
)

var _ datasource.DataSourceWithConfigure = &backupTasksDataSource{}

func newBackupTasksDataSource() datasource.DataSource {
	return &backupTasksDataSource{dataSource{kind: readKind{name: "backup_tasks", subject: "PolarDB backup tasks", operations: []string{"DescribeBackupTasks"}}}}
}

type backupTasksDataSource struct {
	dataSource
}

type backupTasksModel struct {
	readArguments
	BackupJobID types.String `tfsdk:"backup_job_id"`
	IDs         types.List   `tfsdk:"ids"`
	Tasks       types.List   `tfsdk:"tasks"`
}

func (d *backupTasksDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = d.schemaOf(ctx, "Lists the backup tasks of a PolarDB cluster (API `DescribeBackupTasks`): "+
		"backups that are scheduled, running or just finished. Use it to gate changes on running backups in `check` blocks and conditions.",
		map[string]schema.Attribute{
			"backup_mode":   backupModeAttribute("tasks"),
			"backup_job_id": idArgument("Only the task with this backup job ID (`BackupJobId`).", "a backup job ID"),
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
					"backup_job_id":          computedString("ID of the backup task (`BackupJobId`)."),
					"start_time":             computedString("When the task started, ISO 8601 in UTC such as `2020-08-08T07:24:01Z` (`StartTime`)."),
					"process":                computedString("Progress in percent, as a string such as `\"42\"` (`Process`)."),
					"job_mode":               computedString("Backup mode: `Automated` or `Manual` (`JobMode`)."),
					"backup_progress_status": computedString("State of the task: `NoStart`, `Preparing`, `Waiting`, `Uploading`, `Checking` or `Finished` (`BackupProgressStatus`)."),
					"task_action":            computedString("Kind of task: `TempBackupTask` (an ad hoc backup) or `NormalBackupTask` (a scheduled one) (`TaskAction`)."),
				}},
			},
		})
}

func (d *backupTasksDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model backupTasksModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &model)...); resp.Diagnostics.HasError() {
		return
	}
	r, ctx, cancel := d.startRead(ctx, model.readArguments, &resp.Diagnostics)
	if r == nil {
		return
	}
	defer cancel()

	request := &polardb.DescribeBackupTasksRequest{DBClusterId: model.ClusterID.ValueStringPointer(),
		BackupJobId: optionalString(model.BackupJobID), BackupMode: optionalString(model.BackupMode)}
	describe := func(ctx context.Context) (*polardb.DescribeBackupTasksResponse, error) {
		return r.provider.describeTasks(ctx, request)
	}
	var response *polardb.DescribeBackupTasksResponse
	var err error
	mode := model.WaitUntil.ValueString()
	goal := tasksGoal(mode, model.ClusterID.ValueString())
	if mode == "" {
		response, err = describe(ctx)
	} else {
		response, err = waiter[*polardb.DescribeBackupTasksResponse]{subject: goal.subject, field: "tasks", poll: tasksStatus(mode, describe)}.wait(ctx)
	}
	if err != nil {
		resp.Diagnostics.Append(r.failed(err, goal)...)
		return
	}
	r.respond(req.Config.Raw, resp, func(attrs map[string]tftypes.Value, types map[string]tftypes.Type) {
		setTasks(attrs, types, jobsOf(response))
	})
}

// tasksGoal is what a wait_until of mode waits for.
func tasksGoal(mode, clusterID string) waitGoal {
	goal := "no backup task of " + clusterID + " to be in progress"
	if mode == waitFinished {
		goal = "every listed backup task of " + clusterID + " to be Finished"
	}
	return waitGoal{subject: "PolarDB backup tasks", stillTitle: "PolarDB backup tasks still in progress at the read timeout", goal: goal}
}

// setTasks sets ids and tasks from jobs, of the schema's types; the lists
// are empty, never null, when there are none.
func setTasks(attrs map[string]tftypes.Value, types map[string]tftypes.Type, jobs []*backupJob) {
	taskType := types["tasks"].(tftypes.List).ElementType //nolint:forcetypeassert // the schema's list; state() reports a mismatch
	ids := make([]tftypes.Value, 0, len(jobs))
	tasks := make([]tftypes.Value, 0, len(jobs))
	for _, job := range jobs {
		if job == nil {
			continue
		}
		ids = append(ids, tftypes.NewValue(tftypes.String, deref(job.BackupJobId)))
		tasks = append(tasks, tftypes.NewValue(taskType, map[string]tftypes.Value{
			"backup_job_id":          stringValue(job.BackupJobId),
			"start_time":             stringValue(job.StartTime),
			"process":                stringValue(job.Process),
			"job_mode":               stringValue(job.JobMode),
			"backup_progress_status": stringValue(job.BackupProgressStatus),
			"task_action":            stringValue(job.TaskAction),
		}))
	}
	attrs["ids"] = tftypes.NewValue(types["ids"], ids)
	attrs["tasks"] = tftypes.NewValue(types["tasks"], tasks)
}
