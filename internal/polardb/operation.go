package polardb

import (
	"context"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
)

// An operation of the API is one file: its request type and its response
// types, named as the generated SDK names them, and a method of Client that
// makes the call, through read when the operation only reads, so that
// identical reads in flight share one call, else through call:
//
//	func (c *Client) DescribeBackupPolicy(ctx context.Context, request *DescribeBackupPolicyRequest) (*DescribeBackupPolicyResponse, error) {
//		return read[DescribeBackupPolicyResponseBody](ctx, c, "DescribeBackupPolicy", request)
//	}
//
// The request's fields that are set are the call's parameters, by their
// JSON names, tagged as the SDK tags them (openapiutil.Query; nil fields are
// not sent). The answer is decoded into the response's Body
// (decodeAnswer), whose fields are the answer's keys: the SDK's tags would
// repeat each name, so the fields go untagged, those of a type together.

// read makes the call of the operation action for request, as call does,
// sharing it with identical reads in flight (shared): module instances
// that read the same cluster with the same filters, say. The answer is
// shared too, and must not be changed. ctx bounds the caller's wait: when
// it ends, the caller gets a NetworkError wrapping ctx.Err(), or, when no
// other caller waits for the call, the call's own error, which also tells
// its attempts.
func read[B any](ctx context.Context, c *Client, action string, request any) (*Response[B], error) {
	query := openapiutil.Query(request)
	return shared(ctx, c, sharedKey(action, query), func(ctx context.Context) (*Response[B], error) {
		return invoke[B](ctx, c, action, query, nil)
	})
}

// call makes one call of the operation action for request, B being the
// body of the operation's response; needed, when not nil, is asked before
// each retry whether it is still needed (Client.call).
func call[B any](ctx context.Context, c *Client, action string, request any, needed func(context.Context, error) bool) (*Response[B], error) {
	return invoke[B](ctx, c, action, openapiutil.Query(request), needed)
}

// invoke makes one call of the operation action with the parameters query,
// through Client.call (the retry policy, the shared limiter), and returns
// its answer, decoded afresh at each attempt into a new B (rawAnswer.decode).
// ctx bounds the whole call: cancelling it aborts the HTTP exchange.
func invoke[B any](ctx context.Context, c *Client, action string, query map[string]*string, needed func(context.Context, error) bool) (*Response[B], error) {
	params := RPCParams(action)
	req := &openapiutil.OpenApiRequest{Query: query}
	var body *B
	err := c.call(ctx, func(ctx context.Context) error {
		// The runtime's client writes to itself on every call (GetRpcHeaders
		// clears Client.Headers), so concurrent reads each use a shallow copy.
		api := *c.api
		ctx, raw := withRawAnswer(ctx)
		if _, err := api.CallApiWithCtx(ctx, params, req, c.runtime); err != nil {
			return err
		}
		// The transport kept the answer, decoded here once (see rawAnswer).
		body = new(B)
		return raw.decode(body, action)
	}, needed)
	if err != nil {
		return nil, err
	}
	return &Response[B]{Body: body}, nil
}
