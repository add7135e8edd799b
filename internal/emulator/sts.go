package emulator

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"regexp"
	"slices"
	"strconv"
	"time"
)

const (
	stsVersion = "2015-04-01"

	// The bounds of DurationSeconds, and its value when it is not sent.
	minDurationSeconds     = 900
	maxDurationSeconds     = 43200
	defaultSessionDuration = time.Hour

	// maxIssued bounds the temporary credentials remembered at once.
	maxIssued = 1 << 12
)

var sessionNamePattern = regexp.MustCompile(`^[a-zA-Z0-9.@_-]{2,64}$`)

// assumeRoleResponse is the answer of AssumeRole and AssumeRoleWithOIDC.
type assumeRoleResponse struct {
	RequestId       string          `json:"RequestId"`
	AssumedRoleUser assumedRoleUser `json:"AssumedRoleUser"`
	Credentials     stsCredentials  `json:"Credentials"`
}

type assumedRoleUser struct {
	Arn           string `json:"Arn"`
	AssumedRoleId string `json:"AssumedRoleId"`
}

type stsCredentials struct {
	AccessKeyId     string `json:"AccessKeyId"`
	AccessKeySecret string `json:"AccessKeySecret"`
	SecurityToken   string `json:"SecurityToken"`
	Expiration      string `json:"Expiration"`
}

// assumeRole serves AssumeRole. The caller's signature and token have been
// checked; any accepted key may assume any role, as if every role trusted
// every caller.
func (s *Server) assumeRole(c *apiCall) (any, *apiError) {
	role, duration, apiErr := s.roleRequest(c.params)
	if apiErr != nil {
		return nil, apiErr
	}
	// The cloud ignores an ExternalId that the role's trust policy does
	// not ask for.
	if role.ExternalID != "" && c.params["ExternalId"] != role.ExternalID {
		return nil, errNoPermission
	}
	return s.assumed(c, role, duration), nil
}

// assumeRoleWithOIDC serves AssumeRoleWithOIDC, an anonymous call: the
// OIDC token is the caller's only proof.
func (s *Server) assumeRoleWithOIDC(c *apiCall) (any, *apiError) {
	role, duration, apiErr := s.roleRequest(c.params)
	if apiErr != nil {
		return nil, apiErr
	}
	if role.OIDCProviderArn == "" || c.params["OIDCProviderArn"] != role.OIDCProviderArn {
		return nil, errOIDCProviderNotFound
	}
	sent := c.params["OIDCToken"]
	if sent == "" || !slices.ContainsFunc(role.OIDCTokens, func(t string) bool { return constantTimeEqual(t, sent) }) {
		return nil, errOIDCTokenInvalid
	}
	return s.assumed(c, role, duration), nil
}

// roleRequest checks the parameters both calls share, in STS's order, and
// finds the role.
func (s *Server) roleRequest(p map[string]string) (Role, time.Duration, *apiError) {
	arn := p["RoleArn"]
	if !roleArnPattern.MatchString(arn) {
		return Role{}, 0, errRoleArnInvalid
	}
	if !sessionNamePattern.MatchString(p["RoleSessionName"]) {
		return Role{}, 0, errRoleSessionNameInvalid
	}
	duration := defaultSessionDuration
	if v := p["DurationSeconds"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < minDurationSeconds || n > maxDurationSeconds {
			return Role{}, 0, errDurationSecondsInvalid
		}
		duration = time.Duration(n) * time.Second
	}
	if policy := p["Policy"]; policy != "" {
		// Only the shape is checked: the emulator enforces no policies.
		var doc map[string]any
		if err := json.Unmarshal([]byte(policy), &doc); err != nil || doc == nil {
			return Role{}, 0, errPolicyGrammar
		}
	}
	role, ok := s.role(arn)
	if !ok {
		return Role{}, 0, errRoleNotFound
	}
	return role, duration, nil
}

// assumed issues credentials for a session of role and answers them.
func (s *Server) assumed(c *apiCall, role Role, duration time.Duration) *assumeRoleResponse {
	account, name := roleParts(role.Arn)
	session := c.params["RoleSessionName"]
	cred := s.issue(c.now, duration)
	return &assumeRoleResponse{
		RequestId: c.requestID,
		AssumedRoleUser: assumedRoleUser{
			Arn:           "acs:ram::" + account + ":assumed-role/" + name + "/" + session,
			AssumedRoleId: roleID(role.Arn) + ":" + session,
		},
		Credentials: stsCredentials{
			AccessKeyId:     cred.AccessKeyID,
			AccessKeySecret: cred.AccessKeySecret,
			SecurityToken:   cred.SecurityToken,
			Expiration:      cred.Expiration,
		},
	}
}

// issue makes temporary credentials that the server accepts from now until
// now+duration by its clock, for every API. This is the one place that
// hands out credentials: STS, the metadata service and the credentials URI
// all come here.
func (s *Server) issue(now time.Time, duration time.Duration) Credential {
	cred := Credential{
		AccessKeyID:     "STS.N" + randomText(24),
		AccessKeySecret: randomText(44),
		// Real tokens are long base64 text; + / = exercise the encoding of
		// the clients.
		SecurityToken: "CAIS" + base64.StdEncoding.EncodeToString(randomBytes(384)),
		// STS answers whole seconds; the credential expires when it says.
		Expiration: now.Add(duration).UTC().Format(timestampLayout),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.issued == nil {
		s.issued = make(map[string]Credential)
	}
	// Expired credentials stay known until room is needed, so that they
	// are refused as expired rather than as unknown keys.
	makeRoom(s.issued, maxIssued, now, func(c Credential) time.Time {
		t, _ := time.Parse(time.RFC3339, c.Expiration)
		return t
	})
	s.issued[cred.AccessKeyID] = cred
	return cred
}

// makeRoom makes room for one more entry in m, which holds at most limit:
// when it is full, it forgets the entries expired at now, or failing that
// the one that expires first.
func makeRoom[V any](m map[string]V, limit int, now time.Time, expires func(V) time.Time) {
	if len(m) < limit {
		return
	}
	first, firstKey := time.Time{}, ""
	for k, v := range m {
		t := expires(v)
		if !now.Before(t) {
			delete(m, k)
		} else if firstKey == "" || t.Before(first) {
			first, firstKey = t, k
		}
	}
	if len(m) >= limit {
		delete(m, firstKey)
	}
}

// role finds a role by its exact ARN.
func (s *Server) role(arn string) (Role, bool) {
	for _, r := range s.roles {
		if r.Arn == arn {
			return r, true
		}
	}
	return Role{}, false
}

// roleNamed finds a role by name, the first in data order.
func (s *Server) roleNamed(name string) (Role, bool) {
	for _, r := range s.roles {
		if _, n := roleParts(r.Arn); n == name {
			return r, true
		}
	}
	return Role{}, false
}

// instanceRole is the role attached to the emulated ECS instance, if any.
func (s *Server) instanceRole() (Role, bool) {
	for _, r := range s.roles {
		if r.InstanceRole {
			return r, true
		}
	}
	return Role{}, false
}

// roleParts splits a role ARN, which New has checked, into account and name.
func roleParts(arn string) (account, name string) {
	m := roleArnPattern.FindStringSubmatch(arn)
	return m[1], m[2]
}

// roleID is the role's numeric ID: the cloud assigns one at creation; here
// it follows from the ARN, so it is the same for every session.
func roleID(arn string) string {
	h := fnv.New64a()
	h.Write([]byte(arn))
	return fmt.Sprintf("3%018d", h.Sum64()%1e18)
}
