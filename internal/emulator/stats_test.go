package emulator

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/polardb-community/terraform-provider-polardb/internal/testsupport"
)

// serveCounting serves the emulator on loopback, over HTTPS (ServeTLS)
// when https, with stats and then connState instrumenting the server, and
// returns its base URL.
func serveCounting(t *testing.T, https bool, stats *Stats, connState func(net.Conn, http.ConnState)) string {
	t.Helper()
	instrument := func(srv *http.Server) {
		srv.ConnState = connState
		stats.Instrument(srv)
	}
	if https {
		return testsupport.ServeTLS(t, New(testData()), instrument).URL
	}
	server := httptest.NewUnstartedServer(New(testData()))
	instrument(server.Config)
	server.Start()
	t.Cleanup(server.Close)
	return server.URL
}

func get(t *testing.T, client *http.Client, url string) {
	t.Helper()
	resp, err := client.Get(url + "/latest/meta-data/ram/security-credentials/")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

func TestStatsCountConnectionsHandshakesAndRequests(t *testing.T) {
	var stats Stats
	var closed atomic.Int64 // the server's own ConnState hook still runs
	url := serveCounting(t, true, &stats, func(_ net.Conn, state http.ConnState) {
		if state == http.StateClosed {
			closed.Add(1)
		}
	})
	// The client trusts ServeTLS's certificate through SSL_CERT_FILE, set
	// by TestMain, and keeps sessions to resume.
	transport := &http.Transport{Proxy: nil, TLSClientConfig: &tls.Config{ClientSessionCache: tls.NewLRUClientSessionCache(4)}}
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second}
	for range 3 {
		get(t, client, url) // one kept-alive connection
	}
	if got, want := stats.Counts(), (Counts{Connections: 1, TLSHandshakes: 1, Requests: 3}); got != want {
		t.Errorf("after 3 requests on one connection: %+v, want %+v", got, want)
	}
	transport.CloseIdleConnections()
	get(t, client, url) // a new connection, resuming the session
	if got, want := stats.Counts(), (Counts{Connections: 2, TLSHandshakes: 2, TLSResumed: 1, Requests: 4}); got != want {
		t.Errorf("after a second connection: %+v, want %+v", got, want)
	}
	transport.CloseIdleConnections()
	deadline := time.Now().Add(10 * time.Second)
	for closed.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if closed.Load() != 2 {
		t.Errorf("the server's ConnState saw %d connections closed, want 2", closed.Load())
	}
}

func TestStatsOverHTTP(t *testing.T) {
	var stats Stats
	url := serveCounting(t, false, &stats, nil)
	client := &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 10 * time.Second}
	get(t, client, url)
	get(t, client, url)
	if got, want := stats.Counts(), (Counts{Connections: 1, Requests: 2}); got != want {
		t.Errorf("%+v, want %+v", got, want)
	}
}
