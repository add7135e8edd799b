package provider

import (
	"net"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/polardb-community/terraform-provider-polardb/internal/auth"
)

// providerModel is the provider block. An empty string counts as unset, so
// that modules can pass "" to fall back on the environment.
type providerModel struct {
	credentialsModel
	Region       types.String `tfsdk:"region"`
	Endpoint     types.String `tfsdk:"endpoint"`
	EndpointType types.String `tfsdk:"endpoint_type"`
	Protocol     types.String `tfsdk:"protocol"`
	MaxRetries   types.Int64  `tfsdk:"max_retries"`
}

// credentialsModel is the block's arguments that auth reads (authConfig),
// in the order it looks at them: the first found wins, then assume_role
// assumes a role with it, through sts_endpoint.
type credentialsModel struct {
	AccessKey             types.String             `tfsdk:"access_key"`
	SecretKey             types.String             `tfsdk:"secret_key"`
	SecurityToken         types.String             `tfsdk:"security_token"`
	AssumeRoleWithOIDC    *assumeRoleWithOIDCModel `tfsdk:"assume_role_with_oidc"`
	CredentialsURI        types.String             `tfsdk:"credentials_uri"`
	ECSRoleName           types.String             `tfsdk:"ecs_role_name"`
	Profile               types.String             `tfsdk:"profile"`
	SharedCredentialsFile types.String             `tfsdk:"shared_credentials_file"`
	AssumeRole            *assumeRoleModel         `tfsdk:"assume_role"`
	STSEndpoint           types.String             `tfsdk:"sts_endpoint"`
}

// roleModel is what both assume_role blocks have (roleArnAttribute and
// the attributes after it).
type roleModel struct {
	RoleArn           types.String `tfsdk:"role_arn"`
	SessionExpiration types.Int64  `tfsdk:"session_expiration"`
	Policy            types.String `tfsdk:"policy"`
}

type assumeRoleModel struct {
	roleModel
	SessionName types.String `tfsdk:"session_name"`
	ExternalID  types.String `tfsdk:"external_id"`
}

type assumeRoleWithOIDCModel struct {
	roleModel
	OIDCProviderArn types.String `tfsdk:"oidc_provider_arn"`
	OIDCTokenFile   types.String `tfsdk:"oidc_token_file"`
	RoleSessionName types.String `tfsdk:"role_session_name"`
}

// Environment variables read when an argument is unset, in order of
// preference: the Alibaba Cloud SDKs' names first, then the alicloud
// provider's. Those of credentials are in package auth.
var (
	envRegion   = []string{"ALIBABA_CLOUD_REGION", "ALICLOUD_REGION"}
	envEndpoint = []string{"ALIBABA_CLOUD_ENDPOINT_POLARDB", "POLARDB_ENDPOINT"}
	// No SDK or provider has a name for this one; these follow the others.
	envEndpointType = []string{"ALIBABA_CLOUD_ENDPOINT_TYPE", "ALICLOUD_ENDPOINT_TYPE"}
)

// envAppendUserAgent is Terraform's convention for adding to every
// provider's User-Agent.
const envAppendUserAgent = "TF_APPEND_USER_AGENT"

// settings is where the provider sends its requests, after environment
// fallbacks. Credentials are auth's concern.
type settings struct {
	region, endpoint, endpointType, protocol string
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
		region:       pick(m.Region, envRegion),
		endpoint:     pick(m.Endpoint, envEndpoint),
		endpointType: pick(m.EndpointType, envEndpointType),
		protocol:     pick(m.Protocol, nil),
	}
}

// authConfig is what the provider block says about credentials; auth adds
// the environment and the profile files.
func (m credentialsModel) authConfig() auth.Config {
	str := func(v types.String) string { return strings.TrimSpace(v.ValueString()) }
	c := auth.Config{
		AccessKey:             str(m.AccessKey),
		SecretKey:             str(m.SecretKey),
		SecurityToken:         str(m.SecurityToken),
		Profile:               str(m.Profile),
		SharedCredentialsFile: str(m.SharedCredentialsFile),
		ECSRoleName:           str(m.ECSRoleName),
		CredentialsURI:        str(m.CredentialsURI),
		STSEndpoint:           str(m.STSEndpoint),
	}
	if r := m.AssumeRole; r != nil {
		c.AssumeRole = &auth.AssumeRole{
			RoleArn: str(r.RoleArn), SessionName: str(r.SessionName), SessionExpiration: int(r.SessionExpiration.ValueInt64()),
			ExternalID: str(r.ExternalID), Policy: str(r.Policy),
		}
	}
	if o := m.AssumeRoleWithOIDC; o != nil {
		c.AssumeRoleWithOIDC = &auth.AssumeRoleWithOIDC{
			RoleArn: str(o.RoleArn), OIDCProviderArn: str(o.OIDCProviderArn), OIDCTokenFile: str(o.OIDCTokenFile),
			RoleSessionName: str(o.RoleSessionName), SessionExpiration: int(o.SessionExpiration.ValueInt64()), Policy: str(o.Policy),
		}
	}
	return c
}

// missingConfiguration is the one error for everything the provider cannot
// work without, naming every way to supply each: credentials (noCredentials,
// when none were found) and a region or endpoint.
func missingConfiguration(noCredentials string, s settings) (summary, detail string) {
	var lines []string
	if noCredentials != "" {
		lines = append(lines, noCredentials)
	}
	if s.region == "" && s.endpoint == "" {
		lines = append(lines, "Region: set `region` in the provider block or "+strings.Join(envRegion, " or ")+
			", or `region_id` in the aliyun CLI profile in use; or set an explicit `endpoint` or "+strings.Join(envEndpoint, " or ")+".")
	}
	return "PolarDB provider is missing configuration",
		"The polardb provider cannot call the API without the following:\n\n- " + strings.Join(lines, "\n- ")
}

// endpointTypeSource says where the endpoint type came from when it was not
// the provider block: " (from NAME)", or "".
func endpointTypeSource(m providerModel, getenv func(string) string) string {
	if strings.TrimSpace(m.EndpointType.ValueString()) != "" {
		return ""
	}
	for _, name := range envEndpointType {
		if strings.TrimSpace(getenv(name)) != "" {
			return " (from " + name + ")"
		}
	}
	return ""
}

// plaintextWarning is the warning for requests that would travel
// unencrypted to a host other than this machine, or "" when they would not:
// an emulator on loopback needs no TLS, anything else does.
func plaintextWarning(protocol, endpoint string) string {
	if !strings.EqualFold(protocol, "HTTP") || isLoopback(endpoint) {
		return ""
	}
	return "protocol is HTTP and the endpoint " + endpoint + " is not a loopback address: every request, with its signature " +
		"and any security token, travels unencrypted and can be read or changed on the way. Use HTTPS (the default) unless " +
		"the network to " + endpoint + " is trusted."
}

// isLoopback says whether host[:port] names this machine's loopback:
// localhost or a loopback IP address. It looks nothing up.
func isLoopback(endpoint string) bool {
	host := endpoint
	if h, _, err := net.SplitHostPort(endpoint); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// userAgent names the provider and Terraform, plus TF_APPEND_USER_AGENT.
func userAgent(version, terraformVersion string, getenv func(string) string) string {
	ua := "terraform-provider-polardb/" + version + " terraform/" + terraformVersion
	if extra := strings.TrimSpace(getenv(envAppendUserAgent)); extra != "" {
		ua += " " + extra
	}
	return ua
}

// envNames formats environment variable names for a description.
func envNames(names []string) string {
	return "`" + strings.Join(names, "`, then `") + "`"
}
