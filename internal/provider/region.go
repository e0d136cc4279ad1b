package provider

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ resource.Resource                     = (*regionalResource)(nil)
	_ resource.ResourceWithConfigure        = (*regionalResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*regionalResource)(nil)
	_ resource.ResourceWithImportState      = (*regionalResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*regionalResource)(nil)
	_ resource.ResourceWithConfigValidators = (*regionalResource)(nil)
)

// regionAttr is the attribute that keeps the region of a regional object.
const regionAttr = "region"

// regionPath is the path of regionAttr.
var regionPath = path.Root(regionAttr)

// regionalResource gives a resource a `region` attribute and runs every operation on an
// object with a client of the object's region, so that changing the provider's region
// never loses or recreates objects made in another one. The resource itself knows nothing
// of regions: it sees its own schema, without `region`, and the client of the right region.
type regionalResource struct {
	inner resource.Resource
	// provider is the client of the provider's region; nil until the provider is configured.
	provider *client.Client
	// schema caches the wrapped resource's schema; see innerSchema.
	schema *schema.Schema
}

// withRegion wraps a regional resource's constructor; see regionalResource.
func withRegion(newResource func() resource.Resource) func() resource.Resource {
	return func() resource.Resource { return &regionalResource{inner: newResource()} }
}

func (r *regionalResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	r.inner.Metadata(ctx, req, resp)
}

func (r *regionalResource) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	r.inner.Schema(ctx, req, resp)
	attrs := make(map[string]schema.Attribute, len(resp.Schema.Attributes)+1)
	for name, a := range resp.Schema.Attributes {
		attrs[name] = a
	}
	attrs[regionAttr] = regionAttribute()
	resp.Schema.Attributes = attrs
}

// regionAttribute is the schema of the region every regional resource keeps.
func regionAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Description: "Region the object lives in: one of `" + strings.Join(client.Regions, "`, `") + "`. Defaults to " +
			"the provider's `region` when the object is created or imported, and is kept in state afterwards: " +
			"the object is always read, updated and deleted in its own region, whatever the provider's region " +
			"is later. Set it to manage objects of several regions with one provider. Objects cannot move " +
			"between regions: a plan that would change the region, here or through the provider's `region`, " +
			"fails and says how to proceed instead of replacing the object.",
		Optional:   true,
		Computed:   true,
		Validators: []validator.String{stringvalidator.OneOf(client.Regions...)},
	}
}

func (r *regionalResource) Configure(ctx context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.provider = providerClient(req.ProviderData, &resp.Diagnostics)
	if c, ok := r.inner.(resource.ResourceWithConfigure); ok {
		c.Configure(ctx, req, resp)
	}
}

// useRegion configures the wrapped resource with the client of region.
func (r *regionalResource) useRegion(ctx context.Context, region string, diags *diag.Diagnostics) {
	if r.provider == nil {
		return
	}
	c, err := r.provider.ForRegion(region)
	if err != nil {
		diags.AddAttributeError(regionPath, "Invalid region", err.Error())
		return
	}
	if inner, ok := r.inner.(resource.ResourceWithConfigure); ok {
		var resp resource.ConfigureResponse
		inner.Configure(ctx, resource.ConfigureRequest{ProviderData: c}, &resp)
		diags.Append(resp.Diagnostics...)
	}
}

// providerRegion is the provider's region; "" before the provider is configured.
func (r *regionalResource) providerRegion() string {
	if r.provider == nil {
		return ""
	}
	return r.provider.Region()
}

