package polardb

// Fuzz tests of the answer path: whatever bytes an endpoint, a proxy or a
// captive portal answers with, DescribeBackupTasks returns either a decoded
// answer or one of this package's error types, with a message fit to show.
// scripts/test.sh runs each target briefly (the `fuzz` step); seeds are the
// f.Add calls below and the files under testdata/fuzz/<target>/.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
)

// fuzzHost is the endpoint of the fuzzed clients. Nothing resolves it: the
// answers come from fuzzAnswer, in memory.
const fuzzHost = "polardb.fuzz.invalid"

// fuzzAnswer is an http.RoundTripper that answers every request with the
// same canned response, without a network.
type fuzzAnswer struct {
	status int
	header http.Header
	body   []byte
}

func (a *fuzzAnswer) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", a.status, http.StatusText(a.status)),
		StatusCode:    a.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        a.header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(a.body)),
		ContentLength: int64(len(a.body)),
		Request:       req,
	}, nil
}

// newFuzzClient is a Client built by NewClient whose HTTP layer (the
// package's httpClient, with its redirect policy and envelope check) sends
// to rt instead of the network.
func newFuzzClient(t testing.TB, rt http.RoundTripper) *Client {
	t.Helper()
	// No waiting: a throttling answer would otherwise set the client's
	// pace, and every later input would wait for it, slowing the fuzzer
	// down to a few inputs a second. What is fuzzed is what the client
	// makes of an answer, not its pacing (limiter_test.go covers that).
	c, err := NewClient(Config{Endpoint: fuzzHost, Protocol: "HTTP", Credential: testCredential(t), Retry: RetryPolicy{Sleep: noWait}})
	if err != nil {
		t.Fatal(err)
	}
	hc, ok := c.api.HttpClient.(*httpClient)
	if !ok {
		t.Fatalf("the runtime's HTTP client is %T, want *httpClient", c.api.HttpClient)
	}
	hc.client.Transport = rt
	return c
}

// fuzzContentTypes are the Content-Type headers FuzzDecodeAnswer picks
// from; "text/xml;charset=utf-8" sends the runtime down its XML error path.
var fuzzContentTypes = []string{"application/json;charset=utf-8", "text/html", xmlError, ""}

// xmlError is the Content-Type for which the runtime reads an error answer
// as XML.
const xmlError = "text/xml;charset=utf-8"

// fuzzStatus maps any number to a status code from 200 to 599.
func fuzzStatus(n uint16) int { return 200 + int(n)%400 }

// decodeAnswerSeeds are FuzzDecodeAnswer's seeds: the answers of the API,
// of proxies and of broken servers that the client must take apart.
var decodeAnswerSeeds = []struct {
	status      int
	contentType uint8
	rateLimit   string
	body        string
}{
	{200, 0, "", okBody},
	{200, 0, "", `{"RequestId":"R","Items":{"BackupJob":[]}}`},
	{200, 0, "", `{"RequestId":"R","Items":{"BackupJob":[null,{"Process":"1"}]}}`},
	{200, 0, "", `{"RequestId":"R","Items":{"BackupJob":"oops"}}`},
	{200, 0, "", `{"RequestId":"R","Items":{"BackupJob":[{"Process":42}]}}`},
	{200, 0, "", okBody[:60]},
	{200, 0, "", ""},
	{200, 0, "", " \r\n\t"},
	{200, 0, "", `[{"RequestId":"R"}]`},
	{200, 0, "", `null`},
	{200, 0, "", "\xef\xbb\xbf{}"},
	{200, 0, "", `{"RequestId":"R","Code":"Forbidden.RAM","Message":"gateway says no"}`},
	{204, 3, "", `{}`},
	{302, 1, "", `{}`},
	{302, 1, "", `<html><a href="https://login.example/">moved</a></html>`},
	{400, 0, "", `{"RequestId":"REQ-404","HostId":"polardb.aliyuncs.com","Code":"InvalidDBClusterId.NotFound",` +
		`"Message":"The DBClusterId provided does not exist in our records.","Recommend":"https://api.aliyun.com/troubleshoot?q=x"}`},
	{400, 0, "Limit:100,Remain:0,TimeLeft:1843,Reset:1700000000", `{"RequestId":"REQ-T","Code":"Throttling.User","Message":"Request was denied due to user flow control."}`},
	{400, 0, "TimeLeft:99999999999999999999", `{"RequestId":"REQ-T","Code":"Throttling","Message":"x"}`},
	{400, 2, "", `{"Error":{"Code":"X"}}`},
	{400, 0, "", `{"code":"lower.case","message":"m","requestId":"r"}`},
	{400, 0, "", `{"Code":123,"RequestId":["x"]}`},
	{400, 0, "", `{"Message":"no code"}`},
	{403, 0, "", `{"Code":"Forbidden","Message":"\u001b[31mred\u001b[0m\r\nInjected: line","RequestId":"\u0000"}`},
	{404, 0, "", `{"Code":"","code":"B","Message":null}`},
	{500, 0, "", `{"RequestId":"REQ-503","Code":"ServiceUnavailable","Message":"The request has failed due to a temporary failure of the server."}`},
	{502, 1, "", "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"},
	{503, 1, "", strings.Repeat("<p>\x00\x1b\u202e é</p>", 100)},
	{599, 3, "", strings.Repeat(`{"Items":`, 100) + "{}" + strings.Repeat("}", 100)},
}

