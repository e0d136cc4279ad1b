// Command benchfloor is a provider that serves the devportal provider's schemas and does no work
// of its own: it reads no objects (state stays as it is), modifies no plans and has no
// configuration checks beyond those the schemas declare. scripts/bench.sh plans the devportal
// configuration with it against the state the real provider applied, which measures what
// Terraform and the plugin framework cost for these resources before the provider does anything:
// the floor of any provider built on the framework with these schemas.
//
// It can only plan: create, update and delete fail.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/devportal-labs/terraform-provider-devportal/internal/pluginprocess"
	devportal "github.com/devportal-labs/terraform-provider-devportal/internal/provider"
)

func main() {
	// The same process settings as the devportal provider's, so that the floor measures the
	// framework and not settings either could have.
	pluginprocess.QuietUnshownLogs()
	pluginprocess.CollectGarbageLessOften()
	err := providerserver.Serve(context.Background(), func() provider.Provider {
		return &idleProvider{real: devportal.New("bench-floor")()}
	}, providerserver.ServeOpts{
		Address:         "registry.terraform.io/devportal-labs/devportal",
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err)
	}
}

// idleProvider has the real provider's name, schema and resource types.
type idleProvider struct {
	real provider.Provider
}

func (p *idleProvider) Metadata(ctx context.Context, req provider.MetadataRequest, resp *provider.MetadataResponse) {
	p.real.Metadata(ctx, req, resp)
}

func (p *idleProvider) Schema(ctx context.Context, req provider.SchemaRequest, resp *provider.SchemaResponse) {
	p.real.Schema(ctx, req, resp)
}

// Configure accepts any configuration and connects to nothing.
func (p *idleProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *idleProvider) Resources(ctx context.Context) []func() resource.Resource {
	var idle []func() resource.Resource
	for _, newResource := range p.real.Resources(ctx) {
		idle = append(idle, func() resource.Resource { return idleResource{real: newResource()} })
	}
	return idle
}

func (p *idleProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// idleResource has the real resource's type name and schema, validators and plan modifiers
// included, and nothing else.
type idleResource struct {
	real resource.Resource
}

func (r idleResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	r.real.Metadata(ctx, req, resp)
}

func (r idleResource) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	r.real.Schema(ctx, req, resp)
}

// Read keeps the prior state, which the framework has already copied into resp.
func (idleResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (idleResource) Create(_ context.Context, _ resource.CreateRequest, resp *resource.CreateResponse) {
	resp.Diagnostics.AddError("Plan only", "The bench floor provider only plans; apply with the devportal provider.")
}

func (idleResource) Update(_ context.Context, _ resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.AddError("Plan only", "The bench floor provider only plans; apply with the devportal provider.")
}

func (idleResource) Delete(_ context.Context, _ resource.DeleteRequest, resp *resource.DeleteResponse) {
	resp.Diagnostics.AddError("Plan only", "The bench floor provider only plans; destroy with the devportal provider.")
}
