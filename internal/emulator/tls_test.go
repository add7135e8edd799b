package emulator

import (
	"crypto/x509"
	"encoding/pem"
	"net"
	"net/http"
	"testing"
	"time"
)

func TestNewTLSConfig(t *testing.T) {
	config, certPEM, err := NewTLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	block, rest := pem.Decode(certPEM)
	if block == nil || block.Type != "CERTIFICATE" || len(rest) != 0 {
		t.Fatalf("not one PEM certificate: %q", certPEM)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !cert.IsCA || cert.NotAfter.Sub(cert.NotBefore) > 26*time.Hour || time.Until(cert.NotAfter) < 23*time.Hour {
		t.Errorf("certificate: CA %v, valid %s to %s; want a CA valid for a day", cert.IsCA, cert.NotBefore, cert.NotAfter)
	}
	if der := config.Certificates[0].Certificate[0]; string(der) != string(block.Bytes) {
		t.Error("the PEM is not the certificate the configuration serves")
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	for _, name := range []string{"127.0.0.1", "::1", "localhost"} {
		if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, DNSName: name}); err != nil {
			t.Errorf("not valid for %s: %v", name, err)
		}
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, DNSName: "example.com"}); err == nil {
		t.Error("valid for example.com")
	}

	// Each call makes a new key and certificate.
	_, again, err := NewTLSConfig()
	if err != nil || string(again) == string(certPEM) {
		t.Errorf("second certificate: %v, same as the first: %v", err, string(again) == string(certPEM))
	}
}

// An HTTPS test server with the certificate TestMain had the process trust
// answers a client on the system roots, as credentials-go's is.
func TestTLSServerIsTrusted(t *testing.T) {
	_, endpoint := startTLSServer(t)
	client := &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 10 * time.Second}
	resp, err := client.Get("https://" + endpoint + "/latest/meta-data/ram/security-credentials/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil {
		t.Errorf("answered %d, TLS %v", resp.StatusCode, resp.TLS != nil)
	}
	if host, _, _ := net.SplitHostPort(endpoint); host != "127.0.0.1" {
		t.Errorf("endpoint %s is not on 127.0.0.1", endpoint)
	}
}
