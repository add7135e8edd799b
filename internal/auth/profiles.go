package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/ini.v1"
)

// cliProfile is a profile of the aliyun CLI's config.json, with the CLI's
// field names.
type cliProfile struct {
	Name            string `json:"name"`
	Mode            string `json:"mode"`
	AccessKeyID     string `json:"access_key_id"`
	AccessKeySecret string `json:"access_key_secret"`
	StsToken        string `json:"sts_token"`
	RegionID        string `json:"region_id"`
	RAMRoleArn      string `json:"ram_role_arn"`
	RAMSessionName  string `json:"ram_session_name"`
	ExpiredSeconds  int    `json:"expired_seconds"`
	ExternalID      string `json:"external_id"`
	Policy          string `json:"policy"`
	RAMRoleName     string `json:"ram_role_name"`
	SourceProfile   string `json:"source_profile"`
	OIDCProviderArn string `json:"oidc_provider_arn"`
	OIDCTokenFile   string `json:"oidc_token_file"`
	CredentialsURI  string `json:"credentials_uri"`
}

type cliConfig struct {
	Current  string       `json:"current"`
	Profiles []cliProfile `json:"profiles"`
}

// fromProfileFiles looks for the profile in the aliyun CLI's config.json,
// then in the SDKs' credentials file. A profile or file that was named (in
// the provider block or the environment) must exist; the default ones are
// skipped when absent.
func (r *resolver) fromProfileFiles() (*found, error) {
	name := firstOf(r.cfg.Profile, r.lookup(EnvProfile))
	cliPath := firstOf(r.cfg.SharedCredentialsFile, r.lookup(EnvConfigFile))
	cliPathNamed := cliPath != ""
	if !cliPathNamed && r.env.Home != "" {
		cliPath = filepath.Join(r.env.Home, ".aliyun", "config.json")
	}
	cliPath = expandHome(cliPath, r.env.Home)

	var searched []string
	if cliPath != "" {
		cfg, err := readCLIConfig(cliPath)
		switch {
		case errors.Is(err, fs.ErrNotExist) && !cliPathNamed:
		case err != nil:
			return nil, err
		default:
			searched = append(searched, cliPath)
			profileName := firstOf(name, cfg.Current, "default")
			for _, p := range cfg.Profiles {
				if p.Name == profileName {
					return r.fromCLIProfile(cfg, p, cliPath, nil)
				}
			}
		}
	}

	iniPath := r.lookup(EnvCredentialsFile)
	iniPathNamed := iniPath != ""
	if !iniPathNamed && r.env.Home != "" {
		iniPath = filepath.Join(r.env.Home, ".alibabacloud", "credentials")
	}
	iniPath = expandHome(iniPath, r.env.Home)
	if iniPath != "" {
		f, err := r.fromCredentialsFile(iniPath, firstOf(name, "default"))
		switch {
		case errors.Is(err, fs.ErrNotExist) && !iniPathNamed:
		case err != nil:
			return nil, err
		case f != nil:
			return f, nil
		default:
			searched = append(searched, iniPath)
		}
	}

	if name != "" || cliPathNamed {
		where := "no profile file was found"
		if len(searched) > 0 {
			where = "searched " + strings.Join(searched, " and ")
		}
		return nil, fmt.Errorf("profile %q not found: %s. Check `profile` (%s) and `shared_credentials_file` (%s)",
			firstOf(name, "default"), where, strings.Join(EnvProfile, ", "), strings.Join(EnvConfigFile, ", "))
	}
	return nil, nil
}

func readCLIConfig(path string) (*cliConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the aliyun CLI configuration: %w", err)
	}
	var cfg cliConfig
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("%s is not an aliyun CLI configuration (JSON with \"current\" and \"profiles\"): %w", path, err)
	}
	return &cfg, nil
}

