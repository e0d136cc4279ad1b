package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ resource.Resource                   = (*portalSnippetResource)(nil)
	_ resource.ResourceWithConfigure      = (*portalSnippetResource)(nil)
	_ resource.ResourceWithImportState    = (*portalSnippetResource)(nil)
	_ resource.ResourceWithValidateConfig = (*portalSnippetResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*portalSnippetResource)(nil)
)

// snippetNamePattern is what pages can refer to a snippet by.
var snippetNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// portalSnippetResource manages a snippet of a portal's website.
type portalSnippetResource struct {
	client *client.Client
}

// portalSnippetModel is the state of devportal_portal_snippet.
type portalSnippetModel struct {
	ID          types.String `tfsdk:"id"`
	PortalID    types.String `tfsdk:"portal_id"`
	Name        types.String `tfsdk:"name"`
	Title       types.String `tfsdk:"title"`
	Content     types.String `tfsdk:"content"`
	Description types.String `tfsdk:"description"`
	Visibility  types.String `tfsdk:"visibility"`
	Status      types.String `tfsdk:"status"`
}

// snippetWireFields maps the fields of snippet requests to the attributes that hold them.
var snippetWireFields = wireFields{
	"name":        path.Root("name"),
	"title":       path.Root("title"),
	"content":     path.Root("content"),
	"description": path.Root("description"),
	"visibility":  path.Root("visibility"),
	"status":      path.Root("status"),
}

// NewPortalSnippetResource returns the devportal_portal_snippet resource.
func NewPortalSnippetResource() resource.Resource { return &portalSnippetResource{} }

func (r *portalSnippetResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_portal_snippet"
}

func (r *portalSnippetResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A snippet of a portal's website: a named piece of markdown that pages include, such as a " +
			"banner or a sidebar. Developers see it under the same rules as pages: published, and public or " +
			"private to signed-in developers. Import with `<portal_id>/<snippet_id>`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "Snippet ID (UUID).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"portal_id": schema.StringAttribute{
				Description:   "ID of the portal. Changing it creates the snippet in the other portal and deletes this one.",
				Required:      true,
				Validators:    []validator.String{uuidValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				Description: "Name pages refer to the snippet by: letters, digits, `-` and `_`, at most 512 characters, " +
					"unique within the portal. Changing it renames the snippet in place.",
				Required: true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 512),
					stringvalidator.RegexMatches(snippetNamePattern, "must contain only letters, digits, '-' and '_'"),
				},
			},
			"title": schema.StringAttribute{
				Description: "Display title (1 to 512 characters). A `title` in the content's front matter wins over this " +
					"argument, so the two cannot differ. When neither is set, the title is the name at creation and is kept afterwards.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.LengthBetween(1, contentTitleMax)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"content": schema.StringAttribute{
				Description: "The snippet in markdown (at most 1,000,000 bytes). It may start with a front matter block " +
					"(`---` lines) giving `title` and `description`.",
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthAtMost(contentMax)},
			},
			"description": schema.StringAttribute{
				Description: "Short description (at most 160 characters). A `description` in the content's front matter " +
					"wins over this argument, so the two cannot differ. When not set, the description the snippet has " +
					"is kept and reported, `\"\"` when it has none; set `\"\"` to remove it.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.LengthAtMost(contentDescriptionMax)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"visibility": schema.StringAttribute{
				Description: "`public` (anonymous visitors see the snippet) or `private` (signed-in developers only). When " +
					"not set, the snippet takes the portal's `default_page_visibility` at creation and keeps it afterwards.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.OneOf(client.VisibilityPublic, client.VisibilityPrivate)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"status": schema.StringAttribute{
				Description: "`published` (shown on the website) or `unpublished` (kept as a draft). Defaults to `unpublished`.",
				Optional:    true,
				Computed:    true,
				Default:     stringdefault.StaticString(client.StatusUnpublished),
				Validators:  []validator.String{stringvalidator.OneOf(client.StatusPublished, client.StatusUnpublished)},
			},
		},
	}
}

