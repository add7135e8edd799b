package polardb

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// RetryPolicy decides whether a failed call is tried again, and after how
// long. The zero value never retries; DefaultRetryPolicy is what the
// provider uses.
type RetryPolicy struct {
	// MaxRetries is how many times a call is tried again after its first
	// attempt; 0 disables retries.
	MaxRetries int
	// Base and Cap bound the backoff: before retry n the wait is uniform in
	// [0, min(Cap, Base·2ⁿ⁻¹)) ("full jitter"), or the API's rate-limit hint
	// when that is longer.
	Base, Cap time.Duration

	// Random returns a number in [0, 1); nil means math/rand/v2. Tests
	// inject their own, and a clock through Now and Sleep.
	Random func() float64
	Now    func() time.Time
	Sleep  func(ctx context.Context, d time.Duration) error
}

// Defaults of the provider's retry policy.
const (
	DefaultMaxRetries = 8
	defaultRetryBase  = 200 * time.Millisecond
	defaultRetryCap   = 10 * time.Second
)

// DefaultRetryPolicy survives eight transient failures in a row.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxRetries: DefaultMaxRetries, Base: defaultRetryBase, Cap: defaultRetryCap}
}

// retryableCodes are the API's codes for transient refusals.
var retryableCodes = map[string]bool{
	"Throttling":         true,
	"Throttling.User":    true,
	"Throttling.Api":     true,
	"ServiceUnavailable": true,
	"InternalError":      true,
}

// Retryable reports whether err is transient: throttling, a server-side
// failure (any 5xx, JSON or not), a connection refused or reset, a
// connection closed before the answer was complete, or one attempt that
// timed out. Other refusals (not found, signature, permission, malformed
// input) would fail again the same way.
func Retryable(err error) bool {
	var apiErr *APIError
	var respErr *ResponseError
	var netErr *NetworkError
	switch {
	case errors.As(err, &apiErr):
		return retryableCodes[apiErr.Code] || apiErr.StatusCode >= 500
	case errors.As(err, &respErr):
		return respErr.StatusCode >= 500
	case errors.As(err, &netErr):
		var timeout net.Error
		return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
			errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
			(errors.As(err, &timeout) && timeout.Timeout())
	}
	return false
}

// Delay is the wait before retry n (1 for the first retry) after err.
func (p RetryPolicy) Delay(n int, err error) time.Duration {
	ceiling := p.Cap
	if n < 32 && p.Base<<(n-1) < p.Cap { // the shift stays far from overflow
		ceiling = p.Base << (n - 1)
	}
	random := p.Random
	if random == nil {
		random = rand.Float64
	}
	delay := time.Duration(random() * float64(ceiling))
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.RetryAfter > delay {
		delay = apiErr.RetryAfter
	}
	return delay
}

func (p RetryPolicy) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func (p RetryPolicy) sleep(ctx context.Context, d time.Duration) error {
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Retry is one retry about to happen, for logging.
type Retry struct {
	Attempt int           // the attempt that failed, 1 for the first
	Err     error         // its error
	Delay   time.Duration // the wait before the next attempt
}

// RetriesError is the last error of a call that was attempted more than
// once.
type RetriesError struct {
	Attempts int
	// Reason says why no further attempt was made, when not because the
	// error is permanent.
	Reason string
	Err    error
}

func (e *RetriesError) Error() string {
	msg := e.Err.Error() + " (after " + strconv.Itoa(e.Attempts) + " attempts"
	if e.Reason != "" {
		msg += "; " + e.Reason
	}
	return msg + ")"
}

func (e *RetriesError) Unwrap() error { return e.Err }

// rateLimitWait reads the wait the API asks for when it throttles, as in
// "x-ratelimit-user-api: Limit:100,Remain:0,TimeLeft:1843,Reset:...": the
// milliseconds until a call is accepted again.
func rateLimitWait(h http.Header) time.Duration {
	var longest time.Duration
	for _, name := range []string{"X-Ratelimit-User-Api", "X-Ratelimit-User"} {
		for _, field := range strings.Split(h.Get(name), ",") {
			key, value, _ := strings.Cut(strings.TrimSpace(field), ":")
			if ms, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64); err == nil && strings.EqualFold(strings.TrimSpace(key), "TimeLeft") &&
				ms > 0 && ms < int64(time.Hour/time.Millisecond) {
				longest = max(longest, time.Duration(ms)*time.Millisecond)
			}
		}
	}
	return longest
}
