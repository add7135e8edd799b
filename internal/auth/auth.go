// Package auth finds the credentials the provider signs its requests with,
// from the same places, under the same names, as the Alibaba Cloud CLI, the
// alicloud provider and the Alibaba Cloud SDKs. It is the only code in the
// provider that reads keys, tokens, profiles or the instance metadata.
//
// The order, first found wins:
//
//  1. provider arguments: access_key and secret_key; assume_role_with_oidc;
//     credentials_uri; ecs_role_name; profile or shared_credentials_file;
//  2. environment: an AccessKey pair; ALIBABA_CLOUD_CREDENTIALS_URI;
//  3. profile files: the aliyun CLI's config.json, then the SDKs'
//     credentials file;
//  4. OIDC environment (RRSA): ALIBABA_CLOUD_ROLE_ARN,
//     ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE;
//  5. ECS instance role: ALIBABA_CLOUD_ECS_METADATA or ALICLOUD_ECS_ROLE_NAME.
//
// assume_role (or its environment variables) then assumes a role with
// whatever was found. The instance metadata service is contacted only when
// an ECS role is asked for, so a machine with nothing configured fails at
// once instead of waiting on 100.100.100.200.
package auth

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/aliyun/credentials-go/credentials/providers"
)

// Config is what the provider block says about credentials. Empty strings
// and nil blocks are unset.
type Config struct {
	AccessKey, SecretKey, SecurityToken string
	Profile, SharedCredentialsFile      string
	AssumeRole                          *AssumeRole
	AssumeRoleWithOIDC                  *AssumeRoleWithOIDC
	ECSRoleName                         string
	CredentialsURI                      string
	STSEndpoint                         string // host[:port]; DefaultSTSEndpoint when empty
}

// AssumeRole is the assume_role block.
type AssumeRole struct {
	RoleArn, SessionName, ExternalID, Policy string
	SessionExpiration                        int // seconds; DefaultSessionExpiration when zero
}

// AssumeRoleWithOIDC is the assume_role_with_oidc block.
type AssumeRoleWithOIDC struct {
	RoleArn, OIDCProviderArn, OIDCTokenFile, RoleSessionName, Policy string
	SessionExpiration                                                int
}

// Env is what Resolve reads besides Config. The provider passes the real
// environment; tests pass their own.
type Env struct {
	Getenv func(string) string
	// Home is the user's home directory, where profile files are looked
	// for; "" means there is none.
	Home string
	// MetadataURL is the ECS instance metadata service; "" means the real
	// one, DefaultMetadataURL, unless ALIBABA_CLOUD_ECS_METADATA_DISABLED
	// is true.
	MetadataURL string
}

// OSEnv is the process environment.
func OSEnv() Env {
	home, _ := os.UserHomeDir()
	return Env{Getenv: os.Getenv, Home: home}
}

// Defaults.
const (
	DefaultSTSEndpoint       = "sts.aliyuncs.com"
	DefaultSessionExpiration = 3600
	DefaultSessionName       = "terraform-provider-polardb"
	DocsURL                  = "https://registry.terraform.io/providers/polardb-community/polardb/latest/docs/guides/authentication"
)

// Environment variables, the SDKs' names before the alicloud provider's.
var (
	EnvAccessKey        = []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY"}
	EnvSecretKey        = []string{"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY"}
	EnvSecurityToken    = []string{"ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"}
	EnvProfile          = []string{"ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE"}
	EnvConfigFile       = []string{"ALIBABA_CLOUD_CONFIG_FILE", "ALICLOUD_SHARED_CREDENTIALS_FILE"}
	EnvCredentialsFile  = []string{"ALIBABA_CLOUD_CREDENTIALS_FILE"}
	EnvAssumeRoleArn    = []string{"ALIBABA_CLOUD_ROLE_ARN", "ALICLOUD_ASSUME_ROLE_ARN"}
	EnvRoleSessionName  = []string{"ALIBABA_CLOUD_ROLE_SESSION_NAME", "ALICLOUD_ASSUME_ROLE_SESSION_NAME"}
	EnvOIDCRoleArn      = []string{"ALIBABA_CLOUD_ROLE_ARN"}
	EnvOIDCProviderArn  = []string{"ALIBABA_CLOUD_OIDC_PROVIDER_ARN"}
	EnvOIDCTokenFile    = []string{"ALIBABA_CLOUD_OIDC_TOKEN_FILE"}
	EnvECSRoleName      = []string{"ALIBABA_CLOUD_ECS_METADATA", "ALICLOUD_ECS_ROLE_NAME"}
	EnvCredentialsURI   = []string{"ALIBABA_CLOUD_CREDENTIALS_URI"}
	EnvSTSEndpoint      = []string{"ALIBABA_CLOUD_STS_ENDPOINT"}
	envMetadataDisabled = "ALIBABA_CLOUD_ECS_METADATA_DISABLED"
	envIMDSv1Disabled   = "ALIBABA_CLOUD_IMDSV1_DISABLED"
)

