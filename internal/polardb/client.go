// Package polardb is a small typed client for the PolarDB API (2017-08-01)
// over Alibaba Cloud's darabonba runtime. Its request and response types
// follow the generated SDK github.com/alibabacloud-go/polardb-20170801 so
// that sdk.go alone changes when that SDK can be used.
package polardb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/credentials-go/credentials"
)

// Defaults for Config's timeouts; the runtime itself has none.
const (
	DefaultConnectTimeout = 10 * time.Second
	DefaultReadTimeout    = 30 * time.Second
)

// Config is what a Client needs. Credential comes from credentials-go, so
// every credential source (static keys, STS, roles) plugs in the same way.
type Config struct {
	Region     string
	Endpoint   string // host[:port]; see ResolveEndpoint
	Protocol   string // "HTTPS" or "HTTP"
	Credential credentials.Credential
	UserAgent  string

	ConnectTimeout time.Duration // DefaultConnectTimeout when zero
	ReadTimeout    time.Duration // DefaultReadTimeout when zero
}

// Client calls the PolarDB API. It is safe for concurrent use; build one per
// provider configuration and share it.
type Client struct {
	api      *apiClient
	runtime  *dara.RuntimeOptions
	endpoint string
}

// NewClient builds a client; it does not contact the network.
func NewClient(cfg Config) (*Client, error) {
	if cfg.Credential == nil {
		return nil, errors.New("polardb: Config.Credential is required")
	}
	endpoint := ResolveEndpoint(cfg.Region, cfg.Endpoint)
	if endpoint == "" {
		return nil, errors.New("polardb: a region or an endpoint is required")
	}
	protocol := strings.ToUpper(cfg.Protocol)
	if protocol == "" {
		protocol = "HTTPS"
	}
	if protocol != "HTTPS" && protocol != "HTTP" {
		return nil, fmt.Errorf("polardb: protocol %q is neither HTTPS nor HTTP", cfg.Protocol)
	}
	connectTimeout := orDefault(cfg.ConnectTimeout, DefaultConnectTimeout)
	readTimeout := orDefault(cfg.ReadTimeout, DefaultReadTimeout)

	api, err := newAPIClient(&openapiutil.Config{
		Credential:     cfg.Credential,
		RegionId:       dara.String(cfg.Region),
		Endpoint:       dara.String(endpoint),
		Protocol:       dara.String(protocol),
		UserAgent:      dara.String(cfg.UserAgent),
		ConnectTimeout: dara.Int(int(connectTimeout.Milliseconds())),
		ReadTimeout:    dara.Int(int(readTimeout.Milliseconds())),
		HttpClient:     newHTTPClient(connectTimeout, readTimeout),
	})
	if err != nil {
		return nil, fmt.Errorf("polardb: %w", err)
	}
	return &Client{api: api, runtime: &dara.RuntimeOptions{}, endpoint: endpoint}, nil
}

// Endpoint is the API host this client calls.
func (c *Client) Endpoint() string { return c.endpoint }

// call runs one API call and converts any failure to APIError, ResponseError
// or NetworkError. A cancelled or expired ctx is reported as a NetworkError
// wrapping ctx.Err(), so errors.Is(err, context.DeadlineExceeded) holds.
func (c *Client) call(ctx context.Context, do func() error) error {
	err := do()
	if err == nil {
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return &NetworkError{Host: c.endpoint, Err: ctxErr}
	}
	return fromRuntime(err, c.endpoint)
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
