package auth

// Fuzz test of the credential error: whatever credentials-go says when it
// cannot get credentials, the provider's error is built without panicking,
// names the source, and keeps the code, message and request ID that STS (or
// a credentials URI) put in its answer. `make fuzz` runs it briefly; seeds
// are the f.Add calls below and the files under
// testdata/fuzz/FuzzCredentialError/.

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// FuzzCredentialError builds the error twice: from raw, any message; and
// from prefix followed by an STS error answer with the given fields, the way
// credentials-go reports a refusal ("refresh session token failed: {...}").
func FuzzCredentialError(f *testing.F) {
	const stsAnswer = `{"RequestId":"6D1B2B1E-0C8A-5B8E-9F2A-1A2B3C4D5E6F","HostId":"sts.aliyuncs.com","Code":"EntityNotExist.Role",` +
		`"Message":"The role not exists: acs:ram::1234567890123456:role/nobody.","Recommend":"https://api.aliyun.com/troubleshoot?q=EntityNotExist.Role"}`
	f.Add("assume_role", "refresh session token failed: "+stsAnswer,
		"refresh session token failed: ", "EntityNotExist.Role", "The role not exists.", "REQ-1")
	f.Add("ECS instance role \"ecs-reader\"", `refresh Ecs sts token err, httpStatus: 500, message = {"Code":"InternalError","Message":"x"}`,
		"refresh Ecs sts token err, httpStatus: 500, message = ", "InternalError", "", "")
	f.Add("credentials_uri", "get credentials from GET http://127.0.0.1:8080/creds failed: <html>502</html>",
		"get credentials from GET http://127.0.0.1:8080/creds failed: ", "Forbidden", "no", "REQ-2")
	f.Add("oidc", `refresh session token failed: {"Code":""}`, "", "\x00", "\u001b[2J", "\xff")
	f.Add("", "", "", "", "", "")
	f.Add("x", "{", "{", "C", "M", "R")
	f.Add("x", `a {"Code":1} b {"Code":"second"}`, "}", "C", "M", "R")
	f.Add("x", `msg {"Code":"C","Message":"M","RequestId":"R"} trailing`, `{} `, "C", "M", "R")

	f.Fuzz(func(t *testing.T, source, raw, prefix, code, message, requestID string) {
		// Any message.
		cause := errors.New(raw)
		e := newCredentialError(source, cause)
		checkCredentialError(t, e, source, cause)
		if e.Code == "" {
			if want := "cannot obtain credentials (" + source + "): " + raw; e.Error() != want {
				t.Errorf("Error() = %q, want %q", e.Error(), want)
			}
		} else if !strings.Contains(raw, "{") {
			t.Errorf("code %q found in %q, which has no JSON object", e.Code, raw)
		}

		// A message ending with an error answer.
		answer, err := json.Marshal(fuzzAnswer{Code: code, Message: message, RequestID: requestID, Recommend: "see " + code})
		if err != nil {
			t.Fatal(err)
		}
		var want fuzzAnswer // what the answer says once decoded: invalid UTF-8 is replaced
		if err := json.Unmarshal(answer, &want); err != nil {
			t.Fatal(err)
		}
		cause = errors.New(prefix + string(answer))
		e = newCredentialError(source, cause)
		checkCredentialError(t, e, source, cause)
		if want.Code == "" {
			return
		}
		if e.Code != want.Code || e.Message != want.Message || e.RequestID != want.RequestID || e.Recommend != want.Recommend {
			t.Errorf("from %q: got code %q, message %q, request ID %q, recommend %q; want %+v",
				cause, e.Code, e.Message, e.RequestID, e.Recommend, want)
		}
		for _, field := range []string{want.Code, want.Message, want.RequestID, want.Recommend} {
			if !strings.Contains(e.Error(), field) {
				t.Errorf("Error() = %q does not say %q", e.Error(), field)
			}
		}
	})
}

// fuzzAnswer is an STS error answer.
type fuzzAnswer struct {
	RequestID string `json:"RequestId"`
	Code      string
	Message   string
	Recommend string
}

func checkCredentialError(t *testing.T, e *CredentialError, source string, cause error) {
	t.Helper()
	if e == nil {
		t.Fatal("nil error")
	}
	msg := e.Error()
	if msg == "" {
		t.Error("empty message")
	}
	if prefix := "cannot obtain credentials (" + source + "): "; !strings.HasPrefix(msg, prefix) {
		t.Errorf("Error() = %q does not start with %q", msg, prefix)
	}
	if e.Source != source || !errors.Is(e, cause) {
		t.Errorf("source %q and cause %v not kept: %+v", source, cause, e)
	}
}
