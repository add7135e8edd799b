// Package provider implements the polardb Terraform provider.
package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/polardb-community/terraform-provider-polardb/internal/auth"
	"github.com/polardb-community/terraform-provider-polardb/internal/polardb"
)

var (
	_ provider.ProviderWithActions       = &polardbProvider{}
	_ provider.ProviderWithListResources = &polardbProvider{}
)

// New returns a constructor of the provider, as providerserver.Serve expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &polardbProvider{version: version} }
}

type polardbProvider struct {
	version string
}

func (p *polardbProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "polardb"
	resp.Version = p.version
}

func (p *polardbProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads Alibaba Cloud PolarDB, and takes its backups, through the PolarDB API (version 2017-08-01). " +
			"Every argument is optional and falls back on an environment variable; an empty string counts as unset. " +
			"Credentials are looked for in a fixed order: see the [authentication guide](guides/authentication.md).",
		Attributes: map[string]schema.Attribute{
			"region": stringArgument("Region ID of the clusters, such as `cn-hangzhou`; it selects the API endpoint. "+
				"Environment: "+envNames(envRegion)+"; then the `region_id` of the aliyun CLI profile in use. Required unless `endpoint` is set.",
				stringvalidator.RegexMatches(regionPattern, "a region ID: lowercase letters and digits in dash-separated words, such as cn-hangzhou"), text{max: maxNameLength}),
			"access_key":     stringArgument("AccessKey ID. Environment: "+envNames(auth.EnvAccessKey)+".", text{max: maxNameLength}),
			"secret_key":     secretArgument("AccessKey secret. Environment: "+envNames(auth.EnvSecretKey)+".", maxSecretLength),
			"security_token": secretArgument("STS security token, for temporary credentials, with `access_key` and `secret_key`. Environment: "+envNames(auth.EnvSecurityToken)+".", maxPolicyLength),
			"profile": stringArgument("Profile of the aliyun CLI configuration (`shared_credentials_file`), or section of the SDKs' credentials file "+
				"(`~/.alibabacloud/credentials`, or "+envNames(auth.EnvCredentialsFile)+"). Environment: "+envNames(auth.EnvProfile)+
				". Default: the CLI configuration's `current` profile, else `default`. Modes AK, StsToken, RamRoleArn, ChainableRamRoleArn, EcsRamRole, OIDC and CredentialsURI.",
				stringvalidator.RegexMatches(noSpacePattern, "a profile name without whitespace"), text{max: maxNameLength}),
			"shared_credentials_file": stringArgument("Path of the aliyun CLI configuration; `~` is the home directory. Environment: "+envNames(auth.EnvConfigFile)+". Default: `~/.aliyun/config.json`.",
				text{max: maxPathLength}),
			"ecs_role_name": stringArgument("RAM role of the ECS instance Terraform runs on; its temporary credentials come from the instance metadata service. "+
				"Environment: "+envNames(auth.EnvECSRoleName)+". The metadata service is contacted only when an ECS role is asked for.",
				stringvalidator.RegexMatches(noSpacePattern, "a RAM role name without whitespace"), text{max: maxNameLength}),
			"credentials_uri": stringArgument("URL answering with temporary credentials (`AccessKeyId`, `AccessKeySecret`, `SecurityToken`, `Expiration`). Environment: "+envNames(auth.EnvCredentialsURI)+".",
				stringvalidator.RegexMatches(uriPattern, "an http:// or https:// URL"), text{max: maxPathLength}),
			"sts_endpoint": stringArgument("STS host with an optional port and no scheme, for `assume_role`, `assume_role_with_oidc` and RAM role profiles, "+
				"such as a VPC endpoint `sts-vpc.cn-hangzhou.aliyuncs.com`. STS is always called over HTTPS. Environment: "+envNames(auth.EnvSTSEndpoint)+
				". Default: `"+auth.DefaultSTSEndpoint+"`.",
				stringvalidator.RegexMatches(endpointPattern, "a host name or IP address with an optional :port and no scheme or path, such as sts.cn-hangzhou.aliyuncs.com"), text{max: maxHostLength}),
			"endpoint": stringArgument("API host with an optional port and no scheme or path, such as `polardb.aliyuncs.com` or `127.0.0.1:8080`. "+
				"Environment: "+envNames(envEndpoint)+". "+
				"Default: `polardb.aliyuncs.com` for the central regions (cn-hangzhou, cn-beijing, cn-shanghai and others), `polardb.<region>.aliyuncs.com` elsewhere.",
				stringvalidator.RegexMatches(endpointPattern, "a host name or IP address with an optional :port and no scheme or path, such as polardb.aliyuncs.com or 127.0.0.1:8080"), text{max: maxHostLength}),
			"endpoint_type": stringArgument("`public` (default) or `vpc`: with `vpc` and no `endpoint`, the API host is the region's VPC endpoint "+
				"`polardb-vpc.<region>.aliyuncs.com`, for Terraform running inside an Alibaba Cloud VPC without internet access; "+
				"[VPC endpoints](#vpc-endpoints) lists the regions that have one. An explicit `endpoint` wins. "+
				"Environment: "+envNames(envEndpointType)+".",
				stringvalidator.OneOf(polardb.EndpointPublic, polardb.EndpointVPC)),
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a call is retried after a transient failure (throttling, a 5xx answer, a connection reset, "+
					"an attempt that timed out), with exponential backoff and jitter, or the wait the API asks for when it throttles; "+
					"the data source's read timeout (the action's `timeout`) bounds it all. Default: %d; `0` disables retries.", polardb.DefaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, maxMaxRetries)},
			},
			"protocol": stringArgument("`HTTPS` (default) or `HTTP`. Use `HTTP` only for a local emulator or a trusted private network: "+
				"with an endpoint that is not a loopback address, `HTTP` gets a warning.",
				stringvalidator.OneOf("HTTPS", "HTTP")),
		},
		// Blocks, not nested attributes, so that an assume_role block
		// written for the alicloud provider works here unchanged.
		Blocks: map[string]schema.Block{
			"assume_role": schema.SingleNestedBlock{
				MarkdownDescription: "Assume a RAM role with the credentials found otherwise, through STS. Environment: " +
					envNames(auth.EnvAssumeRoleArn) + " for `role_arn` (" + auth.EnvOIDCRoleArn[0] + " only when OIDC is not in use), " +
					envNames(auth.EnvRoleSessionName) + " for `session_name`.",
				Attributes: map[string]schema.Attribute{
					"role_arn":           roleArnAttribute("ARN of the role, such as `acs:ram::1234567890123456:role/polardb-reader`. Required in the block."),
					"session_name":       sessionNameAttribute(),
					"session_expiration": sessionExpirationAttribute(),
					"external_id":        stringArgument("External ID the role's trust policy requires, if any.", text{max: maxSecretLength}),
					"policy":             policyAttribute(),
				},
				Validators: []validator.Object{objectvalidator.AlsoRequires(path.MatchRelative().AtName("role_arn"))},
			},
			"assume_role_with_oidc": schema.SingleNestedBlock{
				MarkdownDescription: "Assume a RAM role with an OIDC token (RRSA on Container Service for Kubernetes). Each argument falls back on the environment variable RRSA sets.",
				Attributes: map[string]schema.Attribute{
					"role_arn": roleArnAttribute("ARN of the role. Environment: `" + auth.EnvOIDCRoleArn[0] + "`."),
					"oidc_provider_arn": stringArgument("ARN of the OIDC identity provider, such as `acs:ram::1234567890123456:oidc-provider/ack-rrsa-c123`. Environment: `"+auth.EnvOIDCProviderArn[0]+"`.",
						stringvalidator.RegexMatches(oidcProviderArnPattern, "an OIDC provider ARN such as acs:ram::1234567890123456:oidc-provider/ack-rrsa-c123"), text{max: maxPathLength}),
					"oidc_token_file": stringArgument("Path of the file holding the OIDC token; it is read again at every refresh. Environment: `"+auth.EnvOIDCTokenFile[0]+"`.",
						text{max: maxPathLength}),
					"role_session_name":  sessionNameAttribute(),
					"session_expiration": sessionExpirationAttribute(),
					"policy":             policyAttribute(),
				},
			},
		},
	}
}

