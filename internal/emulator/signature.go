package emulator

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// The two signature modes, with the names RecordedRequest.SignatureMode uses.
const (
	modeACS3 = "ACS3-HMAC-SHA256" // the SDK's default: Authorization header
	modeRPC  = "HMAC-SHA1"        // SignatureAlgorithm "v2": Signature parameter
)

// signedRequest is what a verifier reads from a request before it knows the
// secret: enough to look the key up and to check the clock, the token and
// the nonce.
type signedRequest struct {
	accessKeyID string
	timestamp   string // ISO 8601 UTC, as the SDK sends it
	nonce       string
	token       string // "" when none was sent
	// verify recomputes the signature with the secret of accessKeyID.
	verify func(secret string) *apiError
}

// The ACS3 headers the SDK always signs; without them a signature could be
// replayed with another date or nonce, or another body.
var acs3RequiredHeaders = []string{"host", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce"}

// parseACS3 reads an ACS3-HMAC-SHA256 request, as built by the SDK's
// DoRequest and utils.GetAuthorization:
//
//	Authorization: ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=h1;h2,Signature=hex
//
// It returns a non-nil signedRequest even with an error, so that the key the
// caller claimed can be recorded.
func parseACS3(req *request) (*signedRequest, *apiError) {
	sig := &signedRequest{}
	h := req.http.Header
	algorithm, fields, _ := strings.Cut(h.Get("Authorization"), " ")
	if algorithm != modeACS3 {
		return sig, errIncompleteSignature.with("The Authorization header must start with " + modeACS3 + ".")
	}
	auth, err := parseAuthorizationFields(fields)
	if err != nil {
		return sig, err
	}
	sig.accessKeyID = auth["Credential"]
	sig.timestamp = h.Get("x-acs-date")
	sig.nonce = h.Get("x-acs-signature-nonce")
	sig.token = h.Get("x-acs-security-token")

	for _, name := range acs3RequiredHeaders {
		if name != "host" && h.Get(name) == "" { // net/http insists on Host
			return sig, errIncompleteSignature.with("The header " + name + " is missing.")
		}
	}
	signedList := auth["SignedHeaders"]
	signed := strings.Split(signedList, ";")
	mustSign := slices.Clone(acs3RequiredHeaders)
	for name := range h {
		name = strings.ToLower(name)
		// Every x-acs-* header, the token included, and the content type,
		// which decides whether the body is read as parameters.
		if strings.HasPrefix(name, "x-acs-") || name == "content-type" {
			mustSign = append(mustSign, name)
		}
	}
	slices.Sort(mustSign) // the first missing one is reported, the same each time
	for _, name := range mustSign {
		if !slices.Contains(signed, name) {
			return sig, errIncompleteSignature.with("The header " + name + " is not in SignedHeaders.")
		}
	}

	sig.verify = func(secret string) *apiError {
		if req.malformed != "" {
			return errSignatureDoesNotMatch.with(req.malformed)
		}
		payloadHash := h.Get("x-acs-content-sha256")
		if payloadHash != hexSHA256(req.body) {
			return errSignatureDoesNotMatch.with("The x-acs-content-sha256 header does not match the request body.")
		}
		canonicalRequest := req.http.Method + "\n" +
			percentEncodeFixup(canonicalURI(req.http.URL.Path)) + "\n" +
			canonicalQuery(req.query) + "\n" +
			canonicalHeaders(req.http, signed) + "\n" +
			signedList + "\n" +
			payloadHash
		stringToSign := modeACS3 + "\n" + hexSHA256([]byte(canonicalRequest))
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(stringToSign))
		if !constantTimeEqual(hex.EncodeToString(mac.Sum(nil)), auth["Signature"]) {
			return errSignatureDoesNotMatch
		}
		return nil
	}
	return sig, nil
}