// Credentials are the credentials found, ready for every read of one
// configured provider to share.
type Credentials struct {
	// Credential signs requests. It is safe for concurrent use: temporary
	// keys are fetched once and refreshed before they expire.
	Credential credentials.Credential
	// Source tells where the credentials come from, for logs and
	// diagnostics, such as `profile "dev" in /home/me/.aliyun/config.json`.
	// It never holds a secret.
	Source string
	// AccessKeyID is the AccessKey ID requests are signed with, when it is
	// known before the first request (static keys).
	AccessKeyID string
	// Region is the region_id of the profile used, if any: the fallback
	// when neither the provider block nor the environment sets one.
	Region string
	// Secrets are the secret values known now, for logs to mask.
	Secrets []string
}

// NoCredentialsError says that no way in found anything.
type NoCredentialsError struct{}

func (NoCredentialsError) Error() string {
	return "Credentials: none found. Set `access_key` and `secret_key` in the provider block, or the environment variables " +
		strings.Join(EnvAccessKey, " or ") + " and " + strings.Join(EnvSecretKey, " or ") +
		" (with `security_token` / " + strings.Join(EnvSecurityToken, " or ") + " for STS credentials); " +
		"or name a `profile` of the aliyun CLI (" + strings.Join(EnvProfile, " or ") + ", file ~/.aliyun/config.json); " +
		"or use `assume_role_with_oidc`, `credentials_uri` or `ecs_role_name`. See " + DocsURL + "."
}

// Resolve finds the credentials. It reads files but does not contact the
// network: temporary credentials are fetched at the first request.
func Resolve(cfg Config, env Env) (*Credentials, error) {
	r := &resolver{cfg: cfg, env: env}
	if r.env.Getenv == nil {
		r.env.Getenv = func(string) string { return "" }
	}
	r.stsEndpoint = firstOf(cfg.STSEndpoint, r.lookup(EnvSTSEndpoint), DefaultSTSEndpoint)

	var f *found
	var err error
	for _, step := range []func() (*found, error){r.fromArguments, r.fromEnvironment, r.fromProfileFiles, r.fromOIDCEnvironment, r.fromECSEnvironment} {
		if f, err = step(); err != nil {
			return nil, err
		}
		if f != nil {
			break
		}
	}
	if f == nil {
		return nil, NoCredentialsError{}
	}
	if role := r.assumeRoleConfig(); role != nil {
		if f, err = r.assumeRole(f, *role, "assume_role"); err != nil {
			return nil, err
		}
	}
	return &Credentials{
		Credential:  credentials.FromCredentialsProvider(f.provider.GetProviderName(), &sharedProvider{provider: f.provider, source: f.source}),
		Source:      f.source,
		AccessKeyID: f.accessKeyID,
		Region:      f.region,
		Secrets:     f.secrets,
	}, nil
}

// found is a credential source and what is known of it.
type found struct {
	provider    providers.CredentialsProvider
	source      string
	accessKeyID string
	region      string
	secrets     []string
}

type resolver struct {
	cfg         Config
	env         Env
	stsEndpoint string
}

// lookup returns the first non-empty variable of names.
func (r *resolver) lookup(names []string) string {
	for _, name := range names {
		if v := strings.TrimSpace(r.env.Getenv(name)); v != "" {
			return v
		}
	}
	return ""
}