// FuzzDecodeAnswer sends a DescribeBackupTasks call through the real client
// and runtime to an in-memory endpoint answering body with the given status
// and headers.
func FuzzDecodeAnswer(f *testing.F) {
	for _, seed := range decodeAnswerSeeds {
		f.Add(uint16(seed.status-200), seed.contentType, seed.rateLimit, []byte(seed.body))
	}

	// One client per worker process: the fuzz function runs one input at a
	// time in it, and sets the answer before each call.
	answer := &fuzzAnswer{}
	client := newFuzzClient(f, answer)

	f.Fuzz(func(t *testing.T, statusN uint16, contentTypeN uint8, rateLimit string, body []byte) {
		status := fuzzStatus(statusN)
		contentType := fuzzContentTypes[int(contentTypeN)%len(fuzzContentTypes)]
		answer.status = status
		answer.header = http.Header{}
		if contentType != "" {
			answer.header.Set("Content-Type", contentType)
		}
		if rateLimit != "" {
			answer.header.Set("X-Ratelimit-User-Api", rateLimit)
		}
		if status/100 == 3 {
			answer.header.Set("Location", "https://login.example/portal")
		}
		answer.body = body

		problem := envelopeProblem(body, true)
		checkEnvelopeProblem(t, body, problem)
		checkExcerpt(t, excerpt(body))

		resp, err := client.DescribeBackupTasks(t.Context(), &DescribeBackupTasksRequest{DBClusterId: dara.String("pc-fuzz")})

		// As liberal as the client, by its one set of rules (decodeAnswer,
		// checked on its own by FuzzDecodeLiberally): a number for RequestId
		// or Code keeps its text, a field of no usable shape (an object for
		// RequestId) stays empty and the others are read; a body that is not
		// JSON leaves them all empty.
		var bodyFields apiErrorBody
		_ = decodeAnswer(body, &bodyFields)
		hasCode := bodyFields.Code != ""

		if err == nil {
			if status/100 != 2 {
				t.Errorf("HTTP %d answer %q passed for success", status, body)
			}
			if hasCode && status < 300 {
				t.Errorf("HTTP %d answer %q with error code %q passed for success", status, body, bodyFields.Code)
			}
			if problem != "" {
				t.Errorf("answer %q passed for success although %s", body, problem)
			}
			if resp == nil || resp.Body == nil {
				t.Errorf("success without a complete response: %+v", resp)
			}
			return
		}
		checkFailedAnswer(t, answer, contentType, rateLimit, problem, bodyFields, resp, err)
	})
}

