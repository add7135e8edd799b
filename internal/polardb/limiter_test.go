package polardb

import (
	"context"
	"math"
	"testing"
	"time"
)

// fakeClock is a clock that only sleeps move.
type fakeClock struct {
	now    time.Time
	sleeps []time.Duration
}

func (c *fakeClock) Now() time.Time { return c.now }

func (c *fakeClock) Sleep(_ context.Context, d time.Duration) error {
	c.sleeps = append(c.sleeps, d)
	return nil
}

func TestLimiterPacesCallsOnceThrottled(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	l := newLimiter(clock.Now, clock.Sleep)

	// Unlimited until the API throttles: twelve calls in a second go at once.
	for range 12 {
		if err := l.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		l.succeeded()
		clock.now = clock.now.Add(50 * time.Millisecond)
	}
	if len(clock.sleeps) != 0 {
		t.Fatalf("waited %v before any throttling", clock.sleeps)
	}

	// Throttled: the rate becomes what got through in the last second, and
	// calls queue up a twelfth of a second apart.
	l.throttled(clock.now)
	if l.rate != 12 {
		t.Fatalf("rate %v after throttling, want the 12 calls of the last second", l.rate)
	}
	for range 3 {
		if err := l.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	want := []time.Duration{time.Second / 12, 2 * time.Second / 12, 3 * time.Second / 12}
	for i, d := range clock.sleeps {
		if (d - want[i]).Abs() > time.Millisecond {
			t.Errorf("wait %d = %v, want %v", i, d, want[i])
		}
	}

	// Successes raise the rate a little; a further throttling lowers it by a fifth.
	l.succeeded()
	if math.Abs(l.rate-12.05) > 1e-9 {
		t.Errorf("rate %v after a success, want 12.05", l.rate)
	}
	l.throttled(clock.now)
	if math.Abs(l.rate-12.05*0.8) > 1e-9 {
		t.Errorf("rate %v after a second throttling, want %v", l.rate, 12.05*0.8)
	}
	// It never drops below half a call a second.
	for range 50 {
		l.throttled(clock.now)
	}
	if l.rate != limiterMinRate {
		t.Errorf("rate %v, want the floor %v", l.rate, limiterMinRate)
	}
}

// A throttling with no success in the second before leaves the pace to the
// retries' backoff: there is nothing to tell the API's rate by.
func TestLimiterCountsOnlyTheLastSecond(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	l := newLimiter(clock.Now, clock.Sleep)
	for range 30 {
		l.succeeded()
	}
	clock.now = clock.now.Add(5 * time.Second)
	l.throttled(clock.now)
	if !math.IsInf(l.rate, 1) {
		t.Errorf("rate %v, want no limit", l.rate)
	}
	if err := l.wait(context.Background()); err != nil || len(clock.sleeps) != 0 {
		t.Errorf("waited %v", clock.sleeps)
	}
}

// The calls of one burst are refused together: their throttlings lower the
// rate once, and only a call sent after that change lowers it again.
func TestLimiterLowersOncePerBurst(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	l := newLimiter(clock.Now, clock.Sleep)
	for range 20 {
		l.succeeded()
	}
	burst := clock.now // ten calls in flight, sent together
	clock.now = clock.now.Add(10 * time.Millisecond)
	for range 10 {
		l.throttled(burst)
	}
	if l.rate != 20 {
		t.Fatalf("rate %v after one burst was throttled, want the 20 calls of the last second", l.rate)
	}
	clock.now = clock.now.Add(10 * time.Millisecond)
	l.throttled(burst)
	l.throttled(clock.now.Add(-5 * time.Millisecond)) // sent after the change
	if math.Abs(l.rate-16) > 1e-9 {
		t.Errorf("rate %v after a later call was throttled, want 16", l.rate)
	}
}
