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
	_ datasource.DataSource              = (*authStrategyDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*authStrategyDataSource)(nil)
)

// authStrategyDataSource looks up one application auth strategy by id or name.
type authStrategyDataSource struct {
	client *client.Client
}

// authStrategyDataSourceModel is the state of the devportal_application_auth_strategy data source.
type authStrategyDataSourceModel struct {
	ID            types.String `tfsdk:"id"`
	Name          types.String `tfsdk:"name"`
	DisplayName   types.String `tfsdk:"display_name"`
	StrategyType  types.String `tfsdk:"strategy_type"`
	Labels        types.Map    `tfsdk:"labels"`
	Active        types.Bool   `tfsdk:"active"`
	KeyAuth       types.Object `tfsdk:"key_auth"`
	OpenIDConnect types.Object `tfsdk:"openid_connect"`
}

// NewApplicationAuthStrategyDataSource returns the devportal_application_auth_strategy data source.
func NewApplicationAuthStrategyDataSource() datasource.DataSource { return &authStrategyDataSource{} }

func (d *authStrategyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_application_auth_strategy"
}

func (d *authStrategyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	list := func(desc string) schema.ListAttribute {
		return schema.ListAttribute{Description: desc, Computed: true, ElementType: types.StringType}
	}
	resp.Schema = schema.Schema{
		Description: "Looks up an application auth strategy of the provider's region by `id` or by `name` " +
			"(exactly one of the two). Looking up a name that several strategies share is an error.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description: "Strategy ID. Conflicts with `name`; exactly one of the two is required.",
				Optional:    true,
				Computed:    true,
				Validators: []validator.String{
					stringvalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
					uuidValidator{},
				},
			},
			"name": schema.StringAttribute{
				Description: "Strategy name. Conflicts with `id`; exactly one of the two is required.",
				Optional:    true,
				Computed:    true,
				Validators:  []validator.String{stringvalidator.LengthBetween(1, 256)},
			},
			"display_name":  schema.StringAttribute{Description: "Name shown to developers.", Computed: true},
			"strategy_type": schema.StringAttribute{Description: "`key_auth` or `openid_connect`.", Computed: true},
			"labels":        schema.MapAttribute{Description: "Labels.", Computed: true, ElementType: types.StringType},
			"active":        schema.BoolAttribute{Description: "Whether at least one API publication uses the strategy.", Computed: true},
			"key_auth": schema.SingleNestedAttribute{
				Description: "Key-auth settings; null for other strategy types.",
				Computed:    true,
				Attributes: map[string]schema.Attribute{
					"key_names": list("Names of the headers carrying the key."),
					"ttl": schema.SingleNestedAttribute{
						Description: "Default maximum lifetime of keys; null when keys do not expire.",
						Computed:    true,
						Attributes: map[string]schema.Attribute{
							"value": schema.Int64Attribute{Description: "Number of units.", Computed: true},
							"unit":  schema.StringAttribute{Description: "`days`, `weeks` or `years`.", Computed: true},
						},
					},
				},
			},
			"openid_connect": schema.SingleNestedAttribute{
				Description: "OpenID Connect settings; null for other strategy types.",
				Computed:    true,
				Attributes: map[string]schema.Attribute{
					"issuer":                schema.StringAttribute{Description: "Issuer URL.", Computed: true},
					"credential_claim":      list("Claims that identify the application."),
					"scopes":                list("Requested scopes."),
					"auth_methods":          list("Accepted authentication methods."),
					"additional_properties": schema.StringAttribute{Description: "Further plugin settings as a JSON object; null when there are none.", Computed: true},
				},
			},
		},
	}
}

func (d *authStrategyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (d *authStrategyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg authStrategyDataSourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var s *client.AuthStrategy
	if known(cfg.ID) {
		var err error
		s, err = d.client.GetAuthStrategy(ctx, cfg.ID.ValueString())
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to read application auth strategy", fmt.Sprintf("Strategy %s", cfg.ID.ValueString()), err)
			return
		}
	} else {
		name := cfg.Name.ValueString()
		found, err := d.client.FindAuthStrategiesByName(ctx, name)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to list application auth strategies", fmt.Sprintf("Strategies named %q", name), err)
			return
		}
		switch len(found) {
		case 0:
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Application auth strategy not found",
				fmt.Sprintf("No application auth strategy is named %q in this region. Check the name and the provider's region.", name))
			return
		case 1:
			s = &found[0]
		default:
			ids := make([]string, len(found))
			for i, f := range found {
				ids[i] = f.ID
			}
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Several application auth strategies match",
				fmt.Sprintf("%d strategies are named %q (%s); look the strategy up by id instead.", len(found), name, strings.Join(ids, ", ")))
			return
		}
	}
	resp.Diagnostics.Append(cfg.fromAPI(ctx, s)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &cfg)...)
}

// fromAPI fills the model from a strategy the server returned.
func (m *authStrategyDataSourceModel) fromAPI(ctx context.Context, s *client.AuthStrategy) diag.Diagnostics {
	var diags, d diag.Diagnostics
	m.ID = types.StringValue(s.ID)
	m.Name = types.StringValue(s.Name)
	m.DisplayName = types.StringValue(s.DisplayName)
	m.StrategyType = types.StringValue(s.StrategyType)
	m.Active = types.BoolValue(s.Active)
	m.Labels, d = types.MapValueFrom(ctx, types.StringType, nonNilLabels(s.Labels))
	diags.Append(d...)
	m.KeyAuth = types.ObjectNull(keyAuthAttrTypes)
	m.OpenIDConnect = types.ObjectNull(openIDConnectAttrTypes)
	if s.Configs.KeyAuth != nil {
		m.KeyAuth, d = keyAuthObject(ctx, s.Configs.KeyAuth)
		diags.Append(d...)
	}
	if s.Configs.OpenIDConnect != nil {
		m.OpenIDConnect, d = openIDConnectObject(ctx, types.StringNull(), s.Configs.OpenIDConnect)
		diags.Append(d...)
	}
	return diags
}
