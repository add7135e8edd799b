package provider

// The polardb_recovery_window data source: the points in time a cluster
// can be restored to (DescribeLocalAvailableRecoveryTime), and the
// policies that keep that window (DescribeBackupPolicy,
// DescribeLogBackupPolicy): three calls that go out together.

import (
	"cmp"
	"context"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
)

var _ datasource.DataSourceWithConfigure = &recoveryWindowDataSource{}

func newRecoveryWindowDataSource() datasource.DataSource {
	return &recoveryWindowDataSource{dataSource{kind: readKind{name: "recovery_window", subject: "the PolarDB recovery window",
		operations: []string{"DescribeLocalAvailableRecoveryTime", "DescribeBackupPolicy", "DescribeLogBackupPolicy"}}}}
}

type recoveryWindowDataSource struct {
	dataSource
}

func (d *recoveryWindowDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	number := func(description string) schema.Attribute {
		return schema.Int64Attribute{MarkdownDescription: description, Computed: true}
	}
	resp.Schema = d.schemaOf(ctx, "The points in time a PolarDB cluster can be restored to (API `DescribeLocalAvailableRecoveryTime`), "+
		"and the backup policies that keep them restorable (`DescribeBackupPolicy`, `DescribeLogBackupPolicy`): "+
		"to check, before a risky change, to which point it could be undone. The three calls go out together.",
		map[string]schema.Attribute{
			"earliest_restorable_time": computedString("The earliest point a point-in-time restore can reach, RFC 3339 in UTC (`RecoveryBeginTime`); " +
				"it is counted from level-1 backups. Null when the cluster has no restorable point yet."),
			"latest_restorable_time": computedString("The latest point a point-in-time restore can reach, RFC 3339 in UTC (`RecoveryEndTime`): " +
				"close to now while log backup is on, else the newest level-1 backup. Null when the cluster has no restorable point yet."),
			"log_backup_enabled": schema.BoolAttribute{MarkdownDescription: "Whether log backup is on (`EnableBackupLog` is `1`): " +
				"without it, only the backups' own points can be restored to. Null if the API does not say.", Computed: true},
			"log_backup_retention_days": number("Days log backups are kept, `-1` for ever (`LogBackupRetentionPeriod`). Null if the API does not say."),
			"backup_retention_days":     number("Days level-1 backups are kept, 3 to 14 (`DataLevel1BackupRetentionPeriod`). Null if the API does not say."),
			"level2_backup_retention_days": number("Days level-2 backups (archived copies) are kept: `0` when they are off, `-1` for ever " +
				"(`DataLevel2BackupRetentionPeriod`). Null if the API does not say."),
			"backup_frequency": computedString("How often automatic backups are taken, as the API says: `Normal` (once a day), or `2/24H`, `3/24H`, `4/24H` " +
				"(every 2, 3 or 4 hours) (`BackupFrequency`, else `DataLevel1BackupFrequency`). Null if the API does not say."),
			"preferred_backup_days": schema.ListAttribute{MarkdownDescription: "The days of the week automatic backups are taken on, such as " +
				"`[\"Monday\", \"Wednesday\"]` (`PreferredBackupPeriod`, else `DataLevel1BackupPeriod`). Null if the API does not say.",
				ElementType: types.StringType, Computed: true},
			"preferred_backup_time": computedString("The hour automatic backups start in, UTC, such as `15:00Z-16:00Z` " +
				"(`PreferredBackupTime`, else `DataLevel1BackupTime`). Null if the API does not say."),
			"next_backup_time": computedString("When the next automatic backup is due, RFC 3339 in UTC; the API sends it to the minute " +
				"(`PreferredNextBackupTime`). Null if the API does not say."),
			"retention_on_cluster_deletion": computedString("What is kept if the cluster is deleted (`BackupRetentionPolicyOnClusterDeletion`): " +
				"`ALL` every backup, `LATEST` the last one, `NONE` nothing. Null if the API does not say."),
			"backup_policy_level": computedString("`Normal`, or `Advanced` when the advanced backup policy is on (`BackupPolicyLevel`, PolarDB for MySQL): " +
				"its rules then set when backups are taken and how long they are kept, and `backup_frequency`, `preferred_backup_days`, " +
				"`preferred_backup_time` and the retention days may not tell it all. Null if the API does not say."),
		})
}

func (d *recoveryWindowDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	// Its arguments are cluster_id and timeouts alone: read one by one,
	// without a model.
	var args readArguments
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("cluster_id"), &args.ClusterID)...)
	if resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("timeouts"), &args.Timeouts)...); resp.Diagnostics.HasError() {
		return
	}
	r, ctx, cancel := d.startRead(ctx, args, &resp.Diagnostics)
	if r == nil {
		return
	}
	defer cancel()

	answers, err := r.provider.readRecovery(ctx, args.ClusterID.ValueString())
	if err != nil {
		resp.Diagnostics.Append(r.callFailed(err)...)
		return
	}
	r.respond(req.Config.Raw, resp, func(attrs map[string]tftypes.Value, types map[string]tftypes.Type) {
		setRecoveryWindow(attrs, types, answers)
	})
}

