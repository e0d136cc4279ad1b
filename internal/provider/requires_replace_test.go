package provider

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// replacedOnChange lists, per resource, the string arguments whose change replaces the object,
// with the reason the API cannot change them in place. Everything else must update in place.
var replacedOnChange = map[string]string{
	"devportal_api_document.api_id":                     "part of the document's path",
	"devportal_api_publication.api_id":                  "part of the publication's path",
	"devportal_api_publication.portal_id":               "part of the publication's path",
	"devportal_api_service_link.api_id":                 "an API implementation has no update operation",
	"devportal_api_service_link.control_plane_id":       "an API implementation has no update operation",
	"devportal_api_service_link.service_id":             "an API implementation has no update operation",
	"devportal_application.portal_id":                   "part of the application's path",
	"devportal_application.auth_strategy_id":            "credentials follow the strategy; no update takes it",
	"devportal_application.client_id":                   "the identity provider knows the application by it; no update takes it",
	"devportal_application_api_key.portal_id":           "part of the key's path",
	"devportal_application_api_key.application_id":      "part of the key's path",
	"devportal_application_api_key.expires_at":          "the server fixes a key's expiry when it issues it",
	"devportal_application_registration.portal_id":      "part of the registration's path",
	"devportal_application_registration.application_id": "part of the registration's path",
	"devportal_application_registration.api_id":         "a registration's update takes only its status",
	"devportal_developer.portal_id":                     "part of the developer's path",
	"devportal_gateway_node_token.control_plane_id":     "part of the token's path",
	"devportal_gateway_node_token.name":                 "a node token has no update operation",
	"devportal_gateway_route.control_plane_id":          "part of the route's path",
	"devportal_api_version.api_id":                      "part of the version's path",
	"devportal_gateway_service.control_plane_id":        "part of the service's path",
	"devportal_portal_customization.portal_id":          "the customization belongs to that portal",
	"devportal_portal_page.portal_id":                   "part of the page's path",
	"devportal_portal_security.portal_id":               "the settings belong to that portal",
	"devportal_portal_snippet.portal_id":                "part of the snippet's path",
}

// TestRequiresReplaceOnlyOnImmutableInputs changes every top-level string argument of every
// resource and checks that only the inputs the API cannot change ask for a replacement.
func TestRequiresReplaceOnlyOnImmutableInputs(t *testing.T) {
	ctx := context.Background()
	anyState := tfsdk.State{Raw: tftypes.NewValue(tftypes.Object{}, map[string]tftypes.Value{})}
	anyPlan := tfsdk.Plan{Raw: tftypes.NewValue(tftypes.Object{}, map[string]tftypes.Value{})}
	got := map[string]bool{}
	for _, newResource := range New("test")().Resources(ctx) {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "devportal"}, &meta)
		var s resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &s)
		for name, attr := range s.Schema.Attributes {
			a, ok := attr.(schema.StringAttribute)
			if !ok || (!a.Required && !a.Optional) {
				continue
			}
			for _, m := range a.PlanModifiers {
				req := planmodifier.StringRequest{
					Path: path.Root(name), State: anyState, Plan: anyPlan,
					StateValue: types.StringValue("before"), PlanValue: types.StringValue("after"), ConfigValue: types.StringValue("after"),
				}
				resp := planmodifier.StringResponse{PlanValue: req.PlanValue}
				m.PlanModifyString(ctx, req, &resp)
				if resp.RequiresReplace {
					got[meta.TypeName+"."+name] = true
				}
			}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(got)) {
		if _, ok := replacedOnChange[key]; !ok {
			t.Errorf("%s requires replacement, but the API can change it: update it in place", key)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(replacedOnChange)) {
		if !got[key] {
			t.Errorf("%s no longer requires replacement: remove it from replacedOnChange", key)
		}
	}
}
