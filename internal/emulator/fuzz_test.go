package emulator

// FuzzSignatureVerifier fuzzes the two signature verifiers, parseACS3 and
// parseRPC with the verify they return, on requests decoded by readRequest,
// without the rest of the server (FuzzServeHTTP covers the handler).
// `make fuzz` runs it briefly; seeds are requests the
// darabonba SDK signed, added below at each run and frozen under
// testdata/fuzz/FuzzSignatureVerifier/.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
)

// fuzzSecrets are the secrets the verifiers are given: testData's for its
// keys, testSecret for any other.
var fuzzSecrets = func() map[string]string {
	m := map[string]string{}
	for _, c := range testData().Credentials {
		m[c.AccessKeyID] = c.AccessKeySecret
	}
	return m
}()

func fuzzSecretFor(accessKeyID string) string {
	if s, ok := fuzzSecrets[accessKeyID]; ok {
		return s
	}
	return testSecret
}

// fuzzSign has the SDK sign a DescribeBackupTasks call, DBClusterId in the
// query and BackupMode in the form body, and returns the request it would
// have sent (recorder answers it without a network).
func fuzzSign(legacy bool, ak, secret, token, clusterID, backupMode string) (captured, error) {
	rec := &recorder{}
	cfg := &openapiutil.Config{
		AccessKeyId:     dara.String(ak),
		AccessKeySecret: dara.String(secret),
		Endpoint:        dara.String("polardb.test"),
		Protocol:        dara.String("HTTP"),
		HttpClient:      rec,
	}
	if token != "" {
		cfg.SecurityToken = dara.String(token)
	}
	if legacy {
		cfg.SignatureAlgorithm = dara.String("v2")
	}
	client, err := openapi.NewClient(cfg)
	if err != nil {
		return captured{}, err
	}
	req := query("DBClusterId", clusterID)
	req.Body = map[string]any{"BackupMode": backupMode}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := client.CallApiWithCtx(ctx, apiParams(), req, &dara.RuntimeOptions{}); err != nil {
		return captured{}, err
	}
	if len(rec.reqs) != 1 {
		return captured{}, fmt.Errorf("the SDK sent %d requests", len(rec.reqs))
	}
	return rec.reqs[0], nil
}

// fuzzFields are a request as FuzzSignatureVerifier takes it: the header
// block is "Name: value" lines, Host among them.
type fuzzFields struct {
	method, path, rawQuery, headers string
	body                            []byte
}

func fieldsOf(c captured) (fuzzFields, error) {
	u, err := url.Parse(c.url)
	if err != nil {
		return fuzzFields{}, err
	}
	lines := []string{"Host: " + c.host}
	for name, values := range c.header {
		if name == "Host" {
			continue // net/http moves it to Request.Host
		}
		for _, v := range values {
			lines = append(lines, name+": "+v)
		}
	}
	slices.Sort(lines[1:])
	return fuzzFields{c.method, u.Path, u.RawQuery, strings.Join(lines, "\n"), c.body}, nil
}

// request builds what a handler would be given for these fields, then
// decodes it as the server does.
func (f fuzzFields) request(t testing.TB) *request {
	t.Helper()
	r := &http.Request{
		Method: f.method,
		URL:    &url.URL{Path: f.path, RawQuery: f.rawQuery},
		Header: http.Header{},
		Body:   io.NopCloser(bytes.NewReader(f.body)),
	}
	for line := range strings.SplitSeq(f.headers, "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok || name == "" {
			continue
		}
		value = strings.TrimPrefix(value, " ")
		if strings.EqualFold(name, "Host") {
			r.Host = value
		} else {
			r.Header.Add(name, value)
		}
	}
	req, apiErr := readRequest(r)
	if apiErr != nil {
		t.Fatalf("readRequest: %v", apiErr)
	}
	return req
}

var verifiers = []struct {
	mode  string
	parse func(*request) (*signedRequest, *apiError)
}{
	{modeACS3, parseACS3},
	{modeRPC, parseRPC},
}

