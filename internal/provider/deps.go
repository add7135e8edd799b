package provider

import (
	_ "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	_ "github.com/alibabacloud-go/tea/dara"
	_ "github.com/aliyun/credentials-go/credentials"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	_ "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	_ "github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	_ "github.com/hashicorp/terraform-plugin-log/tflog"
	_ "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	_ "github.com/hashicorp/terraform-plugin-testing/knownvalue"
	_ "github.com/hashicorp/terraform-plugin-testing/statecheck"
	_ "github.com/hashicorp/terraform-plugin-go/tfprotov6"
	_ "go.uber.org/goleak"
)

func New(version string) func() provider.Provider { return nil }
