package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ resource.Resource                = (*gatewayServiceResource)(nil)
	_ resource.ResourceWithConfigure   = (*gatewayServiceResource)(nil)
	_ resource.ResourceWithImportState = (*gatewayServiceResource)(nil)
)

var (
	kongNamePattern     = regexp.MustCompile(`^[0-9a-zA-Z.\-_~]+$`)
	absolutePathPattern = regexp.MustCompile(`^/`)
)

// serviceProtocols are the protocols a gateway service may use to reach its upstream.
var serviceProtocols = []string{"grpc", "grpcs", "http", "https", "tcp", "tls", "tls_passthrough", "udp", "ws", "wss"}

// gatewayServiceResource manages a gateway service of a control plane.
type gatewayServiceResource struct {
	client *client.Client
}

// gatewayServiceResourceModel is the state of devportal_gateway_service.
type gatewayServiceResourceModel struct {
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

// NewGatewayServiceResource returns the devportal_gateway_service resource.
func NewGatewayServiceResource() resource.Resource { return &gatewayServiceResource{} }

func (r *gatewayServiceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_gateway_service"
}

func (r *gatewayServiceResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	timeout := func(what string) schema.Int64Attribute {
		return schema.Int64Attribute{
			Description: fmt.Sprintf("Timeout in milliseconds for %s (1 to 2147483646). Defaults to `%d`.", what, client.DefaultServiceTimeout),
			Optional:    true,
			Computed:    true,
			Default:     int64default.StaticInt64(client.DefaultServiceTimeout),
			Validators:  []validator.Int64{int64validator.Between(1, 2147483646)},
		}
	}
	resp.Schema = schema.Schema{
		Description: "A gateway service of a control plane: the upstream an API's traffic goes to. Link it to an API " +
			"with `devportal_api_service_link`; the server then owns the application auth plugin on it, which this " +
			"resource does not show. The server refuses to delete a service while an API is linked to it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "Service ID (UUID).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"control_plane_id": schema.StringAttribute{
				Description:   "ID of the control plane that holds the service. Changing it creates a new service.",
				Required:      true,
				Validators:    []validator.String{uuidValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				Description: "Name of the service: letters, digits, `.`, `-`, `_` and `~`, unique within the control plane.",
				Optional:    true,
				Validators:  []validator.String{stringvalidator.RegexMatches(kongNamePattern, "must contain only letters, digits and '.', '-', '_' or '~'")},
			},
			"protocol": schema.StringAttribute{
				Description: "Protocol used to reach the upstream: one of `" + strings.Join(serviceProtocols, "`, `") + "`. Defaults to `http`.",
				Optional:    true,
				Computed:    true,
				Default:     stringdefault.StaticString(client.DefaultServiceProtocol),
				Validators:  []validator.String{stringvalidator.OneOf(serviceProtocols...)},
			},
			"host": schema.StringAttribute{
				Description: "Host of the upstream.",
				Required:    true,
				Validators:  []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"port": schema.Int64Attribute{
				Description: "Port of the upstream (0 to 65535). Defaults to `80`.",
				Optional:    true,
				Computed:    true,
				Default:     int64default.StaticInt64(client.DefaultServicePort),
				Validators:  []validator.Int64{int64validator.Between(0, 65535)},
			},
			"path": schema.StringAttribute{
				Description: "Path prefix of requests to the upstream; it starts with `/`.",
				Optional:    true,
				Validators:  []validator.String{stringvalidator.RegexMatches(absolutePathPattern, "must start with '/'")},
			},
			"retries": schema.Int64Attribute{
				Description: fmt.Sprintf("Number of retries when proxying fails (0 to 32767). Defaults to `%d`.", client.DefaultServiceRetries),
				Optional:    true,
				Computed:    true,
				Default:     int64default.StaticInt64(client.DefaultServiceRetries),
				Validators:  []validator.Int64{int64validator.Between(0, 32767)},
			},
			"connect_timeout": timeout("connecting to the upstream"),
			"write_timeout":   timeout("two successive writes to the upstream"),
			"read_timeout":    timeout("two successive reads from the upstream"),
			"enabled": schema.BoolAttribute{
				Description: "Whether the gateway routes traffic to the service. Defaults to `true`.",
				Optional:    true,
				Computed:    true,
				Default:     booldefault.StaticBool(true),
			},
			"tags": schema.ListAttribute{
				Description: "Tags of the service, in order.",
				Optional:    true,
				ElementType: types.StringType,
				Validators:  []validator.List{listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
		},
	}
}

func (r *gatewayServiceResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (r *gatewayServiceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan gatewayServiceResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body, diags := gatewayServiceRequest(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	s, err := r.client.CreateGatewayService(ctx, plan.ControlPlaneID.ValueString(), body)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to create gateway service",
			fmt.Sprintf("Service %s of control plane %s", plan.Host.ValueString(), plan.ControlPlaneID.ValueString()), err)
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, s)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *gatewayServiceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state gatewayServiceResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s, err := r.client.GetGatewayService(ctx, state.ControlPlaneID.ValueString(), state.ID.ValueString())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read gateway service", state.object(), err)
		return
	}
	resp.Diagnostics.Append(state.fromAPI(ctx, s)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &state)...)
}

func (r *gatewayServiceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state gatewayServiceResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body, diags := gatewayServiceRequest(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	s, err := r.client.ReplaceGatewayService(ctx, state.ControlPlaneID.ValueString(), state.ID.ValueString(), body)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to update gateway service", state.object(), err)
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, s)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *gatewayServiceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state gatewayServiceResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.client.DeleteGatewayService(ctx, state.ControlPlaneID.ValueString(), state.ID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to delete gateway service", state.object(), err)
	}
}

func (r *gatewayServiceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	ids, ok := splitImportID(req.ID, 2)
	if !ok {
		addImportIDError(&resp.Diagnostics, req.ID, "<control_plane_id>/<service_id>")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("control_plane_id"), ids[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), ids[1])...)
}

func (m gatewayServiceResourceModel) object() string {
	return fmt.Sprintf("Service %s of control plane %s", m.ID.ValueString(), m.ControlPlaneID.ValueString())
}

// gatewayServiceRequest maps a planned service to the whole-entity body that
// both creation and replacement take.
func gatewayServiceRequest(ctx context.Context, m gatewayServiceResourceModel) (client.GatewayServiceRequest, diag.Diagnostics) {
	req := client.GatewayServiceRequest{
		Name:           m.Name.ValueStringPointer(),
		Protocol:       m.Protocol.ValueString(),
		Host:           m.Host.ValueString(),
		Port:           m.Port.ValueInt64Pointer(),
		Path:           m.Path.ValueStringPointer(),
		Retries:        m.Retries.ValueInt64Pointer(),
		ConnectTimeout: m.ConnectTimeout.ValueInt64Pointer(),
		WriteTimeout:   m.WriteTimeout.ValueInt64Pointer(),
		ReadTimeout:    m.ReadTimeout.ValueInt64Pointer(),
		Enabled:        m.Enabled.ValueBoolPointer(),
	}
	var diags diag.Diagnostics
	if known(m.Tags) {
		diags = m.Tags.ElementsAs(ctx, &req.Tags, false)
	}
	return req, diags
}

// fromAPI refreshes the model from a service the server returned.
func (m *gatewayServiceResourceModel) fromAPI(ctx context.Context, s *client.GatewayService) diag.Diagnostics {
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
	m.Tags, diags = stringsToList(ctx, m.Tags, s.Tags)
	return diags
}

// stringsToList maps a list from the server. An empty list keeps the prior
// value's shape (null or empty) so that an absent argument shows no difference.
func stringsToList(ctx context.Context, prior types.List, values []string) (types.List, diag.Diagnostics) {
	if len(values) == 0 {
		if known(prior) && len(prior.Elements()) == 0 {
			return prior, nil
		}
		return types.ListNull(types.StringType), nil
	}
	return types.ListValueFrom(ctx, types.StringType, values)
}
