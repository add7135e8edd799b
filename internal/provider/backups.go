package provider

// Backup sets (DescribeBackups): the window a read asks for, reading every
// page of it newest first, and whether a backup can be restored from.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
)

// backupSet is one backup set as the API answered it.
type backupSet = polardb.DescribeBackupsResponseBodyItemsBackup

// The values of BackupStatus.
const (
	backupSuccess = "Success"
	backupFailed  = "Failed"
)

// backupLevel2 is the BackupsLevel of an archived copy of a backup set.
const backupLevel2 = "Level-2"

// defaultWindow is how far back the window reaches when start_time is not
// set.
const defaultWindow = 7 * 24 * time.Hour

// backupWindow is the time window a read asks for; apiWindow is the wider one
// sent to the API, in whole minutes.
type backupWindow struct {
	start, end time.Time
}

// windowOf is the window of start_time and end_time ("" when not set) at
// now: by default the defaultWindow up to now. A window that cannot be is
// a diagnostic on the argument to change.
func windowOf(startTime, endTime string, now time.Time) (backupWindow, diag.Diagnostic) {
	w := backupWindow{end: now}
	var err error
	if endTime != "" {
		if w.end, err = time.Parse(time.RFC3339, endTime); err != nil {
			return w, diag.NewAttributeErrorDiagnostic(path.Root("end_time"), "Invalid Attribute Value", "end_time "+timestamp{}.Description(context.Background())+": "+err.Error())
		}
	}
	w.start = w.end.Add(-defaultWindow)
	if startTime != "" {
		if w.start, err = time.Parse(time.RFC3339, startTime); err != nil {
			return w, diag.NewAttributeErrorDiagnostic(path.Root("start_time"), "Invalid Attribute Value", "start_time "+timestamp{}.Description(context.Background())+": "+err.Error())
		}
	}
	switch {
	case !w.end.Before(w.start):
		return w, nil
	case endTime != "":
		return w, diag.NewAttributeErrorDiagnostic(path.Root("end_time"), "Window ends before it starts",
			fmt.Sprintf("end_time %s is before start_time %s: set end_time to the same time as start_time or later.", endTime, startTime))
	default:
		return w, diag.NewAttributeErrorDiagnostic(path.Root("start_time"), "Window ends before it starts",
			fmt.Sprintf("start_time %s is in the future, after the end of the window (by default the time of the read, %s): "+
				"set start_time to a past time, or set end_time.", startTime, now.UTC().Format(time.RFC3339)))
	}
}

// apiWindow is the window widened to whole minutes, as the API takes it:
// nothing inside the window is missed, and contains drops what the wider
// one adds. The API wants the end later than the start.
func (w backupWindow) apiWindow() (start, end string) {
	s := w.start.UTC().Truncate(time.Minute)
	e := w.end.UTC().Truncate(time.Minute)
	if e.Before(w.end) || !e.After(s) {
		e = e.Add(time.Minute)
	}
	return s.Format(apiMinute), e.Format(apiMinute)
}

// contains says whether a backup that started at started is in the window;
// one whose start is not known is kept, as the API listed it.
func (w backupWindow) contains(started time.Time, known bool) bool {
	return !known || (!started.Before(w.start) && !started.After(w.end))
}

// backupsRead is what one read of every page gave: the backups in the
// window asked for, newest first, and the API's total for the wider one.
type backupsRead struct {
	backups []*backupSet
	total   int
	partial bool // only the first pages were read (polardb.BackupSets.Partial)
}

// readBackups reads the backups request asks for in window w (which sets
// its StartTime and EndTime), every page, newest first.
func (p *providerData) readBackups(ctx context.Context, request polardb.DescribeBackupsRequest, w backupWindow) (backupsRead, error) {
	return p.readNewestBackups(ctx, request, w, 0)
}

// readNewestBackups is readBackups of the n newest backups (all for 0),
// reading no more pages than they need when the API lists newest first.
func (p *providerData) readNewestBackups(ctx context.Context, request polardb.DescribeBackupsRequest, w backupWindow, n int) (backupsRead, error) {
	start, end := w.apiWindow()
	request.StartTime, request.EndTime = &start, &end
	sets, err := p.describeBackups(ctx, &request, n)
	if err != nil {
		return backupsRead{}, err
	}
	return backupsRead{backups: newestFirst(sets.Backups, w), total: sets.Total, partial: sets.Partial}, nil
}

