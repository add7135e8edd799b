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

// ActionsCLI is the CLI that runs actions, as scripts/terraform-cli.sh
// chose it (POLARDB_ACTIONS_CLI_PATH and _VERSION): the CLI under test if
// it runs them (Terraform 1.14 or later; OpenTofu has none,
// opentofu/opentofu#3309), else Terraform 1.15.9 from the shared tools. The
// note is empty when it is the CLI under test; else it says, for the log,
// that the shared tools' Terraform stands in and why, or, when there is no
// such CLI (path empty), why not.
func ActionsCLI() (path, version, note string) {
	path, version = os.Getenv("POLARDB_ACTIONS_CLI_PATH"), os.Getenv("POLARDB_ACTIONS_CLI_VERSION")
	underTest := os.Getenv("POLARDB_TEST_CLI") + " " + os.Getenv("POLARDB_TEST_CLI_VERSION")
	switch path {
	case "":
		return "", "", fmt.Sprintf("actions need Terraform 1.14 or later (OpenTofu has none), and the CLI under test is %s: "+
			"put a Terraform 1.14 or later on PATH, or terraform-1.15.9.gz in ../shared/tools (POLARDB_SHARED_TOOLS) "+
			"for scripts/terraform-cli.sh to use", underTest)
	case os.Getenv("TF_ACC_TERRAFORM_PATH"):
		return path, version, ""
	}
	return path, version, fmt.Sprintf("using Terraform %s from the shared tools for actions: the CLI under test (%s) has none", version, underTest)
}

// RequireActions makes t run its CLI with actions: the CLI under test if
// it runs them, else ActionsCLI's stand-in, to which it switches t's
// environment as scripts/terraform-cli.sh would export it, saying so;
// without either, it skips t, saying why. After a switch t cannot be
// parallel (t.Setenv).
func RequireActions(t testing.TB) {
	t.Helper()
	path, version, note := ActionsCLI()
	switch {
	case path == "":
		t.Skip(note)
	case note != "":
		t.Log(note)
		t.Setenv("TF_ACC_TERRAFORM_PATH", path)
		t.Setenv("POLARDB_TEST_CLI", "terraform")
		t.Setenv("POLARDB_TEST_CLI_VERSION", version)
		// Set only for OpenTofu; t.Setenv brings them back after t.
		for _, name := range []string{"TF_ACC_PROVIDER_NAMESPACE", "TF_ACC_PROVIDER_HOST"} {
			t.Setenv(name, "")
			_ = os.Unsetenv(name)
		}
	}
}
