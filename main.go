// Command terraform-provider-polardb serves the PolarDB provider to Terraform and OpenTofu.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/polardb-community/terraform-provider-polardb/internal/provider"
)

// version is set at build time: go build -ldflags "-X main.version=1.2.3".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()

	if !debug {
		for _, name := range sdkLogsToSilence(os.Environ()) {
			_ = os.Setenv(name, "OFF")
		}
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/polardb-community/polardb",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}

// sdkLogsToSilence names the SDK log levels to turn off, given the
// environment Terraform started the provider with.
//
// terraform-plugin-framework and terraform-plugin-go log every request at
// debug and trace level, and without a level set they format it all and
// send it to Terraform, which throws it away unless TF_LOG (or another
// TF_LOG_* variable) asked for it: about 30 % of the provider's CPU in a
// plan of many reads (terraform-plugin-framework#1269). Terraform passes
// its environment on to the provider, so when it has no TF_LOG* variable
// nobody will read those logs, and they are turned off. With any TF_LOG*
// variable set, logging is left exactly as the SDKs do it. Under -debug
// the provider's environment is not Terraform's, so it is left alone too.
func sdkLogsToSilence(environ []string) []string {
	for _, kv := range environ {
		if name, _, _ := strings.Cut(kv, "="); name == "TF_LOG" || strings.HasPrefix(name, "TF_LOG_") {
			return nil
		}
	}
	return []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}
}
