package polardb

import "context"

// DescribeBackupPolicyRequest is the request of DescribeBackupPolicy. Nil
// fields are not sent.
type DescribeBackupPolicyRequest struct {
	DBClusterId *string `json:"DBClusterId,omitempty" xml:"DBClusterId,omitempty"`
}

type DescribeBackupPolicyResponse = Response[DescribeBackupPolicyResponseBody]

// DescribeBackupPolicyResponseBody has every number as a string, as the
// SDK types them and the API sends them.
type DescribeBackupPolicyResponseBody struct {
	AdvancedPolicyOption, BackupFrequency, BackupPolicyLevel, BackupRetentionPolicyOnClusterDeletion,
	DataLevel1BackupFrequency, DataLevel1BackupPeriod, DataLevel1BackupRetentionPeriod,
	DataLevel1BackupTime, DataLevel2BackupAnotherRegionRegion,
	DataLevel2BackupAnotherRegionRetentionPeriod, DataLevel2BackupPeriod,
	DataLevel2BackupRetentionPeriod, PreferredBackupPeriod, PreferredBackupTime,
	PreferredNextBackupTime, RequestId *string
}

// GetRequestId is the answer's RequestId, as the SDK's getter is.
func (s *DescribeBackupPolicyResponseBody) GetRequestId() *string { return s.RequestId }

// DescribeBackupPolicy tells a cluster's data backup policy: retention,
// frequency, the next automatic backup, and what is kept when the cluster
// is deleted. Identical requests in flight share one call (read).
func (c *Client) DescribeBackupPolicy(ctx context.Context, request *DescribeBackupPolicyRequest) (*DescribeBackupPolicyResponse, error) {
	return read[DescribeBackupPolicyResponseBody](ctx, c, "DescribeBackupPolicy", request)
}
