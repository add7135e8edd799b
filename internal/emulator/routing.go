package emulator

import (
	"net/http"
	"strings"
	"time"
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
	{polardbVersion, "DescribeBackupTasks"}:                {product: "polardb", serve: (*Server).describeBackupTasks},
	{polardbVersion, "DescribeBackups"}:                    {product: "polardb", serve: (*Server).describeBackups},
	{polardbVersion, "CreateBackup"}:                       {product: "polardb", serve: (*Server).createBackup},
	{polardbVersion, "DeleteBackup"}:                       {product: "polardb", serve: (*Server).deleteBackup},
	{polardbVersion, "DescribeLocalAvailableRecoveryTime"}: {product: "polardb", serve: (*Server).describeLocalAvailableRecoveryTime},
	{polardbVersion, "DescribeBackupPolicy"}:               {product: "polardb", serve: (*Server).describeBackupPolicy},
	{polardbVersion, "DescribeLogBackupPolicy"}:            {product: "polardb", serve: (*Server).describeLogBackupPolicy},
	{stsVersion, "AssumeRole"}:                             {product: "Sts", serve: (*Server).assumeRole},
	{stsVersion, "AssumeRoleWithOIDC"}:                     {product: "Sts", anonymous: true, serve: (*Server).assumeRoleWithOIDC},
}

// apiCall is an accepted call, as an operation sees it.
type apiCall struct {
	requestID string
	now       time.Time         // the server clock when the call arrived
	params    map[string]string // the API parameters; not to be changed
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
	s.reply(w, rec, http.StatusOK, requestID, s.encodeAnswer(rec, result))
}

// handle routes an API call as the cloud does: GET or POST, decoded, to an
// API that exists; then, for the PolarDB API only, the faults (the result
// is then the *fault to answer); then the caller's signature (verifyCaller)
// unless the API is anonymous; then the API's own parameters.
func (s *Server) handle(r *http.Request, rec *RecordedRequest, requestID string) (any, *apiError) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return nil, errMethodNotAllowed.with("Use GET or POST.")
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
		return nil, errAPINotFound
	}
	var skew time.Duration
	var lost *fault // FaultLostAnswer: handled, then not answered
	if op.product == "polardb" {
		var f *fault
		if f, skew = s.injectFaults(r.Context(), rec.Params["DBClusterId"], rec.Action); f != nil && f.kind != FaultLostAnswer {
			return f, nil
		}
		lost = f
	}
	now := s.now().Add(skew)
	call := &apiCall{requestID: requestID, now: now, params: rec.Params}
	if op.anonymous {
		rec.SignatureMode = "" // whatever was sent, nothing is checked
		return op.serve(s, call)
	}

	if apiErr := s.verifyCaller(req, parse, now, rec); apiErr != nil {
		return nil, apiErr
	}
	answer, apiErr := op.serve(s, call)
	if lost != nil {
		return lost, nil // acted on, whatever its answer: it is lost
	}
	return answer, apiErr
}
