package provider

import (
	"context"
	"fmt"

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
	_ datasource.DataSource              = (*gatewayServiceDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*gatewayServiceDataSource)(nil)
)

// gatewayServiceDataSource looks up one gateway service of a control plane by id or name.
type gatewayServiceDataSource struct {
	client *client.Client
}

// gatewayServiceDataSourceModel is the state of the devportal_gateway_service data source.
type gatewayServiceDataSourceModel struct {
	ID             types.String `tfsdk:"id"`
	ControlPlaneID types.String `tfsdk:"control_plane_id"`
	Name           types.String `tfsdk:"name"`
	Protocol       types.String `tfsdk:"protocol"`
	Host           types.String `tfsdk:"host"`
	Port           types.Int64  `tfsdk:"port"`
	Path           types.String `tfsdk:"path"`
	Retries        types.Int64  `tfsdk:"retries"`
	ConnectTimeout types.Int64  `tfsdk:"connect_timeout"`
	WriteTimeout   types.Int64  `tfsdk:"write_timeout"`
	ReadTimeout    types.Int64  `tfsdk:"read_timeout"`
	Enabled        types.Bool   `tfsdk:"enabled"`
	Tags           types.List   `tfsdk:"tags"`
}

// NewGatewayServiceDataSource returns the devportal_gateway_service data source.
func NewGatewayServiceDataSource() datasource.DataSource { return &gatewayServiceDataSource{} }

func (d *gatewayServiceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_gateway_service"
}

func (d *gatewayServiceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Description: desc, Computed: true}
	}
	num := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{Description: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		Description: "Looks up a gateway service of a control plane by `id` or by `name` (exactly one of the two).",
		Attributes: map[string]schema.Attribute{
			"control_plane_id": schema.StringAttribute{
				Description: "ID of the control plane that holds the service.",
				Required:    true,
				Validators:  []validator.String{uuidValidator{}},
			},
			"id": schema.StringAttribute{
				Description: "Service ID. Conflicts with `name`; exactly one of the two is required.",
				Optional:    true,
				Computed:    true,
				Validators: []validator.String{
					stringvalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
					uuidValidator{},
				},
			},
			"name": schema.StringAttribute{
				Description: "Service name (unique within the control plane). Conflicts with `id`; exactly one of the two is required.",
				Optional:    true,
				Computed:    true,
				Validators:  []validator.String{stringvalidator.RegexMatches(kongNamePattern, "must contain only letters, digits and '.', '-', '_' or '~'")},
			},
			"protocol":        str("Protocol used to reach the upstream."),
			"host":            str("Host of the upstream."),
			"port":            num("Port of the upstream."),
			"path":            str("Path prefix of requests to the upstream; null when there is none."),
			"retries":         num("Number of retries when proxying fails."),
			"connect_timeout": num("Connection timeout in milliseconds."),
			"write_timeout":   num("Write timeout in milliseconds."),
			"read_timeout":    num("Read timeout in milliseconds."),
			"enabled":         schema.BoolAttribute{Description: "Whether the gateway routes traffic to the service.", Computed: true},
			"tags":            schema.ListAttribute{Description: "Tags of the service.", Computed: true, ElementType: types.StringType},
		},
	}
}

func (d *gatewayServiceDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (d *gatewayServiceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg gatewayServiceDataSourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The server finds a service by id or by name on the same path.
	key, attr := cfg.ID.ValueString(), "id"
	if !known(cfg.ID) {
		key, attr = cfg.Name.ValueString(), "name"
	}
	s, err := d.client.GetGatewayService(ctx, cfg.ControlPlaneID.ValueString(), key)
	if client.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root(attr), "Gateway service not found",
			fmt.Sprintf("Control plane %s has no service with %s %q. Check the %s and the control plane.", cfg.ControlPlaneID.ValueString(), attr, key, attr))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read gateway service",
			fmt.Sprintf("Service %s of control plane %s", key, cfg.ControlPlaneID.ValueString()), err)
		return
	}
	resp.Diagnostics.Append(cfg.fromAPI(ctx, s)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &cfg)...)
}

// fromAPI fills the model from a service the server returned.
func (m *gatewayServiceDataSourceModel) fromAPI(ctx context.Context, s *client.GatewayService) diag.Diagnostics {
	m.ID = types.StringValue(s.ID)
	m.Name = types.StringPointerValue(s.Name)
	m.Protocol = types.StringValue(s.Protocol)
	m.Host = types.StringValue(s.Host)
	m.Port = types.Int64Value(s.Port)
	m.Path = types.StringPointerValue(s.Path)
	m.Retries = types.Int64Value(s.Retries)
	m.ConnectTimeout = types.Int64Value(s.ConnectTimeout)
	m.WriteTimeout = types.Int64Value(s.WriteTimeout)
	m.ReadTimeout = types.Int64Value(s.ReadTimeout)
	m.Enabled = types.BoolValue(s.Enabled)
	var diags diag.Diagnostics
	m.Tags, diags = types.ListValueFrom(ctx, types.StringType, nonNilStrings(s.Tags))
	return diags
}
