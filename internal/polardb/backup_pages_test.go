package polardb

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
	"github.com/polardb-community/terraform-provider-polardb/internal/testsupport"
)

// backupIDs are n backup IDs, newest first, as the API lists them: from
// "B<from+n-1>" down to "B<from>".
func backupIDs(from, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("B%04d", from+n-1-i)
	}
	return ids
}

// backupServer serves DescribeBackups pages of the backups list(call) says
// are listed at its call-th call (from 1), as the API pages them.
type backupServer struct {
	list    func(call int) []string
	noTotal bool // the answers carry no TotalRecordCount
	// page, when set, answers a page instead, or returns nil to let it be.
	page func(call, pageNumber int) http.HandlerFunc
	// hold, when set, is called before a page other than the first is
	// answered, for the test to see pages in flight together.
	hold func(pageNumber int)

	mu       sync.Mutex
	calls    int
	queries  []url.Values
	inFlight int
	most     int // pages in flight at once, at most
}

func (s *backupServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	query := r.URL.Query()
	s.mu.Lock()
	s.calls++
	call := s.calls
	s.queries = append(s.queries, query)
	s.inFlight++
	s.most = max(s.most, s.inFlight)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()

	pageNumber, _ := strconv.Atoi(query.Get("PageNumber"))
	pageSize, _ := strconv.Atoi(query.Get("PageSize"))
	if pageNumber > 1 && s.hold != nil {
		s.hold(pageNumber)
	}
	if s.page != nil {
		if h := s.page(call, pageNumber); h != nil {
			h(w, r)
			return
		}
	}
	ids := s.list(call)
	start, end := min(len(ids), (pageNumber-1)*pageSize), min(len(ids), pageNumber*pageSize)
	answer(200, "application/json", backupsAnswer(ids, start, end, !s.noTotal))(w, r)
}

