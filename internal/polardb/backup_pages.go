package polardb

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
)

// BackupSets are the backups of a DescribeBackups request, every page of
// it read, or, when Partial, its first pages.
type BackupSets struct {
	Backups   []*DescribeBackupsResponseBodyItemsBackup // every backup of the pages read, de-duplicated, in the API's order
	Total     int                                       // TotalRecordCount of the read that was kept (len(Backups) when the API sent none)
	Pages     int                                       // pages read in the kept read
	Reads     int                                       // how many times the pages were read (1 unless the list changed)
	RequestID string                                    // RequestId of the first page of the kept read
	Partial   bool                                      // only the first pages were read: the API lists newest first, and they hold the newest asked for
	// Short is how many fewer distinct backups than Total (when Partial,
	// than its pages hold) the kept read listed, when every read came short
	// though its pages agreed on the total: the API's count disagrees with
	// its items, and the backups listed are returned all the same. 0
	// otherwise.
	Short int
}

// Paging of DescribeAllBackups.
const (
	backupsPageSize      = 100  // the largest page the API gives (30, 50 or 100)
	backupsPagesInFlight = 10   // pages read at the same time
	backupsReads         = 3    // reads of all pages before a list that keeps changing is given up
	backupsMaxPages      = 1000 // 100,000 backups: more is not an answer to trust
)

// ChangingListError is a list of backups that kept changing while it was
// read: backups appeared or expired between the pages of every read.
type ChangingListError struct {
	DBClusterID string // the cluster whose backups were read
	Reads       int    // how many times all pages were read
	Totals      []int  // the total counts (TotalRecordCount) the pages gave, in the order first seen
}

func (e *ChangingListError) Error() string {
	totals := make([]string, len(e.Totals))
	for i, t := range e.Totals {
		totals[i] = strconv.Itoa(t)
	}
	return fmt.Sprintf("the list of backups of PolarDB cluster %q kept changing while being read: "+
		"backups appeared or expired during each of %d reads of all its pages (total counts seen: %s)",
		e.DBClusterID, e.Reads, strings.Join(totals, ", "))
}

// DescribeAllBackups reads every page of the backups request asks for (its
// PageNumber and PageSize are ignored): page 1, then, knowing the total,
// the others at the same time, backupsPagesInFlight at most, each a call
// of its own (Client.call: the retry policy and the shared limiter), so
// that 1,000 backups cost two round trips, not ten. Backups appear and
// expire while the pages are read, shifting the others from page to page:
// when the total changed on the way, or fewer backups than the total came,
// all pages are read again, backupsReads times at most. If the last read's
// pages still disagree on the total, the error is a *ChangingListError; if
// they agree but list fewer backups than it, the last read is returned,
// BackupSets.Short telling by how many: an API whose count disagrees with
// its items must not block its users. A backup listed twice (the same
// BackupId and BackupsLevel: a Level-1 snapshot and its Level-2 copy may
// share an ID) is kept once, where it came first. When the API sends no
// total, the pages are read one after another until one is not full.
//
// Identical requests in flight at the same time share one read, as the
// reads of an operation share a call (read); the answer is shared too, and
// must not be changed. A failed page fails the read.
func (c *Client) DescribeAllBackups(ctx context.Context, request *DescribeBackupsRequest) (*BackupSets, error) {
	return c.describeBackupPages(ctx, request, 0)
}

// DescribeNewestBackups reads the pages of the backups request asks for
// that hold its n newest by BackupStartTime, for a list that shows only
// the newest n: the caller chooses them from BackupSets.Backups. The API
// does not document its order, so the pages are read as DescribeAllBackups
// reads them, but at first only pages 1 to ceil(n/100): if these list
// their backups newest first, the API does, they hold the n newest, and
// the rest are left unread (BackupSets.Partial). If not, the other pages
// are read too, together, and the newest n may be on any of them. n <= 0
// means all: DescribeAllBackups. Without a total, every page is read.
func (c *Client) DescribeNewestBackups(ctx context.Context, request *DescribeBackupsRequest, n int) (*BackupSets, error) {
	return c.describeBackupPages(ctx, request, (max(0, n)+backupsPageSize-1)/backupsPageSize)
}

