package polardb

import "context"

// DescribeBackupTasksRequest is the request of DescribeBackupTasks. Nil
// fields are not sent.
type DescribeBackupTasksRequest struct {
	BackupJobId *string `json:"BackupJobId,omitempty" xml:"BackupJobId,omitempty"`
	BackupMode  *string `json:"BackupMode,omitempty" xml:"BackupMode,omitempty"`
	DBClusterId *string `json:"DBClusterId,omitempty" xml:"DBClusterId,omitempty"`
}

type DescribeBackupTasksResponse = Response[DescribeBackupTasksResponseBody]

type DescribeBackupTasksResponseBody struct {
	Items *DescribeBackupTasksResponseBodyItems

	RequestId *string
}

type DescribeBackupTasksResponseBodyItems struct {
	BackupJob []*DescribeBackupTasksResponseBodyItemsBackupJob
}

type DescribeBackupTasksResponseBodyItemsBackupJob struct {
	BackupJobId, BackupProgressStatus, JobMode, Process, StartTime, TaskAction *string
}

// DescribeBackupTasks lists the backup tasks of a cluster. Identical
// requests in flight at the same time share one call (read), and its
// answer, which must not be changed.
func (c *Client) DescribeBackupTasks(ctx context.Context, request *DescribeBackupTasksRequest) (*DescribeBackupTasksResponse, error) {
	return read[DescribeBackupTasksResponseBody](ctx, c, "DescribeBackupTasks", request)
}
