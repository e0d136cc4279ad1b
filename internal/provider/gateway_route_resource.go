package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ resource.Resource                = (*gatewayRouteResource)(nil)
	_ resource.ResourceWithConfigure   = (*gatewayRouteResource)(nil)
	_ resource.ResourceWithImportState = (*gatewayRouteResource)(nil)
)

// routeProtocols are the protocols the server accepts on a route: it routes HTTP traffic only.
var routeProtocols = []string{"http", "https"}

// routeMethodPattern is an HTTP method as a route matches it: upper-case letters only.
var routeMethodPattern = regexp.MustCompile(`^[A-Z]+$`)

// gatewayRouteResource manages a gateway route of a control plane.
type gatewayRouteResource struct {
	client *client.Client
}

// gatewayRouteResourceModel is the state of devportal_gateway_route.
type gatewayRouteResourceModel struct {
	ID                      types.String `tfsdk:"id"`
	ControlPlaneID          types.String `tfsdk:"control_plane_id"`
	ServiceID               types.String `tfsdk:"service_id"`
	Name                    types.String `tfsdk:"name"`
	Protocols               types.List   `tfsdk:"protocols"`
	Methods                 types.List   `tfsdk:"methods"`
	Hosts                   types.List   `tfsdk:"hosts"`
	Paths                   types.List   `tfsdk:"paths"`
	StripPath               types.Bool   `tfsdk:"strip_path"`
	PreserveHost            types.Bool   `tfsdk:"preserve_host"`
	HTTPSRedirectStatusCode types.Int64  `tfsdk:"https_redirect_status_code"`
	PathHandling            types.String `tfsdk:"path_handling"`
	RegexPriority           types.Int64  `tfsdk:"regex_priority"`
	RequestBuffering        types.Bool   `tfsdk:"request_buffering"`
	ResponseBuffering       types.Bool   `tfsdk:"response_buffering"`
	Tags                    types.List   `tfsdk:"tags"`
}

// NewGatewayRouteResource returns the devportal_gateway_route resource.
func NewGatewayRouteResource() resource.Resource { return &gatewayRouteResource{} }

func (r *gatewayRouteResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_gateway_route"
}

