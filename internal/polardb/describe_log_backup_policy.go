package polardb

import "context"

// DescribeLogBackupPolicyRequest is the request of DescribeLogBackupPolicy.
// Nil fields are not sent.
type DescribeLogBackupPolicyRequest struct {
	DBClusterId *string `json:"DBClusterId,omitempty" xml:"DBClusterId,omitempty"`
}

type DescribeLogBackupPolicyResponse = Response[DescribeLogBackupPolicyResponseBody]

// DescribeLogBackupPolicyResponseBody mixes types as the SDK does: two
// numbers are integers, the cross-region period a string. The decoder
// takes either kind for both (decodeAnswer).
type DescribeLogBackupPolicyResponseBody struct {
	AdvancedLogPolicies                   *DescribeLogBackupPolicyResponseBodyAdvancedLogPolicies `json:"AdvancedLogPolicies,omitempty" xml:"AdvancedLogPolicies,omitempty" type:"Struct"`
	EnableBackupLog                       *int32                                                  `json:"EnableBackupLog,omitempty" xml:"EnableBackupLog,omitempty"`
	LogBackupAnotherRegionRegion          *string                                                 `json:"LogBackupAnotherRegionRegion,omitempty" xml:"LogBackupAnotherRegionRegion,omitempty"`
	LogBackupAnotherRegionRetentionPeriod *string                                                 `json:"LogBackupAnotherRegionRetentionPeriod,omitempty" xml:"LogBackupAnotherRegionRetentionPeriod,omitempty"`
	LogBackupRetentionPeriod              *int32                                                  `json:"LogBackupRetentionPeriod,omitempty" xml:"LogBackupRetentionPeriod,omitempty"`
	RequestId                             *string                                                 `json:"RequestId,omitempty" xml:"RequestId,omitempty"`
}

type DescribeLogBackupPolicyResponseBodyAdvancedLogPolicies struct {
	AdvancedLogPolicy []*DescribeLogBackupPolicyResponseBodyAdvancedLogPoliciesAdvancedLogPolicy `json:"AdvancedLogPolicy,omitempty" xml:"AdvancedLogPolicy,omitempty" type:"Repeated"`
}

type DescribeLogBackupPolicyResponseBodyAdvancedLogPoliciesAdvancedLogPolicy struct {
	DestRegion        *string `json:"DestRegion,omitempty" xml:"DestRegion,omitempty"`
	DestType          *string `json:"DestType,omitempty" xml:"DestType,omitempty"`
	EnableLogBackup   *int32  `json:"EnableLogBackup,omitempty" xml:"EnableLogBackup,omitempty"`
	LogRetentionType  *string `json:"LogRetentionType,omitempty" xml:"LogRetentionType,omitempty"`
	LogRetentionValue *string `json:"LogRetentionValue,omitempty" xml:"LogRetentionValue,omitempty"`
	PolicyId          *string `json:"PolicyId,omitempty" xml:"PolicyId,omitempty"`
	SrcRegion         *string `json:"SrcRegion,omitempty" xml:"SrcRegion,omitempty"`
	SrcType           *string `json:"SrcType,omitempty" xml:"SrcType,omitempty"`
}

// GetRequestId is the answer's RequestId, as the SDK's getter is.
func (s *DescribeLogBackupPolicyResponseBody) GetRequestId() *string { return s.RequestId }

// DescribeLogBackupPolicy tells a cluster's log backup policy: whether
// log backup is on and how long logs are kept. Identical requests in
// flight share one call (read).
func (c *Client) DescribeLogBackupPolicy(ctx context.Context, request *DescribeLogBackupPolicyRequest) (*DescribeLogBackupPolicyResponse, error) {
	return read[DescribeLogBackupPolicyResponseBody](ctx, c, "DescribeLogBackupPolicy", request)
}
