package emulator

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// captureSigned has the SDK sign a DescribeBackupTasks call with a query
// parameter and a form body, without sending it.
func captureSigned(t *testing.T, endpoint string, cfg clientConfig) captured {
	t.Helper()
	rec := &recorder{}
	cfg.httpClient = rec
	c := newClient(t, endpoint, cfg)
	req := query("DBClusterId", clusterJobs)
	req.Body = map[string]any{"BackupMode": "Manual"}
	mustCall(t, c, apiParams(), req)
	got := rec.last(t)
	if len(got.body) == 0 {
		t.Fatal("captured request has no body")
	}
	return got
}

func TestTamperedRequestsAreRefused(t *testing.T) {
	type tamper struct {
		name   string
		mutate func(t *testing.T, c *captured)
	}
	flipBody := tamper{"body", func(t *testing.T, c *captured) { c.body = []byte(flip(t, string(c.body))) }}
	flipQuery := tamper{"query value", func(t *testing.T, c *captured) {
		editQuery(t, c, "DBClusterId", func(v string) string { return "pc-" + flip(t, strings.TrimPrefix(v, "pc-")) })
	}}
	tampers := map[string][]tamper{
		"ACS3": {
			flipQuery,
			{"signed header", func(t *testing.T, c *captured) {
				c.header.Set("x-acs-signature-nonce", flip(t, c.header.Get("x-acs-signature-nonce")))
			}},
			{"signature", func(t *testing.T, c *captured) {
				auth := c.header.Get("Authorization")
				i := strings.Index(auth, "Signature=") + len("Signature=")
				c.header.Set("Authorization", auth[:i]+flip(t, auth[i:]))
			}},
			flipBody,
		},
		"v2": {
			flipQuery,
			{"signed parameter", func(t *testing.T, c *captured) {
				editQuery(t, c, "SignatureNonce", func(v string) string { return flip(t, v) })
			}},
			{"signature", func(t *testing.T, c *captured) {
				editQuery(t, c, "Signature", func(v string) string { return flip(t, v) })
			}},
			flipBody,
		},
	}
	for _, m := range modes {
		for _, withToken := range []bool{false, true} {
			cfg := clientConfig{legacy: m.legacy, ak: testAK, secret: testSecret}
			name := m.name
			if withToken {
				cfg = clientConfig{legacy: m.legacy, ak: stsAK, secret: stsSecret, token: stsToken}
				name += "/STS"
			}
			t.Run(name, func(t *testing.T) {
				s, endpoint := startServer(t)
				signed := captureSigned(t, endpoint, cfg)
				for _, tt := range tampers[m.name] {
					status, body := send(t, signed, func(c *captured) { tt.mutate(t, c) })
					if status != 400 || (body.Code != "SignatureDoesNotMatch" && body.Code != "IncompleteSignature") {
						t.Errorf("%s changed: answered %d %s (%s), want a signature refusal", tt.name, status, body.Code, body.Message)
					}
				}
				// The refusals did not spend the nonce: the original passes once.
				if status, body := send(t, signed, nil); status != 200 {
					t.Fatalf("unchanged request answered %d %+v", status, body)
				}
				if status, body := send(t, signed, nil); status != 400 || body.Code != "SignatureNonceUsed" {
					t.Errorf("replay answered %d %s, want 400 SignatureNonceUsed", status, body.Code)
				}
				recs := s.Requests()
				if n := len(recs); n != len(tampers[m.name])+2 {
					t.Errorf("recorded %d requests", n)
				}
				if got := recs[len(recs)-2]; got.Params["BackupMode"] != "Manual" || got.Code != "" {
					t.Errorf("accepted request recorded as %+v", got)
				}
			})
		}
	}
}

// The checks up to the key, in the cloud's order: each case fails two
// checks, and the earlier one must be reported.
func TestCheckOrder(t *testing.T) {
	t.Run("action before signature fields", func(t *testing.T) {
		_, endpoint := startServer(t)
		signed := captureSigned(t, endpoint, clientConfig{ak: testAK, secret: testSecret})
		status, body := send(t, signed, func(c *captured) {
			c.header.Set("x-acs-action", "DescribeDBClusters")
			c.header.Del("x-acs-date")
		})
		if status != 404 || body.Code != "InvalidApi.NotFound" {
			t.Errorf("answered %d %s", status, body.Code)
		}
	})
	t.Run("signature fields before key", func(t *testing.T) {
		_, endpoint := startServer(t)
		signed := captureSigned(t, endpoint, clientConfig{ak: "LTAI5tUnknownKey000000000", secret: "x"})
		status, body := send(t, signed, func(c *captured) { c.header.Del("x-acs-signature-nonce") })
		if status != 400 || body.Code != "IncompleteSignature" {
			t.Errorf("answered %d %s", status, body.Code)
		}
	})
	t.Run("key before timestamp", func(t *testing.T) {
		_, endpoint := startServer(t, WithClock(func() time.Time { return time.Now().Add(time.Hour) }))
		c := newClient(t, endpoint, clientConfig{ak: "LTAI5tUnknownKey000000000", secret: "x"})
		_, err := call(t, c, apiParams(), query("DBClusterId", clusterJobs))
		if code, status, _ := apiErrorOf(t, err); status != 404 || code != "InvalidAccessKeyId.NotFound" {
			t.Errorf("answered %d %s", status, code)
		}
	})
	t.Run("timestamp format before signature", func(t *testing.T) {
		_, endpoint := startServer(t)
		signed := captureSigned(t, endpoint, clientConfig{ak: testAK, secret: testSecret})
		status, body := send(t, signed, func(c *captured) { c.header.Set("x-acs-date", "yesterday") })
		if status != 400 || body.Code != "InvalidTimeStamp.Format" {
			t.Errorf("answered %d %s", status, body.Code)
		}
	})
}

