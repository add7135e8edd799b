// Package emulator is a local stand-in for the Alibaba Cloud services the
// provider talks to: the PolarDB API (version 2017-08-01), of which it serves
// DescribeBackupTasks from fixed data, and the sources of temporary
// credentials: STS (version 2015-04-01: AssumeRole, AssumeRoleWithOIDC), the
// ECS instance metadata service and a credentials URI. One handler serves
// them all: the metadata service and the credentials URI by path, the APIs
// by Action and Version.
//
// It checks requests the way the cloud does: both signature modes of the
// darabonba SDK, STS tokens and their expiry, clock skew and nonce replay,
// with the cloud's error codes, statuses and body shape. Tests run the real
// SDK and credentials-go against it and inspect what it received through
// Requests. NewTLSConfig lets it serve HTTPS, which credentials-go insists
// on for STS. Faults (WithFaults, SetFaults, SetClusterFaults) make the
// PolarDB API slow, throttled or failing, for testing a client's retries.
package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

const (
	polardbVersion = "2017-08-01"

	// maxSkew is how far a request's timestamp may be from the server clock,
	// and so also how long a nonce must be remembered.
	maxSkew = 15 * time.Minute

	// maxBodyBytes bounds a request body; a DescribeBackupTasks request
	// is a few hundred bytes.
	maxBodyBytes = 64 << 10

	// maxRecorded bounds the request log of a long-running emulator; the
	// oldest entries go first.
	maxRecorded = 4096

	// timestampLayout is the only format the SDK sends (utils.GetTimestamp),
	// and the one STS answers expirations in.
	timestampLayout = "2006-01-02T15:04:05Z"
)

// operation is one API the emulator serves.
type operation struct {
	product string // the API's product, for the Recommend link of refusals
	// anonymous says the caller sends no signature: AssumeRoleWithOIDC,
	// whose caller has only an OIDC token.
	anonymous bool
	serve     func(s *Server, c *apiCall) (any, *apiError)
}

type apiName struct{ version, action string }

var operations = map[apiName]operation{
	{polardbVersion, "DescribeBackupTasks"}: {product: "polardb", serve: (*Server).describeBackupTasks},
	{stsVersion, "AssumeRole"}:              {product: "Sts", serve: (*Server).assumeRole},
	{stsVersion, "AssumeRoleWithOIDC"}:      {product: "Sts", anonymous: true, serve: (*Server).assumeRoleWithOIDC},
}

// apiCall is an accepted call, as an operation sees it.
type apiCall struct {
	requestID string
	now       time.Time         // the server clock when the call arrived
	params    map[string]string // the API parameters; not to be changed
}

// commonParams are the protocol's own parameters; the rest are the API's
// and are what RecordedRequest.Params holds.
var commonParams = map[string]bool{
	"Action": true, "Version": true, "Format": true, "Timestamp": true,
	"AccessKeyId": true, "SecurityToken": true, "Signature": true, "SignatureMethod": true,
	"SignatureVersion": true, "SignatureNonce": true, "SignatureType": true, "BearerToken": true,
}

// RecordedRequest is one request as the emulator understood it.
type RecordedRequest struct {
	// Action is the API's, or "ECSMetadata" for the metadata service and
	// "CredentialsURI" for the credentials URI.
	Action  string
	Version string
	// Params holds the API parameters only (DBClusterId, BackupJobId,
	// BackupMode, RoleArn, OIDCToken, Policy, and any other parameter that
	// is not part of the protocol), from the query and the form body. For
	// the metadata service and the credentials URI, it holds the URL path
	// as "Path".
	Params map[string]string
	// SignatureMode is "ACS3-HMAC-SHA256" or "HMAC-SHA1"; "" when no
	// signature was checked: an anonymous call (AssumeRoleWithOIDC), the
	// metadata service and the credentials URI, a request refused before
	// (a method other than GET and POST, an unreadable body), or a call
	// that got an injected fault.
	SignatureMode string
	// AccessKeyID is the key the request claimed, known or not.
	AccessKeyID string
	// UserAgent is the request's User-Agent header, for API calls.
	UserAgent string
	// Code is "" on success, else the error code answered; the metadata
	// service answers no codes, so for it this is the status text, such as
	// "Not Found". An injected fault without a code is "fault:" and its
	// kind, such as "fault:reset", or "fault:abandoned" for a client that
	// left during the injected latency.
	Code string
}

// Server is the emulator. It implements http.Handler and is safe for
// concurrent use.
type Server struct {
	now            func() time.Time
	logger         *log.Logger
	imdsv2Required bool
	creds          map[string]Credential
	clusters       map[string][]BackupJob
	roles          []Role // in data order, each ARN once
	seed           int64  // of rng

	mu       sync.Mutex // guards what follows
	nonces   nonceCache
	requests []RecordedRequest
	// issued holds the temporary credentials handed out, by access key ID.
	issued map[string]Credential
	// metadataTokens holds the IMDSv2 tokens handed out, with their expiry.
	metadataTokens map[string]time.Time
	// faults are the server's, never nil; clusterFaults a cluster's, by ID.
	faults        *faultScope
	clusterFaults map[string]*faultScope
	rng           *rand.Rand // for Fraction and Jitter
}

