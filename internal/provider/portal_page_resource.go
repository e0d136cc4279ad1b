package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ resource.Resource                   = (*portalPageResource)(nil)
	_ resource.ResourceWithConfigure      = (*portalPageResource)(nil)
	_ resource.ResourceWithImportState    = (*portalPageResource)(nil)
	_ resource.ResourceWithValidateConfig = (*portalPageResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*portalPageResource)(nil)
)

// homePageSlug is the slug of the page a portal shows at its root; every new portal has one.
const homePageSlug = "/"

// pageSlugPattern is "/" or one path segment, with or without a leading slash: pages nest
// through parent_page_id, not through slashes in their slugs.
var pageSlugPattern = regexp.MustCompile(`^(/|/?[A-Za-z0-9_.~-]+)$`)

// Limits of the portal-management document for pages and snippets.
const (
	contentTitleMax       = 512
	contentMax            = 1000000
	contentDescriptionMax = 160
)

// portalPageResource manages a custom page of a portal's website.
type portalPageResource struct {
	client *client.Client
}

// portalPageModel is the state of devportal_portal_page.
type portalPageModel struct {
	ID           types.String `tfsdk:"id"`
	PortalID     types.String `tfsdk:"portal_id"`
	Slug         types.String `tfsdk:"slug"`
	Title        types.String `tfsdk:"title"`
	Content      types.String `tfsdk:"content"`
	Description  types.String `tfsdk:"description"`
	Visibility   types.String `tfsdk:"visibility"`
	Status       types.String `tfsdk:"status"`
	ParentPageID types.String `tfsdk:"parent_page_id"`
}

// pageWireFields maps the fields of page requests to the attributes that hold them.
var pageWireFields = wireFields{
	"slug":           path.Root("slug"),
	"title":          path.Root("title"),
	"content":        path.Root("content"),
	"description":    path.Root("description"),
	"visibility":     path.Root("visibility"),
	"status":         path.Root("status"),
	"parent_page_id": path.Root("parent_page_id"),
}

// NewPortalPageResource returns the devportal_portal_page resource.
func NewPortalPageResource() resource.Resource { return &portalPageResource{} }

func (r *portalPageResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_portal_page"
}

func (r *portalPageResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A page of a portal's website, written in markdown. Pages form a tree through " +
			"`parent_page_id`; the website shows a page at the slugs of its ancestors and its own joined, such as " +
			"`/guides/getting-started`. Every new portal has a home page, with slug `/`: a `devportal_portal_page` " +
			"with slug `/` and no parent takes that page over instead of creating a second one (its arguments " +
			"replace the default content), and destroying the resource deletes it, after which the website shows " +
			"a built-in welcome. Developers see a page when it is published and either public, or private and they " +
			"are signed in; an unpublished or private page also hides the pages under it. Import with " +
			"`<portal_id>/<page_id>`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "Page ID (UUID).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"portal_id": schema.StringAttribute{
				Description:   "ID of the portal. Changing it creates the page in the other portal and deletes this one.",
				Required:      true,
				Validators:    []validator.String{uuidValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"slug": schema.StringAttribute{
				Description: "The page's segment of its address: `/` for the home page, else one path segment of " +
					"letters, digits, `-`, `_`, `.` and `~`, with or without a leading slash (`/getting-started` or " +
					"`getting-started`), at most 512 characters. Nest pages with `parent_page_id` rather than slashes.",
				Required: true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 512),
					stringvalidator.RegexMatches(pageSlugPattern, `must be "/" or one path segment of letters, digits, '-', '_', '.' and '~', such as "/getting-started"`),
				},
			},
			"title": schema.StringAttribute{
				Description: "Title of the page (1 to 512 characters). A `title` in the content's front matter wins over " +
					"this argument, so the two cannot differ. When neither is set, the server derives the title from " +
					"the slug at creation (`Home` for `/`, `Getting started` for `/getting-started`) and keeps it afterwards.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.LengthBetween(1, contentTitleMax)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"content": schema.StringAttribute{
				Description: "The page in markdown (at most 1,000,000 bytes), such as `file(\"${path.module}/pages/home.md\")`. " +
					"It may start with a front matter block (`---` lines) giving `title` and `description`. Raw HTML " +
					"in it is sanitized when the website renders it.",
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthAtMost(contentMax)},
			},
			"description": schema.StringAttribute{
				Description: "Short description of the page (at most 160 characters). A `description` in the content's " +
					"front matter wins over this argument, so the two cannot differ. When not set, the description " +
					"the page has is kept and reported, `\"\"` when it has none; set `\"\"` to remove it.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.LengthAtMost(contentDescriptionMax)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"visibility": schema.StringAttribute{
				Description: "`public` (anonymous visitors see the page) or `private` (signed-in developers only). When " +
					"not set, the page takes the portal's `default_page_visibility` at creation and keeps it afterwards.",
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
			"parent_page_id": schema.StringAttribute{
				Description: "ID of the page this one sits under, in the same portal. Not set: the page is at the top " +
					"of the tree. Changing it moves the page in place.",
				Optional:   true,
				Validators: []validator.String{uuidValidator{}},
			},
		},
	}
}