func (r *portalSnippetResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (r *portalSnippetResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg portalSnippetModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateFrontMatter(cfg.Content, cfg.Title, cfg.Description)...)
}

// ModifyPlan plans the title and description that the content's front matter gives.
func (r *portalSnippetResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	resp.Diagnostics.Append(planFrontMatter(ctx, req.Config, &resp.Plan)...)
}

func (r *portalSnippetResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan portalSnippetModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s, err := r.client.CreatePortalSnippet(ctx, plan.PortalID.ValueString(), portalSnippetCreateRequest(plan))
	if err != nil {
		snippetWireFields.addAPIError(&resp.Diagnostics, "Unable to create portal snippet",
			fmt.Sprintf("Snippet %q of portal %s", plan.Name.ValueString(), plan.PortalID.ValueString()), err)
		return
	}
	plan.fromAPI(s)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *portalSnippetResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state portalSnippetModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s, err := r.client.GetPortalSnippet(ctx, state.PortalID.ValueString(), state.ID.ValueString())
	if client.IsNotFound(err) {
		tflog.Debug(ctx, "portal snippet not found; removing it from state", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read portal snippet", state.object(), err)
		return
	}
	state.fromAPI(s)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &state)...)
}

func (r *portalSnippetResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state portalSnippetModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s, err := r.client.UpdatePortalSnippet(ctx, state.PortalID.ValueString(), state.ID.ValueString(), portalSnippetUpdateRequest(state, plan))
	if err != nil {
		snippetWireFields.addAPIError(&resp.Diagnostics, "Unable to update portal snippet", state.object(), err)
		return
	}
	plan.fromAPI(s)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *portalSnippetResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state portalSnippetModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.client.DeletePortalSnippet(ctx, state.PortalID.ValueString(), state.ID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to delete portal snippet", state.object(), err)
	}
}

func (r *portalSnippetResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	ids, ok := splitImportID(req.ID, 2)
	if !ok {
		addImportIDError(&resp.Diagnostics, req.ID, "<portal_id>/<snippet_id>")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("portal_id"), ids[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), ids[1])...)
}

func (m portalSnippetModel) object() string {
	return fmt.Sprintf("Snippet %s of portal %s", m.ID.ValueString(), m.PortalID.ValueString())
}

// portalSnippetCreateRequest maps a planned snippet to its creation body; what the plan leaves to
// the server stays out.
func portalSnippetCreateRequest(m portalSnippetModel) client.CreatePortalSnippetRequest {
	req := client.CreatePortalSnippetRequest{Name: m.Name.ValueString(), Content: m.Content.ValueString()}
	if known(m.Title) {
		req.Title = m.Title.ValueString()
	}
	if known(m.Visibility) {
		req.Visibility = m.Visibility.ValueString()
	}
	if known(m.Status) {
		req.Status = m.Status.ValueString()
	}
	if known(m.Description) && m.Description.ValueString() != "" {
		req.Description = m.Description.ValueStringPointer()
	}
	return req
}

// portalSnippetUpdateRequest maps the difference between state and plan to a PATCH body.
func portalSnippetUpdateRequest(state, plan portalSnippetModel) client.UpdatePortalSnippetRequest {
	return client.UpdatePortalSnippetRequest{
		Name:        changedString(state.Name, plan.Name),
		Title:       changedString(state.Title, plan.Title),
		Content:     changedString(state.Content, plan.Content),
		Visibility:  changedString(state.Visibility, plan.Visibility),
		Status:      changedString(state.Status, plan.Status),
		Description: changedDescription(state.Description, plan.Description),
	}
}

// fromAPI refreshes the model from a snippet the server returned.
func (m *portalSnippetModel) fromAPI(s *client.PortalSnippet) {
	m.ID = types.StringValue(s.ID)
	m.Name = types.StringValue(s.Name)
	m.Title = types.StringValue(s.Title)
	m.Content = types.StringValue(s.Content)
	m.Description = types.StringValue(deref(s.Description))
	m.Visibility = types.StringValue(s.Visibility)
	m.Status = types.StringValue(s.Status)
}
