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
	AdvancedDataPolicies                         *DescribeBackupPolicyResponseBodyAdvancedDataPolicies `json:"AdvancedDataPolicies,omitempty" xml:"AdvancedDataPolicies,omitempty" type:"Struct"`
	AdvancedPolicyOption                         *string                                               `json:"AdvancedPolicyOption,omitempty" xml:"AdvancedPolicyOption,omitempty"`
	BackupFrequency                              *string                                               `json:"BackupFrequency,omitempty" xml:"BackupFrequency,omitempty"`
	BackupPolicyLevel                            *string                                               `json:"BackupPolicyLevel,omitempty" xml:"BackupPolicyLevel,omitempty"`
	BackupRetentionPolicyOnClusterDeletion       *string                                               `json:"BackupRetentionPolicyOnClusterDeletion,omitempty" xml:"BackupRetentionPolicyOnClusterDeletion,omitempty"`
	DataLevel1BackupFrequency                    *string                                               `json:"DataLevel1BackupFrequency,omitempty" xml:"DataLevel1BackupFrequency,omitempty"`
	DataLevel1BackupPeriod                       *string                                               `json:"DataLevel1BackupPeriod,omitempty" xml:"DataLevel1BackupPeriod,omitempty"`
	DataLevel1BackupRetentionPeriod              *string                                               `json:"DataLevel1BackupRetentionPeriod,omitempty" xml:"DataLevel1BackupRetentionPeriod,omitempty"`
	DataLevel1BackupTime                         *string                                               `json:"DataLevel1BackupTime,omitempty" xml:"DataLevel1BackupTime,omitempty"`
	DataLevel2BackupAnotherRegionRegion          *string                                               `json:"DataLevel2BackupAnotherRegionRegion,omitempty" xml:"DataLevel2BackupAnotherRegionRegion,omitempty"`
	DataLevel2BackupAnotherRegionRetentionPeriod *string                                               `json:"DataLevel2BackupAnotherRegionRetentionPeriod,omitempty" xml:"DataLevel2BackupAnotherRegionRetentionPeriod,omitempty"`
	DataLevel2BackupPeriod                       *string                                               `json:"DataLevel2BackupPeriod,omitempty" xml:"DataLevel2BackupPeriod,omitempty"`
	DataLevel2BackupRetentionPeriod              *string                                               `json:"DataLevel2BackupRetentionPeriod,omitempty" xml:"DataLevel2BackupRetentionPeriod,omitempty"`
	PreferredBackupPeriod                        *string                                               `json:"PreferredBackupPeriod,omitempty" xml:"PreferredBackupPeriod,omitempty"`
	PreferredBackupTime                          *string                                               `json:"PreferredBackupTime,omitempty" xml:"PreferredBackupTime,omitempty"`
	PreferredNextBackupTime                      *string                                               `json:"PreferredNextBackupTime,omitempty" xml:"PreferredNextBackupTime,omitempty"`
	RequestId                                    *string                                               `json:"RequestId,omitempty" xml:"RequestId,omitempty"`
}

type DescribeBackupPolicyResponseBodyAdvancedDataPolicies struct {
	AdvancedDataPolicy []*DescribeBackupPolicyResponseBodyAdvancedDataPoliciesAdvancedDataPolicy `json:"AdvancedDataPolicy,omitempty" xml:"AdvancedDataPolicy,omitempty" type:"Repeated"`
}

type DescribeBackupPolicyResponseBodyAdvancedDataPoliciesAdvancedDataPolicy struct {
	AutoCreated             *bool   `json:"AutoCreated,omitempty" xml:"AutoCreated,omitempty"`
	BakType                 *string `json:"BakType,omitempty" xml:"BakType,omitempty"`
	DestRegion              *string `json:"DestRegion,omitempty" xml:"DestRegion,omitempty"`
	DestType                *string `json:"DestType,omitempty" xml:"DestType,omitempty"`
	DumpAction              *string `json:"DumpAction,omitempty" xml:"DumpAction,omitempty"`
	FilterKey               *string `json:"FilterKey,omitempty" xml:"FilterKey,omitempty"`
	FilterType              *string `json:"FilterType,omitempty" xml:"FilterType,omitempty"`
	FilterValue             *string `json:"FilterValue,omitempty" xml:"FilterValue,omitempty"`
	OnlyPreserveOneEachDay  *bool   `json:"OnlyPreserveOneEachDay,omitempty" xml:"OnlyPreserveOneEachDay,omitempty"`
	OnlyPreserveOneEachHour *bool   `json:"OnlyPreserveOneEachHour,omitempty" xml:"OnlyPreserveOneEachHour,omitempty"`
	PolicyId                *string `json:"PolicyId,omitempty" xml:"PolicyId,omitempty"`
	RetentionType           *string `json:"RetentionType,omitempty" xml:"RetentionType,omitempty"`
	RetentionValue          *string `json:"RetentionValue,omitempty" xml:"RetentionValue,omitempty"`
	SrcRegion               *string `json:"SrcRegion,omitempty" xml:"SrcRegion,omitempty"`
	SrcType                 *string `json:"SrcType,omitempty" xml:"SrcType,omitempty"`
	StorageClass            *string `json:"StorageClass,omitempty" xml:"StorageClass,omitempty"`
}

// GetRequestId is the answer's RequestId, as the SDK's getter is.
func (s *DescribeBackupPolicyResponseBody) GetRequestId() *string { return s.RequestId }

// DescribeBackupPolicy tells a cluster's data backup policy: retention,
// frequency, the next automatic backup, and what is kept when the cluster
// is deleted. Identical requests in flight share one call (read).
func (c *Client) DescribeBackupPolicy(ctx context.Context, request *DescribeBackupPolicyRequest) (*DescribeBackupPolicyResponse, error) {
	return read[DescribeBackupPolicyResponseBody](ctx, c, "DescribeBackupPolicy", request)
}