// FuzzErrorParser gives fromRuntime an error of the runtime's own, with any
// Code, Message, status and Data.
func FuzzErrorParser(f *testing.F) {
	f.Add("InvalidDBClusterId.NotFound", "code: 404, The DBClusterId provided does not exist in our records. request id: REQ-1", 404,
		`{"Code":"InvalidDBClusterId.NotFound","HostId":"polardb.aliyuncs.com","Message":"The DBClusterId provided does not exist in our records.","Recommend":"https://api.aliyun.com/troubleshoot?q=InvalidDBClusterId.NotFound","RequestId":"REQ-1","statusCode":404}`)
	f.Add("Throttling.User", "code: 400, Request was denied due to user flow control. request id: REQ-T", 400,
		`{"Code":"Throttling.User","Message":"Request was denied due to user flow control.","RequestId":"REQ-T"}`)
	f.Add("", "credentials: AccessKeyId cannot be empty", 0, "")
	f.Add("", "code: 400,  request id: ", 400, `{}`)
	f.Add("SDK.Code", "message", 500, `{"Code":7}`)
	f.Add("", "m", 400, `{"Code":"FromData","Message":"","RequestId":null}`)
	f.Add("X", "runtime message", 400, `not json`)
	f.Add("X", "m\x00\x1b[2J", -1, `{"Code":"Y\u0007","Message":"\u001b]0;title\u0007","RequestId":"a\nb"}`)
	f.Add("X", strings.Repeat("<b>é</b>\t", 200), 503, `{"Code":"X"} trailing`)

	f.Fuzz(func(t *testing.T, code, message string, status int, data string) {
		sdkErr := &tea.SDKError{Code: tea.String(code), Message: tea.String(message), StatusCode: tea.Int(status), Data: tea.String(data)}
		got := fromRuntime(sdkErr, fuzzHost)
		// Wrapped, as a caller between the runtime and fromRuntime might.
		wrapped := fromRuntime(fmt.Errorf("attempt 1: %w", sdkErr), fuzzHost)
		if !reflect.DeepEqual(got, wrapped) {
			t.Errorf("wrapping changes the result: %#v, then %#v", got, wrapped)
		}
		checkTypedError(t, got)
		// The runtime's own failures name the host and keep its message,
		// made printable.
		var netErr *NetworkError
		if !errors.As(got, &netErr) || netErr.Host != fuzzHost || netErr.Err.Error() != clean(tea.StringValue(sdkErr.Message)) {
			t.Errorf("got %#v, want a NetworkError saying %q", got, clean(message))
		}

		// The excerpt of anything is short, printable and stable.
		checkExcerpt(t, excerpt([]byte(message)))
		checkExcerpt(t, excerpt([]byte(data)))
	})
}

// checkEnvelopeProblem checks envelopeProblem against its definition: an
// answer is one JSON object of at most maxBodyBytes.
func checkEnvelopeProblem(t *testing.T, body []byte, problem string) {
	t.Helper()
	trimmed := bytes.TrimSpace(body)
	isObject := len(body) <= maxBodyBytes && json.Valid(body) && len(trimmed) > 0 && trimmed[0] == '{'
	if isObject != (problem == "") {
		t.Errorf("envelopeProblem(%q) = %q", body, problem)
	}
}

// checkTypedError checks that err is one of the package's error types and
// that its message can be shown as it is.
func checkTypedError(t *testing.T, err error) {
	t.Helper()
	var apiErr *APIError
	var respErr *ResponseError
	var netErr *NetworkError
	switch {
	case errors.As(err, &apiErr), errors.As(err, &netErr):
	case errors.As(err, &respErr):
		checkExcerpt(t, respErr.Excerpt)
	default:
		t.Fatalf("err = %T %v, want an *APIError, *ResponseError or *NetworkError", err, err)
	}
	msg := err.Error()
	if msg == "" {
		t.Errorf("%T has an empty message", err)
	}
	if i := strings.IndexFunc(msg, unicode.IsControl); i >= 0 {
		t.Errorf("%T message has the control character %U at byte %d: %q", err, []rune(msg[i:])[0], i, msg)
	}
}

