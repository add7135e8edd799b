package provider

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Interrupting the CLI during a slow read ends the read at once: Terraform
// stops the provider, the read's context is cancelled, and the cancellation
// reaches the HTTP call, which the endpoint sees abandoned. The read timeout
// (five minutes by default) plays no part. (terraform plan; Terraform 1.11
// does not stop providers while `apply` is still planning.)
func TestAccInterruptEndsASlowRead(t *testing.T) {
	clearProviderEnv(t)
	arrived, abandoned := make(chan struct{}, 1), make(chan struct{}, 1)
	endpoint := misbehavingEndpoint(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done()
		abandoned <- struct{}{}
	})
	w := newCLIWorkdir(t, httpProvider(endpoint)+readClusterWithJobs)
	plan := w.start(t, "plan", "-input=false", "-no-color")
	select {
	case <-arrived:
	case err := <-plan.exited:
		t.Fatalf("plan ended before the read began: %v\n%s", err, plan.output())
	case <-time.After(hangGuard):
		t.Fatalf("the read never reached the endpoint\n%s", plan.output())
	}
	plan.interrupt(t)
	select {
	case <-abandoned:
	case <-time.After(hangGuard):
		t.Fatalf("the HTTP call was not abandoned after the interrupt\n%s", plan.output())
	}
	if err := plan.wait(t); err == nil {
		t.Errorf("plan succeeded after an interrupt:\n%s", plan.output())
	}
	if text := plan.output(); !strings.Contains(text, "Interrupt received") && !strings.Contains(text, "cancelled") {
		t.Errorf("the output does not tell of the interrupt:\n%s", text)
	}
}

// misbehavingEndpoint is an endpoint in front of nothing but handler: the
// faults a proxy or a stuck API produce.
func misbehavingEndpoint(t *testing.T, handler http.HandlerFunc) string {
	t.Helper()
	server := httptest.NewServer(handler)
	t.Cleanup(server.Close)
	return strings.TrimPrefix(server.URL, "http://")
}