// Option configures a Server.
type Option func(*Server)

// WithClock replaces the server clock, against which request timestamps and
// the expiry of STS credentials and metadata tokens are checked, and from
// which issued credentials get their expiration.
func WithClock(now func() time.Time) Option {
	return func(s *Server) {
		if now != nil {
			s.now = now
		}
	}
}

// WithLogger logs one line per request: action, cluster, status (0 for no
// answer), code, request ID, User-Agent and any injected fault. Secrets
// and tokens are never logged.
func WithLogger(l *log.Logger) Option {
	return func(s *Server) { s.logger = l }
}

// WithIMDSv2Required makes the metadata service refuse requests without an
// IMDSv2 token, as on an instance whose metadata access is set to
// token-only.
func WithIMDSv2Required() Option {
	return func(s *Server) { s.imdsv2Required = true }
}

// New returns a server for data. It keeps its own copy, so data may be
// changed afterwards. Entries LoadData would refuse are handled safely: a
// credential without a key or secret is ignored, one whose expiration does
// not parse counts as expired, a role with a malformed ARN is ignored, and
// when an access key, cluster ID or role ARN repeats, or several roles are
// instance roles, the first entry wins. Faults are the exception: New
// panics on those LoadData would refuse, as WithFaults does.
func New(data Data, opts ...Option) *Server {
	s := &Server{
		now:           time.Now,
		creds:         make(map[string]Credential, len(data.Credentials)),
		clusters:      make(map[string][]BackupJob, len(data.Clusters)),
		seed:          1,
		faults:        &faultScope{},
		clusterFaults: map[string]*faultScope{},
	}
	if data.Faults != nil {
		s.faults = newFaultScope(*data.Faults)
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
			if c.Faults != nil {
				s.clusterFaults[c.ID] = newFaultScope(*c.Faults)
			}
		}
	}
	hasInstanceRole := false
	for _, r := range data.Roles {
		if _, known := s.role(r.Arn); known || !roleArnPattern.MatchString(r.Arn) {
			continue
		}
		r.OIDCTokens = append([]string(nil), r.OIDCTokens...)
		r.InstanceRole = r.InstanceRole && !hasInstanceRole
		hasInstanceRole = hasInstanceRole || r.InstanceRole
		s.roles = append(s.roles, r)
	}
	for _, opt := range opts {
		opt(s)
	}
	s.rng = rand.New(rand.NewPCG(uint64(s.seed), 0))
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

// Reset forgets the recorded requests. Used nonces, issued credentials and
// metadata tokens stay valid, as in the cloud.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// ServeHTTP answers one request: to the metadata service or the credentials
// URI by path, to an API otherwise.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// With w, an oversized body also closes the connection.
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	switch {
	case strings.HasPrefix(r.URL.Path, metadataPrefix):
		s.serveMetadata(w, r)
	case strings.HasPrefix(r.URL.Path, credentialsURIPrefix):
		s.serveCredentialsURI(w, r)
	default:
		s.serveAPI(w, r)
	}
}

// serveAPI answers one API call.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	requestID := newRequestID()
	rec := RecordedRequest{Params: map[string]string{}, UserAgent: r.UserAgent()}
	result, apiErr := s.handle(r, &rec, requestID)
	if f, ok := result.(*fault); ok {
		s.serveFault(w, r, rec, requestID, f)
		return
	}
	if apiErr != nil {
		product := operations[apiName{rec.Version, rec.Action}].product
		if product == "" {
			product = "polardb"
		}
		if apiErr.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", "GET, POST")
		}
		s.replyError(w, r, rec, requestID, product, apiErr)
		return
	}
	s.reply(w, rec, http.StatusOK, requestID, jsonBody(result))
}

// replyError answers a refusal with the cloud's error body; product names
// the API in the Recommend link, as "polardb" or "Sts".
func (s *Server) replyError(w http.ResponseWriter, r *http.Request, rec RecordedRequest, requestID, product string, e *apiError) {
	rec.Code = e.code
	s.reply(w, rec, e.status, requestID, jsonBody(newErrorBody(e, requestID, r.Host, product)))
}

// reply records rec, sends body, JSON unless the caller set another
// Content-Type, and logs one line. requestID is "" for the metadata
// service, which has none.
func (s *Server) reply(w http.ResponseWriter, rec RecordedRequest, status int, requestID string, body []byte) {
	// Record before answering, so a test sees the request as soon as its
	// call returns.
	s.record(rec)
	s.write(w, status, requestID, body)
	s.logRequest(rec, status, requestID, "")
}

