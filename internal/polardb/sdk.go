package polardb

// This file stands in for the generated SDK github.com/alibabacloud-go/polardb-20170801,
// which the module proxy here refuses: the same request and response types and
// the same CallApi parameters. Swapping the SDK in replaces this file only.

import (
	"context"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
)

type apiClient = openapi.Client

func newAPIClient(config *openapiutil.Config) (*apiClient, error) {
	return openapi.NewClient(config)
}

// DescribeBackupTasksRequest is the request of DescribeBackupTasks. Nil
// fields are not sent.
type DescribeBackupTasksRequest struct {
	BackupJobId *string `json:"BackupJobId,omitempty" xml:"BackupJobId,omitempty"`
	BackupMode  *string `json:"BackupMode,omitempty" xml:"BackupMode,omitempty"`
	DBClusterId *string `json:"DBClusterId,omitempty" xml:"DBClusterId,omitempty"`
}

// DescribeBackupTasksResponse is the decoded answer. (The generated SDK's
// also carries the HTTP headers and status, which nothing here reads.)
type DescribeBackupTasksResponse struct {
	Body *DescribeBackupTasksResponseBody `json:"body,omitempty" xml:"body,omitempty"`
}

type DescribeBackupTasksResponseBody struct {
	Items     *DescribeBackupTasksResponseBodyItems `json:"Items,omitempty" xml:"Items,omitempty" type:"Struct"`
	RequestId *string                               `json:"RequestId,omitempty" xml:"RequestId,omitempty"`
}

type DescribeBackupTasksResponseBodyItems struct {
	BackupJob []*DescribeBackupTasksResponseBodyItemsBackupJob `json:"BackupJob,omitempty" xml:"BackupJob,omitempty" type:"Repeated"`
}

type DescribeBackupTasksResponseBodyItemsBackupJob struct {
	BackupJobId          *string `json:"BackupJobId,omitempty" xml:"BackupJobId,omitempty"`
	BackupProgressStatus *string `json:"BackupProgressStatus,omitempty" xml:"BackupProgressStatus,omitempty"`
	JobMode              *string `json:"JobMode,omitempty" xml:"JobMode,omitempty"`
	Process              *string `json:"Process,omitempty" xml:"Process,omitempty"`
	StartTime            *string `json:"StartTime,omitempty" xml:"StartTime,omitempty"`
	TaskAction           *string `json:"TaskAction,omitempty" xml:"TaskAction,omitempty"`
}

// describeBackupTasks makes the DescribeBackupTasks call, with the client's
// retries (Client.call). ctx bounds the whole call: cancelling it aborts
// the HTTP exchange.
func (c *Client) describeBackupTasks(ctx context.Context, request *DescribeBackupTasksRequest) (*DescribeBackupTasksResponse, error) {
	query := map[string]interface{}{}
	if request.BackupJobId != nil {
		query["BackupJobId"] = request.BackupJobId
	}
	if request.BackupMode != nil {
		query["BackupMode"] = request.BackupMode
	}
	if request.DBClusterId != nil {
		query["DBClusterId"] = request.DBClusterId
	}
	req := &openapiutil.OpenApiRequest{Query: openapiutil.Query(query)}
	params := RPCParams("DescribeBackupTasks")
	response := &DescribeBackupTasksResponse{}
	err := c.call(ctx, func(ctx context.Context) error {
		// The runtime's client writes to itself on every call (GetRpcHeaders
		// clears Client.Headers), so concurrent reads each use a shallow copy.
		api := *c.api
		ctx, raw := withRawAnswer(ctx)
		if _, err := api.CallApiWithCtx(ctx, params, req, c.runtime); err != nil {
			return err
		}
		// The transport kept the answer, decoded here once (see rawAnswer).
		var answer struct {
			*DescribeBackupTasksResponseBody
			answerFault
		}
		answer.DescribeBackupTasksResponseBody = &DescribeBackupTasksResponseBody{}
		if err := raw.decode(&answer, "DescribeBackupTasks"); err != nil {
			return err
		}
		if answer.Code != "" {
			return answer.apiError(raw.status, dara.StringValue(answer.RequestId), raw.header)
		}
		response.Body = answer.DescribeBackupTasksResponseBody
		return nil
	})
	if err != nil {
		return nil, err
	}
	return response, nil
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