// checkExcerpt checks what excerpt promises: at most maxExcerpt runes, then
// an ellipsis when cut; valid UTF-8 without markup, control characters or
// runs of white space; and nothing left to clean, so cleaning it again
// changes nothing.
func checkExcerpt(t *testing.T, ex string) {
	t.Helper()
	limit := maxExcerpt
	text, cut := strings.CutSuffix(ex, "…")
	if n := utf8.RuneCountInString(text); cut && n < maxExcerpt {
		// Too short to have been cut: the ellipsis was in the text.
		text = ex
	}
	switch {
	case !utf8.ValidString(ex):
		t.Errorf("excerpt %q is not valid UTF-8", ex)
	case utf8.RuneCountInString(text) > limit:
		t.Errorf("excerpt %q has %d runes, more than %d", ex, utf8.RuneCountInString(text), limit)
	case strings.ContainsRune(ex, '<'):
		t.Errorf("excerpt %q has markup left", ex)
	case strings.IndexFunc(ex, unicode.IsControl) >= 0:
		t.Errorf("excerpt %q has a control character", ex)
	case strings.IndexFunc(ex, func(r rune) bool { return unicode.IsSpace(r) && r != ' ' }) >= 0,
		strings.Contains(ex, "  "), strings.HasPrefix(ex, " "), strings.HasSuffix(text, " "):
		t.Errorf("excerpt %q has white space left to collapse", ex)
	case excerpt([]byte(ex)) != ex:
		t.Errorf("excerpt %q is not stable: cleaned again it is %q", ex, excerpt([]byte(ex)))
	}
}

// checkFailedAnswer checks the error of a call that got answer (whose
// content type and rate-limit header are those given, whose envelope
// problem, if any, is problem, and whose error fields are bodyFields):
// typed, not a network failure, and the error the answer calls for.
func checkFailedAnswer(t *testing.T, answer *fuzzAnswer, contentType, rateLimit, problem string, bodyFields apiErrorBody,
	resp *DescribeBackupTasksResponse, err error) {
	t.Helper()
	status, body := answer.status, answer.body
	hasCode := bodyFields.Code != ""
	if resp != nil {
		t.Errorf("both a response and an error (%v)", err)
	}
	checkTypedError(t, err)

	var respErr *ResponseError
	var apiErr *APIError
	var netErr *NetworkError
	if errors.As(err, &netErr) {
		t.Errorf("HTTP %d answer %q reported as a network failure: %v", status, body, err)
	}
	if !bytes.Contains(body, []byte("<nil>")) && strings.Contains(err.Error(), "<nil>") {
		t.Errorf("HTTP %d answer %q: the error says <nil>: %v", status, body, err)
	}
	switch {
	case problem != "":
		// The envelope check comes first, whatever the status.
		if !errors.As(err, &respErr) || respErr.Problem != problem || respErr.StatusCode != status || respErr.Host != fuzzHost {
			t.Errorf("answer %q (%s): err = %#v, want a ResponseError for HTTP %d", body, problem, err, status)
		} else if respErr.Excerpt != excerpt(body) || respErr.ContentType != contentType {
			t.Errorf("ResponseError %#v does not carry the answer's excerpt and content type %q", respErr, contentType)
		}
	case hasCode:
		// An answer with a Code is an error whatever its status and
		// content type, and its fields reach the caller, made printable.
		if !errors.As(err, &apiErr) {
			t.Errorf("answer %d %q: err = %#v, want an APIError with code %q", status, body, err, bodyFields.Code)
		} else if apiErr.Code != clean(bodyFields.Code) || apiErr.RequestID != clean(bodyFields.RequestID) || apiErr.StatusCode != status {
			t.Errorf("answer %d %q: got %+v, want code %q, request ID %q", status, body, *apiErr, bodyFields.Code, bodyFields.RequestID)
		}
	default:
		// A redirect, or an error status without a Code.
		if !errors.As(err, &respErr) || respErr.StatusCode != status {
			t.Errorf("answer %d %q: err = %#v, want a ResponseError", status, body, err)
		}
	}
	if errors.As(err, &apiErr) && (apiErr.RetryAfter < 0 || apiErr.RetryAfter >= 3600e9) {
		t.Errorf("rate-limit header %q gave a wait of %v", rateLimit, apiErr.RetryAfter)
	}
}
