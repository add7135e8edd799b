package polardb

import (
	"context"
	"crypto/rand"
	"errors"

	"github.com/alibabacloud-go/tea/dara"
)

// CreateBackupRequest is the request of CreateBackup. Nil fields are not
// sent.
type CreateBackupRequest struct {
	ClientToken *string `json:"ClientToken,omitempty" xml:"ClientToken,omitempty"`
	DBClusterId *string `json:"DBClusterId,omitempty" xml:"DBClusterId,omitempty"`
}

type CreateBackupResponse = Response[CreateBackupResponseBody]

type CreateBackupResponseBody struct {
	BackupJobId, RequestId *string
}

// CreateBackup starts a manual backup of a cluster. It is a write: unlike
// the reads it is never shared with another caller, and it needs a
// ClientToken (NewClientToken), which every retry of the call sends again,
// so that an attempt the service acted on but whose answer was lost (a
// dropped connection, a 5xx from a gateway after the service) does not
// start a second backup. The caller makes the token once per backup it
// wants and may call again with it: the service answers with the same job.
func (c *Client) CreateBackup(ctx context.Context, request *CreateBackupRequest) (*CreateBackupResponse, error) {
	if dara.StringValue(request.ClientToken) == "" {
		return nil, errors.New("polardb: CreateBackup needs a ClientToken, so that a retry cannot start a second backup")
	}
	return call[CreateBackupResponseBody](ctx, c, "CreateBackup", request, nil) // the ClientToken makes a retry safe
}

// NewClientToken is a fresh idempotency token for one CreateBackup: "tf-"
// and 26 base32 characters (128 random bits), within the API's 64 ASCII
// characters.
func NewClientToken() string {
	return "tf-" + rand.Text()
}
