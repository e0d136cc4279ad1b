package provider

import (
	"context"
	"fmt"

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
	_ resource.Resource                   = (*apiDocumentResource)(nil)
	_ resource.ResourceWithConfigure      = (*apiDocumentResource)(nil)
	_ resource.ResourceWithImportState    = (*apiDocumentResource)(nil)
	_ resource.ResourceWithValidateConfig = (*apiDocumentResource)(nil)
)

// apiDocumentResource manages a markdown document of an API.
type apiDocumentResource struct {
	client *client.Client
}

// apiDocumentModel is the state of devportal_api_document.
type apiDocumentModel struct {
	ID               types.String `tfsdk:"id"`
	APIID            types.String `tfsdk:"api_id"`
	Title            types.String `tfsdk:"title"`
	Slug             types.String `tfsdk:"slug"`
	Content          types.String `tfsdk:"content"`
	Status           types.String `tfsdk:"status"`
	ParentDocumentID types.String `tfsdk:"parent_document_id"`
}

// apiDocumentWireFields maps the fields of document requests to the attributes that hold them.
var apiDocumentWireFields = wireFields{
	"title":              path.Root("title"),
	"slug":               path.Root("slug"),
	"content":            path.Root("content"),
	"status":             path.Root("status"),
	"parent_document_id": path.Root("parent_document_id"),
}

// NewAPIDocumentResource returns the devportal_api_document resource.
func NewAPIDocumentResource() resource.Resource { return &apiDocumentResource{} }

func (r *apiDocumentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_document"
}

func (r *apiDocumentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A markdown document of an API, such as a guide to authentication, shown on the API's page of " +
			"the portal's website next to its reference, at `/apis/<api slug>/docs/<document slug>`. Documents form " +
			"a tree through `parent_document_id`. Developers see a published document wherever they see the API. " +
			"Import with `<api_id>/<document_id>`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "Document ID (UUID).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"api_id": schema.StringAttribute{
				Description:   "ID of the API. Changing it creates the document under the other API and deletes this one.",
				Required:      true,
				Validators:    []validator.String{uuidValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"title": schema.StringAttribute{
				Description: "Title of the document (1 to 512 characters). When not set, the server takes the `title` of " +
					"the content's front matter, else derives one from the slug, at creation, and keeps it afterwards. " +
					"Set `title`, `slug` or a front matter title.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.LengthBetween(1, contentTitleMax)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"slug": schema.StringAttribute{
				Description: "The document's segment of its address: letters, digits, `_` and `-`, unique within the API. " +
					"When not set, the server derives it from the title at creation and keeps it afterwards.",
				Optional: true,
				Computed: true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 512),
					stringvalidator.RegexMatches(apiSlugPattern, "must contain only letters, digits, '_' and '-'"),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"content": schema.StringAttribute{
				Description: "The document in markdown (at most 1,000,000 bytes), such as `file(\"${path.module}/docs/auth.md\")`. " +
					"Raw HTML in it is sanitized when the website renders it.",
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthAtMost(contentMax)},
			},
			"status": schema.StringAttribute{
				Description: "`published` (shown on the website) or `unpublished` (kept as a draft). Defaults to `unpublished`.",
				Optional:    true,
				Computed:    true,
				Default:     stringdefault.StaticString(client.StatusUnpublished),
				Validators:  []validator.String{stringvalidator.OneOf(client.StatusPublished, client.StatusUnpublished)},
			},
			"parent_document_id": schema.StringAttribute{
				Description: "ID of the document this one sits under, of the same API. Not set: the document is at the " +
					"top of the tree. Changing it moves the document in place.",
				Optional:   true,
				Validators: []validator.String{uuidValidator{}},
			},
		},
	}
}

