package polardb

import "context"

// DescribeLocalAvailableRecoveryTimeRequest is the request of
// DescribeLocalAvailableRecoveryTime. Nil fields are not sent.
type DescribeLocalAvailableRecoveryTimeRequest struct {
	DBClusterId *string `json:"DBClusterId,omitempty" xml:"DBClusterId,omitempty"`
}

type DescribeLocalAvailableRecoveryTimeResponse = Response[DescribeLocalAvailableRecoveryTimeResponseBody]

type DescribeLocalAvailableRecoveryTimeResponseBody struct {
	DBClusterId, RecoveryBeginTime, RecoveryEndTime, RequestId *string
}

// GetRequestId is the answer's RequestId, as the SDK's getter is.
func (s *DescribeLocalAvailableRecoveryTimeResponseBody) GetRequestId() *string { return s.RequestId }

// DescribeLocalAvailableRecoveryTime tells the window a point-in-time
// restore of a cluster can reach, from its level-1 backups and the logs
// after them. Identical requests in flight share one call (read).
func (c *Client) DescribeLocalAvailableRecoveryTime(ctx context.Context, request *DescribeLocalAvailableRecoveryTimeRequest) (*DescribeLocalAvailableRecoveryTimeResponse, error) {
	return read[DescribeLocalAvailableRecoveryTimeResponseBody](ctx, c, "DescribeLocalAvailableRecoveryTime", request)
}
