package emulator

import (
	"crypto/tls"
	"net"
	"net/http"
	"sync/atomic"
)

// Stats counts what an http.Server accepted: TCP connections, TLS
// handshakes (and how many of them resumed an earlier session), and HTTP
// requests, of every path. It tells whether a client reuses its
// connections. A handshake counts once the server has done its part, so one
// that the client then refuses (an untrusted certificate) counts too. The
// zero value is ready for use; Instrument hooks it into a server.
type Stats struct {
	connections, tlsHandshakes, tlsResumed, requests atomic.Int64
}

// Counts are what Stats counted, in the JSON form that the command's
// --stats flag writes.
type Counts struct {
	Connections   int64 `json:"connections"`
	TLSHandshakes int64 `json:"tls_handshakes"`
	TLSResumed    int64 `json:"tls_resumed"`
	Requests      int64 `json:"requests"`
}

// Instrument makes srv count into s. Call it once srv's Handler and, for
// HTTPS, TLSConfig are set, and before srv serves. Hooks srv already had
// (ConnState, TLSConfig.VerifyConnection) still run.
func (s *Stats) Instrument(srv *http.Server) {
	connState := srv.ConnState
	srv.ConnState = func(c net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.connections.Add(1)
		}
		if connState != nil {
			connState(c, state)
		}
	}
	handler := srv.Handler
	if handler == nil {
		handler = http.DefaultServeMux
	}
	srv.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		handler.ServeHTTP(w, r)
	})
	if srv.TLSConfig != nil {
		config := srv.TLSConfig.Clone()
		verify := config.VerifyConnection
		// A server calls VerifyConnection once per handshake, whether or
		// not it asks for a client certificate, before the client's
		// Finished message.
		config.VerifyConnection = func(state tls.ConnectionState) error {
			if verify != nil {
				if err := verify(state); err != nil {
					return err
				}
			}
			s.tlsHandshakes.Add(1)
			if state.DidResume {
				s.tlsResumed.Add(1)
			}
			return nil
		}
		srv.TLSConfig = config
	}
}

// Counts returns the counts so far.
func (s *Stats) Counts() Counts {
	return Counts{
		Connections:   s.connections.Load(),
		TLSHandshakes: s.tlsHandshakes.Load(),
		TLSResumed:    s.tlsResumed.Load(),
		Requests:      s.requests.Load(),
	}
}
