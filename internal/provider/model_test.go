package provider

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func resourceSchemaOf(t testing.TB, r resource.Resource) tfsdk.State {
	t.Helper()
	var resp resource.SchemaResponse
	r.Schema(context.Background(), resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	return tfsdk.State{Schema: resp.Schema}
}

func gatewayServiceModels() []gatewayServiceResourceModel {
	tags, _ := types.ListValueFrom(context.Background(), types.StringType, []string{"a", "b"})
	full := gatewayServiceResourceModel{
		ID: types.StringValue("7c3a"), ControlPlaneID: types.StringValue("cp"), Name: types.StringValue("svc"),
		Protocol: types.StringValue("https"), Host: types.StringValue("upstream.internal"), Port: types.Int64Value(443),
		Path: types.StringValue("/v1"), Retries: types.Int64Value(5), ConnectTimeout: types.Int64Value(60000),
		WriteTimeout: types.Int64Value(60000), ReadTimeout: types.Int64Value(60000), Enabled: types.BoolValue(true),
		Tags: tags,
	}
	planned := full
	planned.ID, planned.Port, planned.Tags = types.StringUnknown(), types.Int64Unknown(), types.ListUnknown(types.StringType)
	sparse := full
	sparse.Path, sparse.Tags, sparse.Enabled = types.StringNull(), types.ListNull(types.StringType), types.BoolNull()
	return []gatewayServiceResourceModel{full, planned, sparse}
}

func apiModels() []apiResourceModel {
	labels, _ := types.MapValueFrom(context.Background(), types.StringType, map[string]string{"team": "payments"})
	full := apiResourceModel{
		ID: types.StringValue("a1"), Name: types.StringValue("Orders"), Version: types.StringValue("v1"),
		Slug: types.StringValue("orders-v1"), Description: types.StringValue("Orders.\nAll of them."), Labels: labels,
	}
	unknown := full
	unknown.Slug, unknown.Labels = types.StringUnknown(), types.MapUnknown(types.StringType)
	empty := full
	empty.Description, empty.Labels = types.StringNull(), types.MapValueMust(types.StringType, map[string]attr.Value{})
	return []apiResourceModel{full, unknown, empty}
}

// The flat-model conversion writes and reads exactly what the framework's reflection does.
func TestFlatModelsConvertAsTheFrameworkDoes(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, schema tfsdk.State, model any, fresh func() any) {
		t.Helper()
		want := schema
		if diags := want.Set(ctx, model); diags.HasError() {
			t.Fatalf("framework Set: %v", diags)
		}
		got := schema
		if _, _, ok := flatModelValue(ctx, got, model); !ok {
			t.Fatalf("%T was not converted as a flat model", model)
		}
		if diags := setModel(ctx, &got, model); diags.HasError() {
			t.Fatalf("setModel: %v", diags)
		}
		if !got.Raw.Equal(want.Raw) {
			t.Fatalf("setModel wrote %s, the framework %s", got.Raw, want.Raw)
		}
		fromFramework, fromFlat := fresh(), fresh()
		if diags := want.Get(ctx, fromFramework); diags.HasError() {
			t.Fatalf("framework Get: %v", diags)
		}
		if _, ok := readFlatModel(ctx, want, fromFlat); !ok {
			t.Fatalf("%T was not read as a flat model", model)
		}
		if !reflect.DeepEqual(fromFlat, fromFramework) {
			t.Errorf("getModel read %+v, the framework %+v", fromFlat, fromFramework)
		}
	}
	services := resourceSchemaOf(t, NewGatewayServiceResource())
	for _, m := range gatewayServiceModels() {
		check(t, services, m, func() any { return &gatewayServiceResourceModel{} })
	}
	apis := resourceSchemaOf(t, NewAPIResource())
	for _, m := range apiModels() {
		check(t, apis, &m, func() any { return &apiResourceModel{} })
	}
}

// Models the flat conversion does not cover, and values it cannot read, go to the framework,
// which converts them or reports the provider's mistake as before.
func TestModelsOutsideTheFlatConversionGoThroughTheFramework(t *testing.T) {
	ctx := context.Background()
	apis := resourceSchemaOf(t, NewAPIResource())

	// A field that is not an attr.Value.
	type withPlainString struct {
		ID          string       `tfsdk:"id"`
		Name        types.String `tfsdk:"name"`
		Version     types.String `tfsdk:"version"`
		Slug        types.String `tfsdk:"slug"`
		Description types.String `tfsdk:"description"`
		Labels      types.Map    `tfsdk:"labels"`
	}
	full := apiModels()[0]
	plain := withPlainString{ID: "a1", Name: full.Name, Version: full.Version, Slug: full.Slug, Description: full.Description, Labels: full.Labels}
	if layoutOf(reflect.TypeFor[withPlainString]()) != nil {
		t.Fatal("a model with a plain string field was taken as flat")
	}
	state := apis
	if diags := setModel(ctx, &state, plain); diags.HasError() {
		t.Fatalf("setModel of a model the framework converts: %v", diags)
	}
	var back withPlainString
	if diags := getModel(ctx, state, &back); diags.HasError() || !reflect.DeepEqual(back, plain) {
		t.Fatalf("getModel: %+v, %v; want %+v", back, diags, plain)
	}

	// A model missing an attribute of the schema.
	type missing struct {
		ID types.String `tfsdk:"id"`
	}
	if diags := setModel(ctx, &state, missing{ID: types.StringValue("a1")}); !diags.HasError() {
		t.Error("setModel of a model missing attributes succeeded")
	}
	var m missing
	if diags := getModel(ctx, state, &m); !diags.HasError() {
		t.Error("getModel into a model missing attributes succeeded")
	}

	// A value of the wrong type for its attribute.
	wrong := full
	wrong.Labels = types.MapValueMust(types.Int64Type, map[string]attr.Value{"n": types.Int64Value(1)})
	if diags := setModel(ctx, &state, wrong); !diags.HasError() ||
		!strings.Contains(diags[0].Detail(), "labels") {
		t.Errorf("setModel of a value of the wrong type: %v, want the framework's error naming labels", diags)
	}

	// A null or unknown object.
	nullState := tfsdk.State{Schema: apis.Schema, Raw: tftypes.NewValue(apis.Schema.Type().TerraformType(ctx), nil)}
	var fromNull apiResourceModel
	if _, ok := readFlatModel(ctx, nullState, &fromNull); ok {
		t.Error("a null object was read as a flat model")
	}
}

// BenchmarkModelRoundTrip reads and writes the gateway service model as Read does once per
// resource: go test -run '^$' -bench ModelRoundTrip -benchmem ./internal/provider
func BenchmarkModelRoundTrip(b *testing.B) {
	ctx := context.Background()
	schema := resourceSchemaOf(b, NewGatewayServiceResource())
	model := gatewayServiceModels()[0]
	state := schema
	if diags := state.Set(ctx, model); diags.HasError() {
		b.Fatal(diags)
	}
	b.Run("framework", func(b *testing.B) {
		for b.Loop() {
			var m gatewayServiceResourceModel
			out := schema
			if diags := state.Get(ctx, &m); diags.HasError() {
				b.Fatal(diags)
			}
			if diags := out.Set(ctx, &m); diags.HasError() {
				b.Fatal(diags)
			}
		}
	})
	b.Run("flat", func(b *testing.B) {
		for b.Loop() {
			var m gatewayServiceResourceModel
			out := schema
			if diags := getModel(ctx, state, &m); diags.HasError() {
				b.Fatal(diags)
			}
			if diags := setModel(ctx, &out, &m); diags.HasError() {
				b.Fatal(diags)
			}
		}
	})
}
