package installtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/polardb-community/terraform-provider-polardb/internal/testsupport"
)

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
