package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ resource.Resource                   = (*portalCustomizationResource)(nil)
	_ resource.ResourceWithConfigure      = (*portalCustomizationResource)(nil)
	_ resource.ResourceWithImportState    = (*portalCustomizationResource)(nil)
	_ resource.ResourceWithValidateConfig = (*portalCustomizationResource)(nil)
)

// hexColorPattern is a colour as the theme takes it.
var hexColorPattern = regexp.MustCompile(`^#([a-fA-F0-9]{6}|[a-fA-F0-9]{3})$`)

// Limits of the customization the server enforces.
const (
	menuTextMax       = 512
	menuItemsMax      = 100
	customizationText = 100000
)

// portalCustomizationResource manages the customization of one portal's website.
type portalCustomizationResource struct {
	client *client.Client
}

// portalCustomizationModel is the state of devportal_portal_customization.
type portalCustomizationModel struct {
	ID           types.String `tfsdk:"id"`
	PortalID     types.String `tfsdk:"portal_id"`
	Theme        types.Object `tfsdk:"theme"`
	Layout       types.String `tfsdk:"layout"`
	CSS          types.String `tfsdk:"css"`
	Robots       types.String `tfsdk:"robots"`
	Menu         types.Object `tfsdk:"menu"`
	SpecRenderer types.Object `tfsdk:"spec_renderer"`
}

// customizationThemeModel is the theme block.
type customizationThemeModel struct {
	Name   types.String `tfsdk:"name"`
	Mode   types.String `tfsdk:"mode"`
	Colors types.Object `tfsdk:"colors"`
}

// themeColorsModel is the theme's colours.
type themeColorsModel struct {
	Primary types.String `tfsdk:"primary"`
}

// customizationMenuModel is the menu block.
type customizationMenuModel struct {
	Main           types.List `tfsdk:"main"`
	FooterSections types.List `tfsdk:"footer_sections"`
	FooterBottom   types.List `tfsdk:"footer_bottom"`
}

// menuItemModel is one link of a menu.
type menuItemModel struct {
	Path       types.String `tfsdk:"path"`
	Title      types.String `tfsdk:"title"`
	Visibility types.String `tfsdk:"visibility"`
	External   types.Bool   `tfsdk:"external"`
}

// footerSectionModel is a titled group of footer links.
type footerSectionModel struct {
	Title types.String `tfsdk:"title"`
	Items types.List   `tfsdk:"items"`
}

// specRendererModel is the spec_renderer block.
type specRendererModel struct {
	TryItUI               types.Bool `tfsdk:"try_it_ui"`
	TryItInsomnia         types.Bool `tfsdk:"try_it_insomnia"`
	InfiniteScroll        types.Bool `tfsdk:"infinite_scroll"`
	ShowSchemas           types.Bool `tfsdk:"show_schemas"`
	HideInternal          types.Bool `tfsdk:"hide_internal"`
	HideDeprecated        types.Bool `tfsdk:"hide_deprecated"`
	AllowCustomServerURLs types.Bool `tfsdk:"allow_custom_server_urls"`
}

// Attribute types of the nested blocks, for building their values from the server's answer.
var (
	themeColorsAttrTypes = map[string]attr.Type{"primary": types.StringType}
	themeAttrTypes       = map[string]attr.Type{
		"name": types.StringType, "mode": types.StringType, "colors": types.ObjectType{AttrTypes: themeColorsAttrTypes},
	}
	menuItemAttrTypes = map[string]attr.Type{
		"path": types.StringType, "title": types.StringType, "visibility": types.StringType, "external": types.BoolType,
	}
	menuItemType          = types.ObjectType{AttrTypes: menuItemAttrTypes}
	footerSectionAttrType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"title": types.StringType, "items": types.ListType{ElemType: menuItemType},
	}}
	menuAttrTypes = map[string]attr.Type{
		"main":            types.ListType{ElemType: menuItemType},
		"footer_sections": types.ListType{ElemType: footerSectionAttrType},
		"footer_bottom":   types.ListType{ElemType: menuItemType},
	}
	specRendererAttrTypes = map[string]attr.Type{
		"try_it_ui": types.BoolType, "try_it_insomnia": types.BoolType, "infinite_scroll": types.BoolType,
		"show_schemas": types.BoolType, "hide_internal": types.BoolType, "hide_deprecated": types.BoolType,
		"allow_custom_server_urls": types.BoolType,
	}
)