// describeBackups reads the pages of request that hold its n newest
// backups (every page for 0) and logs the read at DEBUG.
func (p *providerData) describeBackups(ctx context.Context, request *polardb.DescribeBackupsRequest, n int) (*polardb.BackupSets, error) {
	started := time.Now()
	sets, err := p.client.DescribeNewestBackups(ctx, request, n)
	fields := map[string]any{"cluster_id": deref(request.DBClusterId), "start_time": deref(request.StartTime), "end_time": deref(request.EndTime)}
	if err == nil {
		fields["request_id"], fields["backups"], fields["total"], fields["pages"], fields["reads"] =
			sets.RequestID, len(sets.Backups), sets.Total, sets.Pages, sets.Reads
	}
	p.logCall(ctx, "DescribeBackups", started, fields, err)
	if err == nil && sets.Short > 0 {
		// Not an error: the backups listed are kept, but say it.
		tflog.Warn(ctx, "DescribeBackups listed fewer backups than its total on every read", map[string]any{
			"cluster_id": deref(request.DBClusterId), "total": sets.Total, "missing": sets.Short, "reads": sets.Reads})
	}
	return sets, err
}

// newestFirst is the backups in window w, newest first; a backup whose
// start is not known comes last; then by ID, so that the order is the same
// on every read.
func newestFirst(backups []*backupSet, w backupWindow) []*backupSet {
	type listed struct {
		b       *backupSet
		started time.Time
		known   bool
	}
	kept := make([]listed, 0, len(backups))
	for _, b := range backups {
		if b == nil {
			continue
		}
		started, err := time.Parse(time.RFC3339, deref(b.BackupStartTime))
		if w.contains(started, err == nil) {
			kept = append(kept, listed{b: b, started: started, known: err == nil})
		}
	}
	slices.SortStableFunc(kept, func(x, y listed) int {
		switch {
		case x.known != y.known:
			if x.known {
				return -1
			}
			return 1
		case !x.started.Equal(y.started):
			return y.started.Compare(x.started)
		}
		return strings.Compare(deref(y.b.BackupId), deref(x.b.BackupId))
	})
	out := make([]*backupSet, len(kept))
	for i, k := range kept {
		out[i] = k.b
	}
	return out
}

// restorable says whether a backup can be restored from: listed as Success
// and, says the API, usable. One whose IsAvail is missing or unreadable is
// not counted: a recovery point must be known to be usable.
func restorable(b *backupSet) bool {
	v, ok := availableOf(b.IsAvail)
	return deref(b.BackupStatus) == backupSuccess && ok && v
}

// backupFailedError ends a wait for a backup that the API lists as Failed.
type backupFailedError struct{ id string }

func (e *backupFailedError) Error() string { return "backup " + e.id + " failed" }

// availability is what read says of backup id, for a wait until it can be
// restored from: pending until it is listed as Success and usable; failed
// when it is listed as Failed.
func availability(id string, read backupsRead) polled[backupsRead] {
	b := levelOne(read.backups, id)
	if b == nil {
		return pendingUnless(read, []string{"backup " + id + " is not listed yet"})
	}
	switch status := deref(b.BackupStatus); {
	case status == backupFailed:
		return polled[backupsRead]{state: stateFailed, answer: read, err: &backupFailedError{id: id}}
	case restorable(b):
		return pendingUnless(read, nil)
	default:
		return pendingUnless(read, []string{"backup " + id + " is listed as " + status + ", not available"})
	}
}

// levelOnes are backups without their level-2 copies, in their order.
func levelOnes(backups []*backupSet) []*backupSet {
	out := make([]*backupSet, 0, len(backups))
	for _, b := range backups {
		if deref(b.BackupsLevel) != backupLevel2 {
			out = append(out, b)
		}
	}
	return out
}

