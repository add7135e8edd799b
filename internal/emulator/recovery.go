package emulator

// The PolarDB API, version 2017-08-01: DescribeLocalAvailableRecoveryTime,
// the window a point-in-time restore can reach, from the backups
// DescribeBackups lists; DescribeBackupPolicy and DescribeLogBackupPolicy,
// the cluster's policies as the data sets them.

import (
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// errRecoveryNotFound is DescribeLocalAvailableRecoveryTime's refusal of a
// cluster that does not exist: its page's code and status, not the other
// reads' InvalidDBClusterId.NotFound (400).
var errRecoveryNotFound = &apiError{http.StatusNotFound, "InvalidDBCluster.NotFound", errClusterNotFound.message}

// describeLocalAvailableRecoveryTimeResponse is the
// DescribeLocalAvailableRecoveryTime answer: UTC times to the second, or
// "" for a cluster with no restorable point, which the API leaves
// undocumented.
type describeLocalAvailableRecoveryTimeResponse struct {
	RequestId         string `json:"RequestId"`
	DBClusterId       string `json:"DBClusterId"`
	RecoveryBeginTime string `json:"RecoveryBeginTime"`
	RecoveryEndTime   string `json:"RecoveryEndTime"`
}

// describeLogBackupPolicyResponse is the DescribeLogBackupPolicy answer,
// which documents two numbers as such and the cross-region period as a
// string.
type describeLogBackupPolicyResponse struct {
	RequestId                             string `json:"RequestId"`
	EnableBackupLog                       int    `json:"EnableBackupLog"`
	LogBackupRetentionPeriod              int    `json:"LogBackupRetentionPeriod"`
	LogBackupAnotherRegionRegion          string `json:"LogBackupAnotherRegionRegion"`
	LogBackupAnotherRegionRetentionPeriod string `json:"LogBackupAnotherRegionRetentionPeriod"`
}

// describeLocalAvailableRecoveryTime serves the API from the cluster's
// usable level-1 backups that DescribeBackups would list at the call: the
// window begins at the earliest one's consistent point and ends at the
// latest one's, or, with log backup on, at the call, the logs reaching the
// present.
func (s *Server) describeLocalAvailableRecoveryTime(c *apiCall) (any, *apiError) {
	cl, apiErr := s.namedCluster(c, errRecoveryNotFound)
	if apiErr != nil {
		return nil, apiErr
	}
	clusterID := c.params["DBClusterId"]
	var points []time.Time
	for _, b := range s.backupsAt(clusterID, cl, c.now, false) {
		if b.BackupsLevel != "Level-1" || b.BackupStatus != backupSuccess || b.IsAvail != "1" {
			continue
		}
		if at, ok := consistentPoint(b); ok {
			points = append(points, at)
		}
	}
	answer := &describeLocalAvailableRecoveryTimeResponse{RequestId: c.requestID, DBClusterId: clusterID}
	if len(points) == 0 {
		return answer, nil
	}
	end := slices.MaxFunc(points, time.Time.Compare)
	if *cl.logBackupPolicy.EnableBackupLog == 1 {
		end = c.now // to the second, as RFC 3339 is written
	}
	answer.RecoveryBeginTime = slices.MinFunc(points, time.Time.Compare).UTC().Format(time.RFC3339)
	answer.RecoveryEndTime = end.UTC().Format(time.RFC3339)
	return answer, nil
}

// consistentPoint is the time b restores to: its ConsistentTime, else its
// BackupEndTime; false if it has neither.
func consistentPoint(b Backup) (time.Time, bool) {
	if unix, err := strconv.ParseInt(b.ConsistentTime, 10, 64); err == nil {
		return time.Unix(unix, 0), true
	}
	end, err := time.Parse(time.RFC3339, b.BackupEndTime)
	return end, err == nil
}

// describeBackupPolicy serves the API from the cluster's policy: every
// field by its JSON name, a string as the API documents them all, and the
// next backup at the start of the window's next day in the period after
// the call, unless the data sets it. The answer is a map, not the policy
// itself, whose omitempty would leave an empty field out.
func (s *Server) describeBackupPolicy(c *apiCall) (any, *apiError) {
	cl, apiErr := s.namedCluster(c, errClusterNotFound)
	if apiErr != nil {
		return nil, apiErr
	}
	p := cl.backupPolicy
	if p.PreferredNextBackupTime == "" {
		p.PreferredNextBackupTime = nextBackupTime(p.PreferredBackupPeriod, p.PreferredBackupTime, c.now)
	}
	answer := map[string]string{"RequestId": c.requestID}
	v := reflect.ValueOf(p)
	for i := range v.NumField() {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		answer[name] = v.Field(i).String()
	}
	return answer, nil
}

// nextBackupTime is the first start of window, such as "15:00Z-16:00Z", on
// a day of period strictly after now, to the minute as the API writes it.
func nextBackupTime(period, window string, now time.Time) string {
	start, _ := time.Parse("15:04Z", window[:len("15:04Z")]) // validated: backupTimePattern
	now = now.UTC()
	at := time.Date(now.Year(), now.Month(), now.Day(), start.Hour(), start.Minute(), 0, 0, time.UTC)
	days := strings.Split(period, ",")
	for !at.After(now) || !slices.Contains(days, at.Weekday().String()) {
		at = at.AddDate(0, 0, 1) // at most 8 times: the period has a day
	}
	return at.Format(windowLayout)
}

// describeLogBackupPolicy serves the API from the cluster's log policy.
func (s *Server) describeLogBackupPolicy(c *apiCall) (any, *apiError) {
	cl, apiErr := s.namedCluster(c, errClusterNotFound)
	if apiErr != nil {
		return nil, apiErr
	}
	p := cl.logBackupPolicy
	return &describeLogBackupPolicyResponse{
		RequestId:                             c.requestID,
		EnableBackupLog:                       *p.EnableBackupLog,
		LogBackupRetentionPeriod:              p.LogBackupRetentionPeriod,
		LogBackupAnotherRegionRegion:          p.LogBackupAnotherRegionRegion,
		LogBackupAnotherRegionRetentionPeriod: p.LogBackupAnotherRegionRetentionPeriod,
	}, nil
}

// namedCluster is the cluster a recovery or policy read names, refused as
// the other reads refuse it, but with notFound when there is none: each
// operation's page has its own code for it.
func (s *Server) namedCluster(c *apiCall, notFound *apiError) (*cluster, *apiError) {
	clusterID := c.params["DBClusterId"]
	if clusterID == "" {
		return nil, errMissingDBClusterID
	}
	cl, apiErr := s.readCluster(clusterID, "")
	if apiErr == errClusterNotFound {
		return nil, notFound
	}
	return cl, apiErr
}
