package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// NewWithoutRegions returns the provider as it was before resources kept their region: the
// same resources without the region attribute, always in the provider's region. Tests use it
// to write state as earlier releases did.
func NewWithoutRegions() provider.Provider {
	return providerWithoutRegions{&devportalProvider{version: "test"}}
}

// providerWithoutRegions is the provider with unwrapped resources.
type providerWithoutRegions struct{ *devportalProvider }

func (p providerWithoutRegions) Resources(ctx context.Context) []func() resource.Resource {
	wrapped := p.devportalProvider.Resources(ctx)
	out := make([]func() resource.Resource, len(wrapped))
	for i, newResource := range wrapped {
		out[i] = func() resource.Resource { return newResource().(*regionalResource).inner }
	}
	return out
}
