package polardb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// maxBodyBytes bounds a response held in memory. A 10,000-task answer is
// about 2 MiB; anything near this bound is not a DescribeBackupTasks answer.
const maxBodyBytes = 32 << 20

// idleConnsPerHost keeps enough warm connections for Terraform's default
// parallelism of 10 concurrent reads, with headroom.
const idleConnsPerHost = 16

// httpClient is the runtime's HTTP layer (it implements dara.HttpClient).
// Owning it gives one connection pool per provider, explicit timeouts, and a
// place to check the answer's envelope before the runtime parses it: the
// runtime turns a non-JSON body into a bare JSON syntax error that has lost
// the status and the body.
type httpClient struct {
	client *http.Client
}

func newHTTPClient(connectTimeout, readTimeout time.Duration) *httpClient {
	dialer := &net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second}
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   connectTimeout,
		ResponseHeaderTimeout: readTimeout,
		MaxIdleConns:          4 * idleConnsPerHost,
		MaxIdleConnsPerHost:   idleConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &httpClient{client: &http.Client{
		Transport: transport,
		// One attempt, body included, may take at most this long.
		Timeout: connectTimeout + readTimeout,
		// The API never redirects; a redirect means a proxy or portal that
		// should be reported, not followed with signed headers.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Call sends the request with the provider's pool; the runtime's per-call
// transport is ignored. It reads error answers itself, so that the runtime
// only ever sees successes: the runtime turns a missing field into "<nil>",
// reads a JSON body labelled XML as XML, and drops the headers, among them
// the rate-limit hint.
func (c *httpClient) Call(req *http.Request, _ *http.Transport) (*http.Response, error) {
	host := req.URL.Host
	resp, err := c.client.Do(req)
	if err != nil {
		// url.Error repeats the whole URL, query included; the host is enough.
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return nil, &NetworkError{Host: host, Err: err}
	}
	defer resp.Body.Close()

	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err != nil {
		return nil, &NetworkError{Host: host, Err: fmt.Errorf("reading the answer: %w", err)}
	}
	raw, keep := req.Context().Value(rawAnswerKey{}).(*rawAnswer)
	keep = keep && resp.StatusCode >= 200 && resp.StatusCode < 300
	// A kept answer's syntax is checked when the caller decodes it.
	if problem := envelopeProblem(body, !keep); problem != "" {
		return nil, responseError(host, resp.StatusCode, resp.Header, problem, body)
	}
	if keep {
		// The caller decodes it, error Code included (see rawAnswer).
		raw.body, raw.status, raw.header, raw.host = body, resp.StatusCode, resp.Header, host
		body = []byte("{}")
	} else if err := answerError(host, resp, body); err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	return resp, nil
}

const problemNotJSON = "body is not valid JSON"

// envelopeProblem says why a body cannot be an API answer, or "" if it can.
// Every answer, success or error, is one JSON object. With checkSyntax
// false, the syntax of a body that starts like an object is left to
// json.Unmarshal, which validates its input anyway (see rawAnswer.decode).
func envelopeProblem(body []byte, checkSyntax bool) string {
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(body) > maxBodyBytes:
		return fmt.Sprintf("body larger than %d MiB", maxBodyBytes>>20)
	case len(trimmed) == 0:
		return "empty body"
	case (checkSyntax || trimmed[0] != '{') && !json.Valid(body):
		return problemNotJSON
	case trimmed[0] != '{':
		return "body is not a JSON object"
	}
	return ""
}

func responseError(host string, status int, header http.Header, problem string, body []byte) *ResponseError {
	return &ResponseError{Host: host, StatusCode: status, ContentType: header.Get("Content-Type"), Problem: problem, Excerpt: excerpt(body)}
}

// answerError returns the error an answer (a JSON object) stands for, or
// nil for a success: an APIError for any answer with a Code, whatever its
// status (some gateways answer errors with 200); a ResponseError for a
// redirect, which the API never sends, and for an error status without a
// Code.
func answerError(host string, resp *http.Response, body []byte) error {
	var e apiErrorBody
	_ = decodeAnswer(body, &e) // the envelope is valid JSON; a field of no usable shape just stays empty
	switch {
	case e.Code != "":
		return e.apiError(resp.StatusCode, e.RequestID, resp.Header)
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return responseError(host, resp.StatusCode, resp.Header, "a redirect to "+clean(resp.Header.Get("Location"))+"; the API never redirects", body)
	default:
		return responseError(host, resp.StatusCode, resp.Header, "an error answer without a Code", body)
	}
}

// rawAnswer receives, through the request's context, the body of a
// successful answer, and the runtime gets an empty object instead. The
// runtime decodes JSON three times over (into a map, back into JSON, into
// the result type): for 10,000 tasks that cost 260 ms and 47 MB, where one
// decoding into the result type costs a fraction of it.
type rawAnswer struct {
	body   []byte
	status int
	header http.Header
	host   string
}

// decode decodes the kept answer into body, an answer of action, as
// liberally as decodeAnswer does. A Code makes the answer an error,
// whatever the rest looks like: a 2xx answer may be an error answer. A
// body that is not valid JSON is reported as the transport reports one in
// an error answer; a value of no usable shape, by its path, with the
// answer's RequestId if it could be read. body is decoded as far as it can
// be either way. The error fields are decoded apart, a second pass over the
// answer (apiErrorBody), as a result type cannot also embed them.
func (raw *rawAnswer) decode(body any, action string) error {
	err := decodeAnswer(raw.body, body)
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return responseError(raw.host, raw.status, raw.header, problemNotJSON, raw.body)
	}
	var fault apiErrorBody
	if err != nil || mayHaveCode(raw.body) { // a second pass costs a third of the first
		_ = decodeAnswer(raw.body, &fault) // as far as it can be read
	}
	switch {
	case fault.Code != "":
		return fault.apiError(raw.status, fault.RequestID, raw.header)
	case err != nil:
		e := responseError(raw.host, raw.status, raw.header, "answer does not have the "+action+" shape: "+err.Error(), raw.body)
		e.RequestID, e.WrongShape = clean(fault.RequestID), true
		return e
	}
	return nil
}

// mayHaveCode says whether an answer may have a Code key, as encoding/json
// matches it: "code" in any case, or a key spelled with an escape.
func mayHaveCode(body []byte) bool {
	if bytes.Contains(body, []byte(`\u`)) {
		return true
	}
	for rest := body; ; {
		i := bytes.IndexByte(rest, '"')
		if i < 0 || i+6 > len(rest) {
			return false
		}
		if bytes.EqualFold(rest[i+1:i+6], []byte(`code"`)) {
			return true
		}
		rest = rest[i+1:]
	}
}

type rawAnswerKey struct{}

// answerFault holds the fields of an error answer besides RequestId
// (apiErrorBody).
type answerFault struct {
	HostID    string `json:"HostId"`
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	Recommend string `json:"Recommend"`
}

func (f answerFault) apiError(status int, requestID string, header http.Header) *APIError {
	return &APIError{
		StatusCode: status, Code: clean(f.Code), Message: clean(f.Message), RequestID: clean(requestID),
		Recommend: clean(f.Recommend), HostID: clean(f.HostID), RetryAfter: rateLimitWait(header),
	}
}

// withRawAnswer returns a context whose successful answer lands in the
// returned rawAnswer.
func withRawAnswer(ctx context.Context) (context.Context, *rawAnswer) {
	raw := &rawAnswer{}
	return context.WithValue(ctx, rawAnswerKey{}, raw), raw
}
