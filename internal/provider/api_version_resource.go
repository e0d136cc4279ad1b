package provider

import (
	"context"
	"fmt"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	yaml "go.yaml.in/yaml/v3"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ resource.Resource                = (*apiVersionResource)(nil)
	_ resource.ResourceWithConfigure   = (*apiVersionResource)(nil)
	_ resource.ResourceWithImportState = (*apiVersionResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*apiVersionResource)(nil)

	_ basetypes.StringTypable                    = specContentType{}
	_ basetypes.StringValuableWithSemanticEquals = specContent{}
	_ validator.String                           = specValidator{}
)

// apiVersionResource manages a version of an API with its OpenAPI or AsyncAPI specification.
type apiVersionResource struct {
	client *client.Client
}

// apiVersionModel is the state of devportal_api_version.
type apiVersionModel struct {
	ID       types.String `tfsdk:"id"`
	APIID    types.String `tfsdk:"api_id"`
	Version  types.String `tfsdk:"version"`
	Spec     specContent  `tfsdk:"spec"`
	SpecType types.String `tfsdk:"spec_type"`
}

// apiVersionWireFields maps the fields of version requests to the attributes that hold them.
var apiVersionWireFields = wireFields{
	"version":      path.Root("version"),
	"spec":         path.Root("spec"),
	"spec.content": path.Root("spec"),
	"spec_content": path.Root("spec"),
}

// NewAPIVersionResource returns the devportal_api_version resource.
func NewAPIVersionResource() resource.Resource { return &apiVersionResource{} }

func (r *apiVersionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_version"
}

