package provider

import (
	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/credentials-go/credentials"
)

// newCredential is the one place credentials are built from the provider's
// settings. Every later source (profiles, assume_role, ECS role, OIDC) is a
// credentials-go provider chosen here; nothing else in the provider looks at
// keys.
func newCredential(s settings) (credentials.Credential, error) {
	config := &credentials.Config{
		Type:            dara.String("access_key"),
		AccessKeyId:     dara.String(s.accessKey),
		AccessKeySecret: dara.String(s.secretKey),
	}
	if s.securityToken != "" {
		config.Type = dara.String("sts")
		config.SecurityToken = dara.String(s.securityToken)
	}
	return credentials.NewCredential(config)
}
