package polardb

import (
	"context"
	"reflect"
	"sync"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
)

// An operation of the API is one file: its request type and its response
// types, named and tagged as the generated SDK names them, and a method of
// Client that makes the call, through read when the operation only reads,
// so that identical reads in flight share one call, else through call:
//
//	func (c *Client) DescribeBackupPolicy(ctx context.Context, request *DescribeBackupPolicyRequest) (*DescribeBackupPolicyResponse, error) {
//		return read[DescribeBackupPolicyResponse](ctx, c, "DescribeBackupPolicy", request)
//	}
//
// The request's fields that are set are the call's parameters, by their
// JSON names, as the SDK sends them (openapiutil.Query; nil fields are not
// sent), and the answer is decoded into the response's Body (decodeAnswer).

// read makes the call of the operation action for request, as call does,
// sharing it with identical reads in flight (shared): module instances
// that read the same cluster with the same filters, say. The answer is
// shared too, and must not be changed. ctx bounds the caller's wait: when
// it ends, the caller gets a NetworkError wrapping ctx.Err(), or, when no
// other caller waits for the call, the call's own error, which also tells
// its attempts.
func read[R any](ctx context.Context, c *Client, action string, request any) (*R, error) {
	query := openapiutil.Query(request)
	return shared(ctx, c, sharedKey(action, query), func(ctx context.Context) (*R, error) {
		return invoke[R](ctx, c, action, query)
	})
}

// call makes one call of the operation action for request, R being the
// operation's response type.
func call[R any](ctx context.Context, c *Client, action string, request any) (*R, error) {
	return invoke[R](ctx, c, action, openapiutil.Query(request))
}

// invoke makes one call of the operation action with the parameters query,
// through Client.call (the retry policy, the shared limiter), and returns
// its answer, decoded afresh at each attempt (answerType), as a new R. ctx
// bounds the whole call: cancelling it aborts the HTTP exchange.
func invoke[R any](ctx context.Context, c *Client, action string, query map[string]*string) (*R, error) {
	params := RPCParams(action)
	req := &openapiutil.OpenApiRequest{Query: query}
	decoding := answerTypeOf[R]()
	var answer rpcAnswer
	err := c.call(ctx, func(ctx context.Context) error {
		// The runtime's client writes to itself on every call (GetRpcHeaders
		// clears Client.Headers), so concurrent reads each use a shallow copy.
		api := *c.api
		ctx, raw := withRawAnswer(ctx)
		if _, err := api.CallApiWithCtx(ctx, params, req, c.runtime); err != nil {
			return err
		}
		// The transport kept the answer, decoded here once (see rawAnswer).
		answer = decoding.new()
		err := raw.decode(answer, action)
		// A Code makes the answer an error, whatever the rest looks like.
		if f := answer.fault(); f.Code != "" {
			return f.apiError(raw.status, answer.requestID(), raw.header)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return answer.response().Interface().(*R), nil //nolint:forcetypeassert // answerTypeOf[R] makes an R
}

// answerType is what the answers of an operation decode into: a struct of
// the fields of its response's Body, then those of answerFault, since a 2xx
// answer with a Code is an error too. It is the struct that would embed
// both, which Go cannot write for a type parameter, and it is decoded alike.
type answerType struct {
	response   reflect.Type // R, the operation's response type
	body       int          // the index of R's Body, a pointer to the body type
	decoded    reflect.Type // the body's fields, then answerFault's
	bodyFields int          // how many of decoded's fields are the body's
	requestID  int          // the index of the body's RequestId; -1 if none
}

var answerTypes sync.Map // reflect.Type of a response → *answerType

// answerTypeOf is the answerType of the response type R, made once.
func answerTypeOf[R any]() *answerType {
	response := reflect.TypeFor[R]()
	if t, ok := answerTypes.Load(response); ok {
		return t.(*answerType) //nolint:forcetypeassert // only answerTypeOf stores, always an *answerType
	}
	bodyField, _ := response.FieldByName("Body")
	body := bodyField.Type.Elem()
	t := &answerType{response: response, body: bodyField.Index[0], bodyFields: body.NumField(), requestID: -1}
	fields := make([]reflect.StructField, 0, body.NumField()+4)
	for i := range body.NumField() {
		fields = append(fields, body.Field(i))
		if body.Field(i).Name == "RequestId" {
			t.requestID = i
		}
	}
	fault := reflect.TypeFor[answerFault]()
	for i := range fault.NumField() {
		f := fault.Field(i)
		// Renamed: the body may have a field of the name. The JSON names
		// are kept, so that such a field is decoded as when embedded.
		f.Name = "Fault" + f.Name
		fields = append(fields, f)
	}
	t.decoded = reflect.StructOf(fields)
	answerTypes.Store(response, t)
	return t
}

// rpcAnswer is an answer decoded: a pointer to a new struct of its
// answerType's decoded type.
type rpcAnswer struct {
	of      *answerType
	decoded reflect.Value
}

func (t *answerType) new() rpcAnswer { return rpcAnswer{t, reflect.New(t.decoded)} }

// requestID is the answer's RequestId, as far as it was decoded.
func (a rpcAnswer) requestID() string {
	if a.of.requestID < 0 {
		return ""
	}
	id, _ := a.decoded.Elem().Field(a.of.requestID).Interface().(*string)
	return dara.StringValue(id)
}

// fault is the answer's error fields.
func (a rpcAnswer) fault() answerFault {
	var f answerFault
	fields := reflect.ValueOf(&f).Elem()
	for i := range fields.NumField() {
		fields.Field(i).Set(a.decoded.Elem().Field(a.of.bodyFields + i))
	}
	return f
}

// response is the answer as a new response (R), its Body the answer's.
func (a rpcAnswer) response() reflect.Value {
	body := reflect.New(a.of.response.Field(a.of.body).Type.Elem())
	for i := range a.of.bodyFields {
		body.Elem().Field(i).Set(a.decoded.Elem().Field(i))
	}
	response := reflect.New(a.of.response)
	response.Elem().Field(a.of.body).Set(body)
	return response
}
