// Package polardb is a small typed client for the PolarDB API (2017-08-01)
// over Alibaba Cloud's darabonba runtime. Its request and response types
// follow the generated SDK github.com/alibabacloud-go/polardb-20170801 so
// that sdk.go alone changes when that SDK can be used.
package polardb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/credentials-go/credentials"
)

// Defaults for Config's timeouts; the runtime itself has none.
const (
	DefaultConnectTimeout = 10 * time.Second
	DefaultReadTimeout    = 30 * time.Second
)

// Config is what a Client needs. Credential comes from credentials-go, so
// every credential source (static keys, STS, roles) plugs in the same way.
type Config struct {
	Region     string
	Endpoint   string // host[:port]; when empty, the region's public endpoint (ResolveEndpoint)
	Protocol   string // "HTTPS" or "HTTP"
	Credential credentials.Credential
	UserAgent  string

	ConnectTimeout time.Duration // DefaultConnectTimeout when zero
	ReadTimeout    time.Duration // DefaultReadTimeout when zero

	// Retry is the retry policy; the zero value never retries.
	Retry RetryPolicy
	// OnRetry, when set, is told of each retry before its wait, with the
	// call's context.
	OnRetry func(context.Context, Retry)
}

// Client calls the PolarDB API. It is safe for concurrent use; build one per
// provider configuration and share it.
type Client struct {
	api      *apiClient
	runtime  *dara.RuntimeOptions
	endpoint string
	retry    RetryPolicy
	onRetry  func(context.Context, Retry)
	limiter  *limiter
	reads    sharedCalls[any] // by sharedKey
}

// NewClient builds a client; it does not contact the network.
func NewClient(cfg Config) (*Client, error) {
	if cfg.Credential == nil {
		return nil, errors.New("polardb: Config.Credential is required")
	}
	if cfg.Region == "" && cfg.Endpoint == "" {
		return nil, errors.New("polardb: a region or an endpoint is required")
	}
	endpoint, err := ResolveEndpoint(cfg.Region, cfg.Endpoint, EndpointPublic)
	if err != nil {
		return nil, fmt.Errorf("polardb: %w", err)
	}
	protocol := strings.ToUpper(cfg.Protocol)
	if protocol == "" {
		protocol = "HTTPS"
	}
	if protocol != "HTTPS" && protocol != "HTTP" {
		return nil, fmt.Errorf("polardb: protocol %q is neither HTTPS nor HTTP", cfg.Protocol)
	}
	connectTimeout := orDefault(cfg.ConnectTimeout, DefaultConnectTimeout)
	readTimeout := orDefault(cfg.ReadTimeout, DefaultReadTimeout)

	api, err := newAPIClient(&openapiutil.Config{
		Credential:     cfg.Credential,
		RegionId:       dara.String(cfg.Region),
		Endpoint:       dara.String(endpoint),
		Protocol:       dara.String(protocol),
		UserAgent:      dara.String(cfg.UserAgent),
		ConnectTimeout: dara.Int(int(connectTimeout.Milliseconds())),
		ReadTimeout:    dara.Int(int(readTimeout.Milliseconds())),
		HttpClient:     newHTTPClient(connectTimeout, readTimeout),
	})
	if err != nil {
		return nil, fmt.Errorf("polardb: %w", err)
	}
	// The runtime's own retries stay off (no RetryOptions): call retries.
	return &Client{
		api: api, runtime: &dara.RuntimeOptions{}, endpoint: endpoint, retry: cfg.Retry, onRetry: cfg.OnRetry,
		limiter: newLimiter(cfg.Retry.now, cfg.Retry.sleep),
	}, nil
}

// Endpoint is the API host this client calls.
func (c *Client) Endpoint() string { return c.endpoint }

// ErrDoneBeforeRetry ends a write that was not sent again because a read
// before the retry found its work done: an attempt whose answer was lost
// had acted.
var ErrDoneBeforeRetry = errors.New("polardb: not sent again: a read before the retry found it done")

// call runs one API call, retrying transient failures as the retry policy
// says, and converts any failure to APIError, ResponseError or
// NetworkError, wrapped in RetriesError after more than one attempt. ctx
// bounds everything, waits included: a retry that could not start before
// its deadline is not waited for. A cancelled or expired ctx is reported as
// a NetworkError wrapping context.Cause(ctx) (ctx.Err() unless a cause was
// given), so errors.Is(err, context.DeadlineExceeded) holds. needed, when
// not nil, is asked before each retry, with the failed attempt's error,
// whether the call is still needed: a write whose lost answer may have
// acted reads first, and when its work is done the call ends with
// ErrDoneBeforeRetry, not sent again.
func (c *Client) call(ctx context.Context, do func(context.Context) error, needed func(context.Context, error) bool) error {
	var err error
	for n := 1; ; n++ {
		if waitErr := c.limiter.wait(ctx); waitErr != nil {
			return c.stopped(ctx, waitErr, n-1, err)
		}
		sent := c.limiter.now()
		if err = do(ctx); err == nil {
			c.limiter.succeeded()
			return nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return c.stopped(ctx, ctxErr, n, err)
		}
		err = fromRuntime(err, c.endpoint)
		var apiErr *APIError
		if errors.As(err, &apiErr) && strings.HasPrefix(apiErr.Code, "Throttling") {
			c.limiter.throttled(sent)
		}
		if !Retryable(err) || n > c.retry.MaxRetries {
			return withAttempts(err, n, "")
		}
		delay := c.retry.Delay(n, err)
		if deadline, ok := ctx.Deadline(); ok && c.retry.now().Add(delay).After(deadline) {
			return withAttempts(err, n, "the next attempt would start after the read timeout")
		}
		if c.onRetry != nil {
			c.onRetry(ctx, Retry{Attempt: n, Err: err, Delay: delay})
		}
		if sleepErr := c.retry.sleep(ctx, delay); sleepErr != nil {
			return c.stopped(ctx, sleepErr, n, err)
		}
		if needed != nil && !needed(ctx, err) {
			return withAttempts(ErrDoneBeforeRetry, n, "")
		}
	}
}

// stopped reports a call ended by its context, with the last failure. The
// reason is why ctx ended, its cause (context.Cause), when it has: a shared
// call (sharedCalls) is cancelled with the reason its last caller left for,
// a timeout or a cancellation; else err, the wait's own refusal.
func (c *Client) stopped(ctx context.Context, err error, attempts int, last error) error {
	if ctx.Err() != nil {
		err = context.Cause(ctx)
	}
	if attempts <= 1 {
		return &NetworkError{Host: c.endpoint, Err: err}
	}
	// The last failure is told, not wrapped: the call ended by its context.
	return &NetworkError{Host: c.endpoint, Err: fmt.Errorf("%w after %d attempts; the last failed with: %v", err, attempts, last)} //nolint:errorlint
}

func withAttempts(err error, attempts int, reason string) error {
	if attempts == 1 && reason == "" {
		return err
	}
	return &RetriesError{Attempts: attempts, Reason: reason, Err: err}
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
