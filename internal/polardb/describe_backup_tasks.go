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
// requests in flight at the same time share one call (read), and its
// answer, which must not be changed.
func (c *Client) DescribeBackupTasks(ctx context.Context, request *DescribeBackupTasksRequest) (*DescribeBackupTasksResponse, error) {
	return read[DescribeBackupTasksResponseBody](ctx, c, "DescribeBackupTasks", request)
}