// The checks after the key, in both signature modes: the timestamp, the
// signature, the token, the nonce, then the parameters. Each case fails
// two checks, and the earlier one must be reported.
func TestCheckOrderOfSignedCalls(t *testing.T) {
	for _, m := range modes {
		// refusedWith is the code a read with cfg gets from a server with opts.
		refusedWith := func(t *testing.T, cfg clientConfig, opts ...Option) string {
			_, endpoint := startServer(t, opts...)
			_, err := call(t, newClient(t, endpoint, cfg), apiParams(), query("DBClusterId", clusterJobs))
			code, _, _ := apiErrorOf(t, err)
			return code
		}
		t.Run(m.name+"/timestamp before signature", func(t *testing.T) {
			late := WithClock(func() time.Time { return time.Now().Add(time.Hour) })
			if code := refusedWith(t, clientConfig{legacy: m.legacy, ak: testAK, secret: "wrong"}, late); code != "InvalidTimeStamp.Expired" {
				t.Errorf("answered %s", code)
			}
		})
		t.Run(m.name+"/signature before token", func(t *testing.T) {
			if code := refusedWith(t, clientConfig{legacy: m.legacy, ak: stsAK, secret: "wrong"}); code != "SignatureDoesNotMatch" {
				t.Errorf("answered %s", code)
			}
		})
		t.Run(m.name+"/token before nonce", func(t *testing.T) {
			_, endpoint := startServer(t)
			signed := captureSigned(t, endpoint, clientConfig{legacy: m.legacy, ak: stsAK, secret: stsSecret, token: "CAIS-other"})
			for range 2 {
				if status, body := send(t, signed, nil); body.Code != "InvalidSecurityToken.MismatchWithAccessKey" {
					t.Errorf("answered %d %s", status, body.Code)
				}
			}
		})
		t.Run(m.name+"/nonce before parameters", func(t *testing.T) {
			s, endpoint := startServer(t)
			rec := &recorder{}
			c := newClient(t, endpoint, clientConfig{legacy: m.legacy, ak: testAK, secret: testSecret, httpClient: rec})
			mustCall(t, c, apiParams(), query("BackupMode", "bogus"))
			signed := rec.last(t)
			if _, body := send(t, signed, nil); body.Code != "MissingDBClusterId" {
				t.Errorf("first answer %s, want MissingDBClusterId", body.Code)
			}
			if _, body := send(t, signed, nil); body.Code != "SignatureNonceUsed" {
				t.Errorf("replay answered %s, want SignatureNonceUsed", body.Code)
			}
			if recs := s.Requests(); len(recs) != 2 {
				t.Errorf("recorded %+v", recs)
			}
		})
	}
}

// An ACS3 request must sign the headers that pin it down; a client that
// leaves one out is refused even when its signature is right for what it
// did sign.
func TestACS3RequiresSignedHeaders(t *testing.T) {
	_, endpoint := startServer(t)
	signed := captureSigned(t, endpoint, clientConfig{ak: stsAK, secret: stsSecret, token: stsToken})
	for _, name := range []string{"host", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256", "x-acs-security-token", "x-acs-action", "content-type"} {
		status, body := send(t, signed, func(c *captured) {
			auth := c.header.Get("Authorization")
			c.header.Set("Authorization", strings.Replace(strings.Replace(auth, name+";", "", 1), ";"+name+",", ",", 1))
		})
		if status != 400 || body.Code != "IncompleteSignature" || !strings.Contains(body.Message, name) {
			t.Errorf("%s unsigned: answered %d %s %q", name, status, body.Code, body.Message)
		}
	}
	if status, body := send(t, signed, nil); status != http.StatusOK {
		t.Errorf("original answered %d %+v", status, body)
	}
}