func (r *gatewayRouteResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	matchList := func(what string, element validator.String, more ...validator.List) schema.ListAttribute {
		return schema.ListAttribute{
			Description: what + " At least one of `paths`, `hosts` and `methods` is required.",
			Optional:    true,
			ElementType: types.StringType,
			Validators:  append([]validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(element)}, more...),
		}
	}
	defaultProtocols := make([]attr.Value, len(client.DefaultRouteProtocols))
	for i, p := range client.DefaultRouteProtocols {
		defaultProtocols[i] = types.StringValue(p)
	}
	resp.Schema = schema.Schema{
		Description: "A gateway route of a control plane: the requests, matched by path, host and method, that reach a " +
			"gateway service. The server refuses to delete a service while routes point at it, so Terraform deletes " +
			"routes before the service they reference.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "Route ID (UUID).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"control_plane_id": schema.StringAttribute{
				Description:   "ID of the control plane that holds the route. Changing it creates a new route.",
				Required:      true,
				Validators:    []validator.String{uuidValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"service_id": schema.StringAttribute{
				Description: "ID of the gateway service, in the same control plane, that matching requests go to. " +
					"Without it the route matches but has nowhere to send requests.",
				Optional:   true,
				Validators: []validator.String{uuidValidator{}},
			},
			"name": schema.StringAttribute{
				Description: "Name of the route: letters, digits, `.`, `-`, `_` and `~`, unique within the control plane.",
				Optional:    true,
				Validators:  []validator.String{stringvalidator.RegexMatches(kongNamePattern, "must contain only letters, digits and '.', '-', '_' or '~'")},
			},
			"protocols": schema.ListAttribute{
				Description: "Protocols the route accepts: `http` and/or `https`. Defaults to `[\"https\"]`; a route " +
					"that accepts only `https` answers plain HTTP requests with `https_redirect_status_code`.",
				Optional:    true,
				Computed:    true,
				ElementType: types.StringType,
				Default:     listdefault.StaticValue(types.ListValueMust(types.StringType, defaultProtocols)),
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.ValueStringsAre(stringvalidator.OneOf(routeProtocols...)),
				},
			},
			"methods": matchList("HTTP methods the route matches, in upper case, such as `GET`.",
				stringvalidator.RegexMatches(routeMethodPattern, "must be an HTTP method in upper-case letters, such as GET")),
			"hosts": matchList("Host names the route matches, such as `api.example.com`, optionally with a port and a "+
				"leading or trailing `*` label.", stringvalidator.LengthAtLeast(1)),
			"paths": matchList("Paths the route matches by prefix; each starts with `/`, or `~/` for a regular expression.",
				// One check on paths reports a route that matches on nothing once, not once per list.
				routePathValidator{}, listvalidator.AtLeastOneOf(path.MatchRoot("hosts"), path.MatchRoot("methods"))),
			"strip_path": schema.BoolAttribute{
				Description: "Whether the matched path prefix is removed from the request sent to the service. Defaults to `true`.",
				Optional:    true,
				Computed:    true,
				Default:     booldefault.StaticBool(true),
			},
			"preserve_host": schema.BoolAttribute{
				Description: "Whether the request's `Host` header is sent to the service instead of the service's host. Defaults to `false`.",
				Optional:    true,
				Computed:    true,
				Default:     booldefault.StaticBool(false),
			},
			"https_redirect_status_code": schema.Int64Attribute{
				Description: fmt.Sprintf("Status the gateway answers plain HTTP requests with when the route accepts only "+
					"`https`: one of 301, 302, 307, 308 and 426. Defaults to `%d`.", client.DefaultRouteHTTPSRedirectStatusCode),
				Optional:   true,
				Computed:   true,
				Default:    int64default.StaticInt64(client.DefaultRouteHTTPSRedirectStatusCode),
				Validators: []validator.Int64{int64validator.OneOf(301, 302, 307, 308, 426)},
			},
			"path_handling": schema.StringAttribute{
				Description: "How the service path, route path and request path combine: `v0` or `v1`. Defaults to `v0`.",
				Optional:    true,
				Computed:    true,
				Default:     stringdefault.StaticString(client.DefaultRoutePathHandling),
				Validators:  []validator.String{stringvalidator.OneOf("v0", "v1")},
			},
			"regex_priority": schema.Int64Attribute{
				Description: "Priority among routes whose regular-expression paths match the same request; higher wins. Defaults to `0`.",
				Optional:    true,
				Computed:    true,
				Default:     int64default.StaticInt64(0),
			},
			"request_buffering": schema.BoolAttribute{
				Description: "Whether the gateway buffers request bodies. Defaults to `true`.",
				Optional:    true,
				Computed:    true,
				Default:     booldefault.StaticBool(true),
			},
			"response_buffering": schema.BoolAttribute{
				Description: "Whether the gateway buffers response bodies. Defaults to `true`.",
				Optional:    true,
				Computed:    true,
				Default:     booldefault.StaticBool(true),
			},
			"tags": schema.ListAttribute{
				Description: "Tags of the route, in order.",
				Optional:    true,
				ElementType: types.StringType,
				Validators:  []validator.List{listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
		},
	}
}

func (r *gatewayRouteResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (r *gatewayRouteResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan gatewayRouteResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body, diags := gatewayRouteRequest(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	rt, err := r.client.CreateGatewayRoute(ctx, plan.ControlPlaneID.ValueString(), body)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to create gateway route",
			fmt.Sprintf("Route %s of control plane %s", plan.Name.ValueString(), plan.ControlPlaneID.ValueString()), err)
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, rt)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *gatewayRouteResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state gatewayRouteResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	rt, err := r.client.GetGatewayRoute(ctx, state.ControlPlaneID.ValueString(), state.ID.ValueString())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read gateway route", state.object(), err)
		return
	}
	resp.Diagnostics.Append(state.fromAPI(ctx, rt)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &state)...)
}

