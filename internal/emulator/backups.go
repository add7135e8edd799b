package emulator

// The PolarDB API, version 2017-08-01: DescribeBackups, the backup sets of a
// cluster: those of the data, and those its tasks turn into when they
// finish, listed a while later as the service does.

import (
	"regexp"
	"strconv"
	"time"
)

// Backup is a backup set: one element of Items.Backup in a DescribeBackups
// answer, whose JSON names are the API's, and when the emulator lists it.
type Backup struct {
	BackupId string `json:"BackupId"`
	// DBClusterId is the cluster's when empty.
	DBClusterId  string `json:"DBClusterId"`
	BackupStatus string `json:"BackupStatus"` // Success or Failed
	BackupMode   string `json:"BackupMode"`   // Automated or Manual
	BackupMethod string `json:"BackupMethod"` // Snapshot
	BackupType   string `json:"BackupType"`   // FullBackup
	BackupsLevel string `json:"BackupsLevel"` // Level-1, or Level-2 for an archived copy
	// BackupStartTime is an RFC 3339 time, such as "2024-05-20T02:00:13Z":
	// the StartTime and EndTime of a call are compared with it.
	BackupStartTime        string `json:"BackupStartTime"`
	BackupEndTime          string `json:"BackupEndTime"`
	ConsistentTime         string `json:"ConsistentTime"` // Unix seconds
	BackupSetSize          string `json:"BackupSetSize"`  // bytes
	IsAvail                string `json:"IsAvail"`        // "1" usable, "0" not
	ExpectExpireTime       string `json:"ExpectExpireTime"`
	ExpectExpireType       string `json:"ExpectExpireType"`
	Comment                string `json:"Comment"`
	TableRestoreMetaStatus string `json:"TableRestoreMetaStatus"`
	// Region is the region a cross-region copy is stored in: a call with
	// BackupRegion lists only the backups whose Region it is. Not part of
	// the API's answer, which does not say.
	Region string `json:"region,omitempty"`
	// ListedFromCall, when not 0, lists the backup only from the
	// ListedFromCall-th DescribeBackups call on its cluster on (the first
	// is 1), as if it had been taken meanwhile: a client paging through
	// then sees the total grow. Not part of the API's answer.
	ListedFromCall int `json:"listed_from_call,omitempty"`
	// StartedAgo, when set, dates the backup from when the emulator
	// started: BackupStartTime is that long before, and BackupEndTime and
	// ConsistentTime snapshotTime after it, unless the data sets them. A
	// data file can so hold recent backups, for configurations that check
	// a recovery point against plantimestamp(). Not part of the API's
	// answer.
	StartedAgo Duration `json:"started_ago,omitempty"`
}

// dated is b with the times StartedAgo gives it, from started.
func (b Backup) dated(started time.Time) Backup {
	if b.StartedAgo == 0 {
		return b
	}
	start := started.Add(-time.Duration(b.StartedAgo)).UTC().Truncate(time.Second)
	end := start.Add(snapshotTime)
	if b.BackupStartTime == "" {
		b.BackupStartTime = start.Format(time.RFC3339)
	}
	if b.BackupEndTime == "" {
		b.BackupEndTime = end.Format(time.RFC3339)
	}
	if b.ConsistentTime == "" {
		b.ConsistentTime = strconv.FormatInt(end.Unix(), 10)
	}
	b.StartedAgo = 0
	return b
}

// The valid values of BackupStatus.
const (
	backupSuccess = "Success"
	backupFailed  = "Failed"
)

// describeBackupsResponse is the DescribeBackups answer, which documents
// every number as a string.
type describeBackupsResponse struct {
	RequestId             string         `json:"RequestId"`
	TotalRecordCount      string         `json:"TotalRecordCount"`
	PageRecordCount       string         `json:"PageRecordCount"`
	PageNumber            string         `json:"PageNumber"`
	TotalLevel2BackupSize string         `json:"TotalLevel2BackupSize"`
	Items                 backupSetItems `json:"Items"`
}

type backupSetItems struct {
	// Backup is never nil, so that "no backups" is [] and not null.
	Backup []Backup `json:"Backup"`
}

