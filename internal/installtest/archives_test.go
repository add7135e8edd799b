package installtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/polardb-community/terraform-provider-polardb/internal/mirror"
)

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