// parseAuthorizationFields splits "Credential=AK,SignedHeaders=a;b,Signature=hex"
// and insists on each of the three exactly once.
func parseAuthorizationFields(s string) (map[string]string, *apiError) {
	fields := map[string]string{}
	for part := range strings.SplitSeq(s, ",") {
		key, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, errIncompleteSignature.with("The Authorization header is malformed.")
		}
		if _, dup := fields[key]; dup {
			return nil, errIncompleteSignature.with("The Authorization header repeats " + key + ".")
		}
		fields[key] = value
	}
	for _, key := range []string{"Credential", "SignedHeaders", "Signature"} {
		if fields[key] == "" {
			return nil, errIncompleteSignature.with("The Authorization header has no " + key + ".")
		}
	}
	return fields, nil
}

func canonicalURI(path string) string {
	if path == "" {
		return "/"
	}
	return path
}

// canonicalQuery is utils.getCanonicalQueryString: keys as sent, sorted by
// bytes; values query-escaped.
func canonicalQuery(query map[string]string) string {
	keys := make([]string, 0, len(query))
	for k := range query {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k + "=" + url.QueryEscape(query[k]))
	}
	return percentEncodeFixup(b.String())
}

// canonicalHeaders is utils.getCanonicalHeaders for exactly the headers the
// client says it signed, in its order: "name:v1,v2\n" per header, values
// trimmed and sorted.
func canonicalHeaders(r *http.Request, signed []string) string {
	var b strings.Builder
	for _, name := range signed {
		var values []string
		if name == "host" {
			values = []string{r.Host} // net/http moves Host out of the header map
		} else {
			for _, v := range r.Header.Values(name) {
				values = append(values, strings.TrimSpace(v))
			}
			slices.Sort(values)
		}
		b.WriteString(name + ":" + strings.Join(values, ",") + "\n")
	}
	return b.String()
}

// parseRPC reads a legacy RPC request (SignatureAlgorithm "v2"), as built by
// the SDK's DoRPCRequest and utils.GetRPCSignature: the signature and its
// inputs are parameters, in the query or the form body.
func parseRPC(req *request) (*signedRequest, *apiError) {
	p := req.params
	sig := &signedRequest{
		accessKeyID: p["AccessKeyId"],
		timestamp:   p["Timestamp"],
		nonce:       p["SignatureNonce"],
		token:       p["SecurityToken"],
	}
	for _, name := range []string{"Signature", "AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp"} {
		if p[name] == "" {
			return sig, errIncompleteSignature.with("The parameter " + name + " is missing.")
		}
	}
	if p["SignatureMethod"] != modeRPC {
		return sig, errIncompleteSignature.with("SignatureMethod must be " + modeRPC + ".")
	}
	if p["SignatureVersion"] != "1.0" {
		return sig, errIncompleteSignature.with("SignatureVersion must be 1.0.")
	}

	sig.verify = func(secret string) *apiError {
		if req.malformed != "" {
			return errSignatureDoesNotMatch.with(req.malformed)
		}
		// Every parameter but Signature is signed, sorted and
		// percent-encoded, then percent-encoded again as a whole.
		values := url.Values{}
		for k, v := range p {
			if k != "Signature" {
				values.Set(k, v)
			}
		}
		stringToSign := req.http.Method + "&%2F&" + url.QueryEscape(percentEncodeFixup(values.Encode()))
		mac := hmac.New(sha1.New, []byte(secret+"&"))
		mac.Write([]byte(stringToSign))
		if !constantTimeEqual(base64.StdEncoding.EncodeToString(mac.Sum(nil)), p["Signature"]) {
			return errSignatureDoesNotMatch
		}
		return nil
	}
	return sig, nil
}

// percentEncodeFixup turns url.QueryEscape output into the RFC 3986
// encoding Alibaba Cloud signs, exactly as the SDK does.
func percentEncodeFixup(s string) string {
	s = strings.ReplaceAll(s, "+", "%20")
	s = strings.ReplaceAll(s, "*", "%2A")
	return strings.ReplaceAll(s, "%7E", "~")
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// constantTimeEqual compares a computed secret-derived value with the one
// sent without leaking, through timing, how much of it was right.
func constantTimeEqual(want, got string) bool {
	return subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}