// verify parses req with parse and verifies it with the secret that
// secretFor gives for the key it names. It returns nil when the signature
// matches, and checks that a refusal has the code its stage gives.
func verify(t testing.TB, parse func(*request) (*signedRequest, *apiError), req *request, secretFor func(string) string) *apiError {
	t.Helper()
	sig, apiErr := parse(req)
	if sig == nil {
		t.Fatal("no signedRequest returned")
	}
	if apiErr != nil {
		if apiErr.code != "IncompleteSignature" || apiErr.status != http.StatusBadRequest {
			t.Errorf("refused with %d %v, want 400 IncompleteSignature", apiErr.status, apiErr)
		}
		return apiErr
	}
	if sig.verify == nil {
		t.Fatal("parsed without a verify function")
	}
	apiErr = sig.verify(secretFor(sig.accessKeyID))
	switch {
	case apiErr == nil && req.malformed != "":
		t.Errorf("a malformed request (%s) verified", req.malformed)
	case apiErr != nil && (apiErr.code != "SignatureDoesNotMatch" || apiErr.status != http.StatusBadRequest):
		t.Errorf("verify refused with %d %v, want 400 SignatureDoesNotMatch", apiErr.status, apiErr)
	}
	return apiErr
}

// withSignatureByte returns a copy of req whose signature, where mode reads
// it, has byte i (modulo its length) xor-ed with mask, and the signature
// before the change ("" when there is none).
func withSignatureByte(req *request, mode string, i int, mask byte) (*request, string) {
	if mask == 0 {
		mask = 0x20
	}
	flip := func(s string) string {
		b := []byte(s)
		b[i%len(b)] ^= mask
		return string(b)
	}
	out := *req
	if mode == modeRPC {
		sig := req.params["Signature"]
		if sig != "" {
			out.params = maps.Clone(req.params)
			out.params["Signature"] = flip(sig)
		}
		return &out, sig
	}
	// The Signature field as parseAuthorizationFields reads it.
	algorithm, fields, _ := strings.Cut(req.http.Header.Get("Authorization"), " ")
	parts := strings.Split(fields, ",")
	for j, part := range parts {
		key, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		if key != "Signature" || value == "" {
			continue
		}
		start := strings.Index(part, "=") + 1
		parts[j] = part[:start] + flip(value) + part[start+len(value):]
		out.http = req.http.Clone(context.Background())
		out.http.Header.Set("Authorization", algorithm+" "+strings.Join(parts, ","))
		return &out, value
	}
	return &out, ""
}

// checkChangedSignatureFails checks that req, which verifies, no longer
// does with byte i of its signature xor-ed with mask.
func checkChangedSignatureFails(t testing.TB, parse func(*request) (*signedRequest, *apiError), req *request, mode string,
	secretFor func(string) string, i int, mask byte) {
	t.Helper()
	changed, sig := withSignatureByte(req, mode, i, mask)
	if sig == "" {
		t.Fatalf("%s request verified without a signature", mode)
	}
	if verify(t, parse, changed, secretFor) == nil {
		t.Errorf("%s signature %q changed in byte %d (xor %#x) still verifies", mode, sig, i%len(sig), mask)
	}
}

