package emulator

import (
	"slices"
	"time"
)

const (
	// maxSkew is how far a request's timestamp may be from the server clock,
	// and so also how long a nonce must be remembered.
	maxSkew = 15 * time.Minute

	// timestampLayout is the only format the SDK sends (utils.GetTimestamp),
	// and the one STS answers expirations in.
	timestampLayout = "2006-01-02T15:04:05Z"
)

// verifyCaller checks a signed call in the cloud's order: the signature
// fields are there, the key is known, the timestamp is fresh, the signature
// and the token match, the token has not expired, the nonce is new. parse
// reads the signature of the call's mode; now is the server clock, skewed
// by any injected fault.
func (s *Server) verifyCaller(req *request, parse func(*request) (*signedRequest, *apiError), now time.Time, rec *RecordedRequest) *apiError {
	sig, apiErr := parse(req)
	rec.AccessKeyID = sig.accessKeyID
	if apiErr != nil {
		return apiErr
	}
	cred, ok := s.credential(sig.accessKeyID)
	if !ok {
		return errAccessKeyNotFound
	}
	ts, err := time.Parse(timestampLayout, sig.timestamp)
	if err != nil {
		return errTimestampFormat.with("The expected format is " + timestampLayout + ".")
	}
	if skew := now.Sub(ts); skew > maxSkew || skew < -maxSkew {
		return errTimestampExpired
	}
	if apiErr := sig.verify(cred.AccessKeySecret); apiErr != nil {
		return apiErr
	}
	if apiErr := checkToken(cred, sig.token, now); apiErr != nil {
		return apiErr
	}
	s.mu.Lock()
	// Past ts+maxSkew the timestamp check refuses the request anyway.
	replayed := s.nonces.use(sig.accessKeyID+"\n"+sig.nonce, now, ts.Add(maxSkew))
	s.mu.Unlock()
	if replayed {
		return errNonceUsed
	}
	if slices.Contains(cred.DeniedActions, rec.Action) {
		return errForbiddenRAM
	}
	return nil
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
		return errTokenMismatch
	case cred.SecurityToken != "" && sent == "":
		return errTokenMalformed
	case !constantTimeEqual(cred.SecurityToken, sent):
		return errTokenMismatch
	case expired(cred, now):
		return errTokenExpired
	}
	return nil
}

// expired reports whether cred has an expiration and now is past it. (New
// has checked that it parses; one that did not would count as past.)
func expired(cred Credential, now time.Time) bool {
	if cred.Expiration == "" {
		return false
	}
	t, err := time.Parse(time.RFC3339, cred.Expiration)
	return err != nil || !now.Before(t)
}

// maxNonces bounds the nonce memory. Past it the oldest nonces are
// forgotten first: under a flood a very old request could be replayed,
// which is acceptable for an emulator and better than growing forever.
const maxNonces = 1 << 16

// nonceCache remembers signature nonces until the request they came with
// can no longer pass the timestamp check; after that the timestamp check
// alone refuses a replay. It is not safe for concurrent use: Server guards it.
type nonceCache struct {
	expires map[string]time.Time
	order   []nonceEntry // insertion order, oldest first
}

type nonceEntry struct {
	key     string
	expires time.Time
}

// use reports whether key was already used and is still remembered at now;
// if not, it remembers key until expires, inclusive.
func (c *nonceCache) use(key string, now, expires time.Time) (replayed bool) {
	if c.expires == nil {
		c.expires = make(map[string]time.Time)
	}
	c.prune(now)
	if exp, ok := c.expires[key]; ok && !now.After(exp) {
		return true
	}
	c.expires[key] = expires
	c.order = append(c.order, nonceEntry{key, expires})
	for len(c.order) > maxNonces {
		c.drop(c.order[0])
		c.order = c.order[1:]
	}
	return false
}

// prune forgets the oldest entries while they have expired. Expiry follows
// the request's own timestamp, so an entry may outlive a younger one; it is
// then dropped later or by the size bound.
func (c *nonceCache) prune(now time.Time) {
	n := 0
	for n < len(c.order) && now.After(c.order[n].expires) {
		c.drop(c.order[n])
		n++
	}
	c.order = c.order[n:]
}

// drop forgets e unless its key was remembered again since.
func (c *nonceCache) drop(e nonceEntry) {
	if exp, ok := c.expires[e.key]; ok && exp.Equal(e.expires) {
		delete(c.expires, e.key)
	}
}
