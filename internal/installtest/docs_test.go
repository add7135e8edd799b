package installtest

import (
	"os"
	"os/exec"
	"testing"

	"github.com/polardb-community/terraform-provider-polardb/internal/testsupport"
)

// TestDocsAreGenerated: docs/ and examples/ are what make generate makes
// of the schema, templates/ and examples/ (tfplugindocs, terraform fmt),
// with the CLI under test.
func TestDocsAreGenerated(t *testing.T) {
	theCLI(t)
	testsupport.RequireActions(t) // the action's page comes from its schema
	if err := exec.Command("git", "-C", repoRoot, "rev-parse", "--is-inside-work-tree").Run(); err != nil {
		t.Skip("not a git work tree: nothing to compare docs/ with")
	}
	generate := exec.Command("make", "-C", repoRoot, "generate")
	// Not the fixture's proxy: tfplugindocs may need the Go module proxy.
	// The exact CLI under test, not whichever the bare name finds on PATH.
	generate.Env = append(testsupport.WithCallerProxies(withoutMakeVariables(os.Environ())),
		"POLARDB_TEST_CLI="+os.Getenv("POLARDB_TEST_CLI")+"@"+os.Getenv("POLARDB_TEST_CLI_VERSION"))
	if out, err := generate.CombinedOutput(); err != nil {
		t.Fatalf("make generate: %v\n%s", err, out)
	}
	changed, err := exec.Command("git", "-C", repoRoot, "status", "--porcelain", "--", "docs/", "examples/").Output()
	if err != nil {
		t.Fatal(err)
	}
	if len(changed) > 0 {
		diff, _ := exec.Command("git", "-C", repoRoot, "--no-pager", "diff", "--", "docs/", "examples/").Output()
		t.Errorf("docs/ or examples/ differ from what make generate makes: run it and commit them:\n%s\n%.8000s", changed, diff)
	}
}
