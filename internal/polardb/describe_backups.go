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
	Items                 *DescribeBackupsResponseBodyItems `json:"Items,omitempty" xml:"Items,omitempty" type:"Struct"`
	PageNumber            *string                           `json:"PageNumber,omitempty" xml:"PageNumber,omitempty"`
	PageRecordCount       *string                           `json:"PageRecordCount,omitempty" xml:"PageRecordCount,omitempty"`
	RequestId             *string                           `json:"RequestId,omitempty" xml:"RequestId,omitempty"`
	TotalLevel2BackupSize *string                           `json:"TotalLevel2BackupSize,omitempty" xml:"TotalLevel2BackupSize,omitempty"`
	TotalRecordCount      *string                           `json:"TotalRecordCount,omitempty" xml:"TotalRecordCount,omitempty"`
}

type DescribeBackupsResponseBodyItems struct {
	Backup []*DescribeBackupsResponseBodyItemsBackup `json:"Backup,omitempty" xml:"Backup,omitempty" type:"Repeated"`
}

type DescribeBackupsResponseBodyItemsBackup struct {
	BackupEndTime          *string `json:"BackupEndTime,omitempty" xml:"BackupEndTime,omitempty"`
	BackupId               *string `json:"BackupId,omitempty" xml:"BackupId,omitempty"`
	BackupMethod           *string `json:"BackupMethod,omitempty" xml:"BackupMethod,omitempty"`
	BackupMode             *string `json:"BackupMode,omitempty" xml:"BackupMode,omitempty"`
	BackupSetSize          *string `json:"BackupSetSize,omitempty" xml:"BackupSetSize,omitempty"`
	BackupStartTime        *string `json:"BackupStartTime,omitempty" xml:"BackupStartTime,omitempty"`
	BackupStatus           *string `json:"BackupStatus,omitempty" xml:"BackupStatus,omitempty"`
	BackupType             *string `json:"BackupType,omitempty" xml:"BackupType,omitempty"`
	BackupsLevel           *string `json:"BackupsLevel,omitempty" xml:"BackupsLevel,omitempty"`
	Comment                *string `json:"Comment,omitempty" xml:"Comment,omitempty"`
	ConsistentTime         *string `json:"ConsistentTime,omitempty" xml:"ConsistentTime,omitempty"`
	DBClusterId            *string `json:"DBClusterId,omitempty" xml:"DBClusterId,omitempty"`
	ExpectExpireTime       *string `json:"ExpectExpireTime,omitempty" xml:"ExpectExpireTime,omitempty"`
	ExpectExpireType       *string `json:"ExpectExpireType,omitempty" xml:"ExpectExpireType,omitempty"`
	IsAvail                *string `json:"IsAvail,omitempty" xml:"IsAvail,omitempty"`
	TableRestoreMetaStatus *string `json:"TableRestoreMetaStatus,omitempty" xml:"TableRestoreMetaStatus,omitempty"`
}

// describeBackups makes one DescribeBackups call, for one page: see
// DescribeAllBackups for them all.
func (c *Client) describeBackups(ctx context.Context, request *DescribeBackupsRequest) (*DescribeBackupsResponse, error) {
	return call[DescribeBackupsResponseBody](ctx, c, "DescribeBackups", request)
}