func (r *portalPageResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (r *portalPageResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg portalPageModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateFrontMatter(cfg.Content, cfg.Title, cfg.Description)...)
}

// ModifyPlan plans the title and description that the content's front matter gives.
func (r *portalPageResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	resp.Diagnostics.Append(planFrontMatter(ctx, req.Config, &resp.Plan)...)
}

func (r *portalPageResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan portalPageModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	portalID := plan.PortalID.ValueString()
	body := portalPageCreateRequest(plan)
	object := fmt.Sprintf("Page %q of portal %s", body.Slug, portalID)

	home, err := r.homePage(ctx, plan)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read the portal's pages", object, err)
		return
	}
	var p *client.PortalPage
	if home != nil {
		p, err = r.client.UpdatePortalPage(ctx, portalID, home.ID, portalPageAdoptRequest(body))
	} else {
		p, err = r.client.CreatePortalPage(ctx, portalID, body)
	}
	if err != nil {
		pageWireFields.addAPIError(&resp.Diagnostics, "Unable to create portal page", object, err)
		return
	}
	plan.fromAPI(p)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

// homePage returns the portal's home page when the planned page is a home page at the top of the
// tree, which then takes it over; nil otherwise.
func (r *portalPageResource) homePage(ctx context.Context, plan portalPageModel) (*client.PortalPageSummary, error) {
	if plan.Slug.ValueString() != homePageSlug || known(plan.ParentPageID) {
		return nil, nil
	}
	pages, err := r.client.ListPortalPages(ctx, plan.PortalID.ValueString())
	if err != nil {
		return nil, err
	}
	for i := range pages {
		if pages[i].Slug == homePageSlug && pages[i].ParentPageID == nil {
			return &pages[i], nil
		}
	}
	return nil, nil
}

func (r *portalPageResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state portalPageModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, err := r.client.GetPortalPage(ctx, state.PortalID.ValueString(), state.ID.ValueString())
	if client.IsNotFound(err) {
		tflog.Debug(ctx, "portal page not found; removing it from state", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read portal page", state.object(), err)
		return
	}
	state.fromAPI(p)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &state)...)
}

func (r *portalPageResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state portalPageModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, err := r.client.UpdatePortalPage(ctx, state.PortalID.ValueString(), state.ID.ValueString(), portalPageUpdateRequest(state, plan))
	if err != nil {
		pageWireFields.addAPIError(&resp.Diagnostics, "Unable to update portal page", state.object(), err)
		return
	}
	plan.fromAPI(p)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *portalPageResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state portalPageModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.client.DeletePortalPage(ctx, state.PortalID.ValueString(), state.ID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to delete portal page", state.object(), err)
	}
}

func (r *portalPageResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	ids, ok := splitImportID(req.ID, 2)
	if !ok {
		addImportIDError(&resp.Diagnostics, req.ID, "<portal_id>/<page_id>")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("portal_id"), ids[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), ids[1])...)
}

func (m portalPageModel) object() string {
	return fmt.Sprintf("Page %s of portal %s", m.ID.ValueString(), m.PortalID.ValueString())
}

