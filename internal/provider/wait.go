package provider

// Waiting: the one poller. A wait polls a status function, which says what
// the API showed of the thing waited for (pending, target, failed, gone),
// on a growing, jittered schedule, until the state it waits for, a
// failure, its deadline or an interrupt.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// The values of wait_until, of the data sources and the action.
const (
	waitIdle      = "idle"      // tasks: until no task is in progress
	waitFinished  = "finished"  // tasks: until every task is Finished
	waitAvailable = "available" // backups: until backup_id is listed, Success and usable
	waitStarted   = "started"   // the action: until CreateBackup answered
)

// defaultWaitTimeout bounds a wait when nothing else does: backups of large
// clusters take hours, so a wait needs longer than defaultReadTimeout.
const defaultWaitTimeout = 60 * time.Minute

// The schedule of polls: the first firstPoll after the first call, each
// next one pollGrowth times later, at most maxPoll apart, each moved by up
// to ±pollJitter of itself so that waits started together drift apart.
const (
	firstPoll  = 2 * time.Second
	pollGrowth = 1.5
	maxPoll    = 30 * time.Second
	pollJitter = 0.2
	lastPoll   = time.Second // before the deadline, time for a last answer
)

// waitState is what one poll saw of the thing waited for.
type waitState int

const (
	statePending waitState = iota // not yet: poll again
	stateTarget                   // what a wait for it to be ready waits for
	stateFailed                   // it will never get there: the wait ends with the poll's error
	stateGone                     // it is not there: what a wait for a deletion waits for
)

// polled is what one poll saw: the state, the answer it was read from, and
// for a pending state, what holds the wait, as a person reads it; for a
// failed one, why.
type polled[T any] struct {
	state  waitState
	answer T
	held   []string
	err    error
}

// pendingUnless is target with answer when nothing holds the wait, else
// pending.
func pendingUnless[T any](answer T, held []string) polled[T] {
	if len(held) == 0 {
		return polled[T]{state: stateTarget, answer: answer}
	}
	return polled[T]{state: statePending, answer: answer, held: held}
}

// waiter is one wait: what it is for, as its log lines name it, how to
// poll, and which state ends it.
type waiter[T any] struct {
	subject string // "PolarDB backup tasks": "Waiting for " + subject
	field   string // the log field listing what holds the wait
	poll    func(context.Context) (polled[T], error)
	until   waitState // stateTarget (the zero value means the same), or stateGone for a deletion
	// progress, when set, is told what each poll saw.
	progress func(polled[T])
}

// errFailed and errGone end a wait whose status function said why not.
var (
	errFailed = errors.New("failed")
	errGone   = errors.New("no longer listed")
)

// wait polls until the state w waits for, pausing between polls on the
// schedule above and logging each that does not end it otherwise at INFO,
// and returns the last answer. A
// pause that would end less than lastPoll before ctx's deadline is
// shortened to end then, so that the last poll comes just before the
// deadline rather than never. When ctx ends during a pause or during a poll
// after the first, it returns a *waitEndedError with what held the wait
// when last seen. A failed state, gone when the wait is not for it, and any
// other error of a poll end the wait with that error.
func (w waiter[T]) wait(ctx context.Context) (T, error) {
	until := w.until
	if until == statePending {
		until = stateTarget
	}
	started := time.Now()
	var held []string
	var zero T
	ended := func(cause error) error { return &waitEndedError{held: held, waited: time.Since(started), cause: cause} }
	for n := 0; ; n++ {
		seen, err := w.poll(ctx)
		switch {
		case err != nil && n > 0 && ctx.Err() != nil:
			return zero, ended(ctx.Err())
		case err != nil && n > 0 && errors.Is(err, context.DeadlineExceeded):
			return zero, ended(context.DeadlineExceeded) // a shared call's deadline, a moment before ctx's
		case err != nil:
			return zero, err
		}
		held = seen.held
		if w.progress != nil {
			w.progress(seen)
		}
		switch seen.state {
		case until:
			w.log(ctx, n, held)
			return seen.answer, nil
		case stateFailed:
			return seen.answer, cmp.Or(seen.err, errFailed)
		case stateGone:
			return seen.answer, cmp.Or(seen.err, errGone)
		}
		w.log(ctx, n, held)
		interval := pollInterval(n+1, rand.Float64)
		if deadline, ok := ctx.Deadline(); ok {
			if untilLast := time.Until(deadline) - lastPoll; untilLast > 0 && untilLast < interval {
				interval = untilLast
			}
		}
		pause := time.NewTimer(interval)
		select {
		case <-pause.C:
		case <-ctx.Done():
			pause.Stop()
		}
		if err := ctx.Err(); err != nil { // also when the pause and ctx end together
			return zero, ended(err)
		}
	}
}

// pollInterval is how long to wait before poll n (1 is the first after the
// first call); random returns numbers in [0, 1).
func pollInterval(n int, random func() float64) time.Duration {
	d := min(float64(firstPoll)*math.Pow(pollGrowth, float64(n-1)), float64(maxPoll))
	d *= 1 + pollJitter*(2*random()-1)
	return min(time.Duration(d), maxPoll)
}

// log logs each poll at INFO, with what still holds the wait, in the
// wait's context, where secrets are masked.
func (w waiter[T]) log(ctx context.Context, n int, held []string) {
	fields := map[string]any{"poll": n, "holding": len(held)}
	if len(held) > 0 {
		fields[w.field] = strings.Join(held, ", ")
	}
	tflog.Info(ctx, "Waiting for "+w.subject, fields)
}

// waitEndedError is a wait that its deadline or an interrupt ended.
type waitEndedError struct {
	held   []string // what held the wait when last seen, as a person reads it
	waited time.Duration
	cause  error // context.DeadlineExceeded or context.Canceled
}

func (e *waitEndedError) Error() string {
	return fmt.Sprintf("waited %s; still %s", e.waited.Round(time.Second), strings.Join(e.held, ", "))
}
