package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aliyun/credentials-go/credentials/providers"
)

// DefaultMetadataURL is the ECS instance metadata service.
const DefaultMetadataURL = "http://100.100.100.200"

// Off an ECS instance the metadata address does not answer; these bounds
// make that a quick failure, not a hang.
const (
	metadataTimeout     = 5 * time.Second
	metadataTokenTTL    = "21600"
	refreshBeforeExpiry = 3 * time.Minute
)

// ecsRoleProvider fetches the temporary credentials of the instance's RAM
// role from the metadata service (IMDSv2 with a session token, IMDSv1 as a
// fallback unless disabled) and keeps them until shortly before they
// expire. It is not locked itself: Resolve wraps it in a sharedProvider.
// It is ours rather than credentials-go's so that the metadata address can
// be a test server.
type ecsRoleProvider struct {
	metadataURL   string
	roleName      string
	disableIMDSv1 bool

	cached  *providers.Credentials
	expires time.Time
}

func (p *ecsRoleProvider) GetProviderName() string { return "ecs_ram_role" }

func (p *ecsRoleProvider) GetCredentials() (*providers.Credentials, error) {
	if p.cached != nil && time.Until(p.expires) > refreshBeforeExpiry {
		return p.cached, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), metadataTimeout)
	defer cancel()

	token, err := p.get(ctx, http.MethodPut, "/latest/api/token", "")
	if err != nil && p.disableIMDSv1 {
		return nil, fmt.Errorf("getting an IMDSv2 token from %s: %w (IMDSv1 is disabled by %s)", p.metadataURL, err, envIMDSv1Disabled)
	}
	body, err := p.get(ctx, http.MethodGet, "/latest/meta-data/ram/security-credentials/"+p.roleName, token)
	if err != nil {
		return nil, err
	}
	var answer struct {
		Code, AccessKeyId, AccessKeySecret, SecurityToken, Expiration string
	}
	if err := json.Unmarshal([]byte(body), &answer); err != nil {
		return nil, fmt.Errorf("the metadata service's answer for role %q is not JSON: %w", p.roleName, err)
	}
	if answer.Code != "Success" || answer.AccessKeyId == "" || answer.AccessKeySecret == "" || answer.SecurityToken == "" {
		return nil, fmt.Errorf("the metadata service gave no credentials for role %q (Code %q)", p.roleName, answer.Code)
	}
	expires, err := time.Parse(time.RFC3339, answer.Expiration)
	if err != nil {
		return nil, fmt.Errorf("the metadata service's Expiration %q is not a time: %w", answer.Expiration, err)
	}
	p.cached = &providers.Credentials{
		AccessKeyId: answer.AccessKeyId, AccessKeySecret: answer.AccessKeySecret,
		SecurityToken: answer.SecurityToken, ProviderName: p.GetProviderName(),
	}
	p.expires = expires
	return p.cached, nil
}

// get calls the metadata service. With method PUT it asks for an IMDSv2
// token; otherwise token, when not empty, goes with the request.
func (p *ecsRoleProvider) get(ctx context.Context, method, path, token string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, method, p.metadataURL+path, nil)
	if err != nil {
		return "", err
	}
	if method == http.MethodPut {
		req.Header.Set("X-aliyun-ecs-metadata-token-ttl-seconds", metadataTokenTTL)
	} else if token != "" {
		req.Header.Set("X-aliyun-ecs-metadata-token", token)
	}
	// No proxy: the metadata service is link-local.
	client := &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: metadataTimeout}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("the ECS instance metadata service at %s did not answer (is this an ECS instance with a RAM role?): %w", p.metadataURL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("the ECS instance metadata service answered %s to %s %s: %s", resp.Status, method, path, strings.TrimSpace(string(body)))
	}
	return string(body), nil
}
