package provider

// The API's values as the state shows them: strings the API may leave out,
// numbers it may write in any notation, times it sends as Unix seconds.

import (
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
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

// consistentTime is ConsistentTime, Unix seconds, as an RFC 3339
// timestamp in UTC; an RFC 3339 timestamp is taken as it is; nil when it
// is neither.
func consistentTime(s string) *string {
	var t time.Time
	if n, ok := polardb.WholeNumber(s); ok && n > 0 {
		t = time.Unix(n, 0)
	} else if parsed, err := time.Parse(time.RFC3339, strings.TrimSpace(s)); err == nil {
		t = parsed
	} else {
		return nil
	}
	text := t.UTC().Format(time.RFC3339)
	return &text
}
