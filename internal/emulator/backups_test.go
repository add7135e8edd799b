package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
)

// A window wider than any test's backups.
const (
	wideStart = "2000-01-01T00:00Z"
	wideEnd   = "2100-01-01T00:00Z"
)

// testBackup is a usable backup set of the given ID, status, mode and
// start time.
func testBackup(id, status, mode, start string) Backup {
	return Backup{BackupId: id, BackupStatus: status, BackupMode: mode, BackupMethod: "Snapshot",
		BackupType: "FullBackup", BackupsLevel: "Level-1", BackupStartTime: start, IsAvail: "1"}
}

// listBackups calls DescribeBackups on cluster at now with the window
// wideStart to wideEnd, changed by the name, value pairs kv; a value ""
// leaves the parameter out.
func listBackups(s *Server, cluster string, now time.Time, kv ...string) (*describeBackupsResponse, *apiError) {
	p := map[string]string{"DBClusterId": cluster, "StartTime": wideStart, "EndTime": wideEnd}
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i]] = kv[i+1]
		if kv[i+1] == "" {
			delete(p, kv[i])
		}
	}
	result, apiErr := s.describeBackups(&apiCall{requestID: "R", now: now, params: p})
	if apiErr != nil {
		return nil, apiErr
	}
	return result.(*describeBackupsResponse), nil
}

// mustListBackups is listBackups that fails t on a refusal.
func mustListBackups(t *testing.T, s *Server, cluster string, now time.Time, kv ...string) *describeBackupsResponse {
	t.Helper()
	res, apiErr := listBackups(s, cluster, now, kv...)
	if apiErr != nil {
		t.Fatalf("DescribeBackups %v refused: %v", kv, apiErr)
	}
	return res
}

func backupIDs(res *describeBackupsResponse) []string {
	ids := []string{}
	for _, b := range res.Items.Backup {
		ids = append(ids, b.BackupId)
	}
	return ids
}

func backupData(cluster Cluster) Data {
	d := testData()
	d.Clusters = []Cluster{cluster}
	return d
}

// The window takes in the backups that started at StartTime, at EndTime
// and between, compared as instants whatever the data's time zone.
func TestDescribeBackupsWindow(t *testing.T) {
	const cluster = "pc-bp1window00000001"
	s := New(backupData(Cluster{ID: cluster, Backups: []Backup{
		testBackup("before", "Success", "Automated", "2024-05-20T01:59:00Z"),
		testBackup("at-start", "Success", "Automated", "2024-05-20T02:00:00Z"),
		testBackup("between", "Success", "Automated", "2024-05-20T10:30:00+08:00"),
		testBackup("at-end", "Success", "Automated", "2024-05-20T03:00:00Z"),
		testBackup("after", "Success", "Automated", "2024-05-20T03:01:00Z"),
		testBackup("second-after", "Success", "Automated", "2024-05-20T03:00:01Z"),
	}}))
	for _, tt := range []struct{ start, end, want string }{
		{"2024-05-20T02:00Z", "2024-05-20T03:00Z", "at-start between at-end"},
		{"2024-05-20T01:59Z", "2024-05-20T02:00Z", "before at-start"},
		{"2024-05-20T02:01Z", "2024-05-20T02:59Z", "between"},
		{"2024-05-20T03:01Z", "2024-05-21T00:00Z", "after"},
		{"2024-05-19T00:00Z", "2024-05-20T01:58Z", ""},
	} {
		res := mustListBackups(t, s, cluster, time.Now(), "StartTime", tt.start, "EndTime", tt.end)
		if got := strings.Join(backupIDs(res), " "); got != tt.want {
			t.Errorf("%s to %s: %q, want %q", tt.start, tt.end, got, tt.want)
		}
	}
}

