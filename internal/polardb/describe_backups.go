package polardb

import "context"

// DescribeBackupsRequest is the request of DescribeBackups. Nil fields are
// not sent.
type DescribeBackupsRequest struct {
	BackupId     *string `json:"BackupId,omitempty" xml:"BackupId,omitempty"`
	BackupMode   *string `json:"BackupMode,omitempty" xml:"BackupMode,omitempty"`
	BackupRegion *string `json:"BackupRegion,omitempty" xml:"BackupRegion,omitempty"`
	BackupStatus *string `json:"BackupStatus,omitempty" xml:"BackupStatus,omitempty"`
	DBClusterId  *string `json:"DBClusterId,omitempty" xml:"DBClusterId,omitempty"`
	EndTime      *string `json:"EndTime,omitempty" xml:"EndTime,omitempty"`
	PageNumber   *int32  `json:"PageNumber,omitempty" xml:"PageNumber,omitempty"`
	PageSize     *int32  `json:"PageSize,omitempty" xml:"PageSize,omitempty"`
	StartTime    *string `json:"StartTime,omitempty" xml:"StartTime,omitempty"`
}

type DescribeBackupsResponse = Response[DescribeBackupsResponseBody]

type DescribeBackupsResponseBody struct {
	Items *DescribeBackupsResponseBodyItems

	PageNumber, PageRecordCount, RequestId, TotalLevel2BackupSize, TotalRecordCount *string
}

type DescribeBackupsResponseBodyItems struct {
	Backup []*DescribeBackupsResponseBodyItemsBackup
}

type DescribeBackupsResponseBodyItemsBackup struct {
	BackupEndTime, BackupId, BackupMethod, BackupMode, BackupSetSize, BackupStartTime, BackupStatus,
	BackupType, BackupsLevel, Comment, ConsistentTime, DBClusterId, ExpectExpireTime,
	ExpectExpireType, IsAvail, TableRestoreMetaStatus *string
}

// describeBackups makes one DescribeBackups call, for one page: see
// DescribeAllBackups for them all.
func (c *Client) describeBackups(ctx context.Context, request *DescribeBackupsRequest) (*DescribeBackupsResponse, error) {
	return call[DescribeBackupsResponseBody](ctx, c, "DescribeBackups", request, nil)
}
