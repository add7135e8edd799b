package emulator

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// FaultKind names what the emulator answers instead of a normal answer.
type FaultKind string

// The faults a scope can inject. Those without an error code are recorded
// in RecordedRequest.Code as "fault:" and their name, e.g. "fault:reset".
const (
	FaultInternalError FaultKind = "internal_error" // 500 InternalError, the cloud's JSON error body
	FaultUnavailable   FaultKind = "unavailable"    // 503 ServiceUnavailable
	FaultThrottling    FaultKind = "throttling"     // 400 Throttling.User, with the x-ratelimit-user-api header
	FaultHTML502       FaultKind = "html_502"       // 502 and an HTML page, as from a gateway
	FaultReset         FaultKind = "reset"          // the connection is reset, without an answer
	FaultHang          FaultKind = "hang"           // no answer until the client goes away
	FaultTruncated     FaultKind = "truncated"      // 200 and half of the answer's JSON
	FaultErrorIn200    FaultKind = "error_in_200"   // 200 and an InternalError body
	FaultLostAnswer    FaultKind = "lost_answer"    // the call is handled, then the connection reset: acted on, not answered
)

// The answers that are not one of the kinds above: a call refused by a rate
// limit (answered as FaultThrottling), and one whose client left during the
// latency (not answered). Data cannot name them.
const (
	faultRateLimited FaultKind = "rate_limit"
	faultAbandoned   FaultKind = "abandoned"
)

// faultKinds are the kinds above, the one list of them: Validate, the
// command's --fault help and the docs' tables (checked by a test) follow it.
var faultKinds = []FaultKind{FaultInternalError, FaultUnavailable, FaultThrottling, FaultHTML502,
	FaultReset, FaultHang, FaultTruncated, FaultErrorIn200, FaultLostAnswer}

// FaultKinds returns the kinds of fault a scope can inject.
func FaultKinds() []FaultKind { return slices.Clone(faultKinds) }

// Faults is what a scope, the whole server or one cluster, does to
// PolarDB API calls (not to STS, the metadata service or the credentials
// URI). A call goes through, in this order: the latency, the rate limit,
// the fault, then the normal handling with the skewed clock. When a cluster
// has faults too, the server's come first at each step: latencies and skews
// add up, and the first scope that refuses the call answers it.
type Faults struct {
	// Latency delays the answer, plus a random extra in [0, Jitter). A
	// client that leaves meanwhile gets nothing; the call is recorded with
	// the code "fault:abandoned" once the server notices.
	Latency Duration `json:"latency,omitempty"`
	Jitter  Duration `json:"jitter,omitempty"`
	// RateLimit, when not 0, is the calls per second accepted (a token
	// bucket on the server clock, holding max(1, ceil(RateLimit)) calls);
	// beyond it a call gets Throttling.User and, in the rate-limit header,
	// the milliseconds until it would be accepted.
	RateLimit float64 `json:"rate_limit,omitempty"`
	// Fault hits the first First calls and, at random, the Fraction of
	// calls; with neither set, every call. Calls refused by a rate limit do
	// not count. An injected throttling asks to wait until the next whole
	// second of the server clock.
	Fault    FaultKind `json:"fault,omitempty"`
	First    int       `json:"first,omitempty"`
	Fraction float64   `json:"fraction,omitempty"`
	// Operation, when set, limits the faults to the calls of that API
	// operation, such as "DeleteBackup": the others pass untouched.
	Operation string `json:"operation,omitempty"`
	// ClockSkew sets the server clock this far ahead (negative: behind) for
	// the signature and token checks: past 15 minutes, every call gets
	// InvalidTimeStamp.Expired.
	ClockSkew Duration `json:"clock_skew,omitempty"`
}

// Validate reports what LoadData would refuse in f.
func (f Faults) Validate() error {
	switch {
	case f.Latency < 0:
		return fmt.Errorf("latency %s is negative", f.Latency)
	case f.Jitter < 0:
		return fmt.Errorf("jitter %s is negative", f.Jitter)
	case !(f.RateLimit >= 0) || math.IsInf(f.RateLimit, 1): // NaN too
		return fmt.Errorf("rate_limit %v is not a number of calls per second", f.RateLimit)
	case f.First < 0:
		return fmt.Errorf("first %d is negative", f.First)
	case !(f.Fraction >= 0 && f.Fraction <= 1):
		return fmt.Errorf("fraction %v is not between 0 and 1", f.Fraction)
	case f.Fault == "" && (f.First > 0 || f.Fraction > 0):
		return errors.New("first and fraction need a fault")
	}
	if f.Operation != "" && !slices.ContainsFunc(slices.Collect(maps.Keys(operations)), func(n apiName) bool { return n.action == f.Operation }) {
		return fmt.Errorf("operation %q is not an operation the emulator serves", f.Operation)
	}
	if f.Fault != "" && !slices.Contains(faultKinds, f.Fault) {
		return fmt.Errorf("fault %q is not one of %v", f.Fault, faultKinds)
	}
	return nil
}

