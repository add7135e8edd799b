package provider

// The API's values as the state shows them: strings the API may leave out,
// numbers it may write in any notation, times it sends as Unix seconds, RFC
// 3339 or RFC 3339 to the minute.

import (
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
)

// deref is *p, or the zero value ("" for a string) when the API sent none.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
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

// utcTime is a time the API sends, as an RFC 3339 timestamp in UTC, the
// form Terraform's timecmp and timeadd take: from Unix seconds
// (ConsistentTime), RFC 3339, or RFC 3339 to the minute
// (PreferredNextBackupTime: "2020-11-16T07:30Z"); nil when it is none of
// them.
func utcTime(s string) *string {
	s = strings.TrimSpace(s)
	var t time.Time
	if n, ok := polardb.WholeNumber(s); ok && n > 0 {
		t = time.Unix(n, 0)
	} else if parsed, err := time.Parse(time.RFC3339, s); err == nil {
		t = parsed
	} else if parsed, err := time.Parse(rfc3339Minutes, s); err == nil {
		t = parsed
	} else {
		return nil
	}
	text := t.UTC().Format(time.RFC3339)
	return &text
}

// rfc3339Minutes is RFC 3339 without seconds, as the API sends some times.
const rfc3339Minutes = "2006-01-02T15:04Z07:00"
