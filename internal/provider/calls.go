package provider

// The provider's client as the surfaces use it: what Configure hands them,
// every call logged at DEBUG with secrets masked, retries logged, and the
// context a diagnostic of a failed call tells.

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
)

// providerData is what Configure hands to every surface.
type providerData struct {
	client *polardb.Client
	region string
	// secrets are masked in every log line written while reading.
	secrets []string
	// accessKeyID is logged masked, to tell which key was used; "" with
	// temporary credentials fetched later.
	accessKeyID string
	// credentialSource says where the credentials came from, for logs and
	// diagnostics; it holds no secret.
	credentialSource string
}

// masked is ctx with the provider's secrets masked in every log line.
func (p *providerData) masked(ctx context.Context) context.Context {
	ctx = tflog.MaskMessageStrings(ctx, p.secrets...)
	return tflog.MaskAllFieldValuesStrings(ctx, p.secrets...)
}

// readContext is what a diagnostic of a failed call of action may tell;
// doing is what failed, as its title begins.
func (p *providerData) readContext(action, doing, clusterID string, readTimeout time.Duration) readContext {
	return readContext{
		action: action, doing: doing, clusterID: clusterID, endpoint: p.client.Endpoint(), region: p.region,
		accessKeyID: p.accessKeyID, credentials: p.credentialSource, readTimeout: readTimeout,
		timeoutSetting: dataSourceTimeoutSetting,
	}
}

// maskAccessKeyID keeps enough of an AccessKey ID to tell keys apart.
func maskAccessKeyID(id string) string {
	if len(id) < 12 {
		return "****"
	}
	return id[:4] + "****" + id[len(id)-4:]
}

// logCall logs a call of the API operation action at DEBUG, with where it
// went, with which credentials (the key masked), how long it took, and
// fields: what was asked and answered. It runs in the read's context,
// where secrets are masked.
func (p *providerData) logCall(ctx context.Context, action string, started time.Time, fields map[string]any, err error) {
	ctx = ownFields(ctx, "action", action)
	fields["endpoint"] = p.client.Endpoint()
	fields["access_key_id"] = maskAccessKeyID(p.accessKeyID)
	fields["credentials"] = p.credentialSource
	fields["duration_ms"] = time.Since(started).Milliseconds()
	if err != nil {
		fields["error"] = err.Error()
		tflog.Debug(ctx, "PolarDB API call failed", fields)
		return
	}
	tflog.Debug(ctx, "PolarDB API call", fields)
}

// logRetry logs each retry at DEBUG, in the call's context, where secrets
// are masked.
func logRetry(ctx context.Context, r polardb.Retry) {
	fields := map[string]any{"error": r.Err.Error(), "delay_ms": r.Delay.Milliseconds()}
	var apiErr *polardb.APIError
	if errors.As(r.Err, &apiErr) {
		fields["code"] = apiErr.Code
		fields["request_id"] = apiErr.RequestID
	}
	tflog.Debug(ownFields(ctx, "attempt", r.Attempt), "PolarDB API call retried", fields)
}

// ownFields is ctx with key set on its logger, which gives the logger a
// copy of its fields of its own. terraform-plugin-log masks the secrets in
// a logger's fields in place (LoggerOpts.ApplyMask), so calls that log at
// the same time from one context, such as those run together or the pages
// of one read, would write to the same map.
func ownFields(ctx context.Context, key string, value any) context.Context {
	return tflog.SetField(ctx, key, value)
}

// logged makes one call of the API operation for request through method
// (a method of the client, such as DescribeBackupPolicy), logged
// (logCall), and returns its answer's body. An error is a *failedCall,
// which names the operation.
func logged[R any, B any, PB interface {
	*B
	GetRequestId() *string
}](ctx context.Context, p *providerData, operation, clusterID string,
	method func(context.Context, *R) (*polardb.Response[B], error), request *R) (*B, error) {
	started := time.Now()
	response, err := method(ctx, request)
	fields := map[string]any{"cluster_id": clusterID}
	if err != nil {
		p.logCall(ctx, operation, started, fields, err)
		return nil, &failedCall{operation: operation, err: err}
	}
	fields["request_id"] = deref(PB(response.Body).GetRequestId())
	p.logCall(ctx, operation, started, fields, nil)
	return response.Body, nil
}

// failedCall is a call of an API operation that failed.
type failedCall struct {
	operation string
	err       error
}

func (e *failedCall) Error() string { return e.operation + ": " + e.err.Error() }
func (e *failedCall) Unwrap() error { return e.err }

// together runs calls that do not depend on each other at the same time,
// each in a context that ends when the first of them fails, and returns
// that first error: what the others then return, cancelled, only repeats
// it.
func together(ctx context.Context, calls ...func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for _, call := range calls {
		wg.Go(func() {
			if err := call(ctx); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		})
	}
	wg.Wait()
	return first
}
