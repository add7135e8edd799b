// Package emulator is a local stand-in for the Alibaba Cloud PolarDB API
// (version 2017-08-01) that serves DescribeBackupTasks from fixed data.
//
// It checks requests the way the cloud does: both signature modes of the
// darabonba SDK, STS tokens, clock skew and nonce replay, with the cloud's
// error codes, statuses and body shape. Tests run the real SDK against it and
// inspect what it received through Requests.
package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"sync"
	"time"
)

const (
	apiVersion = "2017-08-01"

	// maxSkew is how far a request's timestamp may be from the server clock,
	// and so also how long a nonce must be remembered.
	maxSkew = 15 * time.Minute

	// maxBodyBytes bounds a request body; a DescribeBackupTasks request
	// is a few hundred bytes.
	maxBodyBytes = 64 << 10

	// maxRecorded bounds the request log of a long-running emulator; the
	// oldest entries go first.
	maxRecorded = 4096

	// timestampLayout is the only format the SDK sends (utils.GetTimestamp).
	timestampLayout = "2006-01-02T15:04:05Z"
)

// commonParams are the protocol's own parameters; the rest are the API's
// and are what RecordedRequest.Params holds.
var commonParams = map[string]bool{
	"Action": true, "Version": true, "Format": true, "Timestamp": true,
	"AccessKeyId": true, "SecurityToken": true, "Signature": true, "SignatureMethod": true,
	"SignatureVersion": true, "SignatureNonce": true, "SignatureType": true, "BearerToken": true,
}

// RecordedRequest is one request as the emulator understood it.
type RecordedRequest struct {
	Action  string
	Version string
	// Params holds the API parameters only (DBClusterId, BackupJobId,
	// BackupMode, and any other parameter that is not part of the protocol),
	// from the query and the form body.
	Params map[string]string
	// SignatureMode is "ACS3-HMAC-SHA256" or "HMAC-SHA1"; "" when the
	// request was refused before (a method other than GET and POST, an
	// unreadable body).
	SignatureMode string
	// AccessKeyID is the key the request claimed, known or not.
	AccessKeyID string
	// Code is "" on success, else the error code answered.
	Code string
}

// Server is the emulator. It implements http.Handler and is safe for
// concurrent use.
type Server struct {
	now      func() time.Time
	logger   *log.Logger
	creds    map[string]Credential
	clusters map[string][]BackupJob

	mu       sync.Mutex // guards what follows
	nonces   nonceCache
	requests []RecordedRequest
}

// Option configures a Server.
type Option func(*Server)

// WithClock replaces the server clock, against which request timestamps are
// checked.
func WithClock(now func() time.Time) Option {
	return func(s *Server) {
		if now != nil {
			s.now = now
		}
	}
}

// WithLogger logs one line per request: action, cluster, status, code and
// request ID. Secrets and tokens are never logged.
func WithLogger(l *log.Logger) Option {
	return func(s *Server) { s.logger = l }
}

// New returns a server for data. It keeps its own copy, so data may be
// changed afterwards. Entries LoadData would refuse are handled safely: a
// credential without a key or secret is ignored, and when an access key or
// cluster ID repeats, the first entry wins.
func New(data Data, opts ...Option) *Server {
	s := &Server{
		now:      time.Now,
		creds:    make(map[string]Credential, len(data.Credentials)),
		clusters: make(map[string][]BackupJob, len(data.Clusters)),
	}
	for _, c := range data.Credentials {
		if c.AccessKeyID == "" || c.AccessKeySecret == "" {
			continue // a key with an empty secret would let anyone sign
		}
		if _, dup := s.creds[c.AccessKeyID]; !dup {
			s.creds[c.AccessKeyID] = c
		}
	}
	for _, c := range data.Clusters {
		if _, dup := s.clusters[c.ID]; !dup {
			s.clusters[c.ID] = append([]BackupJob(nil), c.BackupJobs...)
		}
	}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// Requests returns a copy of the recorded requests, in arrival order,
// refused ones included: the most recent 4096 since the last Reset.
func (s *Server) Requests() []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RecordedRequest, len(s.requests))
	for i, r := range s.requests {
		r.Params = maps.Clone(r.Params)
		out[i] = r
	}
	return out
}

// Reset forgets the recorded requests. Used nonces stay remembered, as in
// the cloud.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// ServeHTTP answers one API call.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := newRequestID()
	rec := RecordedRequest{Params: map[string]string{}}
	// With w, an oversized body also closes the connection.
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	result, apiErr := s.handle(r, &rec)

	status := http.StatusOK
	var body any = result
	if apiErr != nil {
		rec.Code = apiErr.code
		status = apiErr.status
		body = newErrorBody(apiErr, requestID, r.Host)
		if status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", "GET, POST")
		}
	} else {
		result.RequestId = requestID
	}
	// Record before answering, so a test sees the request as soon as its
	// call returns.
	s.record(rec)

	// Like the cloud, write & and < as they are: Recommend is a URL.
	var encoded bytes.Buffer
	enc := json.NewEncoder(&encoded)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil { // cannot happen: the bodies are plain strings
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-acs-request-id", requestID)
	w.WriteHeader(status)
	_, _ = w.Write(encoded.Bytes())

	if s.logger != nil {
		s.logger.Printf("action=%q cluster=%q status=%d code=%q request_id=%s",
			clip(rec.Action), clip(rec.Params["DBClusterId"]), status, rec.Code, requestID)
	}
}