// Duration is a time.Duration that reads and writes JSON as a string such
// as "200ms" or "1.5s".
type Duration time.Duration

func (d Duration) String() string { return time.Duration(d).String() }

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf(`duration %s is not a string such as "200ms" or "1.5s"`, b)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// faultScope is the Faults of a scope and the state they need.
type faultScope struct {
	Faults
	calls int       // calls that reached the fault since it was set
	full  time.Time // when the rate limit's bucket is full again
}

// newFaultScope panics on faults LoadData would refuse: a test that sets a
// misspelt fault must not pass for the wrong reason.
func newFaultScope(f Faults) *faultScope {
	if err := f.Validate(); err != nil {
		panic("emulator: faults: " + err.Error())
	}
	return &faultScope{Faults: f}
}

func (sc *faultScope) burst() float64 { return max(1, math.Ceil(sc.RateLimit)) }

// take accepts a call at now within the rate limit, or says how long until
// one would be. The token bucket is kept as the time it is full again
// (GCRA), in whole nanoseconds, so that waiting the time said is enough.
func (sc *faultScope) take(now time.Time) (wait time.Duration, ok bool) {
	if sc.RateLimit == 0 {
		return 0, true
	}
	interval := time.Duration(float64(time.Second) / sc.RateLimit)
	if interval <= 0 { // more than a call a nanosecond
		return 0, true
	}
	tolerance := time.Duration(sc.burst()-1) * interval
	full := sc.full
	if full.Before(now) {
		full = now
	}
	if ahead := full.Sub(now); ahead > tolerance {
		return ahead - tolerance, false
	}
	sc.full = full.Add(interval)
	return 0, true
}

// hits counts a call that reached the fault and says whether it gets it.
// It draws for every call when Fraction is set, so that the sequence
// depends only on the seed and the order of the calls.
func (sc *faultScope) hits(rng *rand.Rand) bool {
	if sc.Fault == "" {
		return false
	}
	sc.calls++
	drawn := sc.Fraction > 0 && rng.Float64() < sc.Fraction
	return (sc.First == 0 && sc.Fraction == 0) || sc.calls <= sc.First || drawn
}

// WithFaults sets the faults of the whole server, in place of those of the
// data. It panics on faults LoadData would refuse.
func WithFaults(f Faults) Option {
	return func(s *Server) { s.faults = newFaultScope(f) }
}

// WithSeed seeds the random choices of Fraction and Jitter; the default is
// 1. For calls made one at a time, a seed gives the same faults each run.
func WithSeed(seed int64) Option {
	return func(s *Server) { s.seed = seed }
}

// SetFaults replaces the faults of the whole server; their count of calls
// and their rate limit start afresh. It panics on faults LoadData would
// refuse.
func (s *Server) SetFaults(f Faults) {
	sc := newFaultScope(f)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = sc
}

// SetClusterFaults replaces the faults of the calls whose DBClusterId is
// clusterID, as SetFaults does; Faults{} removes them.
func (s *Server) SetClusterFaults(clusterID string, f Faults) {
	sc := newFaultScope(f)
	s.mu.Lock()
	defer s.mu.Unlock()
	if f == (Faults{}) {
		delete(s.clusterFaults, clusterID)
		return
	}
	s.clusterFaults[clusterID] = sc
}

// fault is an injected answer.
type fault struct {
	kind FaultKind
	// rateLimit is the x-ratelimit-user-api header of a throttled call.
	rateLimit string
}

// faultScopes returns the scopes of a call of action to clusterID, the
// server's first, without those limited to another operation. s.mu must be
// held.
func (s *Server) faultScopes(clusterID, action string) []*faultScope {
	scopes := []*faultScope{s.faults}
	if sc, ok := s.clusterFaults[clusterID]; ok {
		scopes = append(scopes, sc)
	}
	return slices.DeleteFunc(scopes, func(sc *faultScope) bool { return sc.Operation != "" && sc.Operation != action })
}

