package polardb

import (
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/alibabacloud-go/tea/dara"
)

// Reads share a call only when they send the same parameters: an empty
// filter is not one left out.
func TestReadsShareOnlyIdenticalCalls(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	var sent []url.Values
	client := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sent = append(sent, r.URL.Query())
		mu.Unlock()
		<-release
		answer(200, "application/json", okBody)(w, r)
	}, 0)
	tasks := readTogether(t, client, release, []*DescribeBackupTasksRequest{
		{DBClusterId: dara.String("pc-abc")}, {DBClusterId: dara.String("pc-abc")}, {DBClusterId: dara.String("pc-abc")},
		{DBClusterId: dara.String("pc-abc"), BackupMode: dara.String("")},
		{DBClusterId: dara.String("pc-abc"), BackupMode: dara.String("Manual")},
	}, client.DescribeBackupTasks)
	if tasks[0] == nil || tasks[1] != tasks[0] || tasks[2] != tasks[0] || tasks[3] == tasks[0] || tasks[4] == tasks[0] || tasks[4] == tasks[3] {
		t.Errorf("answers %p: want the first three shared, the others each their own", tasks)
	}
	emptyMode := 0
	for _, q := range sent {
		if q.Has("BackupMode") && q.Get("BackupMode") == "" {
			emptyMode++
		}
	}
	if len(sent) != 3 || emptyMode != 1 {
		t.Errorf("%d calls, %d with BackupMode empty; want 3, one with BackupMode empty", len(sent), emptyMode)
	}
}

// Keys tell apart reads of other operations, and parameters not sent from
// ones sent empty, whatever their values look like.
func TestSharedKeysTellReadsApart(t *testing.T) {
	keys := map[string]bool{}
	for _, key := range []string{
		sharedKey("DescribeBackupTasks", map[string]*string{"DBClusterId": dara.String("pc-1")}),
		sharedKey("DescribeAllBackups", map[string]*string{"DBClusterId": dara.String("pc-1")}),
		sharedKey("DescribeBackupTasks", map[string]*string{"DBClusterId": dara.String("pc-1"), "BackupMode": dara.String("")}),
		sharedKey("DescribeBackupTasks", map[string]*string{"DBClusterId": dara.String("pc-1&BackupMode=")}),
		sharedKey("DescribeBackupTasks", map[string]*string{}),
	} {
		if keys[key] {
			t.Errorf("key %q of two reads", key)
		}
		keys[key] = true
	}
}
