package polardb

import (
	"context"
	"math"
	"sync"
	"time"
)

// limiter paces the calls of one client once the API has throttled it, so
// that the concurrent reads of a plan share one pace instead of each
// retrying on its own and being throttled again. It starts unlimited. At
// the first throttling after successes it takes the rate of the calls that
// succeeded in the second before as the API's limit; later throttlings lower the rate
// by a fifth, and each success raises it a little, probing for more
// (additive increase, multiplicative decrease). A throttled call sent
// before the rate last changed does not lower it again: the calls of one
// burst are refused together, and the change already answered them. Calls
// wait for a token of a bucket filled at that rate.
type limiter struct {
	mu      sync.Mutex
	rate    float64     // calls per second; +Inf: not limited
	tokens  float64     // available now, at most burst()
	last    time.Time   // when tokens was last brought up to date
	recent  []time.Time // successes in the last second
	changed time.Time   // when the rate was last set or lowered
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error
}

// Tuning of the limiter.
const (
	limiterDecrease = 0.8  // rate kept at each further throttling
	limiterIncrease = 0.05 // calls per second added at each success
	limiterMinRate  = 0.5  // calls per second, never less
)

func newLimiter(now func() time.Time, sleep func(context.Context, time.Duration) error) *limiter {
	return &limiter{rate: math.Inf(1), now: now, sleep: sleep}
}

// burst is how many calls may go at once: a second's worth.
func (l *limiter) burst() float64 { return math.Max(1, l.rate) }

// wait blocks until the call may go, or ctx ends.
func (l *limiter) wait(ctx context.Context) error {
	l.mu.Lock()
	if math.IsInf(l.rate, 1) {
		l.mu.Unlock()
		return nil
	}
	now := l.now()
	l.refill(now)
	// Take the token now, even if it is not there yet: the calls queue up,
	// each waiting for its own token.
	l.tokens--
	var delay time.Duration
	if l.tokens < 0 {
		delay = time.Duration(-l.tokens / l.rate * float64(time.Second))
	}
	l.mu.Unlock()
	if delay == 0 {
		return nil
	}
	return l.sleep(ctx, delay)
}

func (l *limiter) refill(now time.Time) {
	if !l.last.IsZero() {
		l.tokens = math.Min(l.burst(), l.tokens+now.Sub(l.last).Seconds()*l.rate)
	}
	l.last = now
}

// succeeded counts a call the API accepted.
func (l *limiter) succeeded() {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if math.IsInf(l.rate, 1) {
		l.recent = append(l.recent, now)
		for len(l.recent) > 0 && now.Sub(l.recent[0]) > time.Second {
			l.recent = l.recent[1:]
		}
		return
	}
	l.refill(now)
	l.rate += limiterIncrease
}

// throttled counts a call the API refused for its rate; sent is when the
// call left (after wait).
func (l *limiter) throttled(sent time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if sent.Before(l.changed) {
		return
	}
	now := l.now()
	if math.IsInf(l.rate, 1) {
		accepted := 0
		for _, t := range l.recent {
			if now.Sub(t) <= time.Second {
				accepted++
			}
		}
		if accepted == 0 {
			return // nothing to go by: the retries' backoff does the waiting
		}
		l.rate = math.Max(limiterMinRate, float64(accepted))
		l.recent = nil
		l.tokens, l.last, l.changed = 0, now, now
		return
	}
	l.refill(now)
	l.rate = math.Max(limiterMinRate, l.rate*limiterDecrease)
	l.tokens = math.Min(l.tokens, l.burst())
	l.changed = now
}
