package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

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
		// Longer than other fields: the SDK's own part comes first.
		line += fmt.Sprintf(" user_agent=%q", clipTo(rec.UserAgent, 200))
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

// clip keeps log lines short whatever a client sends.
func clip(s string) string { return clipTo(s, 80) }

// clipTo cuts s to n bytes and marks the cut.
func clipTo(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