// recoveryAnswers are the answers of the three calls of a read.
type recoveryAnswers struct {
	window    *polardb.DescribeLocalAvailableRecoveryTimeResponseBody
	policy    *polardb.DescribeBackupPolicyResponseBody
	logPolicy *polardb.DescribeLogBackupPolicyResponseBody
}

// readRecovery makes the three calls of a read of clusterID together: the
// read takes one round trip of the API, not three. The first to fail
// cancels the others, and its error, a *failedCall, is the read's: one
// diagnostic, not three.
func (p *providerData) readRecovery(ctx context.Context, clusterID string) (recoveryAnswers, error) {
	var a recoveryAnswers
	id := &clusterID
	err := together(ctx,
		func(ctx context.Context) (err error) {
			a.window, err = logged(ctx, p, "DescribeLocalAvailableRecoveryTime", clusterID, p.client.DescribeLocalAvailableRecoveryTime,
				&polardb.DescribeLocalAvailableRecoveryTimeRequest{DBClusterId: id})
			return err
		},
		func(ctx context.Context) (err error) {
			a.policy, err = logged(ctx, p, "DescribeBackupPolicy", clusterID, p.client.DescribeBackupPolicy,
				&polardb.DescribeBackupPolicyRequest{DBClusterId: id})
			return err
		},
		func(ctx context.Context) (err error) {
			a.logPolicy, err = logged(ctx, p, "DescribeLogBackupPolicy", clusterID, p.client.DescribeLogBackupPolicy,
				&polardb.DescribeLogBackupPolicyRequest{DBClusterId: id})
			return err
		})
	return a, err
}

// setRecoveryWindow sets the computed attributes from the answers, of the
// schema's types. What the API leaves out, sends empty or blank, or sends
// in a shape that is not a time or a number is null; an empty schedule
// field is its level-1 counterpart.
func setRecoveryWindow(attrs map[string]tftypes.Value, types map[string]tftypes.Type, a recoveryAnswers) {
	window, policy, logPolicy := deref(a.window), deref(a.policy), deref(a.logPolicy) // none is nil after a read
	attrs["earliest_restorable_time"] = unlessEmpty(restorableFrom(deref(window.RecoveryBeginTime)))
	attrs["latest_restorable_time"] = unlessEmpty(utcTime(deref(window.RecoveryEndTime)))
	attrs["log_backup_enabled"] = tftypes.NewValue(tftypes.Bool, nil)
	if on := logPolicy.EnableBackupLog; on != nil && (*on == 0 || *on == 1) {
		attrs["log_backup_enabled"] = tftypes.NewValue(tftypes.Bool, *on == 1)
	}
	attrs["log_backup_retention_days"] = tftypes.NewValue(tftypes.Number, nil)
	if kept := logPolicy.LogBackupRetentionPeriod; kept != nil {
		attrs["log_backup_retention_days"] = tftypes.NewValue(tftypes.Number, int64(*kept))
	}
	attrs["backup_retention_days"] = wholeNumberValue(policy.DataLevel1BackupRetentionPeriod)
	attrs["level2_backup_retention_days"] = wholeNumberValue(policy.DataLevel2BackupRetentionPeriod)
	attrs["backup_frequency"] = unlessEmpty(new(orLevel1(policy.BackupFrequency, policy.DataLevel1BackupFrequency)))
	attrs["preferred_backup_time"] = unlessEmpty(new(orLevel1(policy.PreferredBackupTime, policy.DataLevel1BackupTime)))
	attrs["preferred_backup_days"] = tftypes.NewValue(types["preferred_backup_days"], nil)
	if period := orLevel1(policy.PreferredBackupPeriod, policy.DataLevel1BackupPeriod); period != "" {
		var days []tftypes.Value
		for day := range strings.SplitSeq(period, ",") {
			if day = strings.TrimSpace(day); day != "" {
				days = append(days, tftypes.NewValue(tftypes.String, day))
			}
		}
		attrs["preferred_backup_days"] = tftypes.NewValue(types["preferred_backup_days"], days)
	}
	attrs["next_backup_time"] = unlessEmpty(utcTime(deref(policy.PreferredNextBackupTime)))
	attrs["retention_on_cluster_deletion"] = unlessEmpty(new(strings.TrimSpace(deref(policy.BackupRetentionPolicyOnClusterDeletion))))
	attrs["backup_policy_level"] = unlessEmpty(new(strings.TrimSpace(deref(policy.BackupPolicyLevel))))
}

// orLevel1 is a schedule field of the policy, trimmed, or its level-1
// counterpart when it is empty or blank.
func orLevel1(field, level1 *string) string {
	return cmp.Or(strings.Trim(deref(field), " ,"), strings.Trim(deref(level1), " ,"))
}

// restorableFrom is RecoveryBeginTime as utcTime gives it, but a fraction
// of a second rounds up, not down: the second before the window is not in
// it.
func restorableFrom(s string) *string {
	t, ok := apiTime(s)
	if !ok {
		return nil
	}
	if whole := t.Truncate(time.Second); !whole.Equal(t) {
		t = whole.Add(time.Second)
	}
	return new(t.UTC().Format(time.RFC3339))
}