func (r *resolver) fromArguments() (*found, error) {
	c := r.cfg
	switch {
	case c.AccessKey != "" && c.SecretKey != "":
		// A token in the environment belongs to the environment's keys.
		return static("`access_key` and `secret_key` in the provider block", c.AccessKey, c.SecretKey, c.SecurityToken)
	case c.AccessKey != "" || c.SecretKey != "" || c.SecurityToken != "":
		// What the block lacks of a pair may come from the environment.
		return static("`access_key`, `secret_key` and `security_token` in the provider block and the environment",
			firstOf(c.AccessKey, r.lookup(EnvAccessKey)), firstOf(c.SecretKey, r.lookup(EnvSecretKey)),
			firstOf(c.SecurityToken, r.lookup(EnvSecurityToken)))
	case c.AssumeRoleWithOIDC != nil:
		o := *c.AssumeRoleWithOIDC
		o.RoleArn = firstOf(o.RoleArn, r.lookup(EnvOIDCRoleArn))
		o.OIDCProviderArn = firstOf(o.OIDCProviderArn, r.lookup(EnvOIDCProviderArn))
		o.OIDCTokenFile = firstOf(o.OIDCTokenFile, r.lookup(EnvOIDCTokenFile))
		return r.oidc(o, "`assume_role_with_oidc` in the provider block")
	case c.CredentialsURI != "":
		return r.uri(c.CredentialsURI, "`credentials_uri` in the provider block")
	case c.ECSRoleName != "":
		return r.ecsRole(c.ECSRoleName, "`ecs_role_name` in the provider block")
	case c.Profile != "" || c.SharedCredentialsFile != "":
		return r.fromProfileFiles()
	}
	return nil, nil
}

func (r *resolver) fromEnvironment() (*found, error) {
	id, secret := r.lookup(EnvAccessKey), r.lookup(EnvSecretKey)
	if id != "" || secret != "" {
		return static("the environment variables "+EnvAccessKey[0]+" and "+EnvSecretKey[0]+" (or "+EnvAccessKey[1]+" and "+EnvSecretKey[1]+")",
			id, secret, r.lookup(EnvSecurityToken))
	}
	if uri := r.lookup(EnvCredentialsURI); uri != "" {
		return r.uri(uri, "the environment variable "+EnvCredentialsURI[0])
	}
	return nil, nil
}

func (r *resolver) fromOIDCEnvironment() (*found, error) {
	o := AssumeRoleWithOIDC{
		RoleArn:         r.lookup(EnvOIDCRoleArn),
		OIDCProviderArn: r.lookup(EnvOIDCProviderArn),
		OIDCTokenFile:   r.lookup(EnvOIDCTokenFile),
	}
	if o.RoleArn == "" || o.OIDCProviderArn == "" || o.OIDCTokenFile == "" {
		return nil, nil
	}
	return r.oidc(o, "the environment variables "+EnvOIDCRoleArn[0]+", "+EnvOIDCProviderArn[0]+" and "+EnvOIDCTokenFile[0])
}

func (r *resolver) fromECSEnvironment() (*found, error) {
	if name := r.lookup(EnvECSRoleName); name != "" {
		return r.ecsRole(name, "the environment variable "+EnvECSRoleName[0]+" (or "+EnvECSRoleName[1]+")")
	}
	return nil, nil
}

// assumeRoleConfig is the role to assume on top of the base credentials:
// the assume_role block, else the environment. As in the SDKs,
// ALIBABA_CLOUD_ROLE_ARN names the OIDC role whenever OIDC is in use, and
// that role is not assumed a second time.
func (r *resolver) assumeRoleConfig() *AssumeRole {
	if r.cfg.AssumeRole != nil {
		return r.cfg.AssumeRole
	}
	names := EnvAssumeRoleArn
	if r.cfg.AssumeRoleWithOIDC != nil || r.lookup(EnvOIDCProviderArn) != "" {
		names = slices.DeleteFunc(slices.Clone(names), func(n string) bool { return slices.Contains(EnvOIDCRoleArn, n) })
	}
	if arn := r.lookup(names); arn != "" {
		return &AssumeRole{RoleArn: arn}
	}
	return nil
}

// httpOptions bound every call to STS or a credentials URI: credentials-go
// has defaults, spelled out here so that they are ours.
var httpOptions = &providers.HttpOptions{ConnectTimeout: 5000, ReadTimeout: 10000}

func static(source, id, secret, token string) (*found, error) {
	if id == "" || secret == "" {
		return nil, fmt.Errorf("incomplete AccessKey pair from %s: both the AccessKey ID and the AccessKey secret are needed", source)
	}
	f := &found{source: source, accessKeyID: id, secrets: []string{secret}}
	var err error
	if token == "" {
		f.provider, err = providers.NewStaticAKCredentialsProviderBuilder().WithAccessKeyId(id).WithAccessKeySecret(secret).Build()
	} else {
		f.secrets = append(f.secrets, token)
		f.provider, err = providers.NewStaticSTSCredentialsProviderBuilder().WithAccessKeyId(id).WithAccessKeySecret(secret).WithSecurityToken(token).Build()
	}
	return f, err
}