func (r *apiDocumentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig asks for something to name the document by, as the server does.
func (r *apiDocumentResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg apiDocumentModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if cfg.Title.IsNull() && cfg.Slug.IsNull() && known(cfg.Content) && parseFrontMatter(cfg.Content.ValueString()).Title == "" {
		resp.Diagnostics.AddAttributeError(path.Root("title"), "Missing document title",
			"The document has no title, slug or front matter title to be named by: set title (or slug, or a "+
				"`title:` line in the content's front matter).")
	}
}

func (r *apiDocumentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan apiDocumentModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	d, err := r.client.CreateAPIDocument(ctx, plan.APIID.ValueString(), apiDocumentCreateRequest(plan))
	if err != nil {
		apiDocumentWireFields.addAPIError(&resp.Diagnostics, "Unable to create API document",
			fmt.Sprintf("Document of API %s", plan.APIID.ValueString()), err)
		return
	}
	plan.fromAPI(d)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *apiDocumentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state apiDocumentModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	d, err := r.client.GetAPIDocument(ctx, state.APIID.ValueString(), state.ID.ValueString())
	if client.IsNotFound(err) {
		tflog.Debug(ctx, "API document not found; removing it from state", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read API document", state.object(), err)
		return
	}
	state.fromAPI(d)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &state)...)
}

func (r *apiDocumentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state apiDocumentModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	d, err := r.client.UpdateAPIDocument(ctx, state.APIID.ValueString(), state.ID.ValueString(), apiDocumentUpdateRequest(state, plan))
	if err != nil {
		apiDocumentWireFields.addAPIError(&resp.Diagnostics, "Unable to update API document", state.object(), err)
		return
	}
	plan.fromAPI(d)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *apiDocumentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state apiDocumentModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.client.DeleteAPIDocument(ctx, state.APIID.ValueString(), state.ID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to delete API document", state.object(), err)
	}
}

func (r *apiDocumentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	ids, ok := splitImportID(req.ID, 2)
	if !ok {
		addImportIDError(&resp.Diagnostics, req.ID, "<api_id>/<document_id>")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("api_id"), ids[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), ids[1])...)
}

func (m apiDocumentModel) object() string {
	return fmt.Sprintf("Document %s of API %s", m.ID.ValueString(), m.APIID.ValueString())
}

// apiDocumentCreateRequest maps a planned document to its creation body; what the plan leaves to
// the server stays out.
func apiDocumentCreateRequest(m apiDocumentModel) client.CreateAPIDocumentRequest {
	req := client.CreateAPIDocumentRequest{Content: m.Content.ValueString(), ParentDocumentID: knownStringPointer(m.ParentDocumentID)}
	if known(m.Title) {
		req.Title = m.Title.ValueString()
	}
	if known(m.Slug) {
		req.Slug = m.Slug.ValueString()
	}
	if known(m.Status) {
		req.Status = m.Status.ValueString()
	}
	return req
}

// apiDocumentUpdateRequest maps the difference between state and plan to a PATCH body.
func apiDocumentUpdateRequest(state, plan apiDocumentModel) client.UpdateAPIDocumentRequest {
	req := client.UpdateAPIDocumentRequest{
		Title:   changedString(state.Title, plan.Title),
		Slug:    changedString(state.Slug, plan.Slug),
		Content: changedString(state.Content, plan.Content),
		Status:  changedString(state.Status, plan.Status),
	}
	if !plan.ParentDocumentID.Equal(state.ParentDocumentID) {
		req.ParentDocumentID = client.FromPointer(plan.ParentDocumentID.ValueStringPointer())
	}
	return req
}

// fromAPI refreshes the model from a document the server returned.
func (m *apiDocumentModel) fromAPI(d *client.APIDocument) {
	m.ID = types.StringValue(d.ID)
	m.Title = types.StringValue(d.Title)
	m.Slug = types.StringValue(d.Slug)
	m.Content = types.StringValue(d.Content)
	m.Status = types.StringValue(d.Status)
	m.ParentDocumentID = types.StringPointerValue(d.ParentDocumentID)
}
