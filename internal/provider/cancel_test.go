package provider

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
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

	var out bytes.Buffer
	plan := w.command(context.Background(), "plan", "-input=false", "-no-color")
	plan.Stdout, plan.Stderr = &out, &out
	if err := plan.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- plan.Wait() }()

	// The bounds below only keep a broken build from hanging the suite.
	const hangGuard = 30 * time.Second
	select {
	case <-arrived:
	case err := <-exited:
		t.Fatalf("plan ended before the read began: %v\n%s", err, out.String())
	case <-time.After(hangGuard):
		t.Fatalf("the read never reached the endpoint\n%s", out.String())
	}
	if err := plan.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-abandoned:
	case <-time.After(hangGuard):
		t.Fatalf("the HTTP call was not abandoned after the interrupt\n%s", out.String())
	}
	var err error
	select {
	case err = <-exited:
	case <-time.After(hangGuard):
		_ = plan.Process.Kill()
		t.Fatalf("the CLI did not exit after the interrupt\n%s", out.String())
	}
	if err == nil {
		t.Errorf("plan succeeded after an interrupt:\n%s", out.String())
	}
	if text := out.String(); !strings.Contains(text, "Interrupt received") && !strings.Contains(text, "cancelled") {
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