// stringArgument is an optional string argument: every argument of the
// provider is.
func stringArgument(description string, validators ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: description, Optional: true, Validators: validators}
}

// secretArgument is a sensitive stringArgument of at most maxLength characters,
// which no diagnostic repeats.
func secretArgument(description string, maxLength int) schema.StringAttribute {
	a := stringArgument(description, text{max: maxLength, secret: true})
	a.Sensitive = true
	return a
}

// roleArnAttribute, sessionNameAttribute, sessionExpirationAttribute and
// policyAttribute are the attributes both assume_role blocks have, with
// their own descriptions (the role ARN) or names (the session name).
func roleArnAttribute(description string) schema.StringAttribute {
	return stringArgument(description, stringvalidator.RegexMatches(roleArnPattern, roleArnShape), text{max: maxPathLength})
}

func sessionNameAttribute() schema.StringAttribute {
	return stringArgument("Name of the role session, shown in ActionTrail: 2 to 64 letters, digits and `.@_-`. Default: `terraform-provider-polardb`.",
		stringvalidator.RegexMatches(sessionNamePattern, "2 to 64 characters among letters, digits and .@_-"), text{max: 64})
}

func sessionExpirationAttribute() schema.Int64Attribute {
	return schema.Int64Attribute{
		MarkdownDescription: "Lifetime of the temporary credentials in seconds, 900 to 43200 (and at most the role's maximum session duration). Default: 3600. They are renewed before they expire.",
		Optional:            true,
		Validators:          []validator.Int64{int64validator.Between(minSessionExpiration, maxSessionExpiration)},
	}
}

