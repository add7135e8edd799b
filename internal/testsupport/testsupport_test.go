package testsupport

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
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

// RequireActions, under a CLI without actions (OpenTofu here), switches
// the test alone to the Terraform that scripts/terraform-cli.sh found for
// actions, as it would export it, saying so; with none, it skips, saying
// why; under a CLI with actions, the test keeps it.
func TestRequireActions(t *testing.T) {
	names := []string{"TF_ACC_TERRAFORM_PATH", "POLARDB_TEST_CLI", "POLARDB_TEST_CLI_VERSION", "TF_ACC_PROVIDER_NAMESPACE", "TF_ACC_PROVIDER_HOST"}
	env := func() []string {
		var values []string
		for _, name := range names {
			value, ok := os.LookupEnv(name)
			values = append(values, fmt.Sprintf("%s=%s (%v)", name, value, ok))
		}
		return values
	}
	tofu := []string{"/tools/tofu", "tofu", "1.12.6", "hashicorp", "registry.opentofu.org"}
	terraform := []string{"/cache/terraform", "terraform", "1.15.9"}
	for _, tt := range []struct {
		name        string
		underTest   []string // names' values
		actionsCLI  string
		wantEnv     []string // in the test; nil: the one under test
		wantSkipped bool
		wantNote    string
	}{
		{"a stand-in", tofu, "/cache/terraform", append(slices.Clip(terraform), "", ""), false,
			"using Terraform 1.15.9 from the shared tools for actions: the CLI under test (tofu 1.12.6) has none"},
		{"none", tofu, "", nil, true, "actions need Terraform 1.14 or later (OpenTofu has none), and the CLI under test is tofu 1.12.6: "},
		{"the CLI under test", terraform, "/cache/terraform", nil, false, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for i, name := range names {
				if i < len(tt.underTest) {
					t.Setenv(name, tt.underTest[i])
				} else {
					t.Setenv(name, "")
					_ = os.Unsetenv(name)
				}
			}
			t.Setenv("POLARDB_ACTIONS_CLI_PATH", tt.actionsCLI)
			t.Setenv("POLARDB_ACTIONS_CLI_VERSION", "1.15.9")
			before := env()
			if _, _, note := ActionsCLI(); !strings.HasPrefix(note, tt.wantNote) || (note == "") != (tt.wantNote == "") {
				t.Errorf("the note is %q, want %q", note, tt.wantNote)
			}
			var inside []string
			var skipped bool
			t.Run("test", func(t *testing.T) {
				t.Cleanup(func() { skipped = t.Skipped() })
				RequireActions(t)
				inside = env()
			})
			want := before
			if tt.wantEnv != nil {
				want = nil
				for i, name := range names {
					want = append(want, fmt.Sprintf("%s=%s (%v)", name, tt.wantEnv[i], tt.wantEnv[i] != ""))
				}
			}
			if tt.wantSkipped {
				want = nil
			}
			if skipped != tt.wantSkipped || !slices.Equal(inside, want) {
				t.Errorf("skipped %v, want %v; the test's environment:\n%q\nwant\n%q", skipped, tt.wantSkipped, inside, want)
			}
			if after := env(); !slices.Equal(after, before) {
				t.Errorf("after the test, the environment is\n%q\nnot\n%q", after, before)
			}
		})
	}
}