// The filters match exactly and together; the answer shows neither the
// emulator's own fields nor a null list.
func TestDescribeBackupsFilters(t *testing.T) {
	const cluster = "pc-bp1filters0000001"
	copied := testBackup("3", "Success", "Manual", "2024-05-20T04:00:00Z")
	copied.Region = "cn-shanghai"
	s := New(backupData(Cluster{ID: cluster, Backups: []Backup{
		testBackup("1", "Success", "Automated", "2024-05-20T02:00:00Z"),
		testBackup("2", "Failed", "Manual", "2024-05-20T03:00:00Z"),
		copied,
		testBackup("4", "Failed", "Automated", "2024-05-20T05:00:00Z"),
	}}))
	for _, tt := range []struct {
		params []string
		want   string
	}{
		{nil, "1 2 3 4"},
		{[]string{"BackupId", "2"}, "2"},
		{[]string{"BackupId", "22"}, ""},
		{[]string{"BackupStatus", "Failed"}, "2 4"},
		{[]string{"BackupStatus", "Success"}, "1 3"},
		{[]string{"BackupMode", "Manual"}, "2 3"},
		{[]string{"BackupMode", "Automated", "BackupStatus", "Failed"}, "4"},
		{[]string{"BackupRegion", "cn-shanghai"}, "3"},
		{[]string{"BackupRegion", "cn-hangzhou"}, ""},
		{[]string{"BackupId", "3", "BackupMode", "Automated"}, ""},
	} {
		res := mustListBackups(t, s, cluster, time.Now(), tt.params...)
		if got := strings.Join(backupIDs(res), " "); got != tt.want {
			t.Errorf("%v: %q, want %q", tt.params, got, tt.want)
		}
		if total := strconv.Itoa(len(res.Items.Backup)); res.TotalRecordCount != total || res.PageRecordCount != total {
			t.Errorf("%v: TotalRecordCount %s, PageRecordCount %s, want %s", tt.params, res.TotalRecordCount, res.PageRecordCount, total)
		}
		body := string(jsonBody(res))
		if strings.Contains(body, "region") || strings.Contains(body, "listed_from_call") || strings.Contains(body, "null") {
			t.Errorf("%v: the answer shows the emulator's own fields or a null: %s", tt.params, body)
		}
	}
	res := mustListBackups(t, s, cluster, time.Now(), "BackupId", "3")
	if want := (Backup{BackupId: "3", DBClusterId: cluster, BackupStatus: "Success", BackupMode: "Manual", BackupMethod: "Snapshot",
		BackupType: "FullBackup", BackupsLevel: "Level-1", BackupStartTime: "2024-05-20T04:00:00Z", IsAvail: "1"}); !reflect.DeepEqual(res.Items.Backup, []Backup{want}) {
		t.Errorf("backup 3 answered as %+v, want %+v", res.Items.Backup, want)
	}
}

// 250 backups come in pages of the size asked, in stored order; the
// totals count them all, whatever the page.
func TestDescribeBackupsPages(t *testing.T) {
	const cluster = "pc-bp1pages000000001"
	var backups []Backup
	for i := range 250 {
		b := testBackup(fmt.Sprintf("%03d", i), "Success", "Automated", "2024-05-20T02:00:00Z")
		b.BackupSetSize = "7"
		if i%10 == 0 {
			b.BackupsLevel, b.BackupSetSize = "Level-2", "1000"
		}
		backups = append(backups, b)
	}
	s := New(backupData(Cluster{ID: cluster, Backups: backups}))
	ids := func(from, to int) string {
		var out []string
		for i := from; i < to; i++ {
			out = append(out, fmt.Sprintf("%03d", i))
		}
		return strings.Join(out, " ")
	}
	for _, tt := range []struct {
		size, number     string // "" for the default
		wantNumber       string
		wantFrom, wantTo int
	}{
		{"100", "1", "1", 0, 100},
		{"100", "2", "2", 100, 200},
		{"100", "3", "3", 200, 250},
		{"100", "4", "4", 0, 0},
		{"100", "2147483647", "2147483647", 0, 0},
		{"", "", "1", 0, 30},
		{"", "9", "9", 240, 250},
		{"50", "", "1", 0, 50},
		{"50", "5", "5", 200, 250},
		{"30", "01", "1", 0, 30},
	} {
		res := mustListBackups(t, s, cluster, time.Now(), "PageSize", tt.size, "PageNumber", tt.number)
		got := *res
		got.Items = backupSetItems{}
		want := describeBackupsResponse{RequestId: "R", TotalRecordCount: "250", PageRecordCount: strconv.Itoa(tt.wantTo - tt.wantFrom),
			PageNumber: tt.wantNumber, TotalLevel2BackupSize: "25000"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("PageSize %q PageNumber %q: %+v, want %+v", tt.size, tt.number, got, want)
		}
		if gotIDs := strings.Join(backupIDs(res), " "); gotIDs != ids(tt.wantFrom, tt.wantTo) {
			t.Errorf("PageSize %q PageNumber %q: %s, want %s", tt.size, tt.number, gotIDs, ids(tt.wantFrom, tt.wantTo))
		}
	}
	// TotalLevel2BackupSize counts the backups that match, not the others.
	if res := mustListBackups(t, s, cluster, time.Now(), "BackupId", "010"); res.TotalLevel2BackupSize != "1000" {
		t.Errorf("TotalLevel2BackupSize of one Level-2 backup: %s, want 1000", res.TotalLevel2BackupSize)
	}
	if res := mustListBackups(t, s, cluster, time.Now(), "BackupId", "011"); res.TotalLevel2BackupSize != "0" {
		t.Errorf("TotalLevel2BackupSize of one Level-1 backup: %s, want 0", res.TotalLevel2BackupSize)
	}
}