func (r *gatewayRouteResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state gatewayRouteResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body, diags := gatewayRouteRequest(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	rt, err := r.client.ReplaceGatewayRoute(ctx, state.ControlPlaneID.ValueString(), state.ID.ValueString(), body)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to update gateway route", state.object(), err)
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, rt)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *gatewayRouteResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state gatewayRouteResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.client.DeleteGatewayRoute(ctx, state.ControlPlaneID.ValueString(), state.ID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to delete gateway route", state.object(), err)
	}
}

func (r *gatewayRouteResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	ids, ok := splitImportID(req.ID, 2)
	if !ok {
		addImportIDError(&resp.Diagnostics, req.ID, "<control_plane_id>/<route_id>")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("control_plane_id"), ids[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), ids[1])...)
}

func (m gatewayRouteResourceModel) object() string {
	return fmt.Sprintf("Route %s of control plane %s", m.ID.ValueString(), m.ControlPlaneID.ValueString())
}

// gatewayRouteRequest maps a planned route to the whole-entity body that both creation and
// replacement take.
func gatewayRouteRequest(ctx context.Context, m gatewayRouteResourceModel) (client.GatewayRouteRequest, diag.Diagnostics) {
	req := client.GatewayRouteRequest{
		Name:                    m.Name.ValueStringPointer(),
		StripPath:               m.StripPath.ValueBoolPointer(),
		PreserveHost:            m.PreserveHost.ValueBoolPointer(),
		HTTPSRedirectStatusCode: m.HTTPSRedirectStatusCode.ValueInt64Pointer(),
		PathHandling:            m.PathHandling.ValueString(),
		RegexPriority:           m.RegexPriority.ValueInt64Pointer(),
		RequestBuffering:        m.RequestBuffering.ValueBoolPointer(),
		ResponseBuffering:       m.ResponseBuffering.ValueBoolPointer(),
	}
	if known(m.ServiceID) {
		req.Service = &client.EntityLink{ID: m.ServiceID.ValueString()}
	}
	var diags diag.Diagnostics
	for _, l := range []struct {
		list types.List
		dst  *[]string
	}{
		{m.Protocols, &req.Protocols}, {m.Methods, &req.Methods}, {m.Hosts, &req.Hosts},
		{m.Paths, &req.Paths}, {m.Tags, &req.Tags},
	} {
		if known(l.list) {
			diags.Append(l.list.ElementsAs(ctx, l.dst, false)...)
		}
	}
	return req, diags
}

// fromAPI refreshes the model from a route the server returned.
func (m *gatewayRouteResourceModel) fromAPI(ctx context.Context, rt *client.GatewayRoute) diag.Diagnostics {
	m.ID = types.StringValue(rt.ID)
	m.Name = types.StringPointerValue(rt.Name)
	m.ServiceID = types.StringNull()
	if rt.Service != nil {
		m.ServiceID = types.StringValue(rt.Service.ID)
	}
	m.StripPath = types.BoolValue(rt.StripPath)
	m.PreserveHost = types.BoolValue(rt.PreserveHost)
	m.HTTPSRedirectStatusCode = types.Int64Value(rt.HTTPSRedirectStatusCode)
	m.PathHandling = types.StringValue(rt.PathHandling)
	m.RegexPriority = types.Int64Value(rt.RegexPriority)
	m.RequestBuffering = types.BoolValue(rt.RequestBuffering)
	m.ResponseBuffering = types.BoolValue(rt.ResponseBuffering)
	var diags, d diag.Diagnostics
	m.Protocols, d = types.ListValueFrom(ctx, types.StringType, rt.Protocols)
	diags.Append(d...)
	m.Methods, d = stringsToList(ctx, m.Methods, rt.Methods)
	diags.Append(d...)
	m.Hosts, d = stringsToList(ctx, m.Hosts, rt.Hosts)
	diags.Append(d...)
	m.Paths, d = stringsToList(ctx, m.Paths, rt.Paths)
	diags.Append(d...)
	m.Tags, d = stringsToList(ctx, m.Tags, rt.Tags)
	diags.Append(d...)
	return diags
}
