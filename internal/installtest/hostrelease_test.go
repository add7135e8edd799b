package installtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"

	"github.com/polardb-community/terraform-provider-polardb/internal/testsupport"
)

// built is the release hostRelease built for this run's tests, once.
var built struct {
	once         sync.Once
	dir, keyFile string
	err          error
}

// hostRelease builds a release for this machine's platform only, signed
// with a new GPG key that nobody else has (make release with release.sh's
// --host and --new-key), and returns its folder and the key's public half.
// Both stay in the process's temporary HOME, which testsupport removes at
// the end.
func hostRelease() (dir, keyFile string, err error) {
	work, err := os.MkdirTemp(os.Getenv("HOME"), "release-")
	if err != nil {
		return "", "", err
	}
	dir, keys := filepath.Join(work, "dist"), filepath.Join(work, "gnupg")
	cmd := exec.Command("make", "-s", "-C", repoRoot, "release", "RELEASE_ARGS=--host --dist "+dir+" --new-key "+keys)
	cmd.Env = testsupport.WithCallerProxies(withoutMakeVariables(os.Environ()))
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("make release (gpg is needed: Debian's gnupg): %w\n%s", err, out)
	}
	return dir, filepath.Join(keys, "key.asc"), nil
}
