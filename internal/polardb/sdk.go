package polardb

// This file stands in for the generated SDK github.com/alibabacloud-go/polardb-20170801,
// which the module proxy here refuses, with the files of its operations
// (describe_backup_tasks.go, describe_backups.go): the same request and response
// types, named as the SDK names them, and the same CallApi parameters. Swapping
// the SDK in replaces this file and the operations' types.

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

// queryOf is the query of a call: the parameters that are set, by name.
// Nil ones are not sent.
func queryOf(params map[string]*string, numbers map[string]*int32) map[string]any {
	query := map[string]any{}
	for name, value := range params {
		if value != nil {
			query[name] = value
		}
	}
	for name, value := range numbers {
		if value != nil {
			query[name] = value
		}
	}
	return query
}

// rpcAnswer is what an operation's answer decodes into: a struct that
// embeds the SDK's body of the operation and, beside it, answerFault, since
// a 2xx answer with a Code is an error too.
type rpcAnswer interface {
	fault() *answerFault
	requestID() string
}

// invoke makes one call of the operation action with the parameters query,
// through Client.call (the retry policy, the shared limiter), and returns
// its answer, decoded into a new one of newAnswer's at each attempt. ctx
// bounds the whole call: cancelling it aborts the HTTP exchange.
func invoke[A rpcAnswer](ctx context.Context, c *Client, action string, query map[string]any, newAnswer func() A) (A, error) {
	params := RPCParams(action)
	req := &openapiutil.OpenApiRequest{Query: openapiutil.Query(query)}
	var answer A
	err := c.call(ctx, func(ctx context.Context) error {
		// The runtime's client writes to itself on every call (GetRpcHeaders
		// clears Client.Headers), so concurrent reads each use a shallow copy.
		api := *c.api
		ctx, raw := withRawAnswer(ctx)
		if _, err := api.CallApiWithCtx(ctx, params, req, c.runtime); err != nil {
			return err
		}
		// The transport kept the answer, decoded here once (see rawAnswer).
		answer = newAnswer()
		err := raw.decode(answer, action)
		// A Code makes the answer an error, whatever the rest looks like.
		if f := answer.fault(); f.Code != "" {
			return f.apiError(raw.status, answer.requestID(), raw.header)
		}
		return err
	})
	if err != nil {
		var none A
		return none, err
	}
	return answer, nil
}