// handle runs the checks in the cloud's order: the API exists, the signature
// fields are there, the key is known, the timestamp is fresh, the signature
// and the token match, the nonce is new; then the API's own parameters.
func (s *Server) handle(r *http.Request, rec *RecordedRequest) (*describeBackupTasksResponse, *apiError) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return nil, errMethodNotAllowed()
	}
	req, apiErr := readRequest(r)
	if apiErr != nil {
		return nil, apiErr
	}
	for k, v := range req.params {
		if !commonParams[k] {
			rec.Params[k] = v
		}
	}

	// An Authorization header means the ACS3 mode, where the action travels
	// in headers; otherwise it is the legacy mode, all in parameters.
	parse := parseRPC
	rec.SignatureMode = modeRPC
	rec.Action, rec.Version = req.params["Action"], req.params["Version"]
	if _, ok := r.Header["Authorization"]; ok {
		parse = parseACS3
		rec.SignatureMode = modeACS3
		rec.Action, rec.Version = r.Header.Get("x-acs-action"), r.Header.Get("x-acs-version")
	}
	if rec.Action != "DescribeBackupTasks" || rec.Version != apiVersion {
		return nil, errAPINotFound()
	}

	sig, apiErr := parse(req)
	rec.AccessKeyID = sig.accessKeyID
	if apiErr != nil {
		return nil, apiErr
	}
	cred, ok := s.creds[sig.accessKeyID]
	if !ok {
		return nil, errAccessKeyNotFound()
	}
	now := s.now()
	ts, err := time.Parse(timestampLayout, sig.timestamp)
	if err != nil {
		return nil, errTimestampFormat("The expected format is " + timestampLayout + ".")
	}
	if skew := now.Sub(ts); skew > maxSkew || skew < -maxSkew {
		return nil, errTimestampExpired()
	}
	if apiErr := sig.verify(cred.AccessKeySecret); apiErr != nil {
		return nil, apiErr
	}
	if apiErr := checkToken(cred, sig.token); apiErr != nil {
		return nil, apiErr
	}
	s.mu.Lock()
	// Past ts+maxSkew the timestamp check refuses the request anyway.
	replayed := s.nonces.use(sig.accessKeyID+"\n"+sig.nonce, now, ts.Add(maxSkew))
	s.mu.Unlock()
	if replayed {
		return nil, errNonceUsed()
	}
	return s.describeBackupTasks(rec.Params)
}

// checkToken matches the STS token sent with the one of the credential.
func checkToken(cred Credential, sent string) *apiError {
	switch {
	case cred.SecurityToken == "" && sent == "":
		return nil
	case cred.SecurityToken == "":
		return errTokenMismatch()
	case sent == "":
		return errTokenMalformed()
	case !constantTimeEqual(cred.SecurityToken, sent):
		return errTokenMismatch()
	}
	return nil
}

func (s *Server) record(rec RecordedRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.requests) >= maxRecorded {
		s.requests = append(s.requests[:0:0], s.requests[1:]...)
	}
	s.requests = append(s.requests, rec)
}

// request is an HTTP request decoded once for the verifiers and the API.
type request struct {
	http *http.Request
	body []byte
	// query holds the first value of each query parameter, which is what
	// the ACS3 canonical query string covers.
	query map[string]string
	// params is query merged with a form body, the body winning, as the
	// SDK merges them when it signs.
	params map[string]string
	// malformed says why the query or the body could not be decoded; such
	// a request cannot match any signature.
	malformed string
}

func readRequest(r *http.Request) (*request, *apiError) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, errBodyTooLarge()
		}
		return nil, errBodyUnreadable()
	}
	req := &request{http: r, body: body}
	req.query, err = firstValues(r.URL.RawQuery)
	if err != nil {
		req.malformed = "The query string is not valid percent-encoding."
	}
	req.params = maps.Clone(req.query)
	if mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mediaType == "application/x-www-form-urlencoded" {
		form, err := firstValues(string(body))
		if err != nil {
			req.malformed = "The form body is not valid percent-encoding."
		}
		maps.Copy(req.params, form)
	}
	return req, nil
}

// firstValues decodes a query string, keeping the first value of a
// repeated key. On a malformed pair it still returns the others.
func firstValues(raw string) (map[string]string, error) {
	values, err := url.ParseQuery(raw)
	m := make(map[string]string, len(values))
	for k, v := range values {
		m[k] = v[0]
	}
	return m, err
}

// clip keeps log lines short whatever a client sends.
func clip(s string) string {
	const maxLen = 80
	if len(s) > maxLen {
		return s[:maxLen] + "..."
	}
	return s
}
