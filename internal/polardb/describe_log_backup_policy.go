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
	EnableBackupLog, LogBackupRetentionPeriod *int32

	LogBackupAnotherRegionRegion, LogBackupAnotherRegionRetentionPeriod, RequestId *string
}

// GetRequestId is the answer's RequestId, as the SDK's getter is.
func (s *DescribeLogBackupPolicyResponseBody) GetRequestId() *string { return s.RequestId }

// DescribeLogBackupPolicy tells a cluster's log backup policy: whether
// log backup is on and how long logs are kept. Identical requests in
// flight share one call (read).
func (c *Client) DescribeLogBackupPolicy(ctx context.Context, request *DescribeLogBackupPolicyRequest) (*DescribeLogBackupPolicyResponse, error) {
	return read[DescribeLogBackupPolicyResponseBody](ctx, c, "DescribeLogBackupPolicy", request)
}
