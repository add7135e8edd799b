package auth

import (
	"encoding/json"
	"strings"
)

// CredentialError says that temporary credentials could not be obtained:
// STS, the credentials URI or the instance metadata refused or failed.
// When STS answered, its code, message and request ID are kept.
type CredentialError struct {
	Source                              string
	Code, Message, RequestID, Recommend string
	Err                                 error
}

func (e *CredentialError) Error() string {
	if e.Code == "" {
		return "cannot obtain credentials (" + e.Source + "): " + e.Err.Error()
	}
	s := "cannot obtain credentials (" + e.Source + "): " + e.Code + ": " + e.Message + " (request ID " + e.RequestID + ")"
	if e.Recommend != "" {
		s += "; recommend: " + e.Recommend
	}
	return s
}

func (e *CredentialError) Unwrap() error { return e.Err }

// newCredentialError keeps what STS said. credentials-go puts the error
// body, when there is one, at the end of its message, after a text such as
// "refresh session token failed: " that may itself hold braces (a URL
// template, say): the body is the first "{" from which the rest of the
// message is one JSON object.
func newCredentialError(source string, err error) *CredentialError {
	e := &CredentialError{Source: source, Err: err}
	msg := err.Error()
	for i, tries := strings.IndexByte(msg, '{'), 0; i >= 0 && tries < 32; tries++ {
		var body struct {
			RequestID string `json:"RequestId"`
			Code      string `json:"Code"`
			Message   string `json:"Message"`
			Recommend string `json:"Recommend"`
		}
		if json.Unmarshal([]byte(msg[i:]), &body) == nil {
			e.Code, e.Message, e.RequestID, e.Recommend = body.Code, body.Message, body.RequestID, body.Recommend
			break
		}
		next := strings.IndexByte(msg[i+1:], '{')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return e
}