// describeBackupPages is a shared read of request's backups, of its first
// pages when newest is not 0 (readBackupPages). Reads of other newest pages
// do not share: their answers differ. Different n of as many pages share,
// as their answers are the same.
func (c *Client) describeBackupPages(ctx context.Context, request *DescribeBackupsRequest, newest int) (*BackupSets, error) {
	unpaged := *request
	unpaged.PageNumber, unpaged.PageSize = nil, nil // ignored, so not in the key
	action := "DescribeAllBackups"
	if newest > 0 {
		action = "DescribeNewestBackups/" + strconv.Itoa(newest)
	}
	key := sharedKey(action, openapiutil.Query(&unpaged))
	return shared(ctx, c, key, func(ctx context.Context) (*BackupSets, error) {
		return c.describeBackupSets(ctx, request, newest)
	})
}

func (c *Client) describeBackupSets(ctx context.Context, request *DescribeBackupsRequest, newest int) (*BackupSets, error) {
	var totals []int
	for read := 1; ; read++ {
		pages, err := c.readBackupPages(ctx, request, newest)
		if err != nil {
			return nil, err
		}
		sets, totalsAgree := pages.backupSets()
		sets.Reads = read
		if totalsAgree && (sets.Short == 0 || read == backupsReads) {
			return sets, nil
		}
		totals = pages.totals(totals)
		if read == backupsReads {
			return nil, &ChangingListError{DBClusterID: dara.StringValue(request.DBClusterId), Reads: read, Totals: totals}
		}
	}
}

// backupPages are the pages of one read, in order.
type backupPages []*DescribeBackupsResponseBody

// readBackupPages reads every page once; or, when newest is not 0, pages 1
// to newest, and the others only if those do not list newest first.
func (c *Client) readBackupPages(ctx context.Context, request *DescribeBackupsRequest, newest int) (backupPages, error) {
	first, err := c.describeBackups(ctx, backupsPage(request, 1))
	if err != nil {
		return nil, err
	}
	total, ok := totalOf(first.Body)
	if !ok {
		return c.readBackupPagesInTurn(ctx, request, first.Body)
	}
	count := max(1, (total+backupsPageSize-1)/backupsPageSize)
	if count > backupsMaxPages {
		return nil, fmt.Errorf("polardb: DescribeBackups of cluster %q counts %d backups, more than the %d pages of %d it may take",
			dara.StringValue(request.DBClusterId), total, backupsMaxPages, backupsPageSize)
	}
	pages := make(backupPages, count)
	pages[0] = first.Body
	read := 1 // pages read so far
	if newest > 0 && newest < count {
		if err := c.readBackupPagesTogether(ctx, request, pages[:newest], read); err != nil {
			return nil, err
		}
		if pages[:newest].newestFirst() {
			return pages[:newest], nil
		}
		read = newest
	}
	if err := c.readBackupPagesTogether(ctx, request, pages, read); err != nil {
		return nil, err
	}
	return pages, nil
}

// readBackupPagesTogether reads pages read+1 to len(pages), each into its
// place, backupsPagesInFlight at a time.
func (c *Client) readBackupPagesTogether(ctx context.Context, request *DescribeBackupsRequest, pages backupPages, read int) error {
	// A failed page cancels the others: the read has failed.
	pagesCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next     atomic.Int32 // the last page number taken
		wg       sync.WaitGroup
		failOnce sync.Once
		failed   error
	)
	next.Store(int32(read))
	for range min(backupsPagesInFlight, len(pages)-read) {
		wg.Go(func() {
			for {
				n := int(next.Add(1))
				if n > len(pages) || pagesCtx.Err() != nil {
					return
				}
				page, err := c.describeBackups(pagesCtx, backupsPage(request, n))
				if err != nil {
					failOnce.Do(func() { failed = err; cancel() })
					return
				}
				pages[n-1] = page.Body
			}
		})
	}
	wg.Wait()
	switch {
	case failed != nil:
		return failed
	case ctx.Err() != nil:
		// Pages were left unread: not a list that changed, but a read
		// that ended, told as Client.call tells one.
		return &NetworkError{Host: c.endpoint, Err: context.Cause(ctx)}
	}
	return nil
}

