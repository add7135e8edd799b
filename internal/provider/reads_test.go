package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
)

// configOf is a configuration of d with cluster_id set and every other
// attribute null, and d's schema.
func configOf(t testing.TB, d datasource.DataSource) (tftypes.Value, datasource.SchemaResponse) {
	t.Helper()
	var resp datasource.SchemaResponse
	d.Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	objectType := resp.Schema.Type().TerraformType(context.Background()).(tftypes.Object) //nolint:forcetypeassert // a schema is an object
	attrs := map[string]tftypes.Value{}
	for name, typ := range objectType.AttributeTypes {
		attrs[name] = tftypes.NewValue(typ, nil)
	}
	attrs["cluster_id"] = tftypes.NewValue(tftypes.String, "pc-2zed3m89cw7xxxxxx")
	return tftypes.NewValue(objectType, attrs), resp
}

// The state each data source builds by hand, of the types its schema
// gives, is one the framework reads back into the model, every attribute
// set: what a user would see in state is what the schema declares.
func TestStateIsTheSchemas(t *testing.T) {
	job := &backupJob{BackupJobId: new("70219982"), StartTime: new("2026-11-26T08:15:30Z"), Process: new("42"),
		JobMode: new("Manual"), BackupProgressStatus: new("Uploading"), TaskAction: new("TempBackupTask")}
	full := &backupSet{BackupId: new("1111"), BackupStatus: new("Success"), BackupMode: new("Manual"), BackupMethod: new("Snapshot"),
		BackupType: new("FullBackup"), BackupsLevel: new("Level-1"), BackupStartTime: new("2026-11-26T08:15:30Z"),
		BackupEndTime: new("2026-11-26T08:20:30Z"), ConsistentTime: new("1795140015"), BackupSetSize: new("154920107"),
		IsAvail: new("1"), Comment: new("before the upgrade"), ExpectExpireTime: new("2026-12-26T08:15:30Z"), ExpectExpireType: new("NEVER")}
	for _, tt := range []struct {
		dataSource datasource.DataSource
		set        func(map[string]tftypes.Value, map[string]tftypes.Type)
		model      any
	}{
		{newBackupTasksDataSource(), func(a map[string]tftypes.Value, ty map[string]tftypes.Type) { setTasks(a, ty, []*backupJob{job}) }, &backupTasksModel{}},
		{newBackupsDataSource(), func(a map[string]tftypes.Value, ty map[string]tftypes.Type) {
			setBackups(a, ty, backupsRead{backups: []*backupSet{full}, total: 1})
		}, &backupsModel{}},
		{newRecoveryWindowDataSource(), func(a map[string]tftypes.Value, ty map[string]tftypes.Type) {
			setRecoveryWindow(a, ty, recoveryAnswers{
				window: &polardb.DescribeLocalAvailableRecoveryTimeResponseBody{RecoveryBeginTime: new("2026-11-20T02:00:15Z"), RecoveryEndTime: new("2026-11-27T08:56:45Z")},
				policy: &polardb.DescribeBackupPolicyResponseBody{BackupRetentionPolicyOnClusterDeletion: new("LATEST"), BackupFrequency: new("Normal"),
					PreferredBackupPeriod: new("Monday,Wednesday"), PreferredBackupTime: new("15:00Z-16:00Z"), PreferredNextBackupTime: new("2026-11-30T15:00Z"),
					DataLevel1BackupRetentionPeriod: new("7"), DataLevel2BackupRetentionPeriod: new("-1"), BackupPolicyLevel: new("Normal")},
				logPolicy: &polardb.DescribeLogBackupPolicyResponseBody{EnableBackupLog: new(int32(1)), LogBackupRetentionPeriod: new(int32(7))},
			})
		}, &types.Object{}}, // read without a model
	} {
		config, schema := configOf(t, tt.dataSource)
		raw, diags := (&dataSourceRead{}).state(config, tt.set)
		if diags.HasError() {
			t.Fatalf("%T: %v", tt.dataSource, diags)
		}
		state := tfsdk.State{Schema: schema.Schema, Raw: raw}
		if diags := state.Get(context.Background(), tt.model); diags.HasError() {
			t.Errorf("%T: the state is not the schema's: %v", tt.dataSource, diags)
		}
		var nulls []string
		_ = tftypes.Walk(raw, func(p *tftypes.AttributePath, v tftypes.Value) (bool, error) {
			if v.IsNull() && !strings.Contains(p.String(), "timeouts") && !isArgument(schema, p) {
				nulls = append(nulls, p.String())
			}
			return true, nil
		})
		if len(nulls) > 0 {
			t.Errorf("%T: computed attributes left null from a full answer: %v", tt.dataSource, nulls)
		}
	}
}

// isArgument says whether p is an optional argument of the schema, which
// the configuration leaves null.
func isArgument(schema datasource.SchemaResponse, p *tftypes.AttributePath) bool {
	steps := p.Steps()
	if len(steps) != 1 {
		return false
	}
	name, ok := steps[0].(tftypes.AttributeName)
	a := schema.Schema.Attributes[string(name)]
	return ok && a != nil && a.IsOptional()
}

// A state built with a value of the wrong type is a diagnostic that says
// it is a bug, never a crash of the provider.
func TestStateOfTheWrongTypeIsADiagnostic(t *testing.T) {
	config, _ := configOf(t, newBackupTasksDataSource())
	_, diags := (&dataSourceRead{readKind: readKind{name: "backup_tasks"}}).state(config, func(attrs map[string]tftypes.Value, types map[string]tftypes.Type) {
		attrs["ids"] = tftypes.NewValue(tftypes.String, "not a list")
	})
	if !diags.HasError() || diags[0].Summary() != "Cannot build the state of polardb_backup_tasks" ||
		!strings.Contains(diags[0].Detail(), "This is a bug in the provider") {
		t.Errorf("diagnostics %v, want the state's bug told", diags)
	}
}
