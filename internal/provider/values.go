package provider

// The API's values as the state shows them: strings the API may leave out,
// numbers it may write in any notation, times it sends as Unix seconds.

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// deref is *s, or "" when the API sent none.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// nullString is the value of a string the API did not send.
var nullString = tftypes.NewValue(tftypes.String, nil)

// stringValue is s verbatim, null when the API sent none.
func stringValue(s *string) tftypes.Value {
	if s == nil {
		return nullString
	}
	return tftypes.NewValue(tftypes.String, *s)
}

// unlessEmpty is stringValue, null for "" too.
func unlessEmpty(s *string) tftypes.Value {
	if s == nil || *s == "" {
		return nullString
	}
	return tftypes.NewValue(tftypes.String, *s)
}

// availableOf reads IsAvail: "1" or "true" usable, "0" or "false" not;
// ok is false for anything else.
func availableOf(s *string) (available, ok bool) {
	switch strings.ToLower(strings.TrimSpace(deref(s))) {
	case "1", "true":
		return true, true
	case "0", "false":
		return false, true
	}
	return false, false
}

// wholeNumber reads a count the API documents as a string of digits; it
// may send it as a number in another notation, such as 1.5e8.
func wholeNumber(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || f != math.Trunc(f) || math.Abs(f) > 1<<62 {
		return 0, false
	}
	return int64(f), true
}

// consistentTime is ConsistentTime, Unix seconds, as an RFC 3339
// timestamp in UTC; an RFC 3339 timestamp is taken as it is; nil when it
// is neither.
func consistentTime(s string) *string {
	var t time.Time
	if n, ok := wholeNumber(s); ok && n > 0 {
		t = time.Unix(n, 0)
	} else if parsed, err := time.Parse(time.RFC3339, strings.TrimSpace(s)); err == nil {
		t = parsed
	} else {
		return nil
	}
	text := t.UTC().Format(time.RFC3339)
	return &text
}
