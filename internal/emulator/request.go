package emulator

import (
	"errors"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
)

// maxBodyBytes bounds a request body; a DescribeBackupTasks request is a
// few hundred bytes.
const maxBodyBytes = 64 << 10

// commonParams are the protocol's own parameters; the rest are the API's
// and are what RecordedRequest.Params holds.
var commonParams = map[string]bool{
	"Action": true, "Version": true, "Format": true, "Timestamp": true,
	"AccessKeyId": true, "SecurityToken": true, "Signature": true, "SignatureMethod": true,
	"SignatureVersion": true, "SignatureNonce": true, "SignatureType": true, "BearerToken": true,
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
			return nil, errBodyTooLarge
		}
		return nil, errBodyUnreadable
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
