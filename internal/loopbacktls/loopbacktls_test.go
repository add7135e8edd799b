package loopbacktls

import (
	"crypto/x509"
	"encoding/pem"
	"testing"
	"time"
)

func TestNew(t *testing.T) {
	config, certPEM, err := New()
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
	_, again, err := New()
	if err != nil || string(again) == string(certPEM) {
		t.Errorf("second certificate: %v, same as the first: %v", err, string(again) == string(certPEM))
	}
}