// customizationWireFields maps the fields of customization requests to the attributes that hold them.
var customizationWireFields = wireFields{
	"theme.name":           path.Root("theme").AtName("name"),
	"theme.mode":           path.Root("theme").AtName("mode"),
	"theme.colors.primary": path.Root("theme").AtName("colors").AtName("primary"),
	"layout":               path.Root("layout"),
	"css":                  path.Root("css"),
	"robots":               path.Root("robots"),
	"menu.main":            path.Root("menu").AtName("main"),
	"menu.footer_sections": path.Root("menu").AtName("footer_sections"),
	"menu.footer_bottom":   path.Root("menu").AtName("footer_bottom"),
	"spec_renderer":        path.Root("spec_renderer"),
}

// NewPortalCustomizationResource returns the devportal_portal_customization resource.
func NewPortalCustomizationResource() resource.Resource { return &portalCustomizationResource{} }

func (r *portalCustomizationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_portal_customization"
}

func (r *portalCustomizationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keepString := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	keepBool := []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}
	keepList := []planmodifier.List{listplanmodifier.UseStateForUnknown()}
	keepObject := []planmodifier.Object{objectplanmodifier.UseStateForUnknown()}
	menuItem := schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
		"path": schema.StringAttribute{
			Description: "Where the link goes: a path of the portal starting with `/` (such as `/apis` or " +
				"`/guides/getting-started`), or with `external = true` an `http://` or `https://` address.",
			Required:   true,
			Validators: []validator.String{stringvalidator.LengthBetween(1, menuTextMax)},
		},
		"title": schema.StringAttribute{
			Description: "Text of the link (1 to 512 characters).",
			Required:    true,
			Validators:  []validator.String{stringvalidator.LengthBetween(1, menuTextMax)},
		},
		"visibility": schema.StringAttribute{
			Description: "`public` (everyone sees the link) or `private` (signed-in developers only). Defaults to `public`.",
			Optional:    true,
			Computed:    true,
			Default:     stringdefault.StaticString(client.VisibilityPublic),
			Validators:  []validator.String{stringvalidator.OneOf(client.VisibilityPublic, client.VisibilityPrivate)},
		},
		"external": schema.BoolAttribute{
			Description: "Whether the link leaves the portal and opens in a new window. Defaults to `false`.",
			Optional:    true,
			Computed:    true,
			Default:     booldefault.StaticBool(false),
		},
	}}
	menuList := func(description string) schema.ListNestedAttribute {
		return schema.ListNestedAttribute{
			Description:   description + " At most 100 links. When not set, the current links are kept; `[]` removes them all.",
			Optional:      true,
			Computed:      true,
			NestedObject:  menuItem,
			Validators:    []validator.List{listvalidator.SizeAtMost(menuItemsMax)},
			PlanModifiers: keepList,
		}
	}
	renderOption := func(description string) schema.BoolAttribute {
		return schema.BoolAttribute{
			Description:   description + " When not set, the current value is kept.",
			Optional:      true,
			Computed:      true,
			PlanModifiers: keepBool,
		}
	}
	resp.Schema = schema.Schema{
		Description: "The customization of a portal's website: theme, layout, menus, extra CSS, robots.txt and the " +
			"options of the rendered API reference. A portal has exactly one customization, so use one of these per " +
			"portal: creating the resource changes the portal's customization rather than creating one, and every " +
			"argument left out keeps the portal's current value and reports it. Destroying the resource does not " +
			"delete anything: it puts back the customization of a new portal (the `default` theme, light, primary " +
			"colour `#1155cb`; layout `default`; a main menu linking `/apis`; no footer links, CSS or robots.txt; " +
			"the reference's options at their documented defaults). Import with the portal's ID.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "Same as `portal_id`.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"portal_id": schema.StringAttribute{
				Description:   "ID of the portal. Changing it replaces the resource: the old portal's customization goes back to the defaults.",
				Required:      true,
				Validators:    []validator.String{uuidValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"theme": schema.SingleNestedAttribute{
				Description:   "The website's theme. When not set, the current theme is kept.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: keepObject,
				Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{
						Description:   "Name of the theme (1 to 512 characters). When not set, the current name is kept.",
						Optional:      true,
						Computed:      true,
						Validators:    []validator.String{stringvalidator.LengthBetween(1, menuTextMax)},
						PlanModifiers: keepString,
					},
					"mode": schema.StringAttribute{
						Description: "`light`, `dark`, or `system` (follows the visitor's setting). When not set, the current mode is kept.",
						Optional:    true,
						Computed:    true,
						Validators: []validator.String{stringvalidator.OneOf(
							client.ThemeModeLight, client.ThemeModeDark, client.ThemeModeSystem)},
						PlanModifiers: keepString,
					},
					"colors": schema.SingleNestedAttribute{
						Description:   "The theme's colours. When not set, the current colours are kept.",
						Optional:      true,
						Computed:      true,
						PlanModifiers: keepObject,
						Attributes: map[string]schema.Attribute{
							"primary": schema.StringAttribute{
								Description: "Primary colour of links, buttons and headings, as `#rgb` or `#rrggbb`. " +
									"When not set, the current colour is kept.",
								Optional: true,
								Computed: true,
								Validators: []validator.String{stringvalidator.RegexMatches(hexColorPattern,
									`must be a hex colour such as "#1155cb" or "#15c"`)},
								PlanModifiers: keepString,
							},
						},
					},
				},
			},
			"layout": schema.StringAttribute{
				Description:   "Name of the page layout (1 to 512 characters). When not set, the current layout is kept.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.LengthBetween(1, menuTextMax)},
				PlanModifiers: keepString,
			},
			"css": schema.StringAttribute{
				Description: "Extra CSS for the website (at most 100,000 bytes). When not set, the current CSS is kept " +
					"(null when there is none); `\"\"` empties it.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.LengthAtMost(customizationText)},
				PlanModifiers: keepString,
			},
			"robots": schema.StringAttribute{
				Description: "The website's robots.txt (at most 100,000 bytes). When not set, the current one is kept " +
					"(null when the server's default applies); `\"\"` empties it.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.LengthAtMost(customizationText)},
				PlanModifiers: keepString,
			},
			"menu": schema.SingleNestedAttribute{
				Description:   "The website's menus. When not set, the current menus are kept.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: keepObject,
				Attributes: map[string]schema.Attribute{
					"main": menuList("Links of the header menu, in order."),
					"footer_sections": schema.ListNestedAttribute{
						Description: "Titled groups of links in the footer, in order. At most 100. When not set, the " +
							"current groups are kept; `[]` removes them all.",
						Optional:      true,
						Computed:      true,
						Validators:    []validator.List{listvalidator.SizeAtMost(menuItemsMax)},
						PlanModifiers: keepList,
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"title": schema.StringAttribute{
								Description: "Heading of the group (1 to 512 characters).",
								Required:    true,
								Validators:  []validator.String{stringvalidator.LengthBetween(1, menuTextMax)},
							},
							"items": schema.ListNestedAttribute{
								Description:  "Links of the group, in order. At most 100.",
								Required:     true,
								NestedObject: menuItem,
								Validators:   []validator.List{listvalidator.SizeAtMost(menuItemsMax)},
							},
						}},
					},
					"footer_bottom": menuList("Links at the very bottom of the page, such as terms and privacy, in order."),
				},
			},
			"spec_renderer": schema.SingleNestedAttribute{
				Description:   "Options of the rendered API reference. When not set, the current options are kept.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: keepObject,
				Attributes: map[string]schema.Attribute{
					"try_it_ui":                renderOption("Whether developers may send requests from the reference (new portals: `true`)."),
					"try_it_insomnia":          renderOption("Whether public references offer to open the specification in Insomnia (new portals: `true`)."),
					"infinite_scroll":          renderOption("Whether the whole reference is one scrollable page (new portals: `true`)."),
					"show_schemas":             renderOption("Whether schemas are listed after the operations (new portals: `true`)."),
					"hide_internal":            renderOption("Whether operations and schemas marked internal are hidden (new portals: `false`)."),
					"hide_deprecated":          renderOption("Whether deprecated operations and schemas are hidden (new portals: `false`)."),
					"allow_custom_server_urls": renderOption("Whether developers may enter their own server URL for examples (new portals: `true`)."),
				},
			},
		},
	}
}