// Every refusal of DescribeBackups, through the SDK: the cloud's status,
// code and message.
func TestDescribeBackupsRefuses(t *testing.T) {
	_, endpoint := startServer(t)
	client := newClient(t, endpoint, clientConfig{ak: testAK, secret: testSecret})
	params := apiParams()
	params.Action = dara.String("DescribeBackups")
	const start, end = "2024-05-20T02:00Z", "2024-05-21T02:00Z"
	for _, tt := range []struct {
		name      string
		kv        []string
		code, msg string
	}{
		{"no DBClusterId", []string{"StartTime", start, "EndTime", end}, "MissingDBClusterId", "DBClusterId is mandatory for this action."},
		{"no StartTime", []string{"DBClusterId", clusterJobs, "EndTime", end}, "MissingStartTime", "StartTime is mandatory for this action."},
		{"no EndTime", []string{"DBClusterId", clusterJobs, "StartTime", start}, "MissingEndTime", "EndTime is mandatory for this action."},
		{"StartTime with seconds", []string{"DBClusterId", clusterJobs, "StartTime", "2024-05-20T02:00:00Z", "EndTime", end},
			"InvalidStartTime.Malformed", "The Specified parameter StartTime is not valid."},
		{"StartTime with a one-digit hour", []string{"DBClusterId", clusterJobs, "StartTime", "2024-05-20T2:00Z", "EndTime", end},
			"InvalidStartTime.Malformed", "The Specified parameter StartTime is not valid."},
		{"StartTime not in UTC", []string{"DBClusterId", clusterJobs, "StartTime", "2024-05-20T02:00+08:00", "EndTime", end},
			"InvalidStartTime.Malformed", "The Specified parameter StartTime is not valid."},
		{"StartTime in month 13", []string{"DBClusterId", clusterJobs, "StartTime", "2024-13-20T02:00Z", "EndTime", end},
			"InvalidStartTime.Malformed", "The Specified parameter StartTime is not valid."},
		{"EndTime a date", []string{"DBClusterId", clusterJobs, "StartTime", start, "EndTime", "2024-05-21"},
			"InvalidEndTime.Malformed", "The Specified parameter EndTime is not valid."},
		{"EndTime at hour 24", []string{"DBClusterId", clusterJobs, "StartTime", start, "EndTime", "2024-05-20T24:00Z"},
			"InvalidEndTime.Malformed", "The Specified parameter EndTime is not valid."},
		{"EndTime at StartTime", []string{"DBClusterId", clusterJobs, "StartTime", start, "EndTime", start},
			"InvalidStartTimeAndEndTime.Malformed", "The end time must be later than the start time."},
		{"EndTime before StartTime", []string{"DBClusterId", clusterJobs, "StartTime", end, "EndTime", start},
			"InvalidStartTimeAndEndTime.Malformed", "The end time must be later than the start time."},
		{"PageSize 10", []string{"DBClusterId", clusterJobs, "StartTime", start, "EndTime", end, "PageSize", "10"},
			"InvalidPageSize.Malformed", "The specified parameter PageSize is not valid."},
		{"PageSize 0", []string{"DBClusterId", clusterJobs, "StartTime", start, "EndTime", end, "PageSize", "0"},
			"InvalidPageSize.Malformed", "The specified parameter PageSize is not valid."},
		{"PageSize 1000", []string{"DBClusterId", clusterJobs, "StartTime", start, "EndTime", end, "PageSize", "1000"},
			"InvalidPageSize.Malformed", "The specified parameter PageSize is not valid."},
		{"PageSize not a number", []string{"DBClusterId", clusterJobs, "StartTime", start, "EndTime", end, "PageSize", "thirty"},
			"InvalidPageSize.Malformed", "The specified parameter PageSize is not valid."},
		{"PageNumber 0", []string{"DBClusterId", clusterJobs, "StartTime", start, "EndTime", end, "PageNumber", "0"},
			"InvalidPageNumber.Malformed", "The specified parameter PageNumber is not valid."},
		{"PageNumber -1", []string{"DBClusterId", clusterJobs, "StartTime", start, "EndTime", end, "PageNumber", "-1"},
			"InvalidPageNumber.Malformed", "The specified parameter PageNumber is not valid."},
		{"PageNumber beyond Integer", []string{"DBClusterId", clusterJobs, "StartTime", start, "EndTime", end, "PageNumber", "2147483648"},
			"InvalidPageNumber.Malformed", "The specified parameter PageNumber is not valid."},
		{"PageNumber not a number", []string{"DBClusterId", clusterJobs, "StartTime", start, "EndTime", end, "PageNumber", "1.5"},
			"InvalidPageNumber.Malformed", "The specified parameter PageNumber is not valid."},
		{"BackupStatus in lower case", []string{"DBClusterId", clusterJobs, "StartTime", start, "EndTime", end, "BackupStatus", "success"},
			"InvalidBackupStatus.Malformed", "The specified parameter BackupStatus is not valid."},
		{"BackupStatus of a task", []string{"DBClusterId", clusterJobs, "StartTime", start, "EndTime", end, "BackupStatus", "Finished"},
			"InvalidBackupStatus.Malformed", "The specified parameter BackupStatus is not valid."},
		{"BackupMode in lower case", []string{"DBClusterId", clusterJobs, "StartTime", start, "EndTime", end, "BackupMode", "manual"},
			"InvalidBackupMode.Malformed", "The specified parameter BackupMode is not valid."},
		{"unknown cluster", []string{"DBClusterId", "pc-bp1absent00000001", "StartTime", start, "EndTime", end},
			"InvalidDBClusterId.NotFound", "The DBClusterId provided does not exist in our records."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := call(t, client, params, query(tt.kv...))
			assertRefused(t, err, http.StatusBadRequest, tt.code, tt.msg)
		})
	}
	// Through the same path, the call that is right.
	body, _ := mustCall(t, client, params, query("DBClusterId", clusterJobs, "StartTime", start, "EndTime", end, "PageSize", "100", "PageNumber", "2"))
	if body["PageNumber"] != "2" || body["TotalRecordCount"] != "0" {
		t.Errorf("answer %v, want page 2 of none", body)
	}
}