// windowPattern is the one shape of StartTime and EndTime, to the minute:
// time.Parse alone would take a one-digit hour.
var windowPattern = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}Z$`)

const windowLayout = "2006-01-02T15:04Z"

// describeBackups serves the API from its parameters: the cluster's backups
// whose BackupStartTime is within [StartTime, EndTime], narrowed by the
// optional exact-match filters, the data's first in stored order, then
// those of its finished tasks in task order; one page of them.
func (s *Server) describeBackups(c *apiCall) (any, *apiError) {
	p := c.params
	clusterID, status, mode := p["DBClusterId"], p["BackupStatus"], p["BackupMode"]
	if clusterID == "" {
		return nil, errMissingDBClusterID
	}
	start, end, apiErr := parseWindow(p["StartTime"], p["EndTime"])
	if apiErr != nil {
		return nil, apiErr
	}
	pageSize, pageNumber, apiErr := parsePage(p["PageSize"], p["PageNumber"])
	if apiErr != nil {
		return nil, apiErr
	}
	if status != "" && status != backupSuccess && status != backupFailed {
		return nil, errBackupStatusMalformed
	}
	cl, apiErr := s.readCluster(clusterID, mode)
	if apiErr != nil {
		return nil, apiErr
	}

	matched := []Backup{}
	var level2 int64
	for _, b := range s.backupsAt(clusterID, cl, c.now, true) {
		at, err := time.Parse(time.RFC3339, b.BackupStartTime)
		switch {
		case err != nil || at.Before(start) || at.After(end):
			continue
		case p["BackupId"] != "" && b.BackupId != p["BackupId"],
			status != "" && b.BackupStatus != status,
			mode != "" && b.BackupMode != mode,
			p["BackupRegion"] != "" && b.Region != p["BackupRegion"]:
			continue
		}
		if b.BackupsLevel == "Level-2" {
			size, _ := strconv.ParseInt(b.BackupSetSize, 10, 64) // the data's, if a number
			level2 += size
		}
		b.Region = "" // not the API's: omitted from the answer
		matched = append(matched, b)
	}
	// PageNumber is at most MaxInt32, so the product fits an int64.
	from := min(int64(pageNumber-1)*int64(pageSize), int64(len(matched)))
	to := min(from+int64(pageSize), int64(len(matched)))
	page := matched[from:to] // not nil, as matched is not
	return &describeBackupsResponse{
		RequestId:             c.requestID,
		TotalRecordCount:      strconv.Itoa(len(matched)),
		PageRecordCount:       strconv.Itoa(len(page)),
		PageNumber:            strconv.Itoa(pageNumber),
		TotalLevel2BackupSize: strconv.FormatInt(level2, 10),
		Items:                 backupSetItems{Backup: page},
	}, nil
}

// parseWindow reads StartTime and EndTime, both required, UTC, to the
// minute, EndTime later than StartTime.
func parseWindow(startTime, endTime string) (start, end time.Time, apiErr *apiError) {
	switch {
	case startTime == "":
		return start, end, errMissingStartTime
	case endTime == "":
		return start, end, errMissingEndTime
	}
	start, ok := parseWindowTime(startTime)
	if !ok {
		return start, end, errStartTimeMalformed
	}
	if end, ok = parseWindowTime(endTime); !ok {
		return start, end, errEndTimeMalformed
	}
	if !end.After(start) {
		return start, end, errTimeRangeMalformed
	}
	return start, end, nil
}

func parseWindowTime(s string) (time.Time, bool) {
	if !windowPattern.MatchString(s) {
		return time.Time{}, false
	}
	t, err := time.Parse(windowLayout, s) // refuses a 13th month or a 25th hour
	return t, err == nil
}

// parsePage reads PageSize (30, 50 or 100; 30 when absent) and PageNumber
// (from 1 to MaxInt32, the API's Integer; 1 when absent).
func parsePage(pageSize, pageNumber string) (size, number int, apiErr *apiError) {
	size, number = 30, 1
	if pageSize != "" {
		n, err := strconv.Atoi(pageSize)
		if err != nil || (n != 30 && n != 50 && n != 100) {
			return 0, 0, errPageSizeMalformed
		}
		size = n
	}
	if pageNumber != "" {
		n, err := strconv.ParseInt(pageNumber, 10, 32)
		if err != nil || n < 1 {
			return 0, 0, errPageNumberMalformed
		}
		number = int(n)
	}
	return size, number, nil
}

// backupsAt is every backup of the cluster that a DescribeBackups call at
// now lists, before the window, the filters and the paging: the data's
// (counting the call for ListedFromCall when counted, which only
// DescribeBackups is), then one for each task that is Finished by now and
// has no backup in the data; none that DeleteBackup deleted, once the
// delete delay is past. Like a DescribeBackupTasks call, it starts the
// clock of the tasks it has not seen yet, so that a client that waits only
// on DescribeBackups sees them finish.
func (s *Server) backupsAt(clusterID string, cl *cluster, now time.Time, counted bool) []Backup {
	s.mu.Lock()
	call := s.backupCalls[clusterID] + 1
	if counted {
		s.backupCalls[clusterID] = call
	}
	gone := s.goneAt(cl, now)
	s.mu.Unlock()

	var out []Backup
	inData := make(map[string]bool, len(cl.backups))
	for _, b := range cl.backups {
		// Even a backup not listed yet keeps its task from being listed in
		// its place.
		inData[b.BackupId] = true
		if b.ListedFromCall > call || gone[b.BackupId] {
			continue
		}
		b.ListedFromCall = 0 // not the API's: omitted from the answer
		if b.DBClusterId == "" {
			b.DBClusterId = clusterID
		}
		out = append(out, b)
	}
	delay := time.Duration(cl.listingDelay)
	if delay == 0 {
		delay = s.listingDelay
	}
	for _, job := range s.jobs(cl) {
		answer := s.progressed(clusterID, job, now)
		if answer.BackupProgressStatus != "Finished" || inData[job.BackupJobId] || gone[job.BackupJobId] {
			continue
		}
		if b, ok := s.taskBackup(clusterID, job, now, delay); ok {
			if cl.failTaken && job.BackupProgressStatus != "Finished" { // progressed while the emulator runs
				b.BackupStatus, b.IsAvail, b.ConsistentTime = backupFailed, "0", ""
			}
			out = append(out, b)
		}
	}
	return out
}

// snapshotTime is how long a task Finished in the data took: the 15 s of
// the snapshot in the API's example answer.
const snapshotTime = 15 * time.Second

// taskSetSize is the size of a task's backup set: that of the API's
// example answer.
const taskSetSize = "154920107"

// taskBackup is the backup set a Finished task turned into, and whether it
// is listed at now. A task Finished in the data finished before the
// emulator started, snapshotTime after its StartTime, and is listed at
// once; one that progressed to Finished is listed delay after it did, as
// the service lists a new backup about a minute late.
func (s *Server) taskBackup(clusterID string, job BackupJob, now time.Time, delay time.Duration) (Backup, bool) {
	var finished time.Time
	if job.BackupProgressStatus == "Finished" {
		// A StartTime that is no time puts the backup in no window.
		start, _ := time.Parse(time.RFC3339, job.StartTime)
		finished = start.Add(snapshotTime)
	} else {
		s.mu.Lock()
		first := s.firstListed[jobKey(clusterID, job.BackupJobId)] // set: the task progressed
		s.mu.Unlock()
		finished = first.Add(s.jobDuration(job))
		if now.Before(finished.Add(delay)) {
			return Backup{}, false
		}
	}
	return Backup{
		BackupId:        job.BackupJobId,
		DBClusterId:     clusterID,
		BackupStatus:    backupSuccess,
		BackupMode:      job.JobMode,
		BackupMethod:    "Snapshot",
		BackupType:      "FullBackup",
		BackupsLevel:    "Level-1",
		BackupStartTime: job.StartTime,
		BackupEndTime:   finished.UTC().Format(time.RFC3339),
		ConsistentTime:  strconv.FormatInt(finished.Unix(), 10),
		BackupSetSize:   taskSetSize,
		IsAvail:         "1",
	}, true
}
