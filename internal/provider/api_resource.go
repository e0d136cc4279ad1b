package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ resource.Resource                = (*apiResource)(nil)
	_ resource.ResourceWithConfigure   = (*apiResource)(nil)
	_ resource.ResourceWithImportState = (*apiResource)(nil)
)

var apiSlugPattern = regexp.MustCompile(`^[\w-]+$`)

// apiResource manages an entry of the API catalog.
type apiResource struct {
	client *client.Client
}

// apiResourceModel is the state of devportal_api.
type apiResourceModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Version     types.String `tfsdk:"version"`
	Slug        types.String `tfsdk:"slug"`
	Description types.String `tfsdk:"description"`
	Labels      types.Map    `tfsdk:"labels"`
}

// NewAPIResource returns the devportal_api resource.
func NewAPIResource() resource.Resource { return &apiResource{} }

func (r *apiResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api"
}

func (r *apiResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "An API of the catalog: what portals publish (`devportal_api_publication`) and a gateway " +
			"service implements (`devportal_api_service_link`). Where the API is published is not part of this " +
			"resource; the `devportal_api` data source lists the portals.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "API ID (UUID).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Description: "Name of the API (1 to 255 characters). Name and version together are unique within a " +
					"region. Changing it renames the API in place.",
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"version": schema.StringAttribute{
				Description: "Version of the API (1 to 255 characters), such as `v1`. Removing it makes the API unversioned.",
				Optional:    true,
				Validators:  []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"slug": schema.StringAttribute{
				Description: "Slug of the API in portal URLs: letters, digits, `_` and `-`, unique within a region. " +
					"When not set, the server derives it from name and version at creation and keeps it afterwards.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.RegexMatches(apiSlugPattern, "must contain only letters, digits, '_' and '-'")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"description": schema.StringAttribute{
				Description: "Description of the API. Removing it clears the description.",
				Optional:    true,
			},
			"labels": schema.MapAttribute{
				Description: "Labels (key/value metadata for filtering). Keys are 1 to 63 characters and cannot start " +
					"with `kong`, `konnect`, `mesh`, `kic` or `_`. Labels removed from the configuration are removed from the API.",
				Optional:    true,
				ElementType: types.StringType,
				Validators:  labelsValidators(),
			},
		},
	}
}

func (r *apiResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (r *apiResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan apiResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body, diags := apiCreateRequest(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	a, err := r.client.CreateAPI(ctx, body)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to create API", fmt.Sprintf("API %q", plan.Name.ValueString()), err)
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, a)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *apiResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state apiResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	a, err := r.client.GetAPI(ctx, state.ID.ValueString())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read API", fmt.Sprintf("API %s", state.ID.ValueString()), err)
		return
	}
	resp.Diagnostics.Append(state.fromAPI(ctx, a)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &state)...)
}

func (r *apiResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state apiResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body, diags := apiUpdateRequest(ctx, state, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	a, err := r.client.UpdateAPI(ctx, state.ID.ValueString(), body)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to update API", fmt.Sprintf("API %s", state.ID.ValueString()), err)
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, a)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *apiResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state apiResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.client.DeleteAPI(ctx, state.ID.ValueString()); err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to delete API", fmt.Sprintf("API %s", state.ID.ValueString()), err)
	}
}

func (r *apiResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// apiCreateRequest maps a planned API to its creation body.
func apiCreateRequest(ctx context.Context, m apiResourceModel) (client.CreateAPIRequest, diag.Diagnostics) {
	labels, diags := labelsFromMap(ctx, m.Labels)
	req := client.CreateAPIRequest{
		Name:        m.Name.ValueString(),
		Version:     m.Version.ValueStringPointer(),
		Description: m.Description.ValueStringPointer(),
		Labels:      labels,
	}
	if known(m.Slug) {
		req.Slug = m.Slug.ValueStringPointer()
	}
	return req, diags
}

// apiUpdateRequest maps the difference between state and plan to a PATCH body.
func apiUpdateRequest(ctx context.Context, state, plan apiResourceModel) (client.UpdateAPIRequest, diag.Diagnostics) {
	var diags diag.Diagnostics
	req := client.UpdateAPIRequest{}
	if !plan.Name.Equal(state.Name) {
		req.Name = plan.Name.ValueStringPointer()
	}
	if !plan.Version.Equal(state.Version) {
		req.Version = client.FromPointer(plan.Version.ValueStringPointer())
	}
	if !plan.Description.Equal(state.Description) {
		req.Description = client.FromPointer(plan.Description.ValueStringPointer())
	}
	if known(plan.Slug) && !plan.Slug.Equal(state.Slug) {
		req.Slug = client.Value(plan.Slug.ValueString())
	}
	oldLabels, d := labelsFromMap(ctx, state.Labels)
	diags.Append(d...)
	newLabels, d := labelsFromMap(ctx, plan.Labels)
	diags.Append(d...)
	req.Labels = client.LabelsPatch(oldLabels, newLabels)
	return req, diags
}

// fromAPI refreshes the model from an API the server returned.
func (m *apiResourceModel) fromAPI(ctx context.Context, a *client.API) diag.Diagnostics {
	m.ID = types.StringValue(a.ID)
	m.Name = types.StringValue(a.Name)
	m.Version = types.StringPointerValue(a.Version)
	m.Slug = types.StringValue(a.Slug)
	m.Description = types.StringPointerValue(a.Description)
	var diags diag.Diagnostics
	m.Labels, diags = labelsToMap(ctx, m.Labels, a.Labels)
	return diags
}