// injectFaults applies the faults of the server and of the cluster to a
// PolarDB API call, in the order Faults describes. It returns the fault to
// answer, or nil and the skew of the server clock.
func (s *Server) injectFaults(ctx context.Context, clusterID, action string) (*fault, time.Duration) {
	s.mu.Lock()
	var delay time.Duration
	for _, sc := range s.faultScopes(clusterID, action) {
		delay += time.Duration(sc.Latency)
		if sc.Jitter > 0 {
			delay += time.Duration(s.rng.Int64N(int64(sc.Jitter)))
		}
	}
	s.mu.Unlock()
	if !sleep(ctx, delay) {
		return &fault{kind: faultAbandoned}, 0
	}

	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	// Looked up again: a test may have changed them during the latency.
	scopes := s.faultScopes(clusterID, action)
	for _, sc := range scopes {
		if wait, ok := sc.take(now); !ok {
			return &fault{kind: faultRateLimited, rateLimit: rateLimitHeader(sc.burst(), wait, now)}, 0
		}
	}
	var hit *fault
	var skew time.Duration
	for _, sc := range scopes {
		skew += time.Duration(sc.ClockSkew)
		// The cluster counts the call even when the server's fault has it,
		// so that its sequence does not depend on the server's.
		if sc.hits(s.rng) && hit == nil {
			hit = &fault{kind: sc.Fault}
			if sc.Fault == FaultThrottling {
				untilSecond := time.Second - time.Duration(now.UnixNano()%int64(time.Second))
				hit.rateLimit = rateLimitHeader(sc.burst(), untilSecond, now)
			}
		}
	}
	return hit, skew
}

// rateLimitHeader is the x-ratelimit-user-api value the cloud sends with a
// throttling, "Limit:1,Remain:0,TimeLeft:2000,Reset:1234" in the SDKs'
// tests: the SDKs read TimeLeft, the milliseconds to wait. Reset is here
// the Unix time in milliseconds when a call is accepted again.
func rateLimitHeader(limit float64, wait time.Duration, now time.Time) string {
	ms := max(1, int64((wait+time.Millisecond-1)/time.Millisecond))
	return fmt.Sprintf("Limit:%.0f,Remain:0,TimeLeft:%d,Reset:%d", limit, ms, now.Add(time.Duration(ms)*time.Millisecond).UnixMilli())
}

// sleep waits d unless ctx ends first, and reports whether it waited it all.
func sleep(ctx context.Context, d time.Duration) bool {
	ctx, cancel := context.WithTimeoutCause(ctx, d, errSlept)
	defer cancel()
	<-ctx.Done()
	return errors.Is(context.Cause(ctx), errSlept)
}

// errSlept is the cause of a sleep's end when it waited it all.
var errSlept = errors.New("slept")

// gatewayPage is what the cloud's gateway (Tengine) answers when the
// service behind it does not.
const gatewayPage = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>Tengine</center>
</body>
</html>
`

// serveFault answers f in place of the API. The signature is not checked.
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, rec RecordedRequest, requestID string, f *fault) {
	rec.SignatureMode = ""
	rec.Code = "fault:" + string(f.kind)
	errorJSON := func(e *apiError) []byte {
		rec.Code = e.code
		return jsonBody(newErrorBody(e, requestID, r.Host, "polardb"))
	}
	status, body := 0, []byte(nil) // 0 for reset, hang and abandoned: no answer
	switch f.kind {
	case FaultInternalError:
		status, body = http.StatusInternalServerError, errorJSON(errInternalError)
	case FaultUnavailable:
		status, body = http.StatusServiceUnavailable, errorJSON(errServiceUnavailable)
	case FaultThrottling, faultRateLimited:
		w.Header().Set("x-ratelimit-user-api", f.rateLimit)
		status, body = http.StatusBadRequest, errorJSON(errThrottlingUser)
	case FaultErrorIn200:
		status, body = http.StatusOK, errorJSON(errInternalError)
	case FaultHTML502:
		w.Header().Set("Content-Type", "text/html")
		status, body, requestID = http.StatusBadGateway, []byte(gatewayPage), "" // the gateway has none
	case FaultTruncated:
		// Half of what the call would answer, were it signed.
		op := operations[apiName{rec.Version, rec.Action}]
		result, apiErr := op.serve(s, &apiCall{requestID: requestID, now: s.now(), params: rec.Params})
		var full []byte
		if apiErr != nil {
			full = jsonBody(newErrorBody(apiErr, requestID, r.Host, op.product))
		} else {
			full = s.encodeAnswer(rec, result)
		}
		body = full[:len(full)/2]
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		status = http.StatusOK
	}
	s.record(rec)
	s.logRequest(rec, status, requestID, f.kind)
	switch f.kind {
	case FaultReset, FaultLostAnswer:
		resetConn(w)
	case FaultHang, faultAbandoned:
		// The request's context ends when the client leaves, or when the
		// http.Server's BaseContext is cancelled, as the command does on
		// shutdown. Returning would then answer an empty 200; aborting
		// closes the connection instead.
		<-r.Context().Done()
		panic(http.ErrAbortHandler)
	default:
		s.write(w, status, requestID, body)
	}
}

// resetConn drops the connection with a TCP reset, as a crashed server or
// a middlebox does: with SO_LINGER 0, closing sends RST instead of FIN.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// HTTP/2 cannot be hijacked: this resets the stream instead.
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*tls.Conn); ok {
		conn = tc.NetConn()
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
