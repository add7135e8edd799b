package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"os"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
)

// loopbackClient sends without a proxy, trusting roots when not nil.
type loopbackClient struct{ roots *x509.CertPool }

func (c loopbackClient) Call(r *http.Request, _ *http.Transport) (*http.Response, error) {
	transport := &http.Transport{Proxy: nil, TLSClientConfig: &tls.Config{RootCAs: c.roots}}
	return (&http.Client{Transport: transport, Timeout: 10 * time.Second}).Do(r)
}

// describe calls DescribeBackupTasks for cluster over plain HTTP.
func describe(t *testing.T, endpoint, ak, secret, cluster string) (map[string]any, error) {
	t.Helper()
	return callAPI(t, endpoint, ak, secret, "DescribeBackupTasks", "DBClusterId", cluster)
}

// describeTLS is describe over HTTPS, trusting roots.
func describeTLS(t *testing.T, roots *x509.CertPool, endpoint, ak, secret, cluster string) (map[string]any, error) {
	t.Helper()
	return callOver(t, "HTTPS", loopbackClient{roots: roots}, endpoint, ak, secret, "DescribeBackupTasks", "DBClusterId", cluster)
}

// callAPI calls a PolarDB API over plain HTTP with the query parameters of
// the name, value pairs kv.
func callAPI(t *testing.T, endpoint, ak, secret, action string, kv ...string) (map[string]any, error) {
	t.Helper()
	return callOver(t, "HTTP", loopbackClient{}, endpoint, ak, secret, action, kv...)
}

// callOver is callAPI over protocol, sent through hc.
func callOver(t *testing.T, protocol string, hc dara.HttpClient, endpoint, ak, secret, action string, kv ...string) (map[string]any, error) {
	t.Helper()
	c, err := openapi.NewClient(&openapiutil.Config{
		AccessKeyId: dara.String(ak), AccessKeySecret: dara.String(secret),
		Endpoint: dara.String(endpoint), Protocol: dara.String(protocol), HttpClient: hc,
	})
	if err != nil {
		t.Fatal(err)
	}
	q := map[string]*string{}
	for i := 0; i+1 < len(kv); i += 2 {
		q[kv[i]] = dara.String(kv[i+1])
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return c.CallApiWithCtx(ctx, polardb.RPCParams(action), &openapiutil.OpenApiRequest{Query: q}, &dara.RuntimeOptions{})
}

// listed is field of every item of the answer's list Items.<list>, in
// order: Items.BackupJob of DescribeBackupTasks, Items.Backup of
// DescribeBackups.
func listed(res map[string]any, list, field string) []string {
	var out []string
	for _, item := range res["body"].(map[string]any)["Items"].(map[string]any)[list].([]any) {
		out = append(out, item.(map[string]any)[field].(string))
	}
	return out
}

// rootsFrom reads a PEM file into a pool of trusted roots.
func rootsFrom(t *testing.T, path string) *x509.CertPool {
	t.Helper()
	certPEM, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(certPEM) {
		t.Fatalf("%s holds no PEM certificate", path)
	}
	return roots
}

// codeOf is the error code of a call, "" for success.
func codeOf(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	sdkErr, ok := errors.AsType[*tea.SDKError](err)
	if !ok {
		t.Fatalf("not an SDK error: %v", err)
	}
	return dara.StringValue(sdkErr.Code)
}