// readBackupPagesInTurn reads the pages after first one after another,
// until one is not full: without a total, the number of pages is unknown.
func (c *Client) readBackupPagesInTurn(ctx context.Context, request *DescribeBackupsRequest, first *DescribeBackupsResponseBody) (backupPages, error) {
	pages := backupPages{first}
	for n := 2; len(backupsOf(pages[len(pages)-1])) >= backupsPageSize; n++ {
		if n > backupsMaxPages {
			return nil, fmt.Errorf("polardb: DescribeBackups of cluster %q still gave full pages after %d pages of %d",
				dara.StringValue(request.DBClusterId), backupsMaxPages, backupsPageSize)
		}
		page, err := c.describeBackups(ctx, backupsPage(request, n))
		if err != nil {
			return nil, err
		}
		pages = append(pages, page.Body)
	}
	return pages, nil
}

// backupSets joins the pages' backups, and says whether their totals
// agree; BackupSets.Short is how many fewer backups than the pages should
// hold came (some were shifted past the pages read, or the count is
// wrong): the total, or, when the pages are only the first (Partial), as
// many as fill them.
func (pages backupPages) backupSets() (sets *BackupSets, totalsAgree bool) {
	first := pages[0]
	sets = &BackupSets{Pages: len(pages), RequestID: dara.StringValue(first.RequestId)}
	type identity struct{ id, level string }
	seen := map[identity]bool{}
	listed := 0 // entries of the list, each backup once
	for _, page := range pages {
		for _, backup := range backupsOf(page) {
			if backup == nil { // an entry, but nothing to show
				listed++
				continue
			}
			if backup.BackupId != nil {
				id := identity{*backup.BackupId, dara.StringValue(backup.BackupsLevel)}
				if seen[id] {
					continue
				}
				seen[id] = true
			}
			listed++
			sets.Backups = append(sets.Backups, backup)
		}
	}
	total, ok := totalOf(first)
	if !ok {
		sets.Total = len(sets.Backups)
		return sets, true
	}
	held := min(total, len(pages)*backupsPageSize)
	sets.Total, sets.Short, sets.Partial = total, max(0, held-listed), held < total
	for _, page := range pages[1:] {
		if t, ok := totalOf(page); ok && t != total {
			return sets, false
		}
	}
	return sets, true
}

// newestFirst says whether the pages list their backups newest first:
// each BackupStartTime (RFC 3339) no later than the one before it. A
// backup without a start time that reads could be anywhere: it says no.
func (pages backupPages) newestFirst() bool {
	var last time.Time
	for _, page := range pages {
		for _, backup := range backupsOf(page) {
			if backup == nil || backup.BackupStartTime == nil {
				return false
			}
			at, err := time.Parse(time.RFC3339, *backup.BackupStartTime)
			if err != nil || (!last.IsZero() && at.After(last)) {
				return false
			}
			last = at
		}
	}
	return true
}

// totals appends to seen the totals of the pages it lacks, in order.
func (pages backupPages) totals(seen []int) []int {
	totals := seen
	for _, page := range pages {
		if t, ok := totalOf(page); ok && !slices.Contains(totals, t) {
			totals = append(totals, t)
		}
	}
	return totals
}

// backupsPage is request for page n, of the largest size.
func backupsPage(request *DescribeBackupsRequest, n int) *DescribeBackupsRequest {
	page := *request
	page.PageNumber, page.PageSize = dara.Int32(int32(n)), dara.Int32(backupsPageSize)
	return &page
}

// totalOf is a page's TotalRecordCount, if it has one that is a count.
func totalOf(page *DescribeBackupsResponseBody) (int, bool) {
	if page == nil || page.TotalRecordCount == nil {
		return 0, false
	}
	total, err := strconv.Atoi(strings.TrimSpace(*page.TotalRecordCount))
	return total, err == nil && total >= 0
}

func backupsOf(page *DescribeBackupsResponseBody) []*DescribeBackupsResponseBodyItemsBackup {
	if page == nil || page.Items == nil {
		return nil
	}
	return page.Items.Backup
}
