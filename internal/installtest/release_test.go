package installtest

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/polardb-community/terraform-provider-polardb/internal/mirror"
	"github.com/polardb-community/terraform-provider-polardb/internal/testsupport"
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
// key in POLARDB_RELEASE_KEY, or else the one hostRelease builds; without
// a CLI it skips the test.
func loadRelease(t *testing.T) *release {
	t.Helper()
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		t.Skip("TF_ACC_TERRAFORM_PATH names no CLI: run make testcli")
	}
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
	env := append(withoutMakeVariables(os.Environ()), "GNUPGHOME="+gnupg)
	run := func(name string, args ...string) ([]byte, error) {
		cmd := exec.Command(name, args...)
		cmd.Env, cmd.Dir = env, repoRoot
		out, err := cmd.Output()
		if err != nil {
			var stderr []byte
			if exit, ok := err.(*exec.ExitError); ok {
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

// releaseServer serves a release over HTTPS on loopback, as a provider
// network mirror (under /mirror/) and as a provider registry (under
// /v1/providers/, the providers.v1 service), with the files under /files/.
type releaseServer struct {
	*httptest.Server
	release   *release
	host      string // the registry host the CLI asks for, such as registry.terraform.io
	signature []byte // served as SHA256SUMS.sig
	// mirrorHash, when set, is the hash the network mirror reports for
	// every archive, instead of the one SHA256SUMS gives.
	mirrorHash string

	mu     sync.Mutex
	served []string // the paths asked for
}

// newReleaseServer serves r for the CLI's registry host, changed by
// configure before it starts.
func newReleaseServer(t *testing.T, fx *fixture, r *release, configure ...func(*releaseServer)) *releaseServer {
	t.Helper()
	s := &releaseServer{release: r, host: fx.registryHost, signature: r.signature}
	for _, c := range configure {
		c(s)
	}
	s.Server = testsupport.ServeTLS(t, s)
	return s
}

func (s *releaseServer) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	s.mu.Lock()
	s.served = append(s.served, req.URL.Path)
	s.mu.Unlock()
	r := s.release
	mirror := "/mirror/" + s.host + "/polardb-community/polardb/"
	registry := "/v1/providers/polardb-community/polardb/"
	p := req.URL.Path
	switch {
	case p == mirror+"index.json":
		writeJSON(w, map[string]any{"versions": map[string]any{r.version: map[string]any{}}})
	case p == mirror+r.version+".json":
		archives := map[string]any{}
		for _, platform := range r.platforms() {
			name := r.zipName(platform)
			// Relative to this document, as `terraform providers mirror` writes it.
			hash := r.zh(name)
			if s.mirrorHash != "" {
				hash = s.mirrorHash
			}
			archives[platform] = map[string]any{"url": name, "hashes": []string{hash}}
		}
		writeJSON(w, map[string]any{"archives": archives})
	case strings.HasPrefix(p, mirror) && r.sums[path.Base(p)] != "":
		http.ServeFile(w, req, filepath.Join(r.dir, path.Base(p)))
	case p == registry+"versions":
		var platforms []map[string]string
		for _, platform := range r.platforms() {
			goos, goarch, _ := strings.Cut(platform, "_")
			platforms = append(platforms, map[string]string{"os": goos, "arch": goarch})
		}
		writeJSON(w, map[string]any{"versions": []any{map[string]any{
			"version": r.version, "protocols": []string{"6.0"}, "platforms": platforms,
		}}})
	case strings.HasPrefix(p, registry+r.version+"/download/"):
		platform := strings.Replace(strings.TrimPrefix(p, registry+r.version+"/download/"), "/", "_", 1)
		name := r.zipName(platform)
		if r.sums[name] == "" {
			http.NotFound(w, req)
			return
		}
		goos, goarch, _ := strings.Cut(platform, "_")
		writeJSON(w, map[string]any{
			"protocols": []string{"6.0"}, "os": goos, "arch": goarch,
			"filename": name, "download_url": "/files/" + name, "shasum": r.sums[name],
			"shasums_url":           "/files/" + r.sumsName,
			"shasums_signature_url": "/files/" + r.sumsName + ".sig",
			"signing_keys": map[string]any{"gpg_public_keys": []any{map[string]string{
				"key_id": r.keyID, "ascii_armor": r.publicKey,
			}}},
		})
	case p == "/files/"+r.sumsName+".sig":
		_, _ = w.Write(s.signature)
	case strings.HasPrefix(p, "/files/") && (r.sums[path.Base(p)] != "" || path.Base(p) == r.sumsName):
		http.ServeFile(w, req, filepath.Join(r.dir, path.Base(p)))
	default:
		http.NotFound(w, req)
	}
}

// servedPaths are the paths the CLI asked for, in order.
func (s *releaseServer) servedPaths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.served...)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
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

// TestReleaseArchives: the release has what the registries and module
// authors take from it: for every platform, a provider zip holding
// terraform-provider-polardb_v<version> and an emulator zip with its own
// signature by the release key; and the registry manifest (protocol 6.0),
// listed in SHA256SUMS with its hash.
func TestReleaseArchives(t *testing.T) {
	r := loadRelease(t)
	keys, err := openpgp.ReadArmoredKeyRing(strings.NewReader(r.publicKey))
	if err != nil {
		t.Fatal(err)
	}
	platforms := r.platforms()
	if !slices.Contains(platforms, mirror.Platform()) {
		t.Errorf("no archive for %s among %v", mirror.Platform(), platforms)
	}
	for _, platform := range platforms {
		exe := ""
		if strings.HasPrefix(platform, "windows_") {
			exe = ".exe"
		}
		readZipEntry(t, filepath.Join(r.dir, r.zipName(platform)), "terraform-provider-polardb_v"+r.version+exe)
		emulatorZip := filepath.Join(r.dir, "polardb-emulator_"+r.version+"_"+platform+".zip")
		readZipEntry(t, emulatorZip, "polardb-emulator"+exe)
		archive, err := os.Open(emulatorZip)
		if err != nil {
			t.Fatal(err)
		}
		_, err = openpgp.CheckDetachedSignature(keys, archive, bytes.NewReader(readFile(t, emulatorZip+".sig")), nil)
		_ = archive.Close()
		if err != nil {
			t.Errorf("%s.sig: %v", filepath.Base(emulatorZip), err)
		}
	}

	manifest := "terraform-provider-polardb_" + r.version + "_manifest.json"
	content := readFile(t, filepath.Join(r.dir, manifest))
	if sum := sha256.Sum256(content); r.sums[manifest] != hex.EncodeToString(sum[:]) {
		t.Errorf("SHA256SUMS gives %q for %s, whose SHA-256 is %x", r.sums[manifest], manifest, sum)
	}
	var m struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(content, &m); err != nil || m.Version != 1 || !slices.Equal(m.Metadata.ProtocolVersions, []string{"6.0"}) {
		t.Errorf("%s: %s (%v), want version 1 and protocol_versions [\"6.0\"]", manifest, content, err)
	}
}
