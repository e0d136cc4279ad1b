// Command terraform-provider-devportal is the devportal Terraform provider. Run with the
// "serve" sub-command it starts the bundled devportal backend instead, and with "gateway" a
// gateway node that enforces a control plane's configuration.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/cli"
	"github.com/devportal-labs/terraform-provider-devportal/internal/gateway"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pluginprocess"
	"github.com/devportal-labs/terraform-provider-devportal/internal/provider"
)

// version is set at build time through -ldflags "-X main.version=...".
var version = "dev"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		os.Exit(cli.Serve(context.Background(), os.Args[2:], os.Stdout, os.Stderr))
	}
	if len(os.Args) > 1 && os.Args[1] == "gateway" {
		os.Exit(gateway.Main(context.Background(), os.Args[2:], os.Stdout, os.Stderr))
	}

	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers such as delve")
	flag.Parse()
	if !debug {
		// In debug mode the user reads the provider's standard error directly, not through
		// Terraform's filter, so every line stays.
		pluginprocess.QuietUnshownLogs()
	}
	pluginprocess.CollectGarbageLessOften()

	stopProfile := startProfile()
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/devportal-labs/devportal",
		Debug:           debug,
		ProtocolVersion: 6,
	})
	stopProfile()
	if err != nil {
		log.Fatal(err)
	}
}