func (r *apiVersionResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A version of an API with its specification, an OpenAPI 3.x or AsyncAPI document in JSON or " +
			"YAML, which the portal's website renders as the API's reference. The server checks the document on " +
			"upload and refuses one it cannot read, naming the line. Changing the specification updates the " +
			"version in place. Import with `<api_id>/<version_id>`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "Version ID (UUID).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"api_id": schema.StringAttribute{
				Description:   "ID of the API. Changing it creates the version under the other API and deletes this one.",
				Required:      true,
				Validators:    []validator.String{uuidValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"version": schema.StringAttribute{
				Description: "Name of the version (1 to 255 characters), such as `1.2.0`. When not set, it is the " +
					"specification's `info.version`, and follows it when the specification changes.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 255)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"spec": schema.StringAttribute{
				Description: "The specification: an OpenAPI 3.x or AsyncAPI document, JSON or YAML, usually read with " +
					"`file(\"${path.module}/openapi.yaml\")`. A document the server returns in another layout but " +
					"with the same content (key order, quoting, JSON for YAML) is no difference: the configured text " +
					"is kept in state.",
				Required:   true,
				CustomType: specContentType{},
				Validators: []validator.String{specValidator{}},
			},
			"spec_type": schema.StringAttribute{
				Description:   "Kind of specification the server recognised: `oas3` (OpenAPI 3.x), `oas2` or `asyncapi`.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *apiVersionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan plans the version name that a configuration without one takes from the
// specification, and leaves the spec type to the server when the specification changes.
func (r *apiVersionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan apiVersionModel
	var configured types.String
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("version"), &configured)...)
	var state *apiVersionModel
	if !req.State.Raw.IsNull() {
		state = &apiVersionModel{}
		resp.Diagnostics.Append(getModel(ctx, req.State, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	planAPIVersion(configured, &plan, state)
	resp.Diagnostics.Append(setModel(ctx, &resp.Plan, &plan)...)
}

// planAPIVersion fills in what the server will report for plan: without a configured name the
// version is the specification's info.version (unknown while the specification is), and a
// changed specification may be of another kind.
func planAPIVersion(configured types.String, plan, state *apiVersionModel) {
	if configured.IsNull() {
		switch {
		case plan.Spec.IsUnknown():
			plan.Version = types.StringUnknown()
		default:
			if v := specInfoVersion(plan.Spec.ValueString()); v != "" {
				plan.Version = types.StringValue(v)
			} else if state == nil {
				plan.Version = types.StringUnknown()
			}
		}
	}
	if state != nil && !sameSpec(state.Spec.ValueString(), plan.Spec.ValueString()) || plan.Spec.IsUnknown() {
		plan.SpecType = types.StringUnknown()
	}
}

func (r *apiVersionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan apiVersionModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	v, err := r.client.CreateAPIVersion(ctx, plan.APIID.ValueString(), apiVersionCreateRequest(plan))
	if err != nil {
		apiVersionWireFields.addAPIError(&resp.Diagnostics, "Unable to create API version",
			fmt.Sprintf("Version of API %s", plan.APIID.ValueString()), err)
		return
	}
	plan.fromAPI(v)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *apiVersionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state apiVersionModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	v, err := r.client.GetAPIVersion(ctx, state.APIID.ValueString(), state.ID.ValueString())
	if client.IsNotFound(err) {
		tflog.Debug(ctx, "API version not found; removing it from state", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read API version", state.object(), err)
		return
	}
	state.fromAPI(v)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &state)...)
}

func (r *apiVersionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state apiVersionModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	v, err := r.client.UpdateAPIVersion(ctx, state.APIID.ValueString(), state.ID.ValueString(), apiVersionUpdateRequest(state, plan))
	if err != nil {
		apiVersionWireFields.addAPIError(&resp.Diagnostics, "Unable to update API version", state.object(), err)
		return
	}
	plan.fromAPI(v)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *apiVersionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state apiVersionModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.client.DeleteAPIVersion(ctx, state.APIID.ValueString(), state.ID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to delete API version", state.object(), err)
	}
}

func (r *apiVersionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	ids, ok := splitImportID(req.ID, 2)
	if !ok {
		addImportIDError(&resp.Diagnostics, req.ID, "<api_id>/<version_id>")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("api_id"), ids[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), ids[1])...)
}

func (m apiVersionModel) object() string {
	return fmt.Sprintf("Version %s of API %s", m.ID.ValueString(), m.APIID.ValueString())
}

// apiVersionCreateRequest maps a planned version to its creation body.
func apiVersionCreateRequest(m apiVersionModel) client.APIVersionRequest {
	return client.APIVersionRequest{
		Version: knownStringPointer(m.Version),
		Spec:    &client.APIVersionContent{Content: m.Spec.ValueString()},
	}
}

// apiVersionUpdateRequest maps the difference between state and plan to a PATCH body; a
// specification with the same content in another layout is not sent again.
func apiVersionUpdateRequest(state, plan apiVersionModel) client.APIVersionRequest {
	req := client.APIVersionRequest{Version: changedString(state.Version, plan.Version)}
	if !sameSpec(state.Spec.ValueString(), plan.Spec.ValueString()) {
		req.Spec = &client.APIVersionContent{Content: plan.Spec.ValueString()}
	}
	return req
}

// fromAPI refreshes the model from a version the server returned. The specification is taken as
// the server has it; the framework keeps the prior text when the two mean the same.
func (m *apiVersionModel) fromAPI(v *client.APIVersion) {
	m.ID = types.StringValue(v.ID)
	m.Version = types.StringValue(v.Version)
	m.Spec = specContent{StringValue: types.StringValue(v.Spec.Content)}
	m.SpecType = types.StringValue(v.Spec.Type)
}

// specInfoVersion returns the info.version of a specification as written, or "" when the text
// is not a document with one.
func specInfoVersion(content string) string {
	var doc yaml.Node
	if yaml.Unmarshal([]byte(content), &doc) != nil || len(doc.Content) == 0 {
		return ""
	}
	version := mappingValue(mappingValue(doc.Content[0], "info"), "version")
	if version == nil || version.Kind != yaml.ScalarNode {
		return ""
	}
	return version.Value
}

// mappingValue returns the value of key in a YAML mapping node, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// sameSpec reports whether two specification texts hold the same document: equal text, or JSON or
// YAML that decodes to equal values, whatever the key order, quoting, indentation or comments.
func sameSpec(a, b string) bool {
	if a == b {
		return true
	}
	var va, vb any
	if yaml.Unmarshal([]byte(a), &va) != nil || yaml.Unmarshal([]byte(b), &vb) != nil {
		return false
	}
	return va != nil && reflect.DeepEqual(va, vb)
}

// specContentType is the type of a specification's text, compared by content rather than layout.
type specContentType struct {
	basetypes.StringType
}

func (t specContentType) Equal(o attr.Type) bool {
	_, ok := o.(specContentType)
	return ok
}

func (t specContentType) String() string { return "specContentType" }

func (t specContentType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return specContent{StringValue: in}, nil
}

func (t specContentType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return specContent{StringValue: s}, nil
}

func (t specContentType) ValueType(context.Context) attr.Value { return specContent{} }

// specContent is a specification's text; two texts of the same document are semantically equal,
// so that a server that reformats the document shows no difference.
type specContent struct {
	basetypes.StringValue
}

func (v specContent) Equal(o attr.Value) bool {
	other, ok := o.(specContent)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v specContent) Type(context.Context) attr.Type { return specContentType{} }

func (v specContent) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	other, ok := newValuable.(specContent)
	if !ok {
		return false, nil
	}
	return sameSpec(v.ValueString(), other.ValueString()), nil
}

// specValidator checks at plan time what the configuration can tell of a specification: that it
// is a JSON or YAML document naming its kind. The server checks the rest on upload.
type specValidator struct{}

func (specValidator) Description(context.Context) string {
	return "must be an OpenAPI 3.x or AsyncAPI document in JSON or YAML"
}

func (v specValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (specValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !known(req.ConfigValue) {
		return
	}
	if problem := specProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid API specification", fmt.Sprintf("%s: %s.", req.Path, problem))
	}
}

// specProblem says what makes content unusable as a specification, or "" when nothing the
// provider can see does.
func specProblem(content string) string {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(content), &doc); err != nil {
		return fmt.Sprintf("the document is neither JSON nor YAML (%v); check the file the value comes from", err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return "the document must be a JSON object or YAML mapping with an `openapi` or `asyncapi` field"
	}
	root := doc.Content[0]
	if mappingValue(root, "openapi") == nil && mappingValue(root, "asyncapi") == nil {
		if mappingValue(root, "swagger") != nil {
			return fmt.Sprintf("line %d: Swagger 2.0 documents are not accepted; convert it to OpenAPI 3.x", root.Line)
		}
		return fmt.Sprintf("line %d: the document has neither an `openapi` nor an `asyncapi` field; "+
			"start it with `openapi: 3.0.3` (or the version it follows) or `asyncapi: 2.6.0`", root.Line)
	}
	return ""
}
