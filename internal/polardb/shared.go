package polardb

import (
	"context"
	"net/url"
	"sync"
	"time"

	"github.com/alibabacloud-go/tea/dara"
)

// shared returns the answer of call, sharing the call with the callers of
// the same key in flight (Client.reads, sharedCalls). A caller that leaves
// is told so as a call is (Client.call): a NetworkError.
func shared[T any](ctx context.Context, c *Client, key string, call func(context.Context) (T, error)) (T, error) {
	answer, err := c.reads.do(ctx, key, func(ctx context.Context) (any, error) { return call(ctx) },
		func(err error) error { return &NetworkError{Host: c.endpoint, Err: err} })
	typed, _ := answer.(T) // a key's answers are all of one operation; none when the caller left
	return typed, err
}

// sharedKey is the key of the read action with the parameters query: two
// reads share a call when they are of one action and send the same
// parameters, those not sent included.
func sharedKey(action string, query map[string]*string) string {
	values := url.Values{}
	for name, value := range query {
		values.Set(name, dara.StringValue(value))
	}
	return action + "?" + values.Encode()
}

// sharedCalls lets identical calls that are in flight at the same time share
// one: the first caller starts it, and those that ask for the same key
// before it is answered wait for that answer. Each caller waits until its
// own context ends, and the call runs on until it is answered or every
// caller has left. An answer is never reused once it has arrived, and an
// error goes only to the callers that waited for that very call.
//
// A caller joins a call only if their deadlines are at most deadlineSlack
// apart: the call keeps its first caller's deadline, and the retry policy
// stops retrying by it, so a read allowed five minutes and a wait allowed
// an hour each get calls of their own, and each ends with the error it
// would have had alone.
type sharedCalls[T any] struct {
	mu      sync.Mutex
	flights map[string]*flight[T] // the newest call of each key
}

type flight[T any] struct {
	done     chan struct{} // closed once value and err are set
	value    T
	err      error
	deadline time.Time // zero for none
	waiters  int       // callers still waiting; guarded by sharedCalls.mu
	cancel   context.CancelCauseFunc
}

// deadlineSlack is how far apart the deadlines of a call and a caller may
// be for the caller to join it: identical reads started a moment apart
// have deadlines a moment apart.
const deadlineSlack = time.Second

// do returns the answer of call for key, sharing a call in flight. When ctx
// ends first, it returns ctxErr(ctx.Err()), unless ctx's caller was the
// last one waiting: the call is then cancelled with ctx's reason as the
// cause, and its own error, which tells what it was doing, is returned.
func (s *sharedCalls[T]) do(ctx context.Context, key string, call func(context.Context) (T, error), ctxErr func(error) error) (T, error) {
	if err := ctx.Err(); err != nil {
		var zero T
		return zero, ctxErr(err) // no call starts for a caller that has left
	}
	deadline, _ := ctx.Deadline()
	s.mu.Lock()
	f := s.flights[key]
	if f == nil || !joinable(f.deadline, deadline) {
		f = s.start(ctx, key, call)
	}
	f.waiters++
	s.mu.Unlock()

	select {
	case <-f.done:
		return f.value, f.err
	case <-ctx.Done():
	}
	s.mu.Lock()
	f.waiters--
	last := f.waiters == 0
	if last && s.flights[key] == f {
		delete(s.flights, key) // nobody may join a call being cancelled
	}
	s.mu.Unlock()
	if last {
		f.cancel(ctx.Err())
		<-f.done
		return f.value, f.err
	}
	var zero T
	return zero, ctxErr(ctx.Err())
}

// start starts a call for key with ctx's values and deadline, but not its
// cancellation: the call ends when its last caller leaves, with the reason
// that caller left for as the cause (context.Cause). s.mu is held.
func (s *sharedCalls[T]) start(ctx context.Context, key string, call func(context.Context) (T, error)) *flight[T] {
	base := context.WithoutCancel(ctx)
	stopTimer := context.CancelFunc(func() {})
	deadline, hasDeadline := ctx.Deadline()
	if hasDeadline {
		base, stopTimer = context.WithDeadline(base, deadline)
	}
	callCtx, cancel := context.WithCancelCause(base)
	f := &flight[T]{done: make(chan struct{}), deadline: deadline, cancel: cancel}
	if s.flights == nil {
		s.flights = map[string]*flight[T]{}
	}
	s.flights[key] = f
	go func() {
		defer stopTimer()
		defer cancel(nil)
		f.value, f.err = call(callCtx)
		s.mu.Lock()
		if s.flights[key] == f {
			delete(s.flights, key) // an answer is not reused once it has arrived
		}
		s.mu.Unlock()
		close(f.done)
	}()
	return f
}

// joinable says whether a caller with deadline mine may wait for a call
// with deadline theirs (zero: none).
func joinable(theirs, mine time.Time) bool {
	if theirs.IsZero() || mine.IsZero() {
		return theirs.IsZero() && mine.IsZero()
	}
	d := theirs.Sub(mine)
	return d <= deadlineSlack && d >= -deadlineSlack
}
