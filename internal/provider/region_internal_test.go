package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

func TestSplitRegionPrefix(t *testing.T) {
	tests := []struct{ id, region, rest string }{
		{"eu/0b5c", "eu", "0b5c"},
		{"sg/cp-1/svc-2", "sg", "cp-1/svc-2"},
		{"0b5c", "", "0b5c"},
		{"cp-1/svc-2", "", "cp-1/svc-2"},
		{"mars/0b5c", "", "mars/0b5c"},
		{"EU/0b5c", "", "EU/0b5c"},
		{"eu/", "", "eu/"},
		{"eu", "", "eu"},
	}
	for _, tt := range tests {
		region, rest := splitRegionPrefix(tt.id)
		if region != tt.region || rest != tt.rest {
			t.Errorf("splitRegionPrefix(%q) = %q, %q; want %q, %q", tt.id, region, rest, tt.region, tt.rest)
		}
	}
}

// Every resource keeps its region through regionalResource, which hands each framework
// feature over to the resource it wraps. A resource that takes up a feature the wrapper does
// not hand over would silently lose it; this test names it instead.
func TestResourcesKeepTheirRegion(t *testing.T) {
	ctx := context.Background()
	for _, newResource := range (&devportalProvider{}).Resources(ctx) {
		r, ok := newResource().(*regionalResource)
		if !ok {
			t.Errorf("%T is not wrapped by withRegion", newResource())
			continue
		}
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "devportal"}, &meta)
		unsupported := map[string]bool{}
		_, unsupported["UpgradeState"] = r.inner.(resource.ResourceWithUpgradeState)
		_, unsupported["MoveState"] = r.inner.(resource.ResourceWithMoveState)
		_, unsupported["Identity"] = r.inner.(resource.ResourceWithIdentity)
		_, unsupported["UpgradeIdentity"] = r.inner.(resource.ResourceWithUpgradeIdentity)
		for feature, used := range unsupported {
			if used {
				t.Errorf("%s implements %s, which regionalResource does not hand over yet", meta.TypeName, feature)
			}
		}
		if _, ok := r.innerSchema(ctx).Attributes[regionAttr]; ok {
			t.Errorf("%s has its own %q attribute, which regionalResource adds", meta.TypeName, regionAttr)
		}
		var s resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &s)
		if _, ok := s.Schema.Attributes[regionAttr]; !ok {
			t.Errorf("%s has no %q attribute", meta.TypeName, regionAttr)
		}
		if diags := s.Schema.ValidateImplementation(ctx); diags.HasError() {
			t.Errorf("%s: %v", meta.TypeName, diags)
		}
	}
}

func TestPlanRegion(t *testing.T) {
	ctx := context.Background()
	c, err := client.New(client.Config{ServerURL: "http://127.0.0.1:1/{region}", Region: "us", Token: "spat_x"})
	if err != nil {
		t.Fatal(err)
	}
	r := withRegion(NewPortalResource)().(*regionalResource)
	r.provider = c
	s := r.innerSchema(ctx)
	absent := innerValues{inner: tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}, region: types.StringNull()}
	inState := func(region types.String) innerValues {
		v := innerValues{inner: tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}, region: region}
		if d := v.inner.SetAttribute(ctx, path.Root("id"), "p-1"); d.HasError() {
			t.Fatal(d)
		}
		return v
	}
	null, unknown := types.StringNull(), types.StringUnknown()
	eu, us, au := types.StringValue("eu"), types.StringValue("us"), types.StringValue("au")
	tests := map[string]struct {
		configured, planned types.String
		prior               innerValues
		want                types.String
		wantErr             string
	}{
		"new, provider's region":      {null, unknown, absent, us, ""},
		"new, own region":             {eu, eu, absent, eu, ""},
		"kept":                        {null, unknown, inState(us), us, ""},
		"kept with own region":        {eu, eu, inState(eu), eu, ""},
		"provider's region changed":   {null, unknown, inState(eu), eu, `lives in region "eu", but the provider's region is now "us"`},
		"own region changed":          {au, au, inState(eu), eu, `lives in region "eu", but its region argument is now "au"`},
		"old state, nothing changes":  {null, null, inState(null), null, ""},
		"old state, other changes":    {null, unknown, inState(null), us, ""},
		"old state, own region":       {eu, eu, inState(null), eu, ""},
		"region known after apply":    {unknown, unknown, inState(eu), unknown, ""},
		"error names the object":      {null, unknown, inState(au), au, "The object p-1 lives in"},
		"error says how to keep it":   {null, unknown, inState(au), au, `set region = "au" on this resource`},
		"error says how to forget it": {null, unknown, inState(au), au, "terraform state rm"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var diags diag.Diagnostics
			got := r.planRegion(tt.configured, tt.prior, tt.planned, &diags)
			if !got.Equal(tt.want) {
				t.Errorf("region = %s, want %s", got, tt.want)
			}
			switch {
			case tt.wantErr == "" && diags.HasError():
				t.Errorf("unexpected error: %v", diags)
			case tt.wantErr != "" && (diags.ErrorsCount() != 1 || !strings.Contains(diags.Errors()[0].Detail(), tt.wantErr)):
				t.Errorf("diagnostics = %v, want one error containing %q", diags, tt.wantErr)
			}
		})
	}
}
