package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ datasource.DataSource              = (*portalDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*portalDataSource)(nil)
)

// portalDataSource looks up one portal by id or name.
type portalDataSource struct {
	client *client.Client
}

// portalDataSourceModel is the state of the devportal_portal data source.
type portalDataSourceModel struct {
	ID                               types.String `tfsdk:"id"`
	Name                             types.String `tfsdk:"name"`
	DisplayName                      types.String `tfsdk:"display_name"`
	Description                      types.String `tfsdk:"description"`
	Labels                           types.Map    `tfsdk:"labels"`
	DefaultDomain                    types.String `tfsdk:"default_domain"`
	CanonicalDomain                  types.String `tfsdk:"canonical_domain"`
	AuthenticationEnabled            types.Bool   `tfsdk:"authentication_enabled"`
	RBACEnabled                      types.Bool   `tfsdk:"rbac_enabled"`
	AutoApproveDevelopers            types.Bool   `tfsdk:"auto_approve_developers"`
	AutoApproveApplications          types.Bool   `tfsdk:"auto_approve_applications"`
	DefaultAPIVisibility             types.String `tfsdk:"default_api_visibility"`
	DefaultPageVisibility            types.String `tfsdk:"default_page_visibility"`
	DefaultApplicationAuthStrategyID types.String `tfsdk:"default_application_auth_strategy_id"`
}

// NewPortalDataSource returns the devportal_portal data source.
func NewPortalDataSource() datasource.DataSource { return &portalDataSource{} }

func (d *portalDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_portal"
}

func (d *portalDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Description: desc, Computed: true}
	}
	flag := func(desc string) schema.BoolAttribute { return schema.BoolAttribute{Description: desc, Computed: true} }
	resp.Schema = schema.Schema{
		Description: "Looks up a developer portal of the provider's region by `id` or by `name` (exactly one of the two).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description: "Portal ID. Conflicts with `name`; exactly one of the two is required.",
				Optional:    true,
				Computed:    true,
				Validators: []validator.String{
					stringvalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
					uuidValidator{},
				},
			},
			"name": schema.StringAttribute{
				Description: "Portal name (unique within a region). Conflicts with `id`; exactly one of the two is required.",
				Optional:    true,
				Computed:    true,
				Validators:  []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"display_name":                         computed("Name shown to developers."),
			"description":                          computed("Description; null when there is none."),
			"labels":                               schema.MapAttribute{Description: "Labels.", Computed: true, ElementType: types.StringType},
			"default_domain":                       computed("Domain the server assigned to the portal."),
			"canonical_domain":                     computed("Canonical domain of the portal."),
			"authentication_enabled":               flag("Whether developers sign in."),
			"rbac_enabled":                         flag("Whether API access follows developer teams."),
			"auto_approve_developers":              flag("Whether developer sign-ups are approved without an administrator."),
			"auto_approve_applications":            flag("Whether application registrations are approved without an administrator."),
			"default_api_visibility":               computed("Visibility of newly published APIs: `public` or `private`."),
			"default_page_visibility":              computed("Visibility of new pages: `public` or `private`."),
			"default_application_auth_strategy_id": computed("ID of the default application auth strategy; `\"\"` when there is none."),
		},
	}
}

func (d *portalDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (d *portalDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg portalDataSourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var p *client.Portal
	if known(cfg.ID) {
		var err error
		p, err = d.client.GetPortal(ctx, cfg.ID.ValueString())
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to read portal", fmt.Sprintf("Portal %s", cfg.ID.ValueString()), err)
			return
		}
	} else {
		name := cfg.Name.ValueString()
		portals, err := d.client.FindPortalsByName(ctx, name)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to list portals", fmt.Sprintf("Portals named %q", name), err)
			return
		}
		switch len(portals) {
		case 0:
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Portal not found",
				fmt.Sprintf("No portal is named %q in this region. Check the name and the provider's region.", name))
			return
		case 1:
			p = &portals[0]
		default:
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Several portals match",
				fmt.Sprintf("%d portals are named %q (%s); look the portal up by id instead.", len(portals), name, portalIDs(portals)))
			return
		}
	}
	resp.Diagnostics.Append(cfg.fromAPI(ctx, p)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &cfg)...)
}

func portalIDs(portals []client.Portal) string {
	ids := make([]string, len(portals))
	for i, p := range portals {
		ids[i] = p.ID
	}
	return strings.Join(ids, ", ")
}

// fromAPI fills the model from a portal the server returned.
func (m *portalDataSourceModel) fromAPI(ctx context.Context, p *client.Portal) diag.Diagnostics {
	m.ID = types.StringValue(p.ID)
	m.Name = types.StringValue(p.Name)
	m.DisplayName = types.StringValue(p.DisplayName)
	m.Description = types.StringPointerValue(p.Description)
	m.DefaultDomain = types.StringValue(p.DefaultDomain)
	m.CanonicalDomain = types.StringValue(p.CanonicalDomain)
	m.AuthenticationEnabled = types.BoolValue(p.AuthenticationEnabled)
	m.RBACEnabled = types.BoolValue(p.RBACEnabled)
	m.AutoApproveDevelopers = types.BoolValue(p.AutoApproveDevelopers)
	m.AutoApproveApplications = types.BoolValue(p.AutoApproveApplications)
	m.DefaultAPIVisibility = types.StringValue(p.DefaultAPIVisibility)
	m.DefaultPageVisibility = types.StringValue(p.DefaultPageVisibility)
	m.DefaultApplicationAuthStrategyID = types.StringValue("")
	if p.DefaultApplicationAuthStrategyID != nil {
		m.DefaultApplicationAuthStrategyID = types.StringValue(*p.DefaultApplicationAuthStrategyID)
	}
	labels, diags := types.MapValueFrom(ctx, types.StringType, nonNilLabels(p.Labels))
	m.Labels = labels
	return diags
}

func nonNilLabels(l map[string]string) map[string]string {
	if l == nil {
		return map[string]string{}
	}
	return l
}
