package polardb

import (
	"context"
	"errors"
)

// CodeBackupNotFound is the API's code for a backup set ID the cluster
// does not have: unknown, or already deleted.
const CodeBackupNotFound = "InvalidBackupSetID.NotFound"

// BackupGone reports whether err says the backup set is deleted already:
// the API's CodeBackupNotFound, or ErrDoneBeforeRetry, after any retries.
func BackupGone(err error) bool {
	var apiErr *APIError
	return errors.Is(err, ErrDoneBeforeRetry) || (errors.As(err, &apiErr) && apiErr.Code == CodeBackupNotFound)
}

// DeleteBackupRequest is the request of DeleteBackup. Nil fields are not
// sent.
type DeleteBackupRequest struct {
	// BackupId is one backup set ID, or several joined by commas, as
	// DescribeBackups gives them.
	BackupId    *string `json:"BackupId,omitempty" xml:"BackupId,omitempty"`
	DBClusterId *string `json:"DBClusterId,omitempty" xml:"DBClusterId,omitempty"`
}

type DeleteBackupResponse = Response[DeleteBackupResponseBody]

// DeleteBackupResponseBody is all the answer holds: nothing says when the
// deletion is done, which only DescribeBackups no longer listing the
// backup tells.
type DeleteBackupResponseBody struct {
	RequestId *string
}

// GetRequestId is the answer's RequestId, as the SDK's getter is.
func (s *DeleteBackupResponseBody) GetRequestId() *string { return s.RequestId }

// DeleteBackup deletes manual backup sets of a cluster. It is a write,
// never shared with another caller. The API takes no ClientToken: a retry
// of an attempt the service acted on but whose answer was lost (a dropped
// connection, a 5xx from a gateway after the service) finds the backup
// gone and is answered CodeBackupNotFound, which a caller deleting one
// backup counts as done (BackupGone). DeleteBackupUnlessGone reads before
// each retry.
func (c *Client) DeleteBackup(ctx context.Context, request *DeleteBackupRequest) (*DeleteBackupResponse, error) {
	return c.DeleteBackupUnlessGone(ctx, request, nil)
}

// DeleteBackupUnlessGone is DeleteBackup that asks needed, before each
// retry, with the failed attempt's error, whether the backup is still to
// be deleted: when it is not, an attempt whose answer was lost deleted it,
// and the call ends with ErrDoneBeforeRetry instead of being sent again.
func (c *Client) DeleteBackupUnlessGone(ctx context.Context, request *DeleteBackupRequest, needed func(context.Context, error) bool) (*DeleteBackupResponse, error) {
	return call[DeleteBackupResponseBody](ctx, c, "DeleteBackup", request, needed)
}