// assumeRole assumes role with base's credentials through STS.
func (r *resolver) assumeRole(base *found, role AssumeRole, what string) (*found, error) {
	if role.RoleArn == "" {
		return nil, fmt.Errorf("%s needs a role ARN", what)
	}
	p, err := providers.NewRAMRoleARNCredentialsProviderBuilder().
		WithCredentialsProvider(base.provider).
		WithRoleArn(role.RoleArn).
		WithRoleSessionName(r.sessionName(role.SessionName)).
		WithDurationSeconds(orDefault(role.SessionExpiration)).
		WithExternalId(role.ExternalID).
		WithPolicy(role.Policy).
		WithStsEndpoint(r.stsEndpoint).
		WithHttpOptions(httpOptions).
		Build()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	// The base's secrets stay masked; its key ID is not the one that signs.
	return &found{
		provider: p, source: fmt.Sprintf("role %s assumed with %s", role.RoleArn, base.source),
		region: base.region, secrets: base.secrets,
	}, nil
}

// sessionName is the role session name for an assumed role: the configured
// one, else the environment's, else DefaultSessionName.
func (r *resolver) sessionName(configured string) string {
	return firstOf(configured, r.lookup(EnvRoleSessionName), DefaultSessionName)
}

func (r *resolver) oidc(o AssumeRoleWithOIDC, source string) (*found, error) {
	var missing []string
	for _, f := range []struct{ value, name string }{
		{o.RoleArn, "role_arn (" + EnvOIDCRoleArn[0] + ")"},
		{o.OIDCProviderArn, "oidc_provider_arn (" + EnvOIDCProviderArn[0] + ")"},
		{o.OIDCTokenFile, "oidc_token_file (" + EnvOIDCTokenFile[0] + ")"},
	} {
		if f.value == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s lacks %s", source, strings.Join(missing, ", "))
	}
	o.OIDCTokenFile = expandHome(o.OIDCTokenFile, r.env.Home)
	p, err := providers.NewOIDCCredentialsProviderBuilder().
		WithRoleArn(o.RoleArn).
		WithOIDCProviderARN(o.OIDCProviderArn).
		WithOIDCTokenFilePath(o.OIDCTokenFile).
		WithRoleSessionName(r.sessionName(o.RoleSessionName)).
		WithDurationSeconds(orDefault(o.SessionExpiration)).
		WithPolicy(o.Policy).
		WithSTSEndpoint(r.stsEndpoint).
		WithHttpOptions(httpOptions).
		Build()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return &found{provider: p, source: fmt.Sprintf("role %s assumed with the OIDC token in %s, from %s", o.RoleArn, o.OIDCTokenFile, source)}, nil
}

func (r *resolver) uri(uri, source string) (*found, error) {
	p, err := providers.NewURLCredentialsProviderBuilder().WithUrl(uri).WithHttpOptions(httpOptions).Build()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return &found{provider: p, source: "credentials URI from " + source}, nil
}

func (r *resolver) ecsRole(name, source string) (*found, error) {
	metadataURL := r.env.MetadataURL
	if metadataURL == "" {
		if strings.EqualFold(r.env.Getenv(envMetadataDisabled), "true") {
			return nil, fmt.Errorf("%s asks for the ECS instance role %q, but %s=true forbids contacting the instance metadata service", source, name, envMetadataDisabled)
		}
		metadataURL = DefaultMetadataURL
	}
	p := &ecsRoleProvider{
		metadataURL:   strings.TrimSuffix(metadataURL, "/"),
		roleName:      name,
		disableIMDSv1: strings.EqualFold(r.env.Getenv(envIMDSv1Disabled), "true"),
	}
	return &found{provider: p, source: fmt.Sprintf("ECS instance role %q from %s", name, source)}, nil
}

// sharedProvider serializes calls to a credentials-go provider: those cache
// temporary keys without locking, and one configured provider serves every
// concurrent read. A refresh thus happens once, not once per read.
type sharedProvider struct {
	mu       sync.Mutex
	provider providers.CredentialsProvider
	source   string
}

func (s *sharedProvider) GetCredentials() (*providers.Credentials, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.provider.GetCredentials()
	if err != nil {
		return nil, newCredentialError(s.source, err)
	}
	return c, nil
}

func (s *sharedProvider) GetProviderName() string { return s.provider.GetProviderName() }

func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func orDefault(seconds int) int {
	if seconds == 0 {
		return DefaultSessionExpiration
	}
	return seconds
}

// expandHome turns a leading ~ into the home directory, as the CLI does.
func expandHome(path, home string) string {
	if path == "~" || strings.HasPrefix(path, "~/") {
		return filepath.Join(home, strings.TrimPrefix(path, "~"))
	}
	return path
}