// A backup with listed_from_call N is listed from the Nth DescribeBackups
// call on its cluster on: a client paging through sees the total grow.
// Calls refused, calls on other clusters and DescribeBackupTasks calls do
// not count.
func TestListedFromCall(t *testing.T) {
	const cluster, other = "pc-bp1paging00000001", "pc-bp1paging00000002"
	var backups []Backup
	for i := range 150 {
		backups = append(backups, testBackup(fmt.Sprintf("%03d", i), "Success", "Automated", "2024-05-20T02:00:00Z"))
	}
	late := testBackup("late", "Success", "Manual", "2024-05-20T01:00:00Z")
	late.ListedFromCall = 2
	first := testBackup("first", "Success", "Manual", "2024-05-20T01:00:00Z")
	first.ListedFromCall = 1
	d := testData()
	d.Clusters = []Cluster{
		{ID: cluster, Backups: append([]Backup{late, first}, backups...)},
		{ID: other, Backups: []Backup{late}},
	}
	s := New(d)
	now := time.Now()
	if _, apiErr := listBackups(s, cluster, now, "PageSize", "10"); apiErr == nil {
		t.Fatal("PageSize 10 accepted")
	}
	if res := mustListBackups(t, s, other, now); res.TotalRecordCount != "0" {
		t.Errorf("the other cluster's first call lists %s backups, want 0", res.TotalRecordCount)
	}
	if _, apiErr := s.describeBackupTasks(&apiCall{requestID: "R", now: now, params: map[string]string{"DBClusterId": cluster}}); apiErr != nil {
		t.Fatal(apiErr)
	}

	page1 := mustListBackups(t, s, cluster, now, "PageSize", "100")
	if ids := backupIDs(page1); page1.TotalRecordCount != "151" || ids[0] != "first" || ids[1] != "000" {
		t.Errorf("call 1: total %s, first IDs %v, want 151 from first, 000", page1.TotalRecordCount, ids[:2])
	}
	page2 := mustListBackups(t, s, cluster, now, "PageSize", "100", "PageNumber", "2")
	// late is listed first, so page 2 starts one earlier than it would have.
	if ids := backupIDs(page2); page2.TotalRecordCount != "152" || page2.PageRecordCount != "52" || ids[0] != "098" {
		t.Errorf("call 2: total %s, %s on the page from %s, want 152, 52 from 098", page2.TotalRecordCount, page2.PageRecordCount, ids[0])
	}
	page1 = mustListBackups(t, s, cluster, now, "PageSize", "100")
	if ids := backupIDs(page1); ids[0] != "late" {
		t.Errorf("call 3 lists %v first, want late", ids[0])
	}
	if body := string(jsonBody(page1)); strings.Contains(body, "listed_from_call") {
		t.Errorf("the answer shows the emulator's own field: %.300s", body)
	}
	if res := mustListBackups(t, s, other, now); res.TotalRecordCount != "1" {
		t.Errorf("the other cluster's second call lists %s backups, want 1", res.TotalRecordCount)
	}
}

