package polardb

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/alibabacloud-go/tea/tea"
)

// APIError is an error answer from the PolarDB API: a JSON body with a Code.
type APIError struct {
	StatusCode int
	Code       string
	Message    string
	RequestID  string
	Recommend  string
	HostID     string
	// RetryAfter is the wait the API asked for in its rate-limit header,
	// when it throttled.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	return fmt.Sprintf("PolarDB API error %s (HTTP %d): %s (request ID %s)", e.Code, e.StatusCode, e.Message, e.RequestID)
}

// ResponseError is an answer that is not a valid API answer: a proxy's HTML
// error page, an empty or truncated body, or JSON of the wrong shape.
type ResponseError struct {
	Host        string
	StatusCode  int
	ContentType string
	Problem     string // what is wrong with the answer
	Excerpt     string // the start of the body, cleaned for display
	RequestID   string // the answer's RequestId, when it could be read
	// WrongShape says the answer is the API's JSON, with a field the
	// client cannot read: not a proxy's page, a problem to report.
	WrongShape bool
}

func (e *ResponseError) Error() string {
	msg := fmt.Sprintf("unexpected answer from PolarDB API at %s (HTTP %d", e.Host, e.StatusCode)
	if e.ContentType != "" {
		msg += ", " + e.ContentType
	}
	msg += "): " + e.Problem
	if e.RequestID != "" {
		msg += " (request ID " + e.RequestID + ")"
	}
	if e.Excerpt != "" {
		msg += fmt.Sprintf("; body starts: %q", e.Excerpt)
	}
	return msg
}

// NetworkError is a failure to exchange a request with the endpoint: DNS,
// connection refused or reset, TLS, timeouts, cancellation.
type NetworkError struct {
	Host string
	Err  error
}

func (e *NetworkError) Error() string {
	return fmt.Sprintf("calling PolarDB API at %s: %v", e.Host, e.Err)
}

func (e *NetworkError) Unwrap() error { return e.Err }

// apiErrorBody is the JSON error body the API answers with.
type apiErrorBody struct {
	RequestID string `json:"RequestId"`
	answerFault
}

// fromRuntime turns an error of the darabonba runtime into a NetworkError
// naming the host. API error answers never reach the runtime (the transport
// reads them), so its own *tea.SDKError stands for a failure of the runtime
// itself; other errors (the transport's, a credential provider's) pass
// through.
func fromRuntime(err error, host string) error {
	var sdkErr *tea.SDKError
	if !errors.As(err, &sdkErr) {
		return err
	}
	return &NetworkError{Host: host, Err: errors.New(clean(tea.StringValue(sdkErr.Message)))}
}

// clean makes text from an answer safe to show: control characters (a
// terminal's escape sequences, line breaks) become spaces, and it is cut at
// maxField runes.
func clean(s string) string {
	const maxField = 1024
	if utf8.RuneCountInString(s) > maxField {
		s = string([]rune(s)[:maxField]) + "…"
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// maxExcerpt bounds how much of an unexpected body is shown to the user.
const maxExcerpt = 160

// excerpt makes the start of a body readable in a diagnostic: markup tags
// dropped, whitespace and control characters collapsed, invalid UTF-8
// replaced, cut at maxExcerpt runes.
func excerpt(body []byte) string {
	var b strings.Builder
	inTag, space := false, false
	runes := 0
	for len(body) > 0 && runes < maxExcerpt {
		r, size := utf8.DecodeRune(body)
		body = body[size:]
		switch {
		case r == '<':
			inTag = true
			space = b.Len() > 0
			continue
		case r == '>' && inTag:
			inTag = false
			continue
		case inTag:
			continue
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = b.Len() > 0
			continue
		}
		if space {
			if runes+1 >= maxExcerpt {
				break
			}
			b.WriteByte(' ')
			runes++
			space = false
		}
		b.WriteRune(r)
		runes++
	}
	out := b.String()
	if len(body) > 0 {
		out += "…"
	}
	return out
}
