package installtest

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// lock is what .terraform.lock.hcl in dir records for the provider.
type lock struct {
	version string
	hashes  []string
}

var (
	lockVersion = regexp.MustCompile(`(?m)^\s*version\s*=\s*"([^"]+)"`)
	lockHash    = regexp.MustCompile(`"((?:h1|zh):[^"]+)"`)
)

func (fx *fixture) lock(dir string) lock {
	fx.t.Helper()
	content := string(readFile(fx.t, filepath.Join(dir, ".terraform.lock.hcl")))
	block := `provider "` + fx.registryHost + `/polardb-community/polardb" {`
	start := strings.Index(content, block)
	if start < 0 {
		fx.t.Fatalf("the lock file has no block %s:\n%s", block, content)
	}
	body, _, _ := strings.Cut(content[start+len(block):], "\n}")
	var l lock
	if m := lockVersion.FindStringSubmatch(body); m != nil {
		l.version = m[1]
	}
	for _, m := range lockHash.FindAllStringSubmatch(body, -1) {
		l.hashes = append(l.hashes, m[1])
	}
	return l
}

// assertLock checks the lock file of dir: version, and every hash in want.
func (fx *fixture) assertLock(dir, version string, want ...string) lock {
	fx.t.Helper()
	l := fx.lock(dir)
	if l.version != version {
		fx.t.Errorf("the lock file records version %q, want %q", l.version, version)
	}
	for _, h := range want {
		if !slices.Contains(l.hashes, h) {
			fx.t.Errorf("the lock file does not record %s; it has %v", h, l.hashes)
		}
	}
	return l
}