// A task that finishes turns into a backup set, listed the listing delay
// after it finished; a task that had finished in the data is listed at
// once, and none is listed twice.
func TestTaskTurnsIntoBackup(t *testing.T) {
	const cluster = "pc-bp1tasks000000001"
	jobs := []BackupJob{
		{StartTime: "2024-05-20T09:00:00Z", Process: "50", BackupJobId: "1", JobMode: "Manual", BackupProgressStatus: "Uploading",
			TaskAction: "TempBackupTask", FinishesAfter: Duration(10 * time.Second)},
		{StartTime: "2024-05-20T02:00:13Z", Process: "100", BackupJobId: "2", JobMode: "Automated", BackupProgressStatus: "Finished", TaskAction: "NormalBackupTask"},
		{StartTime: "2024-05-19T02:00:00Z", Process: "100", BackupJobId: "3", JobMode: "Automated", BackupProgressStatus: "Finished", TaskAction: "NormalBackupTask"},
		{StartTime: "2024-05-21T02:00:00Z", Process: "0", BackupJobId: "4", JobMode: "Automated", BackupProgressStatus: "NoStart", TaskAction: "NormalBackupTask"},
		{StartTime: "", Process: "100", BackupJobId: "5", JobMode: "Automated", BackupProgressStatus: "Finished", TaskAction: "NormalBackupTask"},
	}
	stored := testBackup("3", "Failed", "Automated", "2024-05-19T02:00:00Z")
	data := backupData(Cluster{ID: cluster, BackupJobs: jobs, Backups: []Backup{stored}, ListingDelay: Duration(time.Minute)})
	clock := newFixedClock()
	// The cluster's listing_delay wins over the server's.
	s := New(data, WithClock(clock.now), WithListingDelay(5*time.Minute))
	list := func(at time.Duration) string {
		t.Helper()
		clock.set(t, at)
		return strings.Join(backupIDs(mustListBackups(t, s, cluster, clock.now())), " ")
	}
	taskStatus := func(at time.Duration) string {
		t.Helper()
		clock.set(t, at)
		res, apiErr := s.describeBackupTasks(&apiCall{requestID: "R", now: clock.now(), params: map[string]string{"DBClusterId": cluster, "BackupJobId": "1"}})
		if apiErr != nil {
			t.Fatal(apiErr)
		}
		return res.(*describeBackupTasksResponse).Items.BackupJob[0].BackupProgressStatus
	}
	// The first DescribeBackups call starts job 1's clock, as a
	// DescribeBackupTasks call would.
	if got := list(0); got != "3 2" {
		t.Errorf("at first: %s, want 3 2", got)
	}
	if got := taskStatus(10 * time.Second); got != "Finished" {
		t.Errorf("job 1 at 10 s: %s, want Finished", got)
	}
	for _, at := range []time.Duration{10 * time.Second, 69 * time.Second} {
		if got := list(at); got != "3 2" {
			t.Errorf("at %s: %s, want 3 2: job 1 not listed until the delay has passed", at, got)
		}
	}
	// The data's first, then the tasks' in task order.
	if got := list(70 * time.Second); got != "3 1 2" {
		t.Errorf("at 70 s: %s, want 3 1 2", got)
	}
	finished := clock.start.Add(10 * time.Second)
	res := mustListBackups(t, s, cluster, clock.now(), "BackupId", "1")
	want := Backup{BackupId: "1", DBClusterId: cluster, BackupStatus: "Success", BackupMode: "Manual", BackupMethod: "Snapshot",
		BackupType: "FullBackup", BackupsLevel: "Level-1", BackupStartTime: "2024-05-20T09:00:00Z",
		BackupEndTime: finished.UTC().Format(time.RFC3339), ConsistentTime: strconv.FormatInt(finished.Unix(), 10),
		BackupSetSize: taskSetSize, IsAvail: "1"}
	if !reflect.DeepEqual(res.Items.Backup, []Backup{want}) {
		t.Errorf("job 1's backup: %+v\nwant %+v", res.Items.Backup, want)
	}
	res = mustListBackups(t, s, cluster, clock.now(), "BackupId", "2")
	want = Backup{BackupId: "2", DBClusterId: cluster, BackupStatus: "Success", BackupMode: "Automated", BackupMethod: "Snapshot",
		BackupType: "FullBackup", BackupsLevel: "Level-1", BackupStartTime: "2024-05-20T02:00:13Z",
		BackupEndTime: "2024-05-20T02:00:28Z", ConsistentTime: "1716170428", BackupSetSize: taskSetSize, IsAvail: "1"}
	if !reflect.DeepEqual(res.Items.Backup, []Backup{want}) {
		t.Errorf("job 2's backup: %+v\nwant %+v", res.Items.Backup, want)
	}
	// The window is on the job's StartTime.
	if got := backupIDs(mustListBackups(t, s, cluster, clock.now(), "StartTime", "2024-05-20T09:00Z", "EndTime", "2024-05-20T09:01Z")); !slices.Equal(got, []string{"1"}) {
		t.Errorf("the window around job 1's StartTime lists %v", got)
	}

	// Without a listing_delay of its own, the server's; 0 by default.
	data.Clusters[0].ListingDelay = 0
	for _, tt := range []struct {
		opts          []Option
		before, after time.Duration
	}{
		{[]Option{WithListingDelay(30 * time.Second)}, 39 * time.Second, 40 * time.Second},
		{nil, 9 * time.Second, 10 * time.Second},
	} {
		clock = newFixedClock()
		s = New(data, append(tt.opts, WithClock(clock.now))...)
		list(0)
		if got := list(tt.before); got != "3 2" {
			t.Errorf("%d options, at %s: %s, want 3 2", len(tt.opts), tt.before, got)
		}
		if got := list(tt.after); got != "3 1 2" {
			t.Errorf("%d options, at %s: %s, want 3 1 2", len(tt.opts), tt.after, got)
		}
	}

	// WithFinishAfter makes job 4 progress too.
	clock = newFixedClock()
	s = New(data, WithClock(clock.now), WithFinishAfter(20*time.Second))
	list(0)
	if got := list(20 * time.Second); got != "3 1 2 4" {
		t.Errorf("WithFinishAfter, at 20 s: %s, want 3 1 2 4", got)
	}
}

