package provider

import (
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Environment variables read when an argument is unset, in order of
// preference: the Alibaba Cloud SDKs' names first, then the alicloud
// provider's.
var (
	envRegion        = []string{"ALIBABA_CLOUD_REGION", "ALICLOUD_REGION"}
	envAccessKey     = []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY"}
	envSecretKey     = []string{"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY"}
	envSecurityToken = []string{"ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"}
	envEndpoint      = []string{"ALIBABA_CLOUD_ENDPOINT_POLARDB", "POLARDB_ENDPOINT"}
)

// settings is the provider configuration after environment fallbacks.
type settings struct {
	region, endpoint, protocol          string
	accessKey, secretKey, securityToken string
}

func lookupEnv(name string) string { return os.Getenv(name) }

// resolveSettings applies the fallbacks: the configuration first, then each
// environment variable in order.
func resolveSettings(m providerModel, getenv func(string) string) settings {
	pick := func(v types.String, env []string) string {
		if s := strings.TrimSpace(v.ValueString()); s != "" {
			return s
		}
		for _, name := range env {
			if s := strings.TrimSpace(getenv(name)); s != "" {
				return s
			}
		}
		return ""
	}
	return settings{
		region:        pick(m.Region, envRegion),
		endpoint:      pick(m.Endpoint, envEndpoint),
		protocol:      pick(m.Protocol, nil),
		accessKey:     pick(m.AccessKey, envAccessKey),
		secretKey:     pick(m.SecretKey, envSecretKey),
		securityToken: pick(m.SecurityToken, envSecurityToken),
	}
}

// missing returns a diagnostic for the settings the provider cannot work
// without, naming every way to supply each; both empty when all are there.
func (s settings) missing() (summary, detail string) {
	var lines []string
	if s.accessKey == "" || s.secretKey == "" {
		lines = append(lines, "Credentials: set `access_key` and `secret_key` in the provider block, or the environment variables "+
			strings.Join(envAccessKey, " or ")+" and "+strings.Join(envSecretKey, " or ")+
			" (add `security_token` / "+strings.Join(envSecurityToken, " or ")+" for STS credentials).")
	}
	if s.region == "" && s.endpoint == "" {
		lines = append(lines, "Region: set `region` in the provider block or "+strings.Join(envRegion, " or ")+
			"; or set an explicit `endpoint` or "+strings.Join(envEndpoint, " or ")+".")
	}
	if len(lines) == 0 {
		return "", ""
	}
	return "PolarDB provider is missing configuration",
		"The polardb provider cannot call the API without the following:\n\n- " + strings.Join(lines, "\n- ")
}

// secrets lists the values never to be written to a log.
func (s settings) secrets() []string {
	var out []string
	for _, v := range []string{s.secretKey, s.securityToken} {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
