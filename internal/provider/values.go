package provider

// The API's values as the state shows them: strings the API may leave out,
// numbers it may write in any notation, times it sends as Unix seconds, RFC
// 3339 or RFC 3339 to the minute.

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
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

// apiTime reads a time the API sends: Unix seconds (ConsistentTime), RFC
// 3339, or RFC 3339 to the minute (PreferredNextBackupTime:
// "2020-11-16T07:30Z"); ok is false when it is none of them.
func apiTime(s string) (t time.Time, ok bool) {
	s = strings.TrimSpace(s)
	if n, ok := polardb.WholeNumber(s); ok && n > 0 {
		return time.Unix(n, 0), true
	}
	for _, layout := range []string{time.RFC3339, apiMinute} {
		if parsed, err := time.Parse(layout, s); err == nil {
			return parsed, true
		}
	}
	return time.Time{}, false
}

// utcTime is a time the API sends (apiTime) as an RFC 3339 timestamp in
// UTC, to the second, the form Terraform's timecmp and timeadd take; nil
// when it is not a time.
func utcTime(s string) *string {
	t, ok := apiTime(s)
	if !ok {
		return nil
	}
	return new(t.UTC().Format(time.RFC3339))
}

// wholeNumberValue is a number the API sends as a string, null when it is
// not a whole number.
func wholeNumberValue(s *string) tftypes.Value {
	if n, ok := polardb.WholeNumber(deref(s)); ok {
		return tftypes.NewValue(tftypes.Number, n)
	}
	return tftypes.NewValue(tftypes.Number, nil)
}

// apiMinute is the API's time to the minute, RFC 3339 without seconds:
// "2020-11-16T07:30Z" for a UTC time, as it is sent and read.
const apiMinute = "2006-01-02T15:04Z07:00"

// withAttributes is base, an object of a surface's schema (typeName), with
// the attributes set changes, which is given their types, the schema's.
// It builds the Terraform value directly: the framework's
// reflection-based State.Set costs about 1 ms for 10 tasks and 850 ms and
// 370 MB for 10,000, a hundred times this.
func withAttributes(typeName string, base tftypes.Value, set func(attrs map[string]tftypes.Value, types map[string]tftypes.Type)) (state tftypes.Value, diags diag.Diagnostics) {
	// A value that is not of its attribute's type makes tftypes panic:
	// told as the bug it is, not as a crash of the provider.
	defer func() {
		if p := recover(); p != nil {
			diags.AddError("Cannot build the state of "+typeName, fmt.Sprintf("%v\n\nThis is a bug in the provider; please report it.", p))
		}
	}()
	var attrs map[string]tftypes.Value
	object, ok := base.Type().(tftypes.Object)
	if err := base.As(&attrs); err != nil || !ok {
		panic(fmt.Sprintf("the value %s is not an object: %v", base.Type(), err))
	}
	set(attrs, object.AttributeTypes)
	return tftypes.NewValue(object, attrs), nil
}
