package provider

import (
	"context"
	"fmt"

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
	_ resource.Resource                = (*apiServiceLinkResource)(nil)
	_ resource.ResourceWithConfigure   = (*apiServiceLinkResource)(nil)
	_ resource.ResourceWithImportState = (*apiServiceLinkResource)(nil)
)

// apiServiceLinkResource links an API to the gateway service that implements it.
type apiServiceLinkResource struct {
	client *client.Client
}

// apiServiceLinkResourceModel is the state of devportal_api_service_link.
type apiServiceLinkResourceModel struct {
	ID                    types.String `tfsdk:"id"`
	APIID                 types.String `tfsdk:"api_id"`
	ControlPlaneID        types.String `tfsdk:"control_plane_id"`
	ServiceID             types.String `tfsdk:"service_id"`
	AuthStrategySyncError types.String `tfsdk:"auth_strategy_sync_error"`
}

// NewAPIServiceLinkResource returns the devportal_api_service_link resource.
func NewAPIServiceLinkResource() resource.Resource { return &apiServiceLinkResource{} }

func (r *apiServiceLinkResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_service_link"
}

func (r *apiServiceLinkResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		Description: "Links an API to the gateway service that implements it. An API has at most one link and a " +
			"service serves at most one API. While the API is published with an application auth strategy, the " +
			"server owns a `konnect-application-auth` plugin on the linked service; the plugin is applied when " +
			"the link is created and removed when it is deleted. The plugin depends on the publications as much " +
			"as on the link, so the link does not show it: read it with the `devportal_application_auth_enforcement` " +
			"data source, with `depends_on` naming the link and the publications. Every argument forces a new link, so moving an " +
			"API to another service unlinks it first and then links it again: the plugin moves with it. The " +
			"server refuses the link while a data-plane node older than gateway 3.6 is registered with the " +
			"control plane.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "Link ID (UUID), the API implementation ID of the API.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"api_id": schema.StringAttribute{
				Description:   "ID of the API. Changing it creates a new link.",
				Required:      true,
				Validators:    []validator.String{uuidValidator{}},
				PlanModifiers: replace,
			},
			"control_plane_id": schema.StringAttribute{
				Description:   "ID of the control plane that holds the service. Changing it creates a new link.",
				Required:      true,
				Validators:    []validator.String{uuidValidator{}},
				PlanModifiers: replace,
			},
			"service_id": schema.StringAttribute{
				Description:   "ID of the gateway service. Changing it creates a new link.",
				Required:      true,
				Validators:    []validator.String{uuidValidator{}},
				PlanModifiers: replace,
			},
			"auth_strategy_sync_error": schema.StringAttribute{
				Description: "Why the service does not enforce the API's application auth strategies, such as a " +
					"data-plane node older than gateway 3.6 that registered after the link; null when there is no problem. " +
					"While it is set, every refresh (plan, apply) warns.",
				Computed: true,
			},
		},
	}
}

func (r *apiServiceLinkResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

// serviceLinkWireFields names the attributes behind the fields of an implementation request.
var serviceLinkWireFields = wireFields{
	"service":                  path.Root("service_id"),
	"service.id":               path.Root("service_id"),
	"service.control_plane_id": path.Root("control_plane_id"),
}

func (r *apiServiceLinkResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan apiServiceLinkResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	im, err := r.client.CreateImplementation(ctx, plan.APIID.ValueString(), plan.ControlPlaneID.ValueString(), plan.ServiceID.ValueString())
	if err != nil {
		serviceLinkWireFields.addAPIError(&resp.Diagnostics, "Unable to link API to gateway service",
			fmt.Sprintf("API %s and service %s of control plane %s", plan.APIID.ValueString(), plan.ServiceID.ValueString(), plan.ControlPlaneID.ValueString()), err)
		return
	}
	plan.fromAPI(im)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *apiServiceLinkResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state apiServiceLinkResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	im, err := r.client.GetImplementation(ctx, state.APIID.ValueString(), state.ID.ValueString())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read API service link", state.object(), err)
		return
	}
	state.fromAPI(im)
	if known(state.AuthStrategySyncError) {
		// A read-only attribute that changes shows nowhere in a plan: say it.
		resp.Diagnostics.AddWarning("Application auth not enforced",
			fmt.Sprintf("The gateway service %s of control plane %s does not enforce the application auth of API %s: %s. "+
				"Upgrade or remove that data-plane node.", state.ServiceID.ValueString(), state.ControlPlaneID.ValueString(),
				state.APIID.ValueString(), state.AuthStrategySyncError.ValueString()))
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &state)...)
}

// Update is never called: every argument requires replacement.
func (r *apiServiceLinkResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.AddError("Unexpected update of an API service link",
		"Every argument of devportal_api_service_link forces a new link. Please report this issue to the provider developers.")
}

func (r *apiServiceLinkResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state apiServiceLinkResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.client.DeleteImplementation(ctx, state.APIID.ValueString(), state.ID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to unlink API from gateway service", state.object(), err)
	}
}

func (r *apiServiceLinkResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	ids, ok := splitImportID(req.ID, 2)
	if !ok {
		addImportIDError(&resp.Diagnostics, req.ID, "<api_id>/<link_id>")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("api_id"), ids[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), ids[1])...)
}

func (m apiServiceLinkResourceModel) object() string {
	return fmt.Sprintf("Link %s of API %s", m.ID.ValueString(), m.APIID.ValueString())
}

// fromAPI refreshes the model from a link the server returned.
func (m *apiServiceLinkResourceModel) fromAPI(im *client.Implementation) {
	m.ID = types.StringValue(im.ID)
	m.APIID = types.StringValue(im.APIID)
	m.ControlPlaneID = types.StringValue(im.Service.ControlPlaneID)
	m.ServiceID = types.StringValue(im.Service.ID)
	m.AuthStrategySyncError = types.StringNull()
	if im.Service.AuthStrategySyncError != nil {
		m.AuthStrategySyncError = types.StringValue(im.Service.AuthStrategySyncError.Message)
	}
}
