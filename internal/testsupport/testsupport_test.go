package testsupport

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) { Run(m) }

// An HTTPS server with TLS answers a client on the system roots, as
// credentials-go's is; nothing of the caller's environment is left.
func TestTheProcessTrustsTLS(t *testing.T) {
	server := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	server.TLS = TLS
	server.StartTLS()
	defer server.Close()
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyFromEnvironment}, Timeout: 10 * time.Second}
	resp, err := client.Get(server.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.TLS == nil {
		t.Errorf("answered %d, TLS %v", resp.StatusCode, resp.TLS != nil)
	}
	if !strings.HasPrefix(server.URL, "https://127.0.0.1:") {
		t.Errorf("server at %s, not on 127.0.0.1", server.URL)
	}
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); (strings.HasPrefix(name, "ALIBABA_CLOUD_") && name != "ALIBABA_CLOUD_ECS_METADATA_DISABLED") ||
			strings.HasPrefix(name, "ALICLOUD_") || strings.EqualFold(name, "HTTPS_PROXY") {
			t.Errorf("%s is set", name)
		}
	}
}
