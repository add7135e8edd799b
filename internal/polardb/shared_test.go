package polardb

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// blockingCall is a call that counts its starts and answers once released.
type blockingCall struct {
	starts  atomic.Int32
	release chan struct{}
	answer  string
	err     error
	ctxSeen chan context.Context // each start's context, if set
}

func newBlockingCall(answer string, err error) *blockingCall {
	return &blockingCall{release: make(chan struct{}), answer: answer, err: err, ctxSeen: make(chan context.Context, 10)}
}

func (b *blockingCall) call(ctx context.Context) (string, error) {
	b.starts.Add(1)
	b.ctxSeen <- ctx
	select {
	case <-b.release:
		return b.answer, b.err
	case <-ctx.Done():
		return "", context.Cause(ctx)
	}
}

func asIs(err error) error { return err }

// clusterKey is the key of the calls most tests share.
const clusterKey = "pc-1"

// waitFor starts n concurrent callers of clusterKey, each with ctx, and returns
// once the newest calls of s have total callers waiting in all (those
// started before included): wait then gives their answers.
func waitFor(ctx context.Context, s *sharedCalls[string], b *blockingCall, n, total int) (wait func() ([]string, []error)) {
	answers, errs := make([]string, n), make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { answers[i], errs[i] = s.do(ctx, clusterKey, b.call, asIs) })
	}
	s.waitForCallers(total)
	return func() ([]string, []error) { wg.Wait(); return answers, errs }
}

