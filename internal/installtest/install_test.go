package installtest

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/polardb-community/terraform-provider-polardb/internal/mirror"
	"github.com/polardb-community/terraform-provider-polardb/internal/testsupport"
	"golang.org/x/mod/sumdb/dirhash"
)

// repoRoot is the repository's root, where the GNUmakefile is.
const repoRoot = "../.."

// TestInstallWithMake: after `make install`, a plain `init` with no CLI
// configuration installs the provider from the implied local mirror at the
// CHANGELOG's version and locks it; `init` keeps that version once a newer
// one is installed, and `init -upgrade` moves to it.
func TestInstallWithMake(t *testing.T) {
	fx := newFixture(t)
	version := changelogVersion(t)
	installed := fx.makeInstall("")
	for _, host := range mirror.Hosts() {
		bin := filepath.Join(fx.home, ".terraform.d", "plugins", host, "polardb-community", "polardb", version, mirror.Platform(),
			"terraform-provider-polardb_v"+version)
		if info, err := os.Stat(bin); err != nil || info.Mode()&0o111 == 0 {
			t.Errorf("make install did not install an executable %s (%v)", bin, err)
		}
	}

	dir := fx.workdir("")
	fx.mustRun(dir, fx.env, "init", "-input=false", "-no-color")
	fx.assertLock(dir, version, installed)
	want := fmt.Sprintf("provider %s/polardb-community/polardb v%s", fx.registryHost, version)
	if out := fx.mustRun(dir, fx.env, "version"); !strings.Contains(out, want) {
		t.Errorf("version does not say %q:\n%s", want, out)
	}
	fx.plan(dir, fx.env, version)

	newer := nextPatch(t, version)
	upgraded := fx.makeInstall(newer)
	fx.mustRun(dir, fx.env, "init", "-input=false", "-no-color")
	fx.assertLock(dir, version, installed)
	fx.plan(dir, fx.env, version)
	fx.mustRun(dir, fx.env, "init", "-upgrade", "-input=false", "-no-color")
	fx.assertLock(dir, newer, upgraded)
	fx.plan(dir, fx.env, newer)
}

// TestInstallFromPackedMirror: the release's zips, laid out as a packed
// filesystem mirror, install and are locked with the hash of the host
// platform's files; `providers lock` adds every platform's; and a zip whose
// binary was replaced is then refused against the lock.
func TestInstallFromPackedMirror(t *testing.T) {
	r := loadRelease(t)
	fx := newFixture(t)
	root := t.TempDir()
	lockArgs := []string{"providers", "lock", "-fs-mirror=" + root, "-no-color"}
	var everyPlatform []string
	for _, platform := range r.platforms() {
		zip := filepath.Join(r.dir, r.zipName(platform))
		if err := mirror.Packed(root, zip); err != nil {
			t.Fatal(err)
		}
		lockArgs = append(lockArgs, "-platform="+platform)
		everyPlatform = append(everyPlatform, h1(t, zip))
	}
	mirrored := filepath.Join(root, fx.registryHost, "polardb-community", "polardb", filepath.Base(r.hostZip(t)))
	env := fx.withCLIConfig(fx.mirrorConfig("filesystem_mirror", "path", root))

	dir := fx.workdir(r.version)
	fx.mustRun(dir, env, "init", "-input=false", "-no-color")
	fx.assertLock(dir, r.version, h1(t, r.hostZip(t)))
	fx.plan(dir, env, r.version)
	fx.mustRun(dir, env, lockArgs...)
	fx.assertLock(dir, r.version, everyPlatform...)

	replaceBinary(t, mirrored, r)
	if err := os.RemoveAll(filepath.Join(dir, ".terraform")); err != nil {
		t.Fatal(err)
	}
	out, err := fx.run(dir, env, "init", "-input=false", "-no-color")
	if err == nil || !strings.Contains(oneLine(out), "checksums previously recorded in the dependency lock file") {
		t.Errorf("init of a tampered archive: err %v, want a checksum error against the lock file:\n%s", err, out)
	}
	t.Logf("init refused the tampered archive:\n%s", out)
	fx.assertLock(dir, r.version, h1(t, r.hostZip(t)))
}