// backupsAnswer is a DescribeBackups answer listing ids[start:end], with
// a TotalRecordCount of len(ids) if total.
func backupsAnswer(ids []string, start, end int, total bool) string {
	var b strings.Builder
	b.WriteString(`{"RequestId":"REQ-` + strconv.Itoa(start) + `",`)
	if total {
		b.WriteString(`"TotalRecordCount":"` + strconv.Itoa(len(ids)) + `",`)
	}
	fmt.Fprintf(&b, `"PageRecordCount":"%d","Items":{"Backup":[`, end-start)
	for i, id := range ids[start:end] {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"BackupId":%q,"DBClusterId":"pc-abc","BackupStatus":"Success","BackupSetSize":154920107}`, id)
	}
	b.WriteString(`]}}`)
	return b.String()
}

// stats are the calls so far, and the most pages in flight at once.
func (s *backupServer) stats() (calls, most int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls, s.most
}

func (s *backupServer) query(i int) url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queries[(i+len(s.queries))%len(s.queries)]
}

// asked is how many times page n was asked for so far.
func (s *backupServer) asked(n int) int {
	return len(slices.DeleteFunc(s.pageNumbers(), func(p string) bool { return p != strconv.Itoa(n) }))
}

func (s *backupServer) pageNumbers() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var numbers []string
	for _, q := range s.queries {
		numbers = append(numbers, q.Get("PageNumber"))
	}
	return numbers
}

// newBackupsClient is a client of s over HTTPS whose retries do not wait.
func newBackupsClient(t *testing.T, s *backupServer) *Client {
	t.Helper()
	server := testsupport.ServeTLS(t, s)
	client, err := NewClient(Config{
		Endpoint: strings.TrimPrefix(server.URL, "https://"), Protocol: "HTTPS", Credential: testCredential(t),
		Retry: RetryPolicy{MaxRetries: 3, Base: time.Millisecond, Cap: time.Millisecond, Sleep: noWait},
	})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// readAllBackups reads backupsRequest's backups from s, the test failing
// on an error.
func readAllBackups(t *testing.T, s *backupServer) *BackupSets {
	t.Helper()
	sets, err := newBackupsClient(t, s).DescribeAllBackups(context.Background(), backupsRequest)
	if err != nil {
		t.Fatal(err)
	}
	return sets
}

var backupsRequest = &DescribeBackupsRequest{
	DBClusterId: dara.String("pc-abc"), StartTime: dara.String("2026-01-01T00:00Z"), EndTime: dara.String("2026-02-01T00:00Z"),
	// Ignored: DescribeAllBackups reads every page, of 100.
	PageNumber: dara.Int32(7), PageSize: dara.Int32(30),
}

func always(ids []string) func(int) []string { return func(int) []string { return ids } }

// changed lists first at the first call, then then.
func changed(first, then []string) func(int) []string {
	return func(call int) []string {
		if call == 1 {
			return first
		}
		return then
	}
}

// idsOf are the BackupIds of sets, in order.
func idsOf(sets *BackupSets) []string {
	ids := make([]string, len(sets.Backups))
	for i, b := range sets.Backups {
		ids[i] = dara.StringValue(b.BackupId)
	}
	return ids
}

func TestDescribeAllBackupsReadsOnePage(t *testing.T) {
	s := &backupServer{list: always(backupIDs(1, 42))}
	client := newBackupsClient(t, s)
	request := *backupsRequest
	request.BackupMode = dara.String("Manual")
	sets, err := client.DescribeAllBackups(context.Background(), &request)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(idsOf(sets), backupIDs(1, 42)) || sets.Total != 42 || sets.Pages != 1 || sets.Reads != 1 || sets.RequestID != "REQ-0" {
		t.Errorf("got %d backups, total %d, %d pages, %d reads, request %q", len(sets.Backups), sets.Total, sets.Pages, sets.Reads, sets.RequestID)
	}
	if size := dara.StringValue(sets.Backups[0].BackupSetSize); size != "154920107" {
		t.Errorf("BackupSetSize sent as a number read as %q, want its text", size)
	}
	q := s.query(0)
	want := url.Values{"DBClusterId": {"pc-abc"}, "StartTime": {"2026-01-01T00:00Z"}, "EndTime": {"2026-02-01T00:00Z"},
		"BackupMode": {"Manual"}, "PageNumber": {"1"}, "PageSize": {"100"}}
	for name := range q {
		if _, ok := want[name]; !ok {
			t.Errorf("sent %s=%q, which the request does not set", name, q.Get(name))
		}
	}
	for name, value := range want {
		if q.Get(name) != value[0] {
			t.Errorf("sent %s=%q, want %q", name, q.Get(name), value[0])
		}
	}
}

// 250 backups are 3 pages of 100: page 1, then pages 2 and 3 together.
func TestDescribeAllBackupsReadsTheOtherPagesConcurrently(t *testing.T) {
	var arrived sync.WaitGroup
	arrived.Add(2)
	together := make(chan struct{})
	go func() { arrived.Wait(); close(together) }()
	s := &backupServer{list: always(backupIDs(1, 250)), hold: func(int) {
		// Each of pages 2 and 3 waits for the other, or for long enough to
		// tell that they came one after another.
		arrived.Done()
		select {
		case <-together:
		case <-time.After(2 * time.Second):
		}
	}}
	sets := readAllBackups(t, s)
	if !slices.Equal(idsOf(sets), backupIDs(1, 250)) || sets.Total != 250 || sets.Pages != 3 || sets.Reads != 1 {
		t.Errorf("got %d backups, total %d, %d pages, %d reads", len(sets.Backups), sets.Total, sets.Pages, sets.Reads)
	}
	if pages := s.pageNumbers(); len(pages) != 3 || pages[0] != "1" || !slices.Contains(pages, "2") || !slices.Contains(pages, "3") {
		t.Errorf("pages asked for: %v, want 1, then 2 and 3", pages)
	}
	for i := range 3 {
		if size := s.query(i).Get("PageSize"); size != "100" {
			t.Errorf("PageSize %q, want 100", size)
		}
	}
	if _, most := s.stats(); most != 2 {
		t.Errorf("%d pages in flight at most, want pages 2 and 3 together", most)
	}
}

// 2,450 backups are 25 pages: never more than 10 in flight.
func TestDescribeAllBackupsBoundsThePagesInFlight(t *testing.T) {
	s := &backupServer{list: always(backupIDs(1, 2450)), hold: func(int) { time.Sleep(20 * time.Millisecond) }}
	sets := readAllBackups(t, s)
	if !slices.Equal(idsOf(sets), backupIDs(1, 2450)) || sets.Pages != 25 {
		t.Errorf("got %d backups in %d pages", len(sets.Backups), sets.Pages)
	}
	if _, most := s.stats(); most > 10 || most < 2 {
		t.Errorf("%d pages in flight at most, want 2 to 10", most)
	}
}

func TestDescribeAllBackupsReadsAgainWhenTheListChanges(t *testing.T) {
	for _, tt := range []struct {
		name  string
		list  func(call int) []string
		page  func(call, pageNumber int) http.HandlerFunc
		want  []string
		reads int
		calls int
	}{{
		// Read 1: page 1 lists B0250 to B0151 of 250; pages 2 and 3, of 251
		// with B0251 first, list B0151 again. The totals tell: read 2 lists
		// the 251 once each.
		name: "a backup taken between page 1 and page 2",
		list: changed(backupIDs(1, 250), backupIDs(1, 251)),
		want: backupIDs(1, 251), reads: 2, calls: 6,
	}, {
		name: "the oldest backup expired between page 1 and page 2",
		list: changed(backupIDs(1, 250), backupIDs(2, 249)),
		want: backupIDs(2, 249), reads: 2, calls: 6,
	}, {
		// The totals agree, but a page came short: a backup was lost between
		// pages.
		name: "a page short of a backup",
		list: always(backupIDs(1, 250)),
		page: func(call, pageNumber int) http.HandlerFunc {
			if call > 3 || pageNumber != 2 {
				return nil
			}
			lost := `{"BackupId":"B0130","DBClusterId":"pc-abc","BackupStatus":"Success","BackupSetSize":154920107},`
			return answer(200, "application/json", strings.Replace(backupsAnswer(backupIDs(1, 250), 100, 200, true), lost, "", 1))
		},
		want: backupIDs(1, 250), reads: 2, calls: 6,
	}} {
		t.Run(tt.name, func(t *testing.T) {
			s := &backupServer{list: tt.list, page: tt.page}
			sets := readAllBackups(t, s)
			if got := idsOf(sets); !slices.Equal(got, tt.want) {
				t.Errorf("got %d backups (%v…), want the %d of the second read", len(got), got[:3], len(tt.want))
			}
			if calls, _ := s.stats(); sets.Reads != tt.reads || sets.Total != len(tt.want) || calls != tt.calls {
				t.Errorf("%d reads, total %d, %d calls; want %d reads, total %d, %d calls", sets.Reads, sets.Total, calls, tt.reads, len(tt.want), tt.calls)
			}
		})
	}
}

// Within one read, a backup listed on two pages, as when one is taken
// between them and the total is not sent, is kept once, where it came
// first; so is one without a BackupId, as it is.
func TestDescribeAllBackupsKeepsEachBackupOnce(t *testing.T) {
	// B0151 taken: B0051 moves to page 2, listed again.
	s := &backupServer{noTotal: true, list: changed(backupIDs(1, 150), backupIDs(1, 151)), page: func(call, _ int) http.HandlerFunc {
		if call != 1 {
			return nil
		}
		// Page 1 also has an entry without a BackupId, and a null.
		body := backupsAnswer(backupIDs(1, 150), 0, 100, false)
		return answer(200, "application/json", strings.Replace(body, `]}}`, `,{"BackupStatus":"Failed"},null]}}`, 1))
	}}
	sets := readAllBackups(t, s)
	want := append(append(backupIDs(51, 100), ""), backupIDs(1, 50)...)
	if got := idsOf(sets); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if sets.Total != len(want) || sets.Pages != 2 {
		t.Errorf("total %d in %d pages, want %d in 2", sets.Total, sets.Pages, len(want))
	}
}

// A Level-1 snapshot and its Level-2 copy may share a BackupId: both are
// kept; a backup listed twice alike, once.
func TestDescribeAllBackupsKeepsEachLevelOfABackup(t *testing.T) {
	body := `{"RequestId":"R","TotalRecordCount":"3","Items":{"Backup":[` +
		`{"BackupId":"1","BackupsLevel":"Level-1"},{"BackupId":"1","BackupsLevel":"Level-2"},` +
		`{"BackupId":"1","BackupsLevel":"Level-1"},{"BackupId":"2"},{"BackupId":"2","BackupsLevel":""}]}}`
	s := &backupServer{list: always(nil), page: func(int, int) http.HandlerFunc { return answer(200, "application/json", body) }}
	sets := readAllBackups(t, s)
	var got []string
	for _, b := range sets.Backups {
		got = append(got, dara.StringValue(b.BackupId)+"/"+dara.StringValue(b.BackupsLevel))
	}
	if want := []string{"1/Level-1", "1/Level-2", "2/"}; !slices.Equal(got, want) || sets.Short != 0 || sets.Reads != 1 {
		t.Errorf("got %v, short %d, in %d reads; want %v in one read", got, sets.Short, sets.Reads, want)
	}
}

// An API whose pages agree on a total but list fewer backups, read after
// read, gives what it lists: the last read, and by how many it is short.
func TestDescribeAllBackupsReturnsAListThatStaysShort(t *testing.T) {
	lost := `{"BackupId":"B0130","DBClusterId":"pc-abc","BackupStatus":"Success","BackupSetSize":154920107},`
	s := &backupServer{list: always(backupIDs(1, 250)), page: func(call, pageNumber int) http.HandlerFunc {
		if pageNumber != 2 {
			return nil
		}
		return answer(200, "application/json", strings.Replace(backupsAnswer(backupIDs(1, 250), 100, 200, true), lost, "", 1))
	}}
	sets := readAllBackups(t, s)
	want := slices.DeleteFunc(backupIDs(1, 250), func(id string) bool { return id == "B0130" })
	if got := idsOf(sets); !slices.Equal(got, want) {
		t.Errorf("got %d backups, want the 249 listed", len(got))
	}
	if calls, _ := s.stats(); sets.Total != 250 || sets.Short != 1 || sets.Reads != 3 || calls != 9 {
		t.Errorf("total %d, short %d, %d reads, %d calls; want total 250, short 1, 3 reads of 3 pages", sets.Total, sets.Short, sets.Reads, calls)
	}
}

// A read whose context ends while pages are in flight ends with the
// context's error, as a call does: not a list that changed, nor a list
// short of the pages left unread.
func TestDescribeAllBackupsEndsWithItsContext(t *testing.T) {
	for _, tt := range []struct {
		name string
		want error
		ctx  func() (context.Context, context.CancelFunc)
		stop func(context.CancelFunc)
	}{
		{"cancelled", context.Canceled, func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) },
			func(cancel context.CancelFunc) { cancel() }},
		{"deadline", context.DeadlineExceeded, func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 300*time.Millisecond)
		}, func(context.CancelFunc) {}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := tt.ctx()
			defer cancel()
			var stopOnce sync.Once
			s := &backupServer{list: always(backupIDs(1, 2450)), page: func(_, pageNumber int) http.HandlerFunc {
				if pageNumber == 1 {
					return nil
				}
				return func(w http.ResponseWriter, r *http.Request) {
					stopOnce.Do(func() { tt.stop(cancel) })
					select { // pages 2 to 11 in flight until the read ends
					case <-r.Context().Done():
					case <-time.After(5 * time.Second):
					}
					answer(200, "application/json", backupsAnswer(backupIDs(1, 2450), (pageNumber-1)*100, pageNumber*100, true))(w, r)
				}
			}}
			client := newBackupsClient(t, s)
			start := time.Now()
			sets, err := client.DescribeAllBackups(ctx, backupsRequest)
			var netErr *NetworkError
			var changing *ChangingListError
			if sets != nil || !errors.As(err, &netErr) || !errors.Is(err, tt.want) || errors.As(err, &changing) {
				t.Fatalf("got %v, %v; want a NetworkError wrapping %v", sets, err, tt.want)
			}
			if elapsed := time.Since(start); elapsed > 3*time.Second {
				t.Errorf("took %v", elapsed)
			}
			if pages := s.pageNumbers(); slices.Index(pages[1:], "1") >= 0 {
				t.Errorf("pages asked for: %v; the read ended, and was not read again", pages)
			}
		})
	}
}

func TestDescribeAllBackupsGivesUpOnAListThatKeepsChanging(t *testing.T) {
	// A backup more at every call.
	s := &backupServer{list: func(call int) []string { return backupIDs(1, 249+call) }}
	client := newBackupsClient(t, s)
	sets, err := client.DescribeAllBackups(context.Background(), backupsRequest)
	var changing *ChangingListError
	if !errors.As(err, &changing) {
		t.Fatalf("got %v, %v; want a ChangingListError", sets, err)
	}
	if calls, _ := s.stats(); changing.Reads != 3 || changing.DBClusterID != "pc-abc" || len(changing.Totals) != 9 || changing.Totals[0] != 250 || calls != 9 {
		t.Errorf("got %+v after %d calls, want 3 reads of 3 pages, each with its total", changing, calls)
	}
	if msg := err.Error(); !strings.Contains(msg, `"pc-abc" kept changing`) || !strings.Contains(msg, "3 reads") || !strings.Contains(msg, "250, 25") {
		t.Errorf("message %q does not tell the cluster, the reads and the totals", msg)
	}
}

// Without a TotalRecordCount, the pages are read one after another until
// one is not full.
func TestDescribeAllBackupsWithoutATotalReadsPagesInTurn(t *testing.T) {
	for _, tt := range []struct {
		backups int
		pages   []string
	}{
		{0, []string{"1"}},
		{250, []string{"1", "2", "3"}},
		{200, []string{"1", "2", "3"}},
	} {
		t.Run(strconv.Itoa(tt.backups), func(t *testing.T) {
			s := &backupServer{list: always(backupIDs(1, tt.backups)), noTotal: true}
			sets := readAllBackups(t, s)
			if !slices.Equal(idsOf(sets), backupIDs(1, tt.backups)) || sets.Total != tt.backups || sets.Pages != len(tt.pages) {
				t.Errorf("got %d backups, total %d, %d pages", len(sets.Backups), sets.Total, sets.Pages)
			}
			if got := s.pageNumbers(); !slices.Equal(got, tt.pages) {
				t.Errorf("pages %v, want %v", got, tt.pages)
			}
			if _, most := s.stats(); most != 1 {
				t.Errorf("%d pages at once, want one after another", most)
			}
		})
	}
}

func TestDescribeAllBackupsFailsWithAPage(t *testing.T) {
	waiting := make(chan struct{}, backupsMaxPages)   // a page other than 1 and 2 arrived
	cancelled := make(chan struct{}, backupsMaxPages) // and was given up
	s := &backupServer{list: always(backupIDs(1, 1000))}
	s.page = func(_, pageNumber int) http.HandlerFunc {
		switch pageNumber {
		case 1:
			return nil
		case 2:
			// Fails once another page waits: that one must be given up.
			return func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-waiting:
				case <-time.After(2 * time.Second):
				}
				notFound(w, r)
			}
		}
		return func(w http.ResponseWriter, r *http.Request) {
			waiting <- struct{}{}
			select {
			case <-r.Context().Done():
				cancelled <- struct{}{}
			case <-time.After(5 * time.Second):
			}
		}
	}
	client := newBackupsClient(t, s)
	start := time.Now()
	_, err := client.DescribeAllBackups(context.Background(), backupsRequest)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "InvalidDBClusterId.NotFound" {
		t.Fatalf("err = %v, want page 2's APIError", err)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("took %v: the other pages were not given up", elapsed)
	}
	if s.asked(2) != 1 {
		t.Errorf("page 2 retried: %v", s.pageNumbers())
	}
	select {
	case <-cancelled:
	case <-time.After(2 * time.Second):
		t.Error("no other page was cancelled")
	}
}

func TestDescribeAllBackupsRetriesAThrottledPage(t *testing.T) {
	s := &backupServer{list: always(backupIDs(1, 250))}
	s.page = func(_, pageNumber int) http.HandlerFunc {
		if pageNumber == 3 && s.asked(3) == 1 { // this one included
			return throttled(0)
		}
		return nil
	}
	sets := readAllBackups(t, s)
	if !slices.Equal(idsOf(sets), backupIDs(1, 250)) || sets.Reads != 1 {
		t.Errorf("got %d backups in %d reads", len(sets.Backups), sets.Reads)
	}
	pages := s.pageNumbers()
	slices.Sort(pages)
	if !slices.Equal(pages, []string{"1", "2", "3", "3"}) {
		t.Errorf("pages asked for: %v, want page 3 twice", pages)
	}
}

// heldBackupsClient is a client of a server listing 250 backups whose
// first page waits until release is closed: reads started meanwhile are
// in flight together.
func heldBackupsClient(t *testing.T) (*backupServer, *Client, chan struct{}) {
	release := make(chan struct{})
	s := &backupServer{list: always(backupIDs(1, 250)), page: func(_, pageNumber int) http.HandlerFunc {
		if pageNumber == 1 {
			<-release
		}
		return nil
	}}
	return s, newBackupsClient(t, s), release
}

func TestDescribeAllBackupsSharesIdenticalReads(t *testing.T) {
	s, client, release := heldBackupsClient(t)

	// Four identical reads (the page asked for is ignored), and one with
	// another filter, at the same time.
	const callers = 5
	otherPage, other := *backupsRequest, *backupsRequest
	otherPage.PageNumber = dara.Int32(2)
	other.BackupStatus = dara.String("Failed")
	requests := [callers]*DescribeBackupsRequest{backupsRequest, backupsRequest, backupsRequest, &otherPage, &other}
	sets := readTogether(t, client, release, requests[:], client.DescribeAllBackups)
	for i := range callers - 1 {
		if sets[i] != sets[0] || sets[i] == nil {
			t.Errorf("caller %d got %p, caller 0 %p: want one shared answer", i, sets[i], sets[0])
		}
	}
	if sets[callers-1] == sets[0] {
		t.Error("the read with another filter got the others' answer")
	}
	if calls, _ := s.stats(); calls != 6 {
		t.Errorf("4 identical reads and another made %d calls, want two reads of 3 pages", calls)
	}
	statuses := 0
	for i := range 6 {
		if s.query(i).Get("BackupStatus") == "Failed" {
			statuses++
		}
	}
	if statuses != 3 {
		t.Errorf("%d calls with BackupStatus=Failed, want the 3 of the other read", statuses)
	}
}

// A null entry is an entry of the list: the pages are not short of one.
func TestDescribeAllBackupsCountsNullEntries(t *testing.T) {
	body := `{"RequestId":"R","TotalRecordCount":"3","Items":{"Backup":[{"BackupId":"1"},null,{"BackupId":"2"}]}}`
	s := &backupServer{list: always(nil), page: func(int, int) http.HandlerFunc { return answer(200, "application/json", body) }}
	sets := readAllBackups(t, s)
	if !slices.Equal(idsOf(sets), []string{"1", "2"}) || sets.Total != 3 || sets.Reads != 1 {
		t.Errorf("got %v, total %d, in %d reads", idsOf(sets), sets.Total, sets.Reads)
	}
}

// The answers decode as liberally as decodeAnswer says, through the client.
func TestDescribeAllBackupsDecodesLiberally(t *testing.T) {
	body := `{"requestid":20240101,"TotalRecordCount":1,"PageNumber":1,"Extra":{"x":[1]},` +
		`"Items":{"Backup":{"BackupId":11111111,"IsAvail":true,"ConsistentTime":1.588373788e9,"Comment":null,"ExpectExpireTime":""}}}`
	s := &backupServer{list: always(nil), page: func(int, int) http.HandlerFunc { return answer(200, "application/json", body) }}
	sets := readAllBackups(t, s)
	want := `[{"BackupId":"11111111","ConsistentTime":"1.588373788e9","ExpectExpireTime":"","IsAvail":"true"}]`
	if got := jsonOf(t, sets.Backups); got != want || sets.Total != 1 || sets.Pages != 1 || sets.Reads != 1 || sets.RequestID != "20240101" || sets.Short != 0 {
		t.Errorf("got  %s %+v\nwant %s, total, pages and reads 1, request ID 20240101", got, sets, want)
	}
}

// emulatedBackups are the backups ids name, stored in that order, each
// "B<n>" started n minutes after backupsRequest's StartTime: backupIDs
// are newest first.
func emulatedBackups(ids []string) []emulator.Backup {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	backups := make([]emulator.Backup, len(ids))
	for i, id := range ids {
		minutes, _ := strconv.Atoi(id[1:])
		at := start.Add(time.Duration(minutes) * time.Minute).Format(time.RFC3339)
		backups[i] = emulator.Backup{BackupId: id, BackupStatus: "Success", BackupMode: "Automated", BackupStartTime: at, BackupEndTime: at}
	}
	return backups
}

// oldestFirst are ids in the other order.
func oldestFirst(ids []string) []string {
	slices.Reverse(ids)
	return ids
}

// roundTrips counts the round trips of the calls its handler answers: a
// call that arrives while none is in flight starts one. With a latency,
// the calls made together overlap, however slow the test runs.
type roundTrips struct {
	http.Handler

	mu       sync.Mutex
	inFlight int
	count    int
}

func (r *roundTrips) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	if r.inFlight == 0 {
		r.count++
	}
	r.inFlight++
	r.mu.Unlock()
	// Before the answer is flushed: a call made once it arrived comes after.
	defer func() {
		r.mu.Lock()
		r.inFlight--
		r.mu.Unlock()
	}()
	r.Handler.ServeHTTP(w, req)
}

// readNewestBackups reads the newest n of backupsRequest's backups from an
// emulator storing backups, answering each call after pagingLatency. It
// returns what was read, the page numbers asked for, in order, and the
// round trips the read took.
func readNewestBackups(t *testing.T, backups []emulator.Backup, n int) (sets *BackupSets, pages []int, rounds int) {
	t.Helper()
	server := newMatrixEmulator([]emulator.Cluster{{ID: "pc-abc", Backups: backups}},
		emulator.WithFaults(emulator.Faults{Latency: emulator.Duration(pagingLatency)}))
	counted := &roundTrips{Handler: server}
	sets, err := newMatrixClient(t, DefaultRetryPolicy(), counted).DescribeNewestBackups(context.Background(), backupsRequest, n)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range server.Requests() {
		number, _ := strconv.Atoi(r.Params["PageNumber"])
		pages = append(pages, number)
	}
	slices.Sort(pages)
	return sets, pages, counted.count
}

// pagesUpTo are the page numbers 1 to n.
func pagesUpTo(n int) []int {
	pages := make([]int, n)
	for i := range pages {
		pages[i] = i + 1
	}
	return pages
}

// An API that lists newest first costs the pages that hold the newest n;
// one that does not, every page, the rest read together once the first
// pages showed it.
func TestDescribeNewestBackupsReadsThePagesItNeeds(t *testing.T) {
	for _, tt := range []struct {
		name    string
		stored  []string // the emulator's order
		n       int
		pages   int // pages read
		rounds  int
		partial bool
	}{
		{"newest first, the newest 100", backupIDs(1, 1000), 100, 1, 1, true},
		{"newest first, the newest 250", backupIDs(1, 1000), 250, 3, 2, true},
		{"newest first, the newest 1000", backupIDs(1, 1000), 1000, 10, 2, false},
		{"newest first, more than there are", backupIDs(1, 1000), 5000, 10, 2, false},
		{"newest first, all", backupIDs(1, 1000), 0, 10, 2, false},
		{"oldest first, the newest 100", oldestFirst(backupIDs(1, 1000)), 100, 10, 2, false},
		{"oldest first, the newest 250", oldestFirst(backupIDs(1, 1000)), 250, 10, 3, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sets, pages, rounds := readNewestBackups(t, emulatedBackups(tt.stored), tt.n)
			want := tt.stored[:min(len(tt.stored), tt.pages*backupsPageSize)]
			if got := idsOf(sets); !slices.Equal(got, want) {
				t.Errorf("got %d backups (%v…), want the %d of the pages read (%v…)", len(got), got[:3], len(want), want[:3])
			}
			if sets.Total != 1000 || sets.Pages != tt.pages || sets.Partial != tt.partial || sets.Reads != 1 || sets.Short != 0 {
				t.Errorf("total %d, %d pages, partial %t, %d reads, short %d; want total 1000, %d pages, partial %t, one read, none short",
					sets.Total, sets.Pages, sets.Partial, sets.Reads, sets.Short, tt.pages, tt.partial)
			}
			if !slices.Equal(pages, pagesUpTo(tt.pages)) || rounds != tt.rounds {
				t.Errorf("pages %v in %d round trips, want pages 1 to %d in %d", pages, rounds, tt.pages, tt.rounds)
			}
		})
	}
}

// A backup taken while the first pages are read shifts them: as
// DescribeAllBackups, the read is read again, here whether or not the
// pages list newest first.
func TestDescribeNewestBackupsReadsAgainWhenTheListChanges(t *testing.T) {
	for _, tt := range []struct {
		name    string
		stored  []string // B1001, taken after the first call, included
		pages   []int
		partial bool
	}{
		{"newest first", backupIDs(1, 1001), append(pagesUpTo(3), pagesUpTo(3)...), true},
		{"oldest first", oldestFirst(backupIDs(1, 1001)), append(pagesUpTo(10), pagesUpTo(11)...), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			backups := emulatedBackups(tt.stored)
			backups[slices.IndexFunc(backups, func(b emulator.Backup) bool { return b.BackupId == "B1001" })].ListedFromCall = 2
			sets, pages, _ := readNewestBackups(t, backups, 250)
			slices.Sort(tt.pages)
			if sets.Reads != 2 || sets.Total != 1001 || sets.Partial != tt.partial || !slices.Equal(pages, tt.pages) {
				t.Errorf("%d reads, total %d, partial %t, pages %v; want 2 reads, total 1001, partial %t, pages %v",
					sets.Reads, sets.Total, sets.Partial, pages, tt.partial, tt.pages)
			}
			if tt.partial && !slices.Equal(idsOf(sets), tt.stored[:300]) {
				t.Errorf("got %v…, want the newest 300 of the second read", idsOf(sets)[:3])
			}
		})
	}
}

func TestBackupPagesNewestFirst(t *testing.T) {
	backup := func(start string) *DescribeBackupsResponseBodyItemsBackup {
		return &DescribeBackupsResponseBodyItemsBackup{BackupStartTime: dara.String(start)}
	}
	page := func(backups ...*DescribeBackupsResponseBodyItemsBackup) *DescribeBackupsResponseBody {
		return &DescribeBackupsResponseBody{Items: &DescribeBackupsResponseBodyItems{Backup: backups}}
	}
	const newer, older = "2026-01-01T02:00:00Z", "2026-01-01T01:00:00+00:00"
	for _, tt := range []struct {
		name  string
		pages backupPages
		want  bool
	}{
		{"newest first", backupPages{page(backup(newer), backup(newer)), page(backup(older))}, true},
		{"older first on the next page", backupPages{page(backup(older)), page(backup(newer))}, false},
		{"no start time", backupPages{page(backup(newer), &DescribeBackupsResponseBodyItemsBackup{}, backup(older))}, false},
		{"a start time that does not read", backupPages{page(backup(newer), backup("yesterday"), backup(older))}, false},
		{"a null entry", backupPages{page(backup(newer), nil, backup(older))}, false},
	} {
		if got := tt.pages.newestFirst(); got != tt.want {
			t.Errorf("%s: %t, want %t", tt.name, got, tt.want)
		}
	}
}

// Reads of as many first pages share a read, as all does with
// DescribeAllBackups; reads of other pages do not.
func TestDescribeNewestBackupsSharesIdenticalReads(t *testing.T) {
	s, client, release := heldBackupsClient(t)
	read := func(ctx context.Context, n int) (*BackupSets, error) {
		if n < 0 {
			return client.DescribeAllBackups(ctx, backupsRequest)
		}
		return client.DescribeNewestBackups(ctx, backupsRequest, n)
	}
	// 150 and 200 are 2 pages, 100 one; 0 is all.
	sets := readTogether(t, client, release, []int{150, 200, 100, 0, -1}, read)
	if sets[0] != sets[1] || sets[3] != sets[4] || sets[1] == sets[2] || sets[2] == sets[3] || sets[3] == sets[0] {
		t.Errorf("answers %p %p %p %p %p, want 2 pages shared, 1 page alone, all shared", sets[0], sets[1], sets[2], sets[3], sets[4])
	}
	// Without start times the order is unknown: each read reads all 3 pages.
	if calls, _ := s.stats(); calls != 9 {
		t.Errorf("%d calls, want three reads of 3 pages", calls)
	}
}
