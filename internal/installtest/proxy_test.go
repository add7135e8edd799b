package installtest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// proxyRecorder stands for every host off the machine: it records what
// reaches it and answers nothing useful.
type proxyRecorder struct {
	*httptest.Server
	t  *testing.T
	mu sync.Mutex
	// seen holds the CONNECT targets or URLs asked for.
	seen []string
}

func newProxyRecorder(t *testing.T) *proxyRecorder {
	p := &proxyRecorder{t: t}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.seen = append(p.seen, r.Method+" "+r.Host+r.URL.Path)
		p.mu.Unlock()
		http.Error(w, "no network in tests", http.StatusForbidden)
	}))
	t.Cleanup(p.Close)
	return p
}

// take returns what reached the proxy so far, which it then forgets.
func (p *proxyRecorder) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	seen := p.seen
	p.seen = nil
	return seen
}

func (p *proxyRecorder) assertUnused() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.seen) > 0 {
		p.t.Errorf("the CLI tried to reach beyond loopback: %v", p.seen)
	}
}
