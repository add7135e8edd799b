package polardb

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
)

// BackupSets are the backups of a DescribeBackups request, every page of
// it read.
type BackupSets struct {
	Backups   []*DescribeBackupsResponseBodyItemsBackup // every backup, de-duplicated, in the API's order
	Total     int                                       // TotalRecordCount of the read that was kept (len(Backups) when the API sent none)
	Pages     int                                       // pages read in the kept read
	Reads     int                                       // how many times all pages were read (1 unless the list changed)
	RequestID string                                    // RequestId of the first page of the kept read
	// Short is how many fewer distinct backups than Total the kept read
	// listed, when every read came short though its pages agreed on the
	// total: the API's count disagrees with its items, and the backups
	// listed are returned all the same. 0 otherwise.
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
	unpaged := *request
	unpaged.PageNumber, unpaged.PageSize = nil, nil // ignored, so not in the key
	key := sharedKey("DescribeAllBackups", openapiutil.Query(&unpaged))
	return shared(ctx, c, key, func(ctx context.Context) (*BackupSets, error) {
		return c.describeAllBackups(ctx, request)
	})
}

func (c *Client) describeAllBackups(ctx context.Context, request *DescribeBackupsRequest) (*BackupSets, error) {
	var totals []int
	for read := 1; ; read++ {
		pages, err := c.readBackupPages(ctx, request)
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

// readBackupPages reads every page once.
func (c *Client) readBackupPages(ctx context.Context, request *DescribeBackupsRequest) (backupPages, error) {
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

	// A failed page cancels the others: the read has failed.
	pagesCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next     atomic.Int32 // the last page number taken
		wg       sync.WaitGroup
		failOnce sync.Once
		failed   error
	)
	next.Store(1)
	for range min(backupsPagesInFlight, count-1) {
		wg.Go(func() {
			for {
				n := int(next.Add(1))
				if n > count || pagesCtx.Err() != nil {
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
		return nil, failed
	case ctx.Err() != nil:
		// Pages were left unread: not a list that changed, but a read
		// that ended, told as Client.call tells one.
		return nil, &NetworkError{Host: c.endpoint, Err: context.Cause(ctx)}
	}
	return pages, nil
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
// agree; BackupSets.Short is how many fewer backups than the total came
// (some were shifted past the pages read, or the count is wrong).
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
	sets.Total, sets.Short = total, max(0, total-listed)
	for _, page := range pages[1:] {
		if t, ok := totalOf(page); ok && t != total {
			return sets, false
		}
	}
	return sets, true
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