// levelOne is the level-1 backup set with ID id in backups, nil if none
// is: a level-2 copy, archived, may carry the same ID, and is another set.
// A set whose level the API does not tell is taken for level 1.
func levelOne(backups []*backupSet, id string) *backupSet {
	for _, b := range backups {
		if deref(b.BackupId) == id && deref(b.BackupsLevel) != backupLevel2 {
			return b
		}
	}
	return nil
}

// backupField is an attribute of one backup: in polardb_backups' lists,
// and of the polardb_backup resource unless listOnly.
type backupField struct {
	name, description string
	kind              tftypes.Type // tftypes.String, Number (an integer) or Bool
	listOnly          bool
}

// backupFields are the attributes of one backup, with the same names and
// meanings wherever a backup is shown.
var backupFields = []backupField{
	{name: "backup_id", description: "ID of the backup set (`BackupId`).", kind: tftypes.String},
	{name: "backup_status", description: "`Success` or `Failed` (`BackupStatus`).", kind: tftypes.String},
	{name: "backup_mode", description: "`Automated` or `Manual` (`BackupMode`).", kind: tftypes.String},
	{name: "backup_method", description: "How it was taken, such as `Snapshot` (`BackupMethod`).", kind: tftypes.String},
	{name: "backup_type", description: "Such as `FullBackup` (`BackupType`).", kind: tftypes.String},
	{name: "backup_level", description: "`Level-1`, a snapshot in the cluster's region, or `Level-2`, an archived copy (`BackupsLevel`).", kind: tftypes.String},
	{name: "start_time", description: "When the backup started, RFC 3339 in UTC such as `2026-05-01T22:56:28Z` (`BackupStartTime`).", kind: tftypes.String},
	{name: "end_time", description: "When the backup ended, RFC 3339 in UTC (`BackupEndTime`).", kind: tftypes.String},
	{name: "consistent_time", description: "The point in time the backup restores to, RFC 3339 in UTC; the API sends Unix seconds (`ConsistentTime`). Null if the API sends none.", kind: tftypes.String},
	{name: "size_bytes", description: "Size of the backup set in bytes, a number (`BackupSetSize`). Null if the API sends none.", kind: tftypes.Number},
	{name: "available", description: "Whether the backup can be restored from (`IsAvail` is `1`). Null if the API does not say.", kind: tftypes.Bool},
	{name: "comment", description: "The backup's comment (`Comment`); null when it has none.", kind: tftypes.String, listOnly: true},
	{name: "expire_time", description: "When a sparse backup expires (`ExpectExpireTime`); null when not set.", kind: tftypes.String, listOnly: true},
	{name: "expire_type", description: "How a sparse backup expires (`ExpectExpireType`); null when not set.", kind: tftypes.String, listOnly: true},
}

// backupFieldValues are one backup's values by attribute name, as
// backupValue reads them.
func backupFieldValues(b *backupSet, words map[string]tftypes.Value) map[string]tftypes.Value {
	word := func(s *string) tftypes.Value {
		if s == nil {
			return nullString
		}
		v, ok := words[*s]
		if !ok {
			v = tftypes.NewValue(tftypes.String, *s)
			words[*s] = v
		}
		return v
	}
	available := tftypes.NewValue(tftypes.Bool, nil)
	if v, ok := availableOf(b.IsAvail); ok {
		available = tftypes.NewValue(tftypes.Bool, v)
	}
	return map[string]tftypes.Value{
		"backup_id":       stringValue(b.BackupId),
		"backup_status":   word(b.BackupStatus),
		"backup_mode":     word(b.BackupMode),
		"backup_method":   word(b.BackupMethod),
		"backup_type":     word(b.BackupType),
		"backup_level":    word(b.BackupsLevel),
		"start_time":      stringValue(b.BackupStartTime),
		"end_time":        stringValue(b.BackupEndTime),
		"consistent_time": unlessEmpty(utcTime(deref(b.ConsistentTime))),
		"size_bytes":      wholeNumberValue(b.BackupSetSize),
		"available":       available,
		"comment":         unlessEmpty(b.Comment),
		"expire_time":     unlessEmpty(b.ExpectExpireTime),
		"expire_type":     unlessEmpty(b.ExpectExpireType),
	}
}