func (r *regionalResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan innerValues
	plan.split(ctx, r.innerSchema(ctx), req.Plan.Raw, &resp.Diagnostics)
	cfg := splitConfig(ctx, r.innerSchema(ctx), req.Config, &resp.Diagnostics)
	state := splitState(ctx, r.innerSchema(ctx), resp.State, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	region := plan.regionOr(r.providerRegion())
	r.useRegion(ctx, region, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	innerResp := resource.CreateResponse{State: state, Identity: resp.Identity, Private: resp.Private}
	r.inner.Create(ctx, resource.CreateRequest{
		Config: cfg, Plan: tfsdk.Plan(plan.inner), Identity: req.Identity, ProviderMeta: req.ProviderMeta,
	}, &innerResp)
	resp.Diagnostics.Append(innerResp.Diagnostics...)
	resp.Identity, resp.Private = innerResp.Identity, innerResp.Private
	resp.State.Raw = joinRegion(ctx, resp.State.Schema, innerResp.State.Raw, types.StringValue(region), &resp.Diagnostics)
}

func (r *regionalResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var prior innerValues
	prior.split(ctx, r.innerSchema(ctx), req.State.Raw, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// State written before regions were kept has none: the object was managed in the
	// provider's region then, so it is looked up there.
	recorded := known(prior.region)
	region := prior.regionOr(r.providerRegion())
	r.useRegion(ctx, region, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	innerResp := resource.ReadResponse{
		State: prior.inner, Identity: resp.Identity, Private: resp.Private, Deferred: resp.Deferred,
	}
	r.inner.Read(ctx, resource.ReadRequest{
		State: prior.inner, Identity: req.Identity, Private: req.Private,
		ProviderMeta: req.ProviderMeta, ClientCapabilities: req.ClientCapabilities,
	}, &innerResp)
	resp.Diagnostics.Append(innerResp.Diagnostics...)
	resp.Identity, resp.Private, resp.Deferred = innerResp.Identity, innerResp.Private, innerResp.Deferred
	if innerResp.State.Raw.IsNull() && !recorded && r.provider != nil && r.provider.RegionMatters() {
		// The object may well live in another region; forgetting it would leave it
		// unmanaged, and the next apply would create a second one.
		resp.Diagnostics.AddAttributeError(regionPath, "Object not found in the provider's region",
			fmt.Sprintf("%s was not found in region %q, the provider's region. Its state was written before the "+
				"provider kept each object's region, so the object may live in another region and is kept in state. "+
				"If it does, refresh once with the provider's region set to that region (for example through a "+
				"provider alias), which records the region in state, then set region on this resource if the "+
				"provider's region is to stay %q. If it was deleted outside Terraform, remove it from the state "+
				"with terraform state rm.", objectName(prior), region, region))
		return
	}
	resp.State.Raw = joinRegion(ctx, resp.State.Schema, innerResp.State.Raw, types.StringValue(region), &resp.Diagnostics)
}

func (r *regionalResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior innerValues
	plan.split(ctx, r.innerSchema(ctx), req.Plan.Raw, &resp.Diagnostics)
	prior.split(ctx, r.innerSchema(ctx), req.State.Raw, &resp.Diagnostics)
	cfg := splitConfig(ctx, r.innerSchema(ctx), req.Config, &resp.Diagnostics)
	state := splitState(ctx, r.innerSchema(ctx), resp.State, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// The plan never changes a recorded region (ModifyPlan refuses it), so the object's
	// region is the prior one; the planned value is kept as it is.
	r.useRegion(ctx, prior.regionOr(plan.regionOr(r.providerRegion())), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	innerResp := resource.UpdateResponse{State: state, Identity: resp.Identity, Private: resp.Private}
	r.inner.Update(ctx, resource.UpdateRequest{
		Config: cfg, Plan: tfsdk.Plan(plan.inner), State: prior.inner, Identity: req.Identity,
		ProviderMeta: req.ProviderMeta, Private: req.Private,
	}, &innerResp)
	resp.Diagnostics.Append(innerResp.Diagnostics...)
	resp.Identity, resp.Private = innerResp.Identity, innerResp.Private
	region := plan.region
	if region.IsUnknown() {
		region = types.StringValue(prior.regionOr(r.providerRegion()))
	}
	resp.State.Raw = joinRegion(ctx, resp.State.Schema, innerResp.State.Raw, region, &resp.Diagnostics)
}

func (r *regionalResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var prior innerValues
	prior.split(ctx, r.innerSchema(ctx), req.State.Raw, &resp.Diagnostics)
	state := splitState(ctx, r.innerSchema(ctx), resp.State, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	r.useRegion(ctx, prior.regionOr(r.providerRegion()), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	innerResp := resource.DeleteResponse{State: state, Identity: resp.Identity, Private: resp.Private}
	r.inner.Delete(ctx, resource.DeleteRequest{
		State: prior.inner, Identity: req.Identity, ProviderMeta: req.ProviderMeta, Private: req.Private,
	}, &innerResp)
	resp.Diagnostics.Append(innerResp.Diagnostics...)
	resp.Identity, resp.Private = innerResp.Identity, innerResp.Private
	resp.State.Raw = joinRegion(ctx, resp.State.Schema, innerResp.State.Raw, prior.region, &resp.Diagnostics)
}

// ImportState takes the provider's region, or the region an ID starts with ("eu/<id>").
func (r *regionalResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	inner, ok := r.inner.(resource.ResourceWithImportState)
	if !ok {
		resp.Diagnostics.AddError("Import not supported", "This resource cannot be imported.")
		return
	}
	region, id := splitRegionPrefix(req.ID)
	if region == "" {
		region = r.providerRegion()
	}
	state := splitState(ctx, r.innerSchema(ctx), resp.State, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	r.useRegion(ctx, region, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	innerReq := req
	innerReq.ID = id
	innerResp := resource.ImportStateResponse{State: state, Identity: resp.Identity, Private: resp.Private, Deferred: resp.Deferred}
	inner.ImportState(ctx, innerReq, &innerResp)
	resp.Diagnostics.Append(innerResp.Diagnostics...)
	resp.Identity, resp.Private, resp.Deferred = innerResp.Identity, innerResp.Private, innerResp.Deferred
	regionValue := types.StringNull()
	if region != "" {
		regionValue = types.StringValue(region)
	}
	resp.State.Raw = joinRegion(ctx, resp.State.Schema, innerResp.State.Raw, regionValue, &resp.Diagnostics)
}

// splitRegionPrefix splits "eu/<id>" into the region and the rest; an ID without a region
// prefix is returned whole.
func splitRegionPrefix(id string) (region, rest string) {
	if first, after, ok := strings.Cut(id, "/"); ok && after != "" && client.ValidateRegion(first) == nil {
		return first, after
	}
	return "", id
}

// ModifyPlan refuses a plan that would move an object to another region, fills in the
// region of new objects, and hands the rest to the wrapped resource.
func (r *regionalResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var plan, prior innerValues
	plan.split(ctx, r.innerSchema(ctx), req.Plan.Raw, &resp.Diagnostics)
	prior.split(ctx, r.innerSchema(ctx), req.State.Raw, &resp.Diagnostics)
	cfg := splitConfig(ctx, r.innerSchema(ctx), req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	region := plan.region
	if !req.Plan.Raw.IsNull() {
		var configured types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, regionPath, &configured)...)
		if resp.Diagnostics.HasError() {
			return
		}
		region = r.planRegion(configured, prior, plan.region, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, regionPath, region)...)
	}
	inner, ok := r.inner.(resource.ResourceWithModifyPlan)
	if !ok || resp.Diagnostics.HasError() {
		return
	}
	// A destroy plan has no region; the object's own region is in the prior state.
	if clientRegion := (innerValues{region: region}).regionOr(prior.regionOr(r.providerRegion())); clientRegion != "" {
		r.useRegion(ctx, clientRegion, &resp.Diagnostics)
	}
	planned := splitPlan(ctx, r.innerSchema(ctx), resp.Plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	innerResp := resource.ModifyPlanResponse{
		Plan: planned, Identity: resp.Identity, RequiresReplace: resp.RequiresReplace, Private: resp.Private,
		Deferred: resp.Deferred,
	}
	inner.ModifyPlan(ctx, resource.ModifyPlanRequest{
		Config: cfg, State: prior.inner, Identity: req.Identity, Plan: tfsdk.Plan(plan.inner),
		ProviderMeta: req.ProviderMeta, Private: req.Private, ClientCapabilities: req.ClientCapabilities,
	}, &innerResp)
	resp.Diagnostics.Append(innerResp.Diagnostics...)
	resp.Identity, resp.RequiresReplace, resp.Private, resp.Deferred =
		innerResp.Identity, innerResp.RequiresReplace, innerResp.Private, innerResp.Deferred
	resp.Plan.Raw = joinRegion(ctx, resp.Plan.Schema, innerResp.Plan.Raw, region, &resp.Diagnostics)
}

// planRegion returns the planned region of an object that is created or kept: the region in
// the configuration, else the provider's. An object already in state must stay in its region.
func (r *regionalResource) planRegion(configured types.String, prior innerValues, planned types.String, diags *diag.Diagnostics) types.String {
	if configured.IsUnknown() {
		return configured
	}
	want, source := configured.ValueString(), "its region argument"
	if configured.IsNull() {
		want, source = r.providerRegion(), "the provider's region"
		if want == "" {
			// The provider is not configured (its settings are unknown yet): nothing to check.
			return planned
		}
	}
	if prior.inner.Raw.IsNull() {
		return types.StringValue(want)
	}
	if !known(prior.region) {
		// State written before regions were kept: the object was made in the provider's region,
		// and refresh fills it in. A region set in the configuration is taken as it is.
		if configured.IsNull() && !planned.IsUnknown() {
			return planned
		}
		return types.StringValue(want)
	}
	if have := prior.region.ValueString(); have != want {
		diags.AddAttributeError(regionPath, "Object cannot move to another region",
			fmt.Sprintf("%s lives in region %q, but %s is now %q. Objects cannot move between regions, and this "+
				"plan does not replace it. To keep managing it, set region = %q on this resource or give it a provider "+
				"alias with region = %q. To have it in %q instead, create a new one there (under another resource "+
				"address) and destroy this one, or run terraform state rm to forget this one without deleting it.",
				objectName(prior), have, source, want, have, have, want))
		return prior.region
	}
	return prior.region
}

func (r *regionalResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	inner, ok := r.inner.(resource.ResourceWithValidateConfig)
	if !ok {
		return
	}
	cfg := splitConfig(ctx, r.innerSchema(ctx), req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	inner.ValidateConfig(ctx, resource.ValidateConfigRequest{Config: cfg, ClientCapabilities: req.ClientCapabilities}, resp)
}

// ConfigValidators hands over the wrapped resource's validators; they read attributes by
// path, which the added region attribute does not disturb.
func (r *regionalResource) ConfigValidators(ctx context.Context) []resource.ConfigValidator {
	if inner, ok := r.inner.(resource.ResourceWithConfigValidators); ok {
		return inner.ConfigValidators(ctx)
	}
	return nil
}

// innerValues is a state or plan split into the wrapped resource's part and the region.
type innerValues struct {
	inner  tfsdk.State // the wrapped resource's schema and value
	region types.String
}

// split separates raw, a value of the wrapping schema, into the wrapped resource's value
// and the region. A null or unknown raw gives a null or unknown value and a null region.
func (v *innerValues) split(ctx context.Context, s schema.Schema, raw tftypes.Value, diags *diag.Diagnostics) {
	v.inner = tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}
	v.region = types.StringNull()
	if raw.IsNull() {
		return
	}
	if !raw.IsKnown() {
		v.inner.Raw = tftypes.NewValue(s.Type().TerraformType(ctx), tftypes.UnknownValue)
		v.region = types.StringUnknown()
		return
	}
	attrs, err := objectAttributes(raw)
	if err != nil {
		diags.AddError("Unexpected state", "Reading the resource's attributes: "+err.Error())
		return
	}
	if r, ok := attrs[regionAttr]; ok {
		var region string
		switch {
		case !r.IsKnown():
			v.region = types.StringUnknown()
		case r.IsNull():
		default:
			if err := r.As(&region); err != nil {
				diags.AddError("Unexpected state", "Reading region: "+err.Error())
				return
			}
			v.region = types.StringValue(region)
		}
		delete(attrs, regionAttr)
	}
	v.inner.Raw = tftypes.NewValue(s.Type().TerraformType(ctx), attrs)
}

// regionOr returns the region, or fallback when it is not known.
func (v innerValues) regionOr(fallback string) string {
	if known(v.region) {
		return v.region.ValueString()
	}
	return fallback
}

// objectName names the object in messages by its id when it has one.
func objectName(v innerValues) string {
	var id types.String
	if v.inner.Raw.IsKnown() && !v.inner.Raw.IsNull() {
		if d := v.inner.GetAttribute(context.Background(), path.Root("id"), &id); !d.HasError() && known(id) {
			return fmt.Sprintf("The object %s", id.ValueString())
		}
	}
	return "The object"
}

func splitConfig(ctx context.Context, s schema.Schema, c tfsdk.Config, diags *diag.Diagnostics) tfsdk.Config {
	var v innerValues
	v.split(ctx, s, c.Raw, diags)
	return tfsdk.Config(v.inner)
}

func splitPlan(ctx context.Context, s schema.Schema, p tfsdk.Plan, diags *diag.Diagnostics) tfsdk.Plan {
	var v innerValues
	v.split(ctx, s, p.Raw, diags)
	return tfsdk.Plan(v.inner)
}

func splitState(ctx context.Context, s schema.Schema, st tfsdk.State, diags *diag.Diagnostics) tfsdk.State {
	var v innerValues
	v.split(ctx, s, st.Raw, diags)
	return v.inner
}

// innerSchema is the wrapped resource's own schema, built once per instance.
func (r *regionalResource) innerSchema(ctx context.Context) schema.Schema {
	if r.schema == nil {
		var resp resource.SchemaResponse
		r.inner.Schema(ctx, resource.SchemaRequest{}, &resp)
		r.schema = &resp.Schema
	}
	return *r.schema
}

// joinRegion adds region to raw, a value of the wrapped resource's schema, giving a value of
// the wrapping schema. A null raw (a removed object) stays null.
func joinRegion(ctx context.Context, wrapped interface{ Type() attr.Type }, raw tftypes.Value, region types.String, diags *diag.Diagnostics) tftypes.Value {
	typ := wrapped.Type().TerraformType(ctx)
	if raw.IsNull() {
		return tftypes.NewValue(typ, nil)
	}
	if !raw.IsKnown() {
		return tftypes.NewValue(typ, tftypes.UnknownValue)
	}
	attrs, err := objectAttributes(raw)
	if err != nil {
		diags.AddError("Unexpected state", "Reading the resource's attributes: "+err.Error())
		return tftypes.NewValue(typ, nil)
	}
	regionValue, err := region.ToTerraformValue(ctx)
	if err != nil {
		diags.AddError("Unexpected state", "Writing region: "+err.Error())
		return tftypes.NewValue(typ, nil)
	}
	attrs[regionAttr] = regionValue
	return tftypes.NewValue(typ, attrs)
}

// objectAttributes returns a copy of the attributes of an object value: As hands out the
// value's own map, which other holders of the value still read.
func objectAttributes(raw tftypes.Value) (map[string]tftypes.Value, error) {
	var attrs map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil {
		return nil, err
	}
	return maps.Clone(attrs), nil
}
