package provider

import (
	"crypto/tls"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
)

func TestMain(m *testing.M) {
	// Nothing in a test may reach for the ECS metadata service, or read the
	// profiles of the user running the tests.
	os.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	home, err := os.MkdirTemp("", "polardb-provider-test-home")
	if err != nil {
		panic(err)
	}
	os.Setenv("HOME", home)
	// credentials-go calls STS over HTTPS only, with Go's system roots: the
	// emulator's certificate becomes the one trusted root before anything
	// in this process uses TLS.
	var pem []byte
	if testTLSConfig, pem, err = emulator.NewTLSConfig(); err != nil {
		panic(err)
	}
	certFile := filepath.Join(home, "emulator-cert.pem")
	if err := os.WriteFile(certFile, pem, 0o600); err != nil {
		panic(err)
	}
	os.Setenv("SSL_CERT_FILE", certFile)
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}

// testTLSConfig serves the emulator's STS over HTTPS.
var testTLSConfig *tls.Config

// protoV6ProviderFactories runs the provider in the test process; the
// Terraform (or OpenTofu) CLI talks to it over the plugin protocol.
var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"polardb": providerserver.NewProtocol6WithError(New("test")()),
}

const (
	testAccessKeyID     = "LTAI5tAccTestKey0001"
	testAccessKeySecret = "acc-test-secret-9f8e7d"
	testSTSKeyID        = "STS.NTestAccSts0002"
	testSTSKeySecret    = "acc-sts-secret-1a2b3c"
	testSTSToken        = "acc-sts-token-CAIS0123456789"
	clusterWithJobs     = "pc-2zeacc0000000001"
	clusterWithoutJobs  = "pc-2zeacc0000000002"
)

// testJobs are the backup jobs of clusterWithJobs, in the API's order.
var testJobs = []emulator.BackupJob{
	{StartTime: "2026-11-20T02:00:00Z", Process: "100", BackupJobId: "31000001", JobMode: "Automated", BackupProgressStatus: "Finished", TaskAction: "NormalBackupTask"},
	{StartTime: "2026-11-26T08:15:30Z", Process: "42", BackupJobId: "31000002", JobMode: "Manual", BackupProgressStatus: "Uploading", TaskAction: "TempBackupTask"},
	{StartTime: "2026-11-26T09:00:00Z", Process: "0", BackupJobId: "31000003", JobMode: "Automated", BackupProgressStatus: "NoStart", TaskAction: "NormalBackupTask"},
}

// testEmulator is a PolarDB API emulator on loopback for one test: the
// API over HTTP at endpoint, and the same server over HTTPS at stsEndpoint.
type testEmulator struct {
	*emulator.Server
	endpoint, stsEndpoint string
}

func startEmulator(t *testing.T) *testEmulator {
	t.Helper()
	server := emulator.New(emulator.Data{
		Credentials: []emulator.Credential{
			{AccessKeyID: testAccessKeyID, AccessKeySecret: testAccessKeySecret},
			{AccessKeyID: testSTSKeyID, AccessKeySecret: testSTSKeySecret, SecurityToken: testSTSToken},
			{AccessKeyID: testExpiredKeyID, AccessKeySecret: testExpiredSecret, SecurityToken: testExpiredToken, Expiration: "2026-01-01T00:00:00Z"},
		},
		Roles: testRoles,
		Clusters: []emulator.Cluster{
			{ID: clusterWithJobs, Region: "cn-hangzhou", BackupJobs: testJobs},
			{ID: clusterWithoutJobs, Region: "cn-hangzhou"},
		},
	})
	return serveEmulator(t, server)
}

// serveEmulator serves server over HTTP and HTTPS for one test.
func serveEmulator(t *testing.T, server *emulator.Server) *testEmulator {
	t.Helper()
	httpServer := httptest.NewServer(server)
	t.Cleanup(httpServer.Close)
	tlsServer := httptest.NewUnstartedServer(server)
	tlsServer.TLS = testTLSConfig
	tlsServer.StartTLS()
	t.Cleanup(tlsServer.Close)
	return &testEmulator{
		Server:      server,
		endpoint:    strings.TrimPrefix(httpServer.URL, "http://"),
		stsEndpoint: strings.TrimPrefix(tlsServer.URL, "https://"),
	}
}

// credentialsURI is where the emulator hands out credentials of roleArn.
func (e *testEmulator) credentialsURI(roleArn string) string {
	return "http://" + e.endpoint + "/credentials-uri/" + roleArn[strings.LastIndex(roleArn, "/")+1:]
}

// providerBlock configures the provider for the emulator with the given secret.
func (e *testEmulator) providerBlock(secret string) string {
	return fmt.Sprintf(`
provider "polardb" {
  endpoint   = %q
  protocol   = "HTTP"
  region     = "cn-hangzhou"
  access_key = %q
  secret_key = %q
}
`, e.endpoint, testAccessKeyID, secret)
}

// config is a configuration for the emulator with the right credentials.
func (e *testEmulator) config(body string) string {
	return e.providerBlock(testAccessKeySecret) + body
}

// requestParams returns the API parameters of every request the emulator saw.
func (e *testEmulator) requestParams() []map[string]string {
	var out []map[string]string
	for _, r := range e.Requests() {
		out = append(out, r.Params)
	}
	return out
}
