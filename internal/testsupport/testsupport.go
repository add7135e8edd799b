// Package testsupport sets up what the tests of every package need alike:
// a process that cannot reach beyond loopback nor read the credentials of
// whoever runs the tests, and that trusts the certificate of the HTTPS test
// servers. Tests import it, and the programs that drive the CLI as tests
// do (the demo, planbench) take its scrub.
package testsupport

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/hashicorp/go-version"

	"github.com/polardb-community/terraform-provider-polardb/internal/loopbacktls"
)

// TLS is the configuration of the tests' HTTPS servers, whose certificate
// the process trusts once Run has begun.
var TLS *tls.Config

// Run runs the tests of a package, from its TestMain, and exits with their
// status. Before, it empties the environment (Scrub) of the caller's cloud
// settings (ALIBABA_CLOUD_*, ALICLOUD_*, POLARDB_ENDPOINT) and
// Terraform CLI settings (TF_CLI_CONFIG_FILE, TF_CLI_ARGS*, ...: a
// dev_overrides file would change what the tests exercise; TF_LOG stays,
// for debugging), turns the ECS metadata service off, points HOME at an
// empty directory (no profile or CLI configuration is read), takes the
// proxies away (WithCallerProxies gives them back), and makes the certificate of
// TLS the one trusted root, in SSL_CERT_FILE, which child processes (the
// CLI, the provider) inherit. credentials-go calls STS over HTTPS on Go's
// system roots, which Go reads once: SSL_CERT_FILE must name the
// certificate before anything verifies one, which is why this runs first.
func Run(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	home, err := Scrub()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(home)
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); isProxy(name) {
			callerProxies = append(callerProxies, kv)
			_ = os.Unsetenv(name)
		}
	}
	var certPEM []byte
	if TLS, certPEM, err = loopbacktls.New(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	certFile := filepath.Join(home, "test-servers.pem")
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	_ = os.Setenv("SSL_CERT_FILE", certFile)
	return m.Run()
}

// Scrub empties this process's environment of the caller's cloud and CLI
// settings as Run describes, keeping proxies for all but loopback, and
// points HOME at a new empty directory, which it returns for the caller to
// remove: the one scrub of the tests, the demo and planbench. Go's caches
// and settings stay where they were.
func Scrub() (home string, err error) {
	goDirs := []string{"GOPATH", "GOMODCACHE", "GOCACHE", "GOENV"}
	out, err := exec.Command("go", append([]string{"env"}, goDirs...)...).Output()
	if err != nil {
		return "", fmt.Errorf("go env: %w", err)
	}
	values := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(values) != len(goDirs) {
		return "", fmt.Errorf("go env %v answered %q", goDirs, out)
	}
	for i, name := range goDirs {
		_ = os.Setenv(name, values[i])
	}
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); scrubbed(name) {
			_ = os.Unsetenv(name)
		}
	}
	_ = os.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	// Servers on loopback are never reached through a proxy.
	for _, name := range []string{"NO_PROXY", "no_proxy"} {
		_ = os.Setenv(name, strings.Trim(os.Getenv(name)+",127.0.0.1,localhost,::1", ","))
	}
	if home, err = os.MkdirTemp("", "polardb-test-home-"); err != nil {
		return "", err
	}
	_ = os.Setenv("HOME", home)
	for _, name := range []string{"XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"} {
		_ = os.Unsetenv(name)
	}
	return home, nil
}

// OnSignal runs cleanup and exits (130 or 143) when the process is
// interrupted or terminated: for a program (the demo, planbench) whose
// deferred removal of Scrub's HOME and whose children would not otherwise
// be seen to.
func OnSignal(cleanup func()) {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		code := 130
		if <-signals == syscall.SIGTERM {
			code = 143
		}
		cleanup()
		os.Exit(code)
	}()
}

// scrubbed says whether Scrub unsets the environment variable name.
func scrubbed(name string) bool {
	switch strings.ToUpper(name) {
	case "POLARDB_ENDPOINT", "TF_CLI_CONFIG_FILE", "TF_PLUGIN_CACHE_DIR", "TF_DATA_DIR", "TF_WORKSPACE":
		return true
	}
	return strings.HasPrefix(name, "ALIBABA_CLOUD_") || strings.HasPrefix(name, "ALICLOUD_") || strings.HasPrefix(name, "TF_CLI_ARGS")
}

func isProxy(name string) bool {
	switch strings.ToUpper(name) {
	case "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY":
		return true
	}
	return false
}

// callerProxies are the proxy settings Run took from the tests.
var callerProxies []string

// WithCallerProxies is env with the proxy settings of whoever ran the
// tests, for a child that needs the Go module proxy (a release build,
// tfplugindocs) rather than loopback alone.
func WithCallerProxies(env []string) []string {
	return append(slices.Clip(env), callerProxies...)
}

// ServeTLS serves handler over HTTPS on loopback with TLS's certificate,
// which the process and its children trust, until the test ends: the one
// way the tests serve HTTPS. Each setup, if any, adjusts the server before
// it starts, with its TLSConfig the one it will serve with (emulator.Stats
// instruments a server so).
func ServeTLS(t testing.TB, handler http.Handler, setup ...func(*http.Server)) *httptest.Server {
	t.Helper()
	server := httptest.NewUnstartedServer(handler)
	server.Config.TLSConfig = TLS
	for _, f := range setup {
		f(server.Config)
	}
	// httptest's TLS listener takes its own field; the http.Server's stays
	// unset, as httptest has it.
	server.TLS, server.Config.TLSConfig = server.Config.TLSConfig, nil
	server.StartTLS()
	t.Cleanup(server.Close)
	return server
}

// actionsSince is the first Terraform that runs actions.
var actionsSince = version.Must(version.NewVersion("1.14.0"))

// CLIRunsActions says whether the CLI under test, as
// scripts/terraform-cli.sh exports it (POLARDB_TEST_CLI and
// POLARDB_TEST_CLI_VERSION), runs actions: Terraform 1.14 or later.
// OpenTofu has none (opentofu/opentofu#3309). If not, why says so.
func CLIRunsActions() (ok bool, why string) {
	cli, v := os.Getenv("POLARDB_TEST_CLI"), os.Getenv("POLARDB_TEST_CLI_VERSION")
	if have, err := version.NewVersion(v); cli != "terraform" || err != nil || have.LessThan(actionsSince) {
		return false, fmt.Sprintf("actions need Terraform 1.14 or later (OpenTofu has none); the CLI is %q %q: "+
			"put a Terraform 1.14 or later on PATH, or set POLARDB_TEST_CLI=terraform@1.15.9 as CI does", cli, v)
	}
	return true, ""
}

// RequireActions skips t, saying why, unless the CLI under test runs
// actions.
func RequireActions(t testing.TB) {
	t.Helper()
	if ok, why := CLIRunsActions(); !ok {
		t.Skip(why)
	}
}