func policyAttribute() schema.StringAttribute {
	return stringArgument("RAM policy (a JSON document) that further restricts the session, for example `jsonencode({...})`.",
		jsonObject{}, text{max: maxPolicyLength})
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
	if !req.Config.Raw.IsFullyKnown() {
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
		}
		return
	}

	settings := resolveSettings(model, lookupEnv)
	creds, err := auth.Resolve(model.authConfig(), auth.OSEnv())
	var noCreds auth.NoCredentialsError
	switch {
	case errors.As(err, &noCreds):
		resp.Diagnostics.AddError(missingConfiguration(noCreds.Error(), settings))
		return
	case err != nil:
		resp.Diagnostics.AddError("Invalid PolarDB provider credentials", err.Error())
		return
	}
	if settings.region == "" {
		settings.region = creds.Region
	}
	if settings.region == "" && settings.endpoint == "" {
		resp.Diagnostics.AddError(missingConfiguration("", settings))
		return
	}
	retry := polardb.DefaultRetryPolicy()
	if !model.MaxRetries.IsNull() {
		retry.MaxRetries = int(model.MaxRetries.ValueInt64())
	}
	endpoint, err := polardb.ResolveEndpoint(settings.region, settings.endpoint, settings.endpointType)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("endpoint_type"), "Invalid PolarDB endpoint type", err.Error()+endpointTypeSource(model, lookupEnv)+".")
		return
	}
	client, err := polardb.NewClient(polardb.Config{
		Region:     settings.region,
		Endpoint:   endpoint,
		Protocol:   settings.protocol,
		Credential: creds.Credential,
		UserAgent:  userAgent(p.version, req.TerraformVersion, lookupEnv),
		Retry:      retry,
		OnRetry:    logRetry,
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot create the PolarDB API client", err.Error())
		return
	}
	if warning := plaintextWarning(settings.protocol, client.Endpoint()); warning != "" {
		resp.Diagnostics.AddAttributeWarning(path.Root("protocol"), "PolarDB API requests are not encrypted", warning)
	}
	data := &providerData{
		client:           client,
		region:           settings.region,
		secrets:          creds.Secrets,
		accessKeyID:      creds.AccessKeyID,
		credentialSource: creds.Source,
	}
	resp.DataSourceData, resp.ActionData, resp.ResourceData, resp.ListResourceData = data, data, data, data
}

func (p *polardbProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{newBackupTasksDataSource, newBackupsDataSource, newRecoveryWindowDataSource}
}

func (p *polardbProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{newCreateBackupAction}
}

func (p *polardbProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{newBackupResource}
}

func (p *polardbProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{newBackupListResource}
}
