package polardb

import (
	"context"
	"strings"

	"github.com/alibabacloud-go/tea/dara"
)

// DescribeBackupTasksRequest is the request of DescribeBackupTasks. Nil
// fields are not sent.
type DescribeBackupTasksRequest struct {
	BackupJobId *string `json:"BackupJobId,omitempty" xml:"BackupJobId,omitempty"`
	BackupMode  *string `json:"BackupMode,omitempty" xml:"BackupMode,omitempty"`
	DBClusterId *string `json:"DBClusterId,omitempty" xml:"DBClusterId,omitempty"`
}

// DescribeBackupTasksResponse is the decoded answer. (The generated SDK's
// also carries the HTTP headers and status, which nothing here reads.)
type DescribeBackupTasksResponse struct {
	Body *DescribeBackupTasksResponseBody `json:"body,omitempty" xml:"body,omitempty"`
}

type DescribeBackupTasksResponseBody struct {
	Items     *DescribeBackupTasksResponseBodyItems `json:"Items,omitempty" xml:"Items,omitempty" type:"Struct"`
	RequestId *string                               `json:"RequestId,omitempty" xml:"RequestId,omitempty"`
}

type DescribeBackupTasksResponseBodyItems struct {
	BackupJob []*DescribeBackupTasksResponseBodyItemsBackupJob `json:"BackupJob,omitempty" xml:"BackupJob,omitempty" type:"Repeated"`
}

type DescribeBackupTasksResponseBodyItemsBackupJob struct {
	BackupJobId          *string `json:"BackupJobId,omitempty" xml:"BackupJobId,omitempty"`
	BackupProgressStatus *string `json:"BackupProgressStatus,omitempty" xml:"BackupProgressStatus,omitempty"`
	JobMode              *string `json:"JobMode,omitempty" xml:"JobMode,omitempty"`
	Process              *string `json:"Process,omitempty" xml:"Process,omitempty"`
	StartTime            *string `json:"StartTime,omitempty" xml:"StartTime,omitempty"`
	TaskAction           *string `json:"TaskAction,omitempty" xml:"TaskAction,omitempty"`
}

// DescribeBackupTasks lists the backup tasks of a cluster. Identical
// requests in flight at the same time share one call (sharedCalls): module
// instances that read the same cluster with the same filters, say. The
// answer is shared too, and must not be changed. ctx bounds the caller's
// wait: when it ends, the caller gets a NetworkError wrapping ctx.Err(),
// or, when no other caller waits for the call, the call's own error, which
// also tells its attempts.
func (c *Client) DescribeBackupTasks(ctx context.Context, request *DescribeBackupTasksRequest) (*DescribeBackupTasksResponse, error) {
	key := strings.Join([]string{optional(request.DBClusterId), optional(request.BackupJobId), optional(request.BackupMode)}, "\x00")
	return c.tasks.do(ctx, key,
		func(ctx context.Context) (*DescribeBackupTasksResponse, error) {
			return c.describeBackupTasks(ctx, request)
		},
		func(err error) error { return &NetworkError{Host: c.endpoint, Err: err} })
}

// describeBackupTasksAnswer is what an answer of DescribeBackupTasks
// decodes into (see rpcAnswer).
type describeBackupTasksAnswer struct {
	*DescribeBackupTasksResponseBody
	answerFault
}

func (a *describeBackupTasksAnswer) requestID() string { return dara.StringValue(a.RequestId) }

// describeBackupTasks makes the DescribeBackupTasks call, with the client's
// retries (Client.call).
func (c *Client) describeBackupTasks(ctx context.Context, request *DescribeBackupTasksRequest) (*DescribeBackupTasksResponse, error) {
	query := queryOf(map[string]*string{
		"BackupJobId": request.BackupJobId, "BackupMode": request.BackupMode, "DBClusterId": request.DBClusterId,
	}, nil)
	answer, err := invoke(ctx, c, "DescribeBackupTasks", query, func() *describeBackupTasksAnswer {
		return &describeBackupTasksAnswer{DescribeBackupTasksResponseBody: &DescribeBackupTasksResponseBody{}}
	})
	if err != nil {
		return nil, err
	}
	return &DescribeBackupTasksResponse{Body: answer.DescribeBackupTasksResponseBody}, nil
}