// TestInstallFromNetworkMirror: a network mirror serving the release installs it,
// checked against the zip's hash from SHA256SUMS that the mirror reports:
// the lock file records the package's h1: hash, and a zh: hash only if it
// is SHA256SUMS' (Terraform records none from a mirror, whose hashes carry
// no signature; OpenTofu 1.12 records the one it checked). A mirror
// reporting another hash for the zip is refused.
func TestInstallFromNetworkMirror(t *testing.T) {
	r := loadRelease(t)
	fx := newFixture(t)
	mirrorConfig := func(srv *releaseServer) []string {
		return fx.withCLIConfig(fx.mirrorConfig("network_mirror", "url", srv.URL+"/mirror/"))
	}
	srv := newReleaseServer(t, fx, r)
	env := mirrorConfig(srv)
	dir := fx.workdir(r.version)
	fx.mustRun(dir, env, "init", "-input=false", "-no-color")
	zipName := filepath.Base(r.hostZip(t))
	l := fx.assertLock(dir, r.version, h1(t, r.hostZip(t)))
	for _, h := range l.hashes {
		if strings.HasPrefix(h, "zh:") && h != r.zh(zipName) {
			t.Errorf("the lock file records %s; SHA256SUMS gives %s for %s", h, r.zh(zipName), zipName)
		}
	}
	if served := srv.servedPaths(); !slices.Contains(served, "/mirror/"+fx.registryHost+"/polardb-community/polardb/"+zipName) {
		t.Errorf("the CLI did not download %s from the mirror; it asked for %v", zipName, served)
	}
	fx.plan(dir, env, r.version)

	t.Run("another hash", func(t *testing.T) {
		// A hash SHA256SUMS gives, of another file.
		srv := newReleaseServer(t, fx, r, func(s *releaseServer) {
			s.mirrorHash = r.zh("terraform-provider-polardb_" + r.version + "_manifest.json")
		})
		dir := fx.workdir(r.version)
		out, err := fx.run(dir, mirrorConfig(srv), "init", "-input=false", "-no-color")
		if err == nil || !strings.Contains(oneLine(out), "doesn't match the expected checksum") {
			t.Errorf("init from a mirror reporting another hash: err %v, want a checksum error:\n%s", err, out)
		}
		t.Logf("init refused it:\n%s", out)
	})
}

// TestInstallFromRegistry: a plain source address installs from a registry speaking
// the provider registry protocol, as from the public one: the signature of
// SHA256SUMS is checked against the release key, which init names, and the
// lock file records the hash of every platform's zip. A signature by
// another key is refused.
func TestInstallFromRegistry(t *testing.T) {
	r := loadRelease(t)
	fx := newFixture(t)
	registryConfig := func(srv *releaseServer) []string {
		return fx.withCLIConfig(fmt.Sprintf("host %q {\n  services = {\n    \"providers.v1\" = %q\n  }\n}\n",
			fx.registryHost, srv.URL+"/v1/providers/"))
	}

	env := registryConfig(newReleaseServer(t, fx, r))
	dir := fx.workdir(r.version)
	out := fx.mustRun(dir, env, "init", "-input=false", "-no-color")
	if !strings.Contains(out, "key ID "+r.keyID) {
		t.Errorf("init does not say that key %s signed the provider:\n%s", r.keyID, out)
	}
	t.Logf("init:\n%s", out)
	want := []string{h1(t, r.hostZip(t))}
	for _, platform := range r.platforms() {
		want = append(want, r.zh(r.zipName(platform)))
	}
	fx.assertLock(dir, r.version, want...)
	fx.plan(dir, env, r.version)

	t.Run("foreign signature", func(t *testing.T) {
		foreign := foreignSignature(t, r)
		env := registryConfig(newReleaseServer(t, fx, r, func(s *releaseServer) { s.signature = foreign }))
		dir := fx.workdir(r.version)
		out, err := fx.run(dir, env, "init", "-input=false", "-no-color")
		if err == nil || !strings.Contains(oneLine(out), "signature from unknown issuer") {
			t.Errorf("init with a signature by another key: err %v, want a signature error:\n%s", err, out)
		}
		t.Logf("init refused it:\n%s", out)
		if _, err := os.Stat(filepath.Join(dir, ".terraform.lock.hcl")); err == nil {
			t.Error("init wrote a lock file for a package whose signature it refused")
		}
	})
}