// portalPageCreateRequest maps a planned page to its creation body; what the plan leaves to the
// server stays out.
func portalPageCreateRequest(m portalPageModel) client.CreatePortalPageRequest {
	req := client.CreatePortalPageRequest{
		Slug:         m.Slug.ValueString(),
		Content:      m.Content.ValueString(),
		ParentPageID: knownStringPointer(m.ParentPageID),
	}
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

// portalPageAdoptRequest turns a creation body into the PATCH that makes the portal's existing
// home page what the configuration describes.
func portalPageAdoptRequest(c client.CreatePortalPageRequest) client.UpdatePortalPageRequest {
	req := client.UpdatePortalPageRequest{Slug: &c.Slug, Content: &c.Content}
	if c.Title != "" {
		req.Title = &c.Title
	}
	if c.Visibility != "" {
		req.Visibility = &c.Visibility
	}
	if c.Status != "" {
		req.Status = &c.Status
	}
	if c.Description != nil {
		req.Description = client.Value(*c.Description)
	}
	return req
}

// portalPageUpdateRequest maps the difference between state and plan to a PATCH body.
func portalPageUpdateRequest(state, plan portalPageModel) client.UpdatePortalPageRequest {
	var req client.UpdatePortalPageRequest
	req.Slug = changedString(state.Slug, plan.Slug)
	req.Title = changedString(state.Title, plan.Title)
	req.Content = changedString(state.Content, plan.Content)
	req.Visibility = changedString(state.Visibility, plan.Visibility)
	req.Status = changedString(state.Status, plan.Status)
	req.Description = changedDescription(state.Description, plan.Description)
	if !plan.ParentPageID.Equal(state.ParentPageID) {
		req.ParentPageID = client.FromPointer(plan.ParentPageID.ValueStringPointer())
	}
	return req
}

// fromAPI refreshes the model from a page the server returned.
func (m *portalPageModel) fromAPI(p *client.PortalPage) {
	m.ID = types.StringValue(p.ID)
	m.Slug = types.StringValue(p.Slug)
	m.Title = types.StringValue(p.Title)
	m.Content = types.StringValue(p.Content)
	m.Description = types.StringValue(deref(p.Description))
	m.Visibility = types.StringValue(p.Visibility)
	m.Status = types.StringValue(p.Status)
	m.ParentPageID = types.StringPointerValue(p.ParentPageID)
}

// changedString returns the planned value when it is known and differs from the state's.
func changedString(state, plan types.String) *string {
	if !known(plan) || plan.Equal(state) {
		return nil
	}
	return plan.ValueStringPointer()
}

// changedDescription is changedString for a description; "" removes it, which the documents
// express with an empty string rather than null.
func changedDescription(state, plan types.String) client.Nullable[string] {
	if v := changedString(state, plan); v != nil {
		return client.Value(*v)
	}
	return client.Nullable[string]{}
}

// knownStringPointer returns a pointer to a known value, or nil.
func knownStringPointer(v types.String) *string {
	if !known(v) {
		return nil
	}
	return v.ValueStringPointer()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// frontMatter is what the front matter of a markdown document (a block between "---" lines at
// its start) says about the document, read as the server reads it: plain "key: value" lines.
type frontMatter struct {
	Title       string
	Description string
}

// parseFrontMatter reads the title and description of content's front matter, if it has one.
func parseFrontMatter(content string) frontMatter {
	var fm frontMatter
	rest, ok := strings.CutPrefix(content, "---\n")
	if !ok {
		rest, ok = strings.CutPrefix(content, "---\r\n")
	}
	if !ok {
		return fm
	}
	for line := range strings.Lines(rest) {
		line = strings.TrimRight(line, "\r\n")
		if line == "---" {
			return fm
		}
		key, value, found := strings.Cut(line, ":")
		if !found {
			continue
		}
		value = strings.TrimSpace(value)
		if len(value) >= 2 && (value[0] == '"' && value[len(value)-1] == '"' || value[0] == '\'' && value[len(value)-1] == '\'') {
			value = value[1 : len(value)-1]
		}
		switch strings.TrimSpace(key) {
		case "title":
			fm.Title = value
		case "description":
			fm.Description = value
		}
	}
	return frontMatter{} // no closing line: not front matter
}

// validateFrontMatter refuses a title or description that the content's front matter contradicts:
// the server takes the front matter's, so the configured value could never be applied.
func validateFrontMatter(content, title, description types.String) diag.Diagnostics {
	var diags diag.Diagnostics
	if !known(content) {
		return diags
	}
	fm := parseFrontMatter(content.ValueString())
	check := func(attr string, configured types.String, fromContent string) {
		if known(configured) && fromContent != "" && configured.ValueString() != fromContent {
			diags.AddAttributeError(path.Root(attr), "Conflicting "+attr,
				fmt.Sprintf("%s = %q, but the front matter of content sets %s: %q, which the server takes instead. "+
					"Remove %s from the configuration or from the front matter, or make them equal.",
					attr, configured.ValueString(), attr, fromContent, attr))
		}
	}
	check("title", title, fm.Title)
	check("description", description, fm.Description)
	return diags
}

// planFrontMatter plans the title and description that the configuration leaves out as the
// server will set them: the content's front matter wins, so when it names one, that is the
// planned value; when the content is not known yet, neither is the value.
func planFrontMatter(ctx context.Context, config tfsdk.Config, plan *tfsdk.Plan) diag.Diagnostics {
	var diags diag.Diagnostics
	if plan.Raw.IsNull() {
		return diags
	}
	var content types.String
	diags.Append(plan.GetAttribute(ctx, path.Root("content"), &content)...)
	if diags.HasError() {
		return diags
	}
	fm := parseFrontMatter(content.ValueString())
	for attr, fromContent := range map[string]string{"title": fm.Title, "description": fm.Description} {
		var configured types.String
		diags.Append(config.GetAttribute(ctx, path.Root(attr), &configured)...)
		switch {
		case !configured.IsNull():
		case content.IsUnknown():
			diags.Append(plan.SetAttribute(ctx, path.Root(attr), types.StringUnknown())...)
		case fromContent != "":
			diags.Append(plan.SetAttribute(ctx, path.Root(attr), types.StringValue(fromContent))...)
		}
	}
	return diags
}