// waitForCallers returns once the newest calls of s have n callers waiting
// in all.
func (s *sharedCalls[T]) waitForCallers(n int) {
	for {
		s.mu.Lock()
		waiting := 0
		for _, f := range s.flights {
			waiting += f.waiters
		}
		s.mu.Unlock()
		if waiting >= n {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

func TestSharedCallsShareOneCallInFlight(t *testing.T) {
	var s sharedCalls[string]
	b := newBlockingCall("tasks", nil)
	wait := waitFor(context.Background(), &s, b, 5, 5)
	other := newBlockingCall("other", nil)
	close(other.release)
	if got, err := s.do(context.Background(), "pc-2", other.call, asIs); got != "other" || err != nil {
		t.Errorf("another key: %q, %v", got, err)
	}
	close(b.release)
	answers, errs := wait()
	for i := range answers {
		if answers[i] != "tasks" || errs[i] != nil {
			t.Errorf("caller %d got %q, %v", i, answers[i], errs[i])
		}
	}
	if n := b.starts.Load(); n != 1 {
		t.Errorf("5 identical callers started %d calls, want 1", n)
	}
	// Once answered, a call is not reused.
	if _, err := s.do(context.Background(), clusterKey, b.call, asIs); err != nil || b.starts.Load() != 2 {
		t.Errorf("a later caller: %v, %d calls, want a call of its own", err, b.starts.Load())
	}
}

func TestSharedCallsShareAnErrorOnlyWithItsCallers(t *testing.T) {
	var s sharedCalls[string]
	failing := newBlockingCall("", errors.New("InternalError"))
	wait := waitFor(context.Background(), &s, failing, 3, 3)
	close(failing.release)
	_, errs := wait()
	for i, err := range errs {
		if err == nil || err.Error() != "InternalError" {
			t.Errorf("caller %d: %v, want the call's error", i, err)
		}
	}
	ok := newBlockingCall("tasks", nil)
	close(ok.release)
	if got, err := s.do(context.Background(), clusterKey, ok.call, asIs); got != "tasks" || err != nil {
		t.Errorf("after the failed call: %q, %v, want a new call's answer", got, err)
	}
}

// A caller whose context ends leaves with ctxErr; the call goes on for the
// others, and when the last one leaves it is cancelled, with that caller's
// reason as the cause, and that caller gets the call's own error.
func TestSharedCallsRunUntilTheLastCallerLeaves(t *testing.T) {
	var s sharedCalls[string]
	b := newBlockingCall("tasks", nil)
	early, cancelEarly := context.WithCancel(context.Background())
	leaving := make(chan error, 1)
	go func() {
		_, err := s.do(early, clusterKey, b.call, func(err error) error { return errors.New("left: " + err.Error()) })
		leaving <- err
	}()
	callCtx := <-b.ctxSeen
	wait := waitFor(context.Background(), &s, b, 1, 2) // with the early one
	cancelEarly()
	if err := <-leaving; err == nil || err.Error() != "left: context canceled" {
		t.Errorf("the caller that left got %v", err)
	}
	if callCtx.Err() != nil {
		t.Fatal("the call was cancelled while a caller still waited")
	}
	close(b.release)
	if answers, errs := wait(); answers[0] != "tasks" || errs[0] != nil {
		t.Errorf("the remaining caller got %q, %v", answers[0], errs[0])
	}

	// Alone: the call is cancelled with the caller's reason as its cause,
	// and the caller gets the call's own error, not ctxErr's.
	b = newBlockingCall("tasks", nil)
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan error, 1)
	go func() {
		_, err := s.do(ctx, clusterKey, b.call, func(err error) error { return errors.New("left: " + err.Error()) })
		ended <- err
	}()
	callCtx = <-b.ctxSeen
	cancel()
	if err := <-ended; !errors.Is(err, context.Canceled) || strings.HasPrefix(err.Error(), "left:") {
		t.Errorf("the last caller got %v, want the call's own error", err)
	}
	if cause := context.Cause(callCtx); !errors.Is(cause, context.Canceled) {
		t.Errorf("the call's cause is %v, want the caller's Canceled", cause)
	}
}

// A caller joins only a call whose deadline is about its own: a read
// allowed an hour and one allowed a minute each get a call, and either of
// them ends with the error it would have had alone.
func TestSharedCallsJoinOnlyCallsOfAboutTheSameDeadline(t *testing.T) {
	var s sharedCalls[string]
	b := newBlockingCall("tasks", nil)
	short, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	waitShort := waitFor(short, &s, b, 1, 1)
	long, cancelLong := context.WithTimeout(context.Background(), time.Hour)
	defer cancelLong()
	waitLong := waitFor(long, &s, b, 1, 1) // the newest call's only waiter
	// One whose deadline is half a second after the newest call's joins it.
	later, cancelLater := context.WithDeadline(context.Background(), time.Now().Add(time.Hour+500*time.Millisecond))
	defer cancelLater()
	waitLater := waitFor(later, &s, b, 1, 2)
	close(b.release)
	waitShort()
	waitLong()
	waitLater()
	if n := b.starts.Load(); n != 2 {
		t.Errorf("%d calls, want 2: the minute's, and the hour's that the one half a second later joined", n)
	}
	now := time.Now()
	for _, tt := range []struct {
		theirs, mine time.Time
		want         bool
	}{
		{time.Time{}, time.Time{}, true},
		{time.Time{}, now, false},
		{now, time.Time{}, false},
		{now, now.Add(deadlineSlack), true},
		{now.Add(deadlineSlack), now, true},
		{now, now.Add(2 * deadlineSlack), false},
		{now.Add(2 * deadlineSlack), now, false},
	} {
		if got := joinable(tt.theirs, tt.mine); got != tt.want {
			t.Errorf("joinable(%v, %v) = %v", tt.theirs.Sub(now), tt.mine.Sub(now), got)
		}
	}
}

// A caller that has already left starts no call.
func TestSharedCallsStartNothingForACallerThatLeft(t *testing.T) {
	var s sharedCalls[string]
	b := newBlockingCall("tasks", nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.do(ctx, clusterKey, b.call, asIs); !errors.Is(err, context.Canceled) || b.starts.Load() != 0 {
		t.Errorf("%v after %d calls, want Canceled and none", err, b.starts.Load())
	}
}

// readTogether reads with read each of requests at the same time, through
// c, and returns the answers. release, which the server waits for, is
// closed once every read waits for a call.
func readTogether[Q, A any](t *testing.T, c *Client, release chan struct{}, requests []Q, read func(context.Context, Q) (A, error)) []A {
	t.Helper()
	answers := make([]A, len(requests))
	var wg sync.WaitGroup
	for i, request := range requests {
		wg.Go(func() {
			var err error
			if answers[i], err = read(context.Background(), request); err != nil {
				t.Error(err)
			}
		})
	}
	c.reads.waitForCallers(len(requests))
	close(release)
	wg.Wait()
	return answers
}
