package provider

import (
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
	"github.com/polardb-community/terraform-provider-polardb/internal/testsupport"
)

func TestMain(m *testing.M) { testsupport.Run(m) }

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

	// Roles of the test emulator; its STS, metadata service and
	// credentials URI issue temporary keys for them.
	testAccount         = "1234567890123456"
	testRoleArn         = "acs:ram::" + testAccount + ":role/polardb-reader"
	testPartnerRoleArn  = "acs:ram::" + testAccount + ":role/partner-reader"
	testPartnerID       = "partner-4711"
	testOIDCRoleArn     = "acs:ram::" + testAccount + ":role/pod-reader"
	testOIDCProviderArn = "acs:ram::" + testAccount + ":oidc-provider/ack-rrsa-test"
	testOIDCToken       = "eyJhbGciOiJSUzI1NiJ9.acc-test-oidc-token"
	testInstanceRole    = "instance-reader"
	testExpiredKeyID    = "STS.NTestAccExpired03"
	testExpiredSecret   = "acc-expired-secret"
	testExpiredToken    = "acc-expired-token"
)

// testSteps runs steps with the CLI against the provider in the test process.
func testSteps(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
}

// expectReadOrError applies config: it must fail with an error matching
// wantErr, or, when wantErr is nil, read all tasks of clusterWithJobs.
func expectReadOrError(t *testing.T, config string, wantErr *regexp.Regexp) {
	t.Helper()
	step := resource.TestStep{Config: config, ExpectError: wantErr}
	if wantErr == nil {
		step.ConfigStateChecks = expectTasks(testJobs...)
	}
	testSteps(t, step)
}

// tasksConfig is a data source "this" reading clusterID, with the settings
// (HCL lines) given.
func tasksConfig(clusterID string, settings ...string) string {
	return fmt.Sprintf("\ndata \"polardb_backup_tasks\" \"this\" {\n  cluster_id = %q\n  %s\n}\n", clusterID, strings.Join(settings, "\n  "))
}

// readClusterWithJobs reads every task of clusterWithJobs.
var readClusterWithJobs = tasksConfig(clusterWithJobs)

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

// startEmulator serves the test's credentials, roles and clusters, and
// the extra clusters given.
func startEmulator(t *testing.T, extra ...emulator.Cluster) *testEmulator {
	t.Helper()
	return startEmulatorWith(t, nil, extra...)
}

// startEmulatorWith is startEmulator with the server's options.
func startEmulatorWith(t *testing.T, opts []emulator.Option, extra ...emulator.Cluster) *testEmulator {
	t.Helper()
	server := emulator.New(emulator.Data{
		Credentials: []emulator.Credential{
			{AccessKeyID: testAccessKeyID, AccessKeySecret: testAccessKeySecret},
			{AccessKeyID: testSTSKeyID, AccessKeySecret: testSTSKeySecret, SecurityToken: testSTSToken},
			{AccessKeyID: testExpiredKeyID, AccessKeySecret: testExpiredSecret, SecurityToken: testExpiredToken, Expiration: "2026-01-01T00:00:00Z"},
		},
		Roles: testRoles,
		Clusters: append([]emulator.Cluster{
			{ID: clusterWithJobs, BackupJobs: testJobs},
			{ID: clusterWithoutJobs},
		}, extra...),
	}, opts...)
	return serveEmulator(t, server)
}

// serveEmulator serves server over HTTP and HTTPS for one test.
func serveEmulator(t testing.TB, server *emulator.Server) *testEmulator {
	t.Helper()
	httpServer := httptest.NewServer(server)
	t.Cleanup(httpServer.Close)
	tlsServer := testsupport.ServeTLS(t, server)
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

// httpProvider is a provider block for endpoint over plain HTTP, with the
// test's access key and the settings (HCL lines) given, which may replace
// the secret.
func httpProvider(endpoint string, settings ...string) string {
	secret := fmt.Sprintf("secret_key = %q", testAccessKeySecret)
	for _, s := range settings {
		if strings.HasPrefix(s, "secret_key") {
			secret = ""
		}
	}
	return fmt.Sprintf("\nprovider \"polardb\" {\n  endpoint   = %q\n  protocol   = \"HTTP\"\n  region     = \"cn-hangzhou\"\n  access_key = %q\n  %s\n}\n",
		endpoint, testAccessKeyID, strings.Join(append([]string{secret}, settings...), "\n  "))
}

// config is a configuration for the emulator with the right credentials.
func (e *testEmulator) config(body string) string {
	return httpProvider(e.endpoint) + body
}

// calls counts the emulator's calls of action answered with code ("" for
// success).
func (e *testEmulator) calls(action, code string) int {
	n := 0
	for _, r := range e.Requests() {
		if r.Action == action && r.Code == code {
			n++
		}
	}
	return n
}

// requestParams returns the API parameters of every request the emulator saw.
func (e *testEmulator) requestParams() []map[string]string {
	var out []map[string]string
	for _, r := range e.Requests() {
		out = append(out, r.Params)
	}
	return out
}