// write sends body, JSON unless the caller set another Content-Type.
func (s *Server) write(w http.ResponseWriter, status int, requestID string, body []byte) {
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	if requestID != "" {
		w.Header().Set("x-acs-request-id", requestID)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// logRequest logs the one line of a request: the User-Agent of API calls,
// and the injected fault, if any.
func (s *Server) logRequest(rec RecordedRequest, status int, requestID string, fault FaultKind) {
	if s.logger == nil {
		return
	}
	line := fmt.Sprintf("action=%q cluster=%q status=%d code=%q request_id=%s",
		clip(rec.Action), clip(rec.Params["DBClusterId"]), status, rec.Code, requestID)
	if rec.UserAgent != "" {
		line += fmt.Sprintf(" user_agent=%q", clip(rec.UserAgent))
	}
	if fault != "" {
		line += fmt.Sprintf(" fault=%q", fault)
	}
	s.logger.Print(line)
}

// jsonBody encodes v like the cloud, writing & and < as they are: Recommend
// is a URL.
func jsonBody(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("emulator: " + err.Error()) // cannot happen: the bodies are plain strings
	}
	return b.Bytes()
}

// handle runs the checks in the cloud's order: the API exists, the signature
// fields are there, the key is known, the timestamp is fresh, the signature
// and the token match, the token has not expired, the nonce is new; then the
// API's own parameters. Faults come in after the first check, for the
// PolarDB API only; the result is then the *fault to answer.
func (s *Server) handle(r *http.Request, rec *RecordedRequest, requestID string) (any, *apiError) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return nil, errMethodNotAllowed("GET or POST")
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
	// in headers, and so does an x-acs-action header without an Action
	// parameter (an anonymous ACS3 call); otherwise it is the legacy mode,
	// all in parameters.
	parse := parseRPC
	rec.SignatureMode = modeRPC
	rec.Action, rec.Version = req.params["Action"], req.params["Version"]
	_, signedACS3 := r.Header["Authorization"]
	if signedACS3 || (rec.Action == "" && r.Header.Get("x-acs-action") != "") {
		parse = parseACS3
		rec.SignatureMode = modeACS3
		rec.Action, rec.Version = r.Header.Get("x-acs-action"), r.Header.Get("x-acs-version")
	}
	op, ok := operations[apiName{rec.Version, rec.Action}]
	if !ok {
		return nil, errAPINotFound()
	}
	var skew time.Duration
	if op.product == "polardb" {
		var f *fault
		if f, skew = s.injectFaults(r.Context(), rec.Params["DBClusterId"]); f != nil {
			return f, nil
		}
	}
	now := s.now().Add(skew)
	call := &apiCall{requestID: requestID, now: now, params: rec.Params}
	if op.anonymous {
		rec.SignatureMode = "" // whatever was sent, nothing is checked
		return op.serve(s, call)
	}

	sig, apiErr := parse(req)
	rec.AccessKeyID = sig.accessKeyID
	if apiErr != nil {
		return nil, apiErr
	}
	cred, ok := s.credential(sig.accessKeyID)
	if !ok {
		return nil, errAccessKeyNotFound()
	}
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
	if apiErr := checkToken(cred, sig.token, now); apiErr != nil {
		return nil, apiErr
	}
	s.mu.Lock()
	// Past ts+maxSkew the timestamp check refuses the request anyway.
	replayed := s.nonces.use(sig.accessKeyID+"\n"+sig.nonce, now, ts.Add(maxSkew))
	s.mu.Unlock()
	if replayed {
		return nil, errNonceUsed()
	}
	return op.serve(s, call)
}

// credential finds an access key among the data's and the issued ones.
func (s *Server) credential(accessKeyID string) (Credential, bool) {
	if c, ok := s.creds[accessKeyID]; ok {
		return c, true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.issued[accessKeyID]
	return c, ok
}

// checkToken matches the STS token sent with the one of the credential,
// then refuses an STS credential past its expiration.
func checkToken(cred Credential, sent string, now time.Time) *apiError {
	switch {
	case cred.SecurityToken == "" && sent != "":
		return errTokenMismatch()
	case cred.SecurityToken != "" && sent == "":
		return errTokenMalformed()
	case !constantTimeEqual(cred.SecurityToken, sent):
		return errTokenMismatch()
	case expired(cred, now):
		return errTokenExpired()
	}
	return nil
}

// expired reports whether cred has an expiration and now is past it. One
// that does not parse (New takes data unchecked) counts as past.
func expired(cred Credential, now time.Time) bool {
	if cred.Expiration == "" {
		return false
	}
	t, err := time.Parse(time.RFC3339, cred.Expiration)
	return err != nil || !now.Before(t)
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