// fromCLIProfile builds the credentials of profile p. seen guards against a
// loop of source_profile references.
func (r *resolver) fromCLIProfile(cfg *cliConfig, p cliProfile, path string, seen []string) (*found, error) {
	source := fmt.Sprintf("profile %q (mode %s) in %s", p.Name, p.Mode, path)
	var f *found
	var err error
	switch p.Mode {
	case "AK", "":
		f, err = static(source, p.AccessKeyID, p.AccessKeySecret, "")
	case "StsToken":
		if p.StsToken == "" {
			return nil, fmt.Errorf("%s has no sts_token", source)
		}
		f, err = static(source, p.AccessKeyID, p.AccessKeySecret, p.StsToken)
	case "RamRoleArn":
		if f, err = static(source, p.AccessKeyID, p.AccessKeySecret, ""); err == nil {
			f, err = r.assumeRole(f, p.role(), source)
		}
	case "ChainableRamRoleArn":
		if slices.Contains(seen, p.SourceProfile) || p.SourceProfile == p.Name {
			return nil, fmt.Errorf("%s: source_profile %q leads back to itself", source, p.SourceProfile)
		}
		var src *cliProfile
		for i := range cfg.Profiles {
			if cfg.Profiles[i].Name == p.SourceProfile {
				src = &cfg.Profiles[i]
			}
		}
		if src == nil {
			return nil, fmt.Errorf("%s: its source_profile %q does not exist", source, p.SourceProfile)
		}
		if f, err = r.fromCLIProfile(cfg, *src, path, append(seen, p.Name)); err == nil {
			f, err = r.assumeRole(f, p.role(), source)
		}
	case "EcsRamRole":
		if p.RAMRoleName == "" {
			return nil, fmt.Errorf("%s has no ram_role_name", source)
		}
		f, err = r.ecsRole(p.RAMRoleName, source)
	case "OIDC":
		f, err = r.oidc(AssumeRoleWithOIDC{
			RoleArn: p.RAMRoleArn, OIDCProviderArn: p.OIDCProviderArn, OIDCTokenFile: p.OIDCTokenFile,
			RoleSessionName: p.RAMSessionName, SessionExpiration: p.ExpiredSeconds, Policy: p.Policy,
		}, source)
	case "CredentialsURI":
		f, err = r.uri(p.CredentialsURI, source)
	default:
		return nil, fmt.Errorf("%s: mode %s is not supported by this provider; use a profile of mode AK, StsToken, RamRoleArn, ChainableRamRoleArn, EcsRamRole, OIDC or CredentialsURI", source, p.Mode)
	}
	if err != nil {
		return nil, err
	}
	if f.region == "" {
		f.region = p.RegionID
	}
	return f, nil
}

func (p cliProfile) role() AssumeRole {
	return AssumeRole{RoleArn: p.RAMRoleArn, SessionName: p.RAMSessionName, SessionExpiration: p.ExpiredSeconds, ExternalID: p.ExternalID, Policy: p.Policy}
}

// fromCredentialsFile reads profile name of the SDKs' INI credentials file
// (~/.alibabacloud/credentials); nil when the file has no such section.
func (r *resolver) fromCredentialsFile(path, name string) (*found, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("the SDK credentials file (%s): %w", strings.Join(EnvCredentialsFile, ", "), err)
	}
	file, err := ini.Load(path)
	if err != nil {
		return nil, fmt.Errorf("reading the credentials file %s: %w", path, err)
	}
	if !file.HasSection(name) {
		return nil, nil
	}
	section := file.Section(name)
	key := func(k string) string { return strings.TrimSpace(section.Key(k).String()) }
	source := fmt.Sprintf("profile [%s] (type %s) in %s", name, key("type"), path)
	switch key("type") {
	case "access_key":
		return static(source, key("access_key_id"), key("access_key_secret"), "")
	case "sts":
		return static(source, key("access_key_id"), key("access_key_secret"), key("security_token"))
	case "ram_role_arn":
		f, err := static(source, key("access_key_id"), key("access_key_secret"), "")
		if err != nil {
			return nil, err
		}
		return r.assumeRole(f, AssumeRole{RoleArn: key("role_arn"), SessionName: key("role_session_name"), Policy: key("policy")}, source)
	case "ecs_ram_role":
		if key("role_name") == "" {
			return nil, fmt.Errorf("%s has no role_name", source)
		}
		return r.ecsRole(key("role_name"), source)
	default:
		return nil, fmt.Errorf("%s: type %q is not supported by this provider; use access_key, sts, ram_role_arn or ecs_ram_role", source, key("type"))
	}
}
