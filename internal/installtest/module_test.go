package installtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
)

// TestModuleBackupGate: the example module's `terraform test` suites,
// with the provider from the release's zip: the unit tests with a mocked
// provider, then the integration tests against the release's emulator,
// once as is and once with its first two calls throttled, which the
// first read rides out (the suite's provider allows 2 retries).
func TestModuleBackupGate(t *testing.T) {
	// mock_provider, which the unit tests use, came with 1.7.
	if v, err := version.NewVersion(os.Getenv("POLARDB_TEST_CLI_VERSION")); err == nil && v.LessThan(version.Must(version.NewVersion("1.7.0"))) {
		t.Skipf("the module's tests need Terraform or OpenTofu 1.7 or later (mock_provider); this is %s", v)
	}
	ex := newExamples(t)
	dir := ex.initialised(t, "modules/backup-gate")
	ex.fx.mustRun(dir, ex.env, "test", "-no-color", "-filter=tests/unit.tftest.hcl", "-filter=tests/status.tftest.hcl")

	data, err := filepath.Abs(filepath.Join(dir, "tests", "emulator-data.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, faults string
		throttled    int // calls the emulator refuses
	}{{"as is", "", 0}, {"throttled", "--fault throttling --fault-first 2", 2}} {
		t.Run("integration "+tt.name, func(t *testing.T) {
			emu, err := emulator.StartCommand(ex.emulator, nil, append([]string{"--data", data}, strings.Fields(tt.faults)...)...)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = emu.Stop() }()
			ex.fx.in(t).mustRun(dir, append(ex.env, "POLARDB_ENDPOINT="+emu.Endpoint), "test", "-no-color", "-filter=tests/integration.tftest.hcl")
			if throttled := strings.Count(emu.Log(), `fault="throttling"`); throttled != tt.throttled {
				t.Errorf("the emulator throttled %d calls, want %d:\n%s", throttled, tt.throttled, emu.Log())
			}
		})
	}
}