func (r *portalCustomizationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks each configured menu link's path against its external flag.
func (r *portalCustomizationResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg portalCustomizationModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() || !known(cfg.Menu) {
		return
	}
	var menu customizationMenuModel
	resp.Diagnostics.Append(cfg.Menu.As(ctx, &menu, objectAsOptions)...)
	menuPath := path.Root("menu")
	resp.Diagnostics.Append(validateMenuLinks(ctx, menuPath.AtName("main"), menu.Main)...)
	resp.Diagnostics.Append(validateMenuLinks(ctx, menuPath.AtName("footer_bottom"), menu.FooterBottom)...)
	if known(menu.FooterSections) {
		var sections []footerSectionModel
		resp.Diagnostics.Append(menu.FooterSections.ElementsAs(ctx, &sections, false)...)
		for i, s := range sections {
			resp.Diagnostics.Append(validateMenuLinks(ctx, menuPath.AtName("footer_sections").AtListIndex(i).AtName("items"), s.Items)...)
		}
	}
}

// validateMenuLinks reports the links of a configured list whose path does not suit them.
func validateMenuLinks(ctx context.Context, at path.Path, list types.List) diag.Diagnostics {
	var diags diag.Diagnostics
	if !known(list) {
		return diags
	}
	var items []menuItemModel
	diags.Append(list.ElementsAs(ctx, &items, false)...)
	for i, it := range items {
		if !known(it.Path) || it.External.IsUnknown() {
			continue
		}
		if problem := menuLinkProblem(it.Path.ValueString(), it.External.ValueBool()); problem != "" {
			diags.AddAttributeError(at.AtListIndex(i).AtName("path"), "Invalid menu link",
				fmt.Sprintf("%s = %q: %s.", at.AtListIndex(i).AtName("path"), it.Path.ValueString(), problem))
		}
	}
	return diags
}

// menuLinkProblem says what is wrong with a menu link's path, or "" when nothing is.
func menuLinkProblem(linkPath string, external bool) string {
	isURL := strings.HasPrefix(linkPath, "https://") || strings.HasPrefix(linkPath, "http://")
	switch {
	case external && !isURL:
		return "an external link must be an http:// or https:// address"
	case !external && isURL:
		return "a link to another site needs external = true"
	case !external && !strings.HasPrefix(linkPath, "/"):
		return "a link within the portal starts with '/', such as \"/apis\"; set external = true for a link to another site"
	}
	return ""
}

func (r *portalCustomizationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var cfg, plan portalCustomizationModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.apply(ctx, cfg, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *portalCustomizationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state portalCustomizationModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	pc, err := r.client.GetPortalCustomization(ctx, state.PortalID.ValueString())
	if client.IsNotFound(err) {
		tflog.Debug(ctx, "portal not found; removing its customization from state", map[string]any{"portal_id": state.PortalID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read portal customization", state.object(), err)
		return
	}
	resp.Diagnostics.Append(state.fromAPI(pc)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &state)...)
}

func (r *portalCustomizationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var cfg, plan portalCustomizationModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.apply(ctx, cfg, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

// apply merges the configured settings into the portal's customization and refreshes m from the result.
func (r *portalCustomizationResource) apply(ctx context.Context, cfg portalCustomizationModel, m *portalCustomizationModel) diag.Diagnostics {
	body, diags := portalCustomizationPatch(ctx, cfg)
	if diags.HasError() {
		return diags
	}
	pc, err := r.client.UpdatePortalCustomization(ctx, m.PortalID.ValueString(), body)
	if err != nil {
		customizationWireFields.addAPIError(&diags, "Unable to update portal customization", m.object(), err)
		return diags
	}
	diags.Append(m.fromAPI(pc)...)
	return diags
}

// Delete puts back the customization of a new portal.
func (r *portalCustomizationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state portalCustomizationModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	_, err := r.client.ReplacePortalCustomization(ctx, state.PortalID.ValueString(), client.PortalCustomization{})
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to reset portal customization", state.object(), err)
	}
}

func (r *portalCustomizationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("portal_id"), req.ID)...)
}

func (m portalCustomizationModel) object() string {
	return fmt.Sprintf("Customization of portal %s", m.PortalID.ValueString())
}

// portalCustomizationPatch maps the configuration to a merge PATCH: only what it sets is sent,
// links with their defaults filled in, so that everything else keeps its current value.
func portalCustomizationPatch(ctx context.Context, cfg portalCustomizationModel) (client.PortalCustomization, diag.Diagnostics) {
	var diags diag.Diagnostics
	var req client.PortalCustomization
	req.Layout = knownStringPointer(cfg.Layout)
	if known(cfg.CSS) {
		req.CSS = client.Value(cfg.CSS.ValueString())
	}
	if known(cfg.Robots) {
		req.Robots = client.Value(cfg.Robots.ValueString())
	}
	if known(cfg.Theme) {
		var theme customizationThemeModel
		diags.Append(cfg.Theme.As(ctx, &theme, objectAsOptions)...)
		req.Theme = &client.PortalTheme{Name: knownStringPointer(theme.Name), Mode: knownStringPointer(theme.Mode)}
		if known(theme.Colors) {
			var colors themeColorsModel
			diags.Append(theme.Colors.As(ctx, &colors, objectAsOptions)...)
			req.Theme.Colors = &client.PortalThemeColors{Primary: knownStringPointer(colors.Primary)}
		}
	}
	if known(cfg.Menu) {
		var menu customizationMenuModel
		diags.Append(cfg.Menu.As(ctx, &menu, objectAsOptions)...)
		req.Menu = &client.PortalMenu{
			Main:         menuItemsFromList(ctx, menu.Main, &diags),
			FooterBottom: menuItemsFromList(ctx, menu.FooterBottom, &diags),
		}
		if known(menu.FooterSections) {
			var sections []footerSectionModel
			diags.Append(menu.FooterSections.ElementsAs(ctx, &sections, false)...)
			req.Menu.FooterSections = make([]client.PortalFooterMenuSection, 0, len(sections))
			for _, s := range sections {
				items := menuItemsFromList(ctx, s.Items, &diags)
				if items == nil {
					items = []client.PortalMenuItem{}
				}
				req.Menu.FooterSections = append(req.Menu.FooterSections, client.PortalFooterMenuSection{Title: s.Title.ValueString(), Items: items})
			}
		}
	}
	if known(cfg.SpecRenderer) {
		var sr specRendererModel
		diags.Append(cfg.SpecRenderer.As(ctx, &sr, objectAsOptions)...)
		req.SpecRenderer = &client.PortalSpecRenderer{
			TryItUI:               knownBoolPointer(sr.TryItUI),
			TryItInsomnia:         knownBoolPointer(sr.TryItInsomnia),
			InfiniteScroll:        knownBoolPointer(sr.InfiniteScroll),
			ShowSchemas:           knownBoolPointer(sr.ShowSchemas),
			HideInternal:          knownBoolPointer(sr.HideInternal),
			HideDeprecated:        knownBoolPointer(sr.HideDeprecated),
			AllowCustomServerURLs: knownBoolPointer(sr.AllowCustomServerURLs),
		}
	}
	return req, diags
}

// menuItemsFromList maps a configured list of links to the wire, filling in the defaults the
// schema gives: nil when the list is not set, empty when it is set to [].
func menuItemsFromList(ctx context.Context, list types.List, diags *diag.Diagnostics) []client.PortalMenuItem {
	if !known(list) {
		return nil
	}
	var items []menuItemModel
	diags.Append(list.ElementsAs(ctx, &items, false)...)
	out := make([]client.PortalMenuItem, 0, len(items))
	for _, it := range items {
		visibility := client.VisibilityPublic
		if known(it.Visibility) {
			visibility = it.Visibility.ValueString()
		}
		out = append(out, client.PortalMenuItem{
			Path: it.Path.ValueString(), Title: it.Title.ValueString(), Visibility: visibility, External: it.External.ValueBool(),
		})
	}
	return out
}

// knownBoolPointer returns a pointer to a known value, or nil.
func knownBoolPointer(v types.Bool) *bool {
	if !known(v) {
		return nil
	}
	return v.ValueBoolPointer()
}

// fromAPI refreshes the model from the customization the server returned.
func (m *portalCustomizationModel) fromAPI(pc *client.PortalCustomization) diag.Diagnostics {
	var diags, d diag.Diagnostics
	m.ID = m.PortalID
	m.Layout = types.StringPointerValue(pc.Layout)
	m.CSS = types.StringPointerValue(pc.CSS.Pointer())
	m.Robots = types.StringPointerValue(pc.Robots.Pointer())

	theme := pc.Theme
	if theme == nil {
		theme = &client.PortalTheme{}
	}
	colors := theme.Colors
	if colors == nil {
		colors = &client.PortalThemeColors{}
	}
	colorsValue, d := types.ObjectValue(themeColorsAttrTypes, map[string]attr.Value{"primary": types.StringPointerValue(colors.Primary)})
	diags.Append(d...)
	m.Theme, d = types.ObjectValue(themeAttrTypes, map[string]attr.Value{
		"name": types.StringPointerValue(theme.Name), "mode": types.StringPointerValue(theme.Mode), "colors": colorsValue,
	})
	diags.Append(d...)

	menu := pc.Menu
	if menu == nil {
		menu = &client.PortalMenu{}
	}
	sections := make([]attr.Value, 0, len(menu.FooterSections))
	for _, s := range menu.FooterSections {
		section, d := types.ObjectValue(footerSectionAttrType.AttrTypes, map[string]attr.Value{
			"title": types.StringValue(s.Title), "items": menuItemsValue(s.Items, &diags),
		})
		diags.Append(d...)
		sections = append(sections, section)
	}
	sectionList, d := types.ListValue(footerSectionAttrType, sections)
	diags.Append(d...)
	m.Menu, d = types.ObjectValue(menuAttrTypes, map[string]attr.Value{
		"main": menuItemsValue(menu.Main, &diags), "footer_sections": sectionList, "footer_bottom": menuItemsValue(menu.FooterBottom, &diags),
	})
	diags.Append(d...)

	sr := pc.SpecRenderer
	if sr == nil {
		sr = &client.PortalSpecRenderer{}
	}
	m.SpecRenderer, d = types.ObjectValue(specRendererAttrTypes, map[string]attr.Value{
		"try_it_ui":                types.BoolPointerValue(sr.TryItUI),
		"try_it_insomnia":          types.BoolPointerValue(sr.TryItInsomnia),
		"infinite_scroll":          types.BoolPointerValue(sr.InfiniteScroll),
		"show_schemas":             types.BoolPointerValue(sr.ShowSchemas),
		"hide_internal":            types.BoolPointerValue(sr.HideInternal),
		"hide_deprecated":          types.BoolPointerValue(sr.HideDeprecated),
		"allow_custom_server_urls": types.BoolPointerValue(sr.AllowCustomServerURLs),
	})
	diags.Append(d...)
	return diags
}

// menuItemsValue maps links from the wire to a list value; a missing list is an empty one.
func menuItemsValue(items []client.PortalMenuItem, diags *diag.Diagnostics) types.List {
	values := make([]attr.Value, 0, len(items))
	for _, it := range items {
		v, d := types.ObjectValue(menuItemAttrTypes, map[string]attr.Value{
			"path": types.StringValue(it.Path), "title": types.StringValue(it.Title),
			"visibility": types.StringValue(it.Visibility), "external": types.BoolValue(it.External),
		})
		diags.Append(d...)
		values = append(values, v)
	}
	list, d := types.ListValue(menuItemType, values)
	diags.Append(d...)
	return list
}