// The sample data's backups are those of its tasks: the finished task's
// backup set is listed once, with the task's start and mode.
func TestSampleDataBackups(t *testing.T) {
	d := SampleData()
	s := New(d)
	const cluster = "pc-2zedemo0000000001"
	res := mustListBackups(t, s, cluster, time.Now())
	if got, want := backupIDs(res), []string{"2198605021", "2198671170", "2198689384", "2198736415"}; !slices.Equal(got, want) {
		t.Errorf("demo backups %v, want %v", got, want)
	}
	job := d.Clusters[0].BackupJobs[0]
	b := res.Items.Backup[3]
	if b.BackupId != job.BackupJobId || b.BackupStartTime != job.StartTime || b.BackupMode != job.JobMode || b.BackupStatus != "Success" {
		t.Errorf("backup %+v is not that of task %+v", b, job)
	}
	for _, b := range res.Items.Backup {
		start, _ := time.Parse(time.RFC3339, b.BackupStartTime)
		end, err := time.Parse(time.RFC3339, b.BackupEndTime)
		if err != nil || !end.After(start) {
			t.Errorf("backup %s ends at %q, not after its start", b.BackupId, b.BackupEndTime)
		}
		if b.BackupStatus == "Success" && b.ConsistentTime != strconv.FormatInt(end.Unix(), 10) {
			t.Errorf("backup %s is consistent to %s, not its end", b.BackupId, b.ConsistentTime)
		}
	}
	if res := mustListBackups(t, s, "pc-2zedemo0000000002", time.Now()); len(res.Items.Backup) != 0 {
		t.Errorf("the second demo cluster lists %v", backupIDs(res))
	}
}

