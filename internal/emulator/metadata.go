package emulator

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The paths served besides the APIs.
const (
	metadataPrefix          = "/latest/"
	metadataTokenPath       = "/latest/api/token"
	securityCredentialsPath = "/latest/meta-data/ram/security-credentials/"
	credentialsURIPrefix    = "/credentials-uri/"
)

const (
	// The IMDSv2 headers: the token's lifetime when asking for one, in
	// seconds, and the token on later requests.
	metadataTokenTTLHeader = "X-aliyun-ecs-metadata-token-ttl-seconds"
	metadataTokenHeader    = "X-aliyun-ecs-metadata-token"

	// maxMetadataTokenTTL is the longest token lifetime ECS grants, in
	// seconds.
	maxMetadataTokenTTL = 21600

	// maxMetadataTokens bounds the IMDSv2 tokens remembered at once.
	maxMetadataTokens = 1 << 12

	// roleCredentialsDuration is how long the credentials of the metadata
	// service and of the credentials URI last.
	roleCredentialsDuration = time.Hour
)

// roleCredentials is the answer of the metadata service and of the
// credentials URI: temporary credentials of a role.
type roleCredentials struct {
	Code            string `json:"Code"`
	AccessKeyId     string `json:"AccessKeyId"`
	AccessKeySecret string `json:"AccessKeySecret"`
	SecurityToken   string `json:"SecurityToken"`
	Expiration      string `json:"Expiration"`
	LastUpdated     string `json:"LastUpdated"`
}

func (s *Server) roleCredentials(now time.Time) roleCredentials {
	cred := s.issue(now, roleCredentialsDuration)
	return roleCredentials{
		Code:            "Success",
		AccessKeyId:     cred.AccessKeyID,
		AccessKeySecret: cred.AccessKeySecret,
		SecurityToken:   cred.SecurityToken,
		Expiration:      cred.Expiration,
		LastUpdated:     now.UTC().Format(timestampLayout),
	}
}

// serveMetadata answers as the ECS instance metadata service
// (http://100.100.100.200) does about the instance's RAM role.
func (s *Server) serveMetadata(w http.ResponseWriter, r *http.Request) {
	rec := RecordedRequest{Action: "ECSMetadata", Params: map[string]string{"Path": r.URL.Path}}
	status, body := s.metadata(w, r)
	if status != http.StatusOK {
		rec.Code = http.StatusText(status)
	}
	s.reply(w, rec, status, "", body)
}

// metadata answers one request to the metadata service: JSON credentials,
// or plain text, which is all the service says otherwise; it has no error
// codes, only statuses.
func (s *Server) metadata(w http.ResponseWriter, r *http.Request) (int, []byte) {
	text := func(status int, msg string) (int, []byte) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		return status, []byte(msg)
	}
	refuse := func(status int) (int, []byte) { return text(status, http.StatusText(status)) }
	now := s.now()

	// IMDSv2: a PUT hands out a session token.
	if r.URL.Path == metadataTokenPath {
		if r.Method != http.MethodPut {
			w.Header().Set("Allow", http.MethodPut)
			return refuse(http.StatusMethodNotAllowed)
		}
		ttl, err := strconv.Atoi(r.Header.Get(metadataTokenTTLHeader))
		if err != nil || ttl < 1 || ttl > maxMetadataTokenTTL {
			return refuse(http.StatusBadRequest)
		}
		return text(http.StatusOK, s.newMetadataToken(now, time.Duration(ttl)*time.Second))
	}

	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		return refuse(http.StatusMethodNotAllowed)
	}
	if !s.metadataTokenOK(r.Header.Get(metadataTokenHeader), now) {
		return refuse(http.StatusUnauthorized)
	}
	name, isRolePath := strings.CutPrefix(r.URL.Path, securityCredentialsPath)
	role, hasRole := s.instanceRole()
	if !isRolePath || !hasRole {
		return refuse(http.StatusNotFound)
	}
	_, roleName := roleParts(role.Arn)
	switch name {
	case "": // the list of the instance's roles, of which there is one
		return text(http.StatusOK, roleName)
	case roleName:
		return http.StatusOK, jsonBody(s.roleCredentials(now))
	}
	return refuse(http.StatusNotFound)
}

// newMetadataToken hands out an IMDSv2 token valid for ttl from now.
func (s *Server) newMetadataToken(now time.Time, ttl time.Duration) string {
	token := base64.RawURLEncoding.EncodeToString(randomBytes(32))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.metadataTokens == nil {
		s.metadataTokens = make(map[string]time.Time)
	}
	makeRoom(s.metadataTokens, maxMetadataTokens, now, func(t time.Time) time.Time { return t })
	s.metadataTokens[token] = now.Add(ttl)
	return token
}

// metadataTokenOK checks the IMDSv2 token of a request. Sending none is
// IMDSv1, allowed unless WithIMDSv2Required; one sent must have been handed
// out and not have expired.
func (s *Server) metadataTokenOK(token string, now time.Time) bool {
	if token == "" {
		return !s.imdsv2Required
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	expires, ok := s.metadataTokens[token]
	return ok && now.Before(expires)
}

// serveCredentialsURI answers GET /credentials-uri/<role name> with
// credentials of that role, as the service that ALIBABA_CLOUD_CREDENTIALS_URI
// names does.
func (s *Server) serveCredentialsURI(w http.ResponseWriter, r *http.Request) {
	requestID := newRequestID()
	rec := RecordedRequest{Action: "CredentialsURI", Params: map[string]string{"Path": r.URL.Path}}
	_, known := s.roleNamed(strings.TrimPrefix(r.URL.Path, credentialsURIPrefix))
	switch {
	case r.Method != http.MethodGet:
		w.Header().Set("Allow", http.MethodGet)
		s.replyError(w, r, rec, requestID, "Sts", errMethodNotAllowed.with("Use GET."))
	case !known:
		s.replyError(w, r, rec, requestID, "Sts", errRoleNotFound)
	default:
		s.reply(w, rec, http.StatusOK, requestID, jsonBody(s.roleCredentials(s.now())))
	}
}
