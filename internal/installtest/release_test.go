package installtest

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/polardb-community/terraform-provider-polardb/internal/mirror"
	"golang.org/x/mod/sumdb/dirhash"
)

// release is a folder that scripts/release.sh wrote.
type release struct {
	dir     string
	version string
	// sums is SHA256SUMS: the hex SHA-256 of each file it lists, by name.
	sums      map[string]string
	sumsName  string
	signature []byte // SHA256SUMS.sig
	publicKey string // the ASCII-armored key that made signature
	keyID     string // as the CLIs print it, such as 0123456789ABCDEF
}

var sumsName = regexp.MustCompile(`^terraform-provider-polardb_(.+)_SHA256SUMS$`)

// loadRelease reads the release of POLARDB_RELEASE_DIR, signed with the
// key in POLARDB_RELEASE_KEY, or else the one hostRelease builds.
func loadRelease(t *testing.T) *release {
	t.Helper()
	theCLI(t)
	dir, keyFile := os.Getenv("POLARDB_RELEASE_DIR"), os.Getenv("POLARDB_RELEASE_KEY")
	if dir == "" {
		built.once.Do(func() { built.dir, built.keyFile, built.err = hostRelease() })
		if built.err != nil {
			t.Fatal(built.err)
		}
		dir, keyFile = built.dir, built.keyFile
	}
	r := &release{dir: dir, sums: map[string]string{}}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if m := sumsName.FindStringSubmatch(e.Name()); m != nil {
			r.sumsName, r.version = e.Name(), m[1]
		}
	}
	if r.sumsName == "" {
		t.Fatalf("no terraform-provider-polardb_<version>_SHA256SUMS in %s", dir)
	}
	sums := readFile(t, filepath.Join(dir, r.sumsName))
	sc := bufio.NewScanner(bytes.NewReader(sums))
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || !isHex64(sum) {
			t.Fatalf("%s: malformed line %q", r.sumsName, sc.Text())
		}
		r.sums[name] = sum
	}
	r.signature = readFile(t, filepath.Join(dir, r.sumsName+".sig"))
	r.publicKey = string(readFile(t, keyFile))
	keys, err := openpgp.ReadArmoredKeyRing(strings.NewReader(r.publicKey))
	if err != nil || len(keys) != 1 {
		t.Fatalf("%s: want one armored public key (%v)", keyFile, err)
	}
	r.keyID = keys[0].PrimaryKey.KeyIdString()
	return r
}

// zipName is the provider's archive for a platform such as linux_amd64.
func (r *release) zipName(platform string) string {
	return "terraform-provider-polardb_" + r.version + "_" + platform + ".zip"
}

// hostZip is the path of the archive for the platform the tests run on.
func (r *release) hostZip(t *testing.T) string {
	t.Helper()
	name := r.zipName(mirror.Platform())
	if _, listed := r.sums[name]; !listed {
		t.Fatalf("%s does not list %s", r.sumsName, name)
	}
	return filepath.Join(r.dir, name)
}

// platforms are those the provider's archives in SHA256SUMS are for.
func (r *release) platforms() []string {
	var out []string
	for name := range r.sums {
		if p, ok := strings.CutPrefix(name, "terraform-provider-polardb_"+r.version+"_"); ok && strings.HasSuffix(p, ".zip") {
			out = append(out, strings.TrimSuffix(p, ".zip"))
		}
	}
	return out
}

// zh is the lock file's hash of an archive: its SHA-256, as SHA256SUMS
// gives it.
func (r *release) zh(name string) string { return "zh:" + r.sums[name] }

// h1 is the lock file's hash of a provider package: the hash of the files
// in the archive, which Terraform computes again from what it installed.
func h1(t *testing.T, zipFile string) string {
	t.Helper()
	h, err := dirhash.HashZip(zipFile, dirhash.Hash1)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// foreignSignature is a valid signature of SHA256SUMS by a key nobody
// published.
func foreignSignature(t *testing.T, r *release) []byte {
	t.Helper()
	other, err := openpgp.NewEntity("someone else", "", "someone@example.invalid", nil)
	if err != nil {
		t.Fatal(err)
	}
	var sig bytes.Buffer
	if err := openpgp.DetachSign(&sig, other, bytes.NewReader(readFile(t, filepath.Join(r.dir, r.sumsName))), nil); err != nil {
		t.Fatal(err)
	}
	if other.PrimaryKey.KeyIdString() == r.keyID {
		t.Fatal("the foreign key has the release key's ID")
	}
	return sig.Bytes()
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// isHex64 says whether s is a SHA-256 in hex.
func isHex64(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == 32
}
