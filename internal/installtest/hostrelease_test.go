package installtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/polardb-community/terraform-provider-polardb/internal/testsupport"
)

// built is the release hostRelease built for this run's tests, once.
var built struct {
	once         sync.Once
	dir, keyFile string
	err          error
}

// hostRelease builds a release for this machine's platform only, as
// scripts/release.sh --host does, signed with a new GPG key that nobody
// else has, and returns its folder and the key's public half. Both stay
// in the process's temporary HOME, which testsupport removes at the end.
func hostRelease() (dir, keyFile string, err error) {
	work, err := os.MkdirTemp(os.Getenv("HOME"), "release-")
	if err != nil {
		return "", "", err
	}
	gnupg, dir, keyFile := filepath.Join(work, "gnupg"), filepath.Join(work, "dist"), filepath.Join(work, "key.asc")
	if err := os.Mkdir(gnupg, 0o700); err != nil {
		return "", "", err
	}
	env := append(testsupport.WithCallerProxies(withoutMakeVariables(os.Environ())), "GNUPGHOME="+gnupg)
	run := func(name string, args ...string) ([]byte, error) {
		cmd := exec.Command(name, args...)
		cmd.Env, cmd.Dir = env, repoRoot
		out, err := cmd.Output()
		if err != nil {
			var stderr []byte
			if exit, ok := errors.AsType[*exec.ExitError](err); ok {
				stderr = exit.Stderr
			}
			return nil, fmt.Errorf("%s %s: %w\n%s%s", name, strings.Join(args, " "), err, out, stderr)
		}
		return out, nil
	}
	defer func() { _, _ = run("gpgconf", "--kill", "gpg-agent") }()
	if _, err := run("gpg", "--batch", "--quiet", "--passphrase", "", "--quick-gen-key",
		"terraform-provider-polardb test release <release@localhost.invalid>", "rsa4096", "sign", "never"); err != nil {
		return "", "", fmt.Errorf("a throwaway release key (Debian: apt-get install gnupg): %w", err)
	}
	listed, err := run("gpg", "--batch", "--with-colons", "--list-secret-keys")
	if err != nil {
		return "", "", err
	}
	fingerprint := regexp.MustCompile(`(?m)^fpr:+([0-9A-F]+):`).FindSubmatch(listed)
	if fingerprint == nil {
		return "", "", fmt.Errorf("no fingerprint in gpg's list:\n%s", listed)
	}
	public, err := run("gpg", "--batch", "--armor", "--export", string(fingerprint[1]))
	if err != nil {
		return "", "", err
	}
	if err := os.WriteFile(keyFile, public, 0o600); err != nil {
		return "", "", err
	}
	version, err := run("make", "-s", "version")
	if err != nil {
		return "", "", err
	}
	env = append(env, "GPG_FINGERPRINT="+string(fingerprint[1]), "VERSION="+strings.TrimSpace(string(version)), "GOTOOLCHAIN=auto")
	if _, err := run("scripts/release.sh", "--host", "--dist", dir); err != nil {
		return "", "", err
	}
	return dir, keyFile, nil
}