// started_ago dates a backup and a task from when the emulator started,
// unless the data dates them; the answer does not show it.
func TestStartedAgo(t *testing.T) {
	started := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	recent := Backup{BackupId: "1", BackupStatus: "Success", BackupMode: "Automated", IsAvail: "1", StartedAgo: Duration(2 * time.Hour)}
	dated := recent
	dated.BackupId, dated.BackupStartTime = "2", "2026-12-06T09:30:00Z"
	job := BackupJob{BackupJobId: "3", JobMode: "Manual", BackupProgressStatus: "Finished", Process: "100", StartedAgo: Duration(time.Hour)}
	s := New(backupData(Cluster{ID: "pc-ago", Backups: []Backup{recent, dated}, BackupJobs: []BackupJob{job}}),
		WithClock(func() time.Time { return started }))
	res := mustListBackups(t, s, "pc-ago", started)
	if got := backupIDs(res); !slices.Equal(got, []string{"1", "2", "3"}) {
		t.Fatalf("listed %v, want 1, 2 and the task's 3", got)
	}
	b := res.Items.Backup[0]
	if b.BackupStartTime != "2026-12-06T08:00:00Z" || b.BackupEndTime != "2026-12-06T08:00:15Z" || b.ConsistentTime != "1796544015" {
		t.Errorf("backup 1 is dated %s to %s, consistent %s; want 08:00:00 to 08:00:15, consistent 1796544015", b.BackupStartTime, b.BackupEndTime, b.ConsistentTime)
	}
	if b := res.Items.Backup[1]; b.BackupStartTime != "2026-12-06T09:30:00Z" {
		t.Errorf("backup 2 starts at %s, want the data's 09:30:00", b.BackupStartTime)
	}
	if b := res.Items.Backup[2]; b.BackupStartTime != "2026-12-06T09:00:00Z" {
		t.Errorf("the task's backup starts at %s, want 09:00:00", b.BackupStartTime)
	}
	if raw, _ := json.Marshal(res); strings.Contains(string(raw), "started_ago") {
		t.Errorf("the answer shows started_ago: %s", raw)
	}
	if _, err := LoadData(writeFile(t, `{"credentials":[{"access_key_id":"k","access_key_secret":"s"}],"clusters":[{"id":"pc-x","backups":[{"BackupId":"1","BackupStatus":"Success","BackupMode":"Manual","BackupStartTime":"","started_ago":"-1h"}]}]}`)); err == nil ||
		!strings.Contains(err.Error(), "backups[0] (1): started_ago -1h0m0s is negative") {
		t.Errorf("a negative started_ago: %v", err)
	}
}
