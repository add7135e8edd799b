package polardb

// This file stands in for the generated SDK github.com/alibabacloud-go/polardb-20170801,
// which the module proxy here refuses, with the files of its operations
// (create_backup.go, describe_backup_tasks.go, describe_backups.go; see
// operation.go): the same request and response types, named as the SDK names
// them, and the same CallApi parameters. Swapping the SDK in replaces this file
// and the operations' types.

import (
	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
)

// Response is the decoded answer of an operation whose body is B, as the
// SDK's response type of the operation is (DescribeBackupsResponse, ...).
// (Theirs also carry the HTTP headers and status, which nothing here reads.)
type Response[B any] struct {
	Body *B `json:"body,omitempty" xml:"body,omitempty"`
}

type apiClient = openapi.Client

func newAPIClient(config *openapiutil.Config) (*apiClient, error) {
	return openapi.NewClient(config)
}

// RPCParams describe a call of the PolarDB API's operation action as the
// generated SDK describes each of its operations: RPC style, a signed form
// POST answered with JSON. The client's protocol overrides this one.
func RPCParams(action string) *openapiutil.Params {
	return &openapiutil.Params{
		Action:      dara.String(action),
		Version:     dara.String("2017-08-01"),
		Protocol:    dara.String("HTTPS"),
		Pathname:    dara.String("/"),
		Method:      dara.String("POST"),
		AuthType:    dara.String("AK"),
		Style:       dara.String("RPC"),
		ReqBodyType: dara.String("formData"),
		BodyType:    dara.String("json"),
	}
}
