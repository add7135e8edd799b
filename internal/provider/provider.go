// Package provider implements the polardb Terraform provider.
package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
)

var _ provider.Provider = &polardbProvider{}

// New returns a constructor of the provider, as providerserver.Serve expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &polardbProvider{version: version} }
}

type polardbProvider struct {
	version string
}

// providerModel is the provider block. An empty string counts as unset, so
// that modules can pass "" to fall back on the environment.
type providerModel struct {
	Region        types.String `tfsdk:"region"`
	AccessKey     types.String `tfsdk:"access_key"`
	SecretKey     types.String `tfsdk:"secret_key"`
	SecurityToken types.String `tfsdk:"security_token"`
	Endpoint      types.String `tfsdk:"endpoint"`
	Protocol      types.String `tfsdk:"protocol"`
}

// providerData is what Configure hands to every data source.
type providerData struct {
	client *polardb.Client
	region string
	// secrets are masked in every log line written while reading.
	secrets []string
	// accessKeyID is logged masked, to tell which key was used.
	accessKeyID string
}

var (
	regionPattern   = regexp.MustCompile(`^([a-z0-9]+(-[a-z0-9]+)*)?$`)
	endpointPattern = regexp.MustCompile(`^(([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$|^$`)
)

func (p *polardbProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "polardb"
	resp.Version = p.version
}

func (p *polardbProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads Alibaba Cloud PolarDB through the PolarDB API (version 2017-08-01). " +
			"Every argument is optional and falls back on an environment variable; an empty string counts as unset.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				MarkdownDescription: "Region ID of the clusters, such as `cn-hangzhou`; it selects the API endpoint. " +
					"Environment: `" + envRegion[0] + "`, then `" + envRegion[1] + "`. Required unless `endpoint` is set.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.RegexMatches(regionPattern, "a region ID: lowercase letters and digits in dash-separated words, such as cn-hangzhou")},
			},
			"access_key": schema.StringAttribute{
				MarkdownDescription: "AccessKey ID. Environment: `" + envAccessKey[0] + "`, then `" + envAccessKey[1] + "`.",
				Optional:            true,
			},
			"secret_key": schema.StringAttribute{
				MarkdownDescription: "AccessKey secret. Environment: `" + envSecretKey[0] + "`, then `" + envSecretKey[1] + "`.",
				Optional:            true,
				Sensitive:           true,
			},
			"security_token": schema.StringAttribute{
				MarkdownDescription: "STS security token, for temporary credentials. Environment: `" + envSecurityToken[0] + "`, then `" + envSecurityToken[1] + "`.",
				Optional:            true,
				Sensitive:           true,
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "API host with an optional port and no scheme or path, such as `polardb.aliyuncs.com` or `127.0.0.1:8080`. " +
					"Environment: `" + envEndpoint[0] + "`, then `" + envEndpoint[1] + "`. " +
					"Default: `polardb.aliyuncs.com` for the central regions (cn-hangzhou, cn-beijing, cn-shanghai and others), `polardb.<region>.aliyuncs.com` elsewhere.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.RegexMatches(endpointPattern, "a host name or IP address with an optional :port and no scheme or path, such as polardb.aliyuncs.com or 127.0.0.1:8080")},
			},
			"protocol": schema.StringAttribute{
				MarkdownDescription: "`HTTPS` (default) or `HTTP`. Use `HTTP` only for a local emulator or a trusted private network.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf("HTTPS", "HTTP")},
			},
		},
	}
}

func (p *polardbProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var model providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A value known only after apply (say, a region taken from a resource)
	// leaves the provider unconfigured for this plan: no client is built from
	// half a configuration, and reads report why.
	if model.hasUnknown() {
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
		}
		return
	}

	settings := resolveSettings(model, lookupEnv)
	if summary, detail := settings.missing(); summary != "" {
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	credential, err := newCredential(settings)
	if err != nil {
		resp.Diagnostics.AddError("Invalid PolarDB provider credentials", err.Error())
		return
	}
	client, err := polardb.NewClient(polardb.Config{
		Region:     settings.region,
		Endpoint:   settings.endpoint,
		Protocol:   settings.protocol,
		Credential: credential,
		UserAgent:  fmt.Sprintf("terraform-provider-polardb/%s terraform/%s", p.version, req.TerraformVersion),
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot create the PolarDB API client", err.Error())
		return
	}
	data := &providerData{
		client:      client,
		region:      settings.region,
		secrets:     settings.secrets(),
		accessKeyID: settings.accessKey,
	}
	resp.DataSourceData = data
}

func (p *polardbProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{newBackupTasksDataSource}
}

func (p *polardbProvider) Resources(context.Context) []func() resource.Resource {
	return nil
}

// hasUnknown reports whether any attribute's value is not known yet.
func (m providerModel) hasUnknown() bool {
	for _, v := range []types.String{m.Region, m.AccessKey, m.SecretKey, m.SecurityToken, m.Endpoint, m.Protocol} {
		if v.IsUnknown() {
			return true
		}
	}
	return false
}