func FuzzSignatureVerifier(f *testing.F) {
	add := func(fields fuzzFields, value string, flip uint16) {
		f.Add(fields.method, fields.path, fields.rawQuery, fields.headers, fields.body, value, flip)
	}
	// Requests the SDK signs, in both modes, with and without an STS token:
	// each verifies, and no change of one bit, or of all eight, in any byte
	// of its signature does.
	for i, v := range verifiers {
		for _, key := range []struct{ ak, secret, token string }{{testAK, testSecret, ""}, {stsAK, stsSecret, stsToken}} {
			c, err := fuzzSign(v.mode == modeRPC, key.ak, key.secret, key.token, clusterJobs, "Manual")
			if err != nil {
				f.Fatalf("%s: signing: %v", v.mode, err)
			}
			fields, err := fieldsOf(c)
			if err != nil {
				f.Fatal(err)
			}
			req := fields.request(f)
			if apiErr := verify(f, v.parse, req, fuzzSecretFor); apiErr != nil {
				f.Fatalf("%s request signed by the SDK refused: %v\n%+v", v.mode, apiErr, fields)
			}
			_, sig := withSignatureByte(req, v.mode, 0, 1)
			for pos := range len(sig) {
				for _, mask := range []byte{1, 2, 4, 8, 16, 32, 64, 128, 255} {
					checkChangedSignatureFails(f, v.parse, req, v.mode, fuzzSecretFor, pos, mask)
				}
			}
			add(fields, "pc-"+v.mode, uint16(i))
		}
	}
	// Near misses.
	add(fuzzFields{"POST", "/", "Action=DescribeBackupTasks&Signature=abc&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&AccessKeyId=" + testAK +
		"&SignatureNonce=n&Timestamp=2024-01-01T00:00:00Z", "Host: polardb.test", nil}, "a b*c~d+e%f'()!", 1)
	add(fuzzFields{"GET", "", "%zz", "Authorization: ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host;x-acs-date,Signature=00\nX-Acs-Date: d", nil}, "", 2)
	add(fuzzFields{"POST", "/a b", "", "Authorization: ACS3-HMAC-SHA256 ,=,=,\nContent-Type: application/x-www-form-urlencoded", []byte("Signature=%")}, "\xff\x00é", 0xffff)

	f.Fuzz(func(t *testing.T, method, path, rawQuery, headers string, body []byte, value string, flip uint16) {
		// Any request: both verifiers answer, refuse with the code of their
		// stage, and if one accepts, it refuses the request with its
		// signature changed in one byte.
		fields := fuzzFields{method, path, rawQuery, headers, body}
		for _, v := range verifiers {
			req := fields.request(t)
			if verify(t, v.parse, req, fuzzSecretFor) == nil {
				checkChangedSignatureFails(t, v.parse, req, v.mode, fuzzSecretFor, int(flip), byte(flip>>8))
			}
		}

		// A request the SDK signed, with value as its parameters and in its
		// secret, verifies; with its signature changed in one byte, it does
		// not.
		v := verifiers[flip%2]
		secret := "s" + value
		secretFor := func(string) string { return secret }
		c, err := fuzzSign(v.mode == modeRPC, "LTAI5tFuzzKey0001", secret, "", value, value)
		if err != nil {
			t.Skipf("the SDK does not sign %q: %v", value, err)
		}
		signed, err := fieldsOf(c)
		if err != nil {
			t.Fatalf("the SDK built the URL %q: %v", c.url, err)
		}
		req := signed.request(t)
		if apiErr := verify(t, v.parse, req, secretFor); apiErr != nil {
			t.Fatalf("%s request signed by the SDK with parameters and secret from %q refused: %v\n%+v", v.mode, value, apiErr, signed)
		}
		checkChangedSignatureFails(t, v.parse, req, v.mode, secretFor, int(flip), byte(flip>>8))
	})
}

// The committed seeds named sdk-* are requests the SDK signed: they still
// verify, whatever their age (verify does not look at the clock), and no
// single-bit change of their signature does.
func TestCommittedSignedSeedsVerify(t *testing.T) {
	files, err := filepath.Glob("testdata/fuzz/FuzzSignatureVerifier/sdk-*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no committed SDK-signed seeds (%v)", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			args := readSeed(t, file)
			if len(args) != 7 {
				t.Fatalf("%d values, want 7", len(args))
			}
			fields := fuzzFields{args[0], args[1], args[2], args[3], []byte(args[4])}
			mode, parse := modeACS3, parseACS3
			if !strings.Contains(fields.headers, "Authorization: ") {
				mode, parse = modeRPC, parseRPC
			}
			req := fields.request(t)
			if apiErr := verify(t, parse, req, fuzzSecretFor); apiErr != nil {
				t.Fatalf("%s seed refused: %v", mode, apiErr)
			}
			_, sig := withSignatureByte(req, mode, 0, 1)
			for pos := range len(sig) {
				for bit := range 8 {
					checkChangedSignatureFails(t, parse, req, mode, fuzzSecretFor, pos, 1<<bit)
				}
			}
		})
	}
}

// readSeed reads a corpus file of string, []byte and integer values, as
// strings.
func readSeed(t *testing.T, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	header, rest, _ := strings.Cut(string(data), "\n")
	if header != "go test fuzz v1" {
		t.Fatalf("header %q", header)
	}
	var values []string
	for line := range strings.SplitSeq(strings.TrimSpace(rest), "\n") {
		_, literal, ok := strings.Cut(line, "(")
		literal, ok2 := strings.CutSuffix(literal, ")")
		if !ok || !ok2 {
			t.Fatalf("line %q", line)
		}
		if v, err := strconv.Unquote(literal); err == nil {
			literal = v
		}
		values = append(values, literal)
	}
	return values
}