// TestInstallDevOverrides: with the README's development override, the binary
// that `make` builds is used as it is, without init, and every command
// says so.
func TestInstallDevOverrides(t *testing.T) {
	fx := newFixture(t)
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("make", "-C", root, "build")
	cmd.Env = fx.env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make: %v\n%s", err, out)
	}
	env := fx.withCLIConfig(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/polardb-community/polardb"  = %q
    "registry.opentofu.org/polardb-community/polardb" = %q
  }
  direct {}
}
`, root, root))
	fx.plan(fx.workdir(""), env, changelogVersion(t))
}

// With endpoint_type = "vpc", the installed provider calls the region's
// VPC endpoint, which the proxy records instead of any lookup, and the
// diagnostic names that host; an explicit endpoint still wins, even over
// ALIBABA_CLOUD_ENDPOINT_TYPE.
func TestInstalledProviderCallsVPCEndpoint(t *testing.T) {
	fx := newFixture(t)
	fx.makeInstall("")
	dir := fx.workdirWith("", "region        = \"cn-shenzhen\"\n  endpoint_type = \"vpc\"\n  max_retries   = 0")
	fx.mustRun(dir, fx.env, "init", "-input=false", "-no-color")
	const host = "polardb-vpc.cn-shenzhen.aliyuncs.com"
	out, err := fx.run(dir, fx.env, "plan", "-input=false", "-no-color")
	if err == nil || !strings.Contains(oneLine(out), "Cannot reach the PolarDB API") || !strings.Contains(out, host) {
		t.Errorf("plan: %v, want a connection error naming %s:\n%s", err, host, out)
	}
	if seen := fx.proxy.take(); !slices.Equal(seen, []string{"CONNECT " + host + ":443"}) {
		t.Errorf("the provider asked the proxy for %v, want only %s", seen, host)
	}
	if len(fx.emulator.Requests()) != 0 {
		t.Error("the emulator was called")
	}

	explicit, env := fx.workdir(""), append(slices.Clip(fx.env), "ALIBABA_CLOUD_ENDPOINT_TYPE=vpc")
	fx.mustRun(explicit, env, "init", "-input=false", "-no-color")
	fx.plan(explicit, env, changelogVersion(t))
}

// mirrorConfig is a CLI configuration as the README gives it: the provider
// from a mirror of that kind at location, everything else from its
// registry (which no test reaches: the proxy would record it).
func (fx *fixture) mirrorConfig(kind, attribute, location string) string {
	address := fx.registryHost + "/polardb-community/polardb"
	return fmt.Sprintf(`provider_installation {
  %s {
    %s    = %q
    include = [%q]
  }
  direct {
    exclude = [%q]
  }
}
`, kind, attribute, location, address, address)
}

// makeInstall runs make install into the fixture's HOME, at version (the
// CHANGELOG's when empty), and returns the lock file hash of what it
// installed for the CLI's registry host.
func (fx *fixture) makeInstall(version string) string {
	fx.t.Helper()
	args := []string{"-C", repoRoot, "install"}
	if version != "" {
		args = append(args, "VERSION="+version)
	} else {
		version = changelogVersion(fx.t)
	}
	cmd := exec.Command("make", args...)
	// The fixture's HOME, with Go's caches where they are.
	cmd.Env = fx.env
	if out, err := cmd.CombinedOutput(); err != nil {
		fx.t.Fatalf("make install: %v\n%s", err, out)
	}
	dir := filepath.Join(fx.home, ".terraform.d", "plugins", fx.registryHost, "polardb-community", "polardb", version, mirror.Platform())
	h, err := dirhash.HashDir(dir, "", dirhash.Hash1)
	if err != nil {
		fx.t.Fatal(err)
	}
	return h
}

func TestMain(m *testing.M) { testsupport.Run(m) }

// changelogVersion is the version make install takes by default: the
// GNUmakefile's, the newest CHANGELOG.md has a heading for.
func changelogVersion(t *testing.T) string {
	t.Helper()
	cmd := exec.Command("make", "-s", "-C", repoRoot, "version")
	cmd.Env = withoutMakeVariables(os.Environ())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("make version: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// nextPatch is version with its patch number one higher: 0.1.0 -> 0.1.1.
func nextPatch(t *testing.T, version string) string {
	t.Helper()
	m := regexp.MustCompile(`^(\d+\.\d+)\.(\d+)`).FindStringSubmatch(version)
	if m == nil {
		t.Fatalf("version %q", version)
	}
	patch, _ := strconv.Atoi(m[2])
	return fmt.Sprintf("%s.%d", m[1], patch+1)
}

// replaceBinary rewrites the provider zip at file with another program
// (the release's emulator) in place of the provider binary, under the
// provider binary's name.
func replaceBinary(t *testing.T, file string, r *release) {
	t.Helper()
	other := readZipEntry(t, filepath.Join(r.dir, "polardb-emulator_"+r.version+"_"+mirror.Platform()+".zip"), "polardb-emulator")
	original, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	tampered := file + ".tampered"
	out, err := os.Create(tampered)
	if err != nil {
		t.Fatal(err)
	}
	w := zip.NewWriter(out)
	replaced := false
	for _, f := range original.File {
		hdr := &zip.FileHeader{Name: f.Name, Method: f.Method, Modified: f.Modified}
		hdr.SetMode(f.Mode())
		dst, err := w.CreateHeader(hdr)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(f.Name, "terraform-provider-polardb_v") {
			_, err = dst.Write(other)
			replaced = true
		} else {
			err = copyZipEntry(dst, f)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	_ = out.Close()
	_ = original.Close()
	if !replaced {
		t.Fatalf("%s has no terraform-provider-polardb_v* binary", file)
	}
	if err := os.Rename(tampered, file); err != nil {
		t.Fatal(err)
	}
}

func readZipEntry(t *testing.T, file, name string) []byte {
	t.Helper()
	z, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	f, err := z.Open(name)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func copyZipEntry(dst io.Writer, f *zip.File) error {
	src, err := f.Open()
	if err != nil {
		return err
	}
	defer src.Close()
	_, err = io.Copy(dst, src)
	return err
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	if err := os.WriteFile(to, readFile(t, from), 0o644); err != nil {
		t.Fatal(err)
	}
}

// oneLine joins the CLI's wrapped lines, so that a message can be matched
// wherever it was wrapped.
func oneLine(out string) string { return strings.Join(strings.Fields(out), " ") }
