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
// body, when there is one, at the end of its message, after a fixed text
// such as "refresh session token failed: ".
func newCredentialError(source string, err error) *CredentialError {
	e := &CredentialError{Source: source, Err: err}
	msg := err.Error()
	if i := strings.Index(msg, "{"); i >= 0 {
		var body struct {
			RequestID string `json:"RequestId"`
			Code      string `json:"Code"`
			Message   string `json:"Message"`
			Recommend string `json:"Recommend"`
		}
		if json.Unmarshal([]byte(msg[i:]), &body) == nil && body.Code != "" {
			e.Code, e.Message, e.RequestID, e.Recommend = body.Code, body.Message, body.RequestID, body.Recommend
		}
	}
	return e
}
