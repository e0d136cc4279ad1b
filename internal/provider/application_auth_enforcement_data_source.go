package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ datasource.DataSource              = (*applicationAuthEnforcementDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*applicationAuthEnforcementDataSource)(nil)
)

// Enforcement statuses of an API's application auth.
const (
	enforcementApplied = "applied"
	enforcementPending = "pending"
	enforcementNone    = "none"
)

// applicationAuthEnforcementDataSource tells where and how an API's application auth is enforced.
type applicationAuthEnforcementDataSource struct {
	client *client.Client
}

// applicationAuthEnforcementModel is the state of the devportal_application_auth_enforcement data source.
type applicationAuthEnforcementModel struct {
	APIID           types.String `tfsdk:"api_id"`
	Status          types.String `tfsdk:"status"`
	ControlPlaneID  types.String `tfsdk:"control_plane_id"`
	ServiceID       types.String `tfsdk:"service_id"`
	PluginID        types.String `tfsdk:"plugin_id"`
	AuthStrategyIDs types.List   `tfsdk:"auth_strategy_ids"`
	KeyNames        types.List   `tfsdk:"key_names"`
	SyncError       types.String `tfsdk:"sync_error"`
}

// enforcement is what the data source reports, computed from the API's
// publications, its service link and the plugin on the linked service.
type enforcement struct {
	Status          string
	ControlPlaneID  *string
	ServiceID       *string
	PluginID        *string
	AuthStrategyIDs []string
	KeyNames        []string
	SyncError       *string
}

// NewApplicationAuthEnforcementDataSource returns the devportal_application_auth_enforcement data source.
func NewApplicationAuthEnforcementDataSource() datasource.DataSource {
	return &applicationAuthEnforcementDataSource{}
}

func (d *applicationAuthEnforcementDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_application_auth_enforcement"
}

func (d *applicationAuthEnforcementDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Tells where and how the application auth of an API is enforced: the managed " +
			"`konnect-application-auth` plugin the server keeps on the API's linked gateway service, from the " +
			"API's publications, its service link and the service's plugins. Terraform reads a data source while " +
			"planning unless something it depends on changes, so to see the result of changes in the same " +
			"configuration, add `depends_on` on the API's publications and its link; after a change that removes " +
			"them, the next plan shows the new state.",
		Attributes: map[string]schema.Attribute{
			"api_id": schema.StringAttribute{
				Description: "ID of the API.",
				Required:    true,
				Validators:  []validator.String{uuidValidator{}},
			},
			"status": schema.StringAttribute{
				Description: "`applied` when the plugin is on the linked service and every node of its control " +
					"plane can enforce it; `pending` when a publication uses a strategy but the API is not linked, " +
					"the plugin is missing, or a node too old for application auth is registered (see `sync_error`); " +
					"`none` when no publication of the API uses an application auth strategy.",
				Computed: true,
			},
			"control_plane_id": schema.StringAttribute{Description: "Control plane of the linked service; null when the API is not linked.", Computed: true},
			"service_id":       schema.StringAttribute{Description: "Linked gateway service; null when the API is not linked.", Computed: true},
			"plugin_id":        schema.StringAttribute{Description: "ID of the managed plugin on the service; null when there is none.", Computed: true},
			"auth_strategy_ids": schema.ListAttribute{
				Description: "Strategies enforced, sorted: those of the plugin when it is applied, else those the " +
					"API's publications use and that the plugin will enforce once applied.",
				Computed:    true,
				ElementType: types.StringType,
			},
			"key_names": schema.ListAttribute{
				Description: "Header and query names under which the plugin accepts API keys, sorted; empty when no plugin is applied.",
				Computed:    true,
				ElementType: types.StringType,
			},
			"sync_error": schema.StringAttribute{
				Description: "Why the linked service does not enforce the strategies, such as a data-plane node older than gateway 3.6; null when there is no problem.",
				Computed:    true,
			},
		},
	}
}

func (d *applicationAuthEnforcementDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (d *applicationAuthEnforcementDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg applicationAuthEnforcementModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	apiID := cfg.APIID.ValueString()
	object := fmt.Sprintf("API %s", apiID)
	// Reading the API first turns an unknown id into a clear 404.
	if _, err := d.client.GetAPI(ctx, apiID); err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read API", object, err)
		return
	}
	pubs, err := d.client.PublicationsOfAPI(ctx, apiID)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to list API publications", object, err)
		return
	}
	links, err := d.client.ImplementationsOfAPI(ctx, apiID)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to list API service links", object, err)
		return
	}
	var plugin *client.Plugin
	var link *client.Implementation
	if len(links) > 0 {
		link = &links[0]
		plugin, err = d.client.ManagedApplicationAuthPlugin(ctx, link.Service.ControlPlaneID, link.Service.ID, apiID)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to read the application auth plugin",
				fmt.Sprintf("Plugins of service %s of control plane %s", link.Service.ID, link.Service.ControlPlaneID), err)
			return
		}
	}
	e, err := enforcementOf(pubs, link, plugin)
	if err != nil {
		resp.Diagnostics.AddError("Unable to read the application auth plugin", fmt.Sprintf("%s: %s.", object, err))
		return
	}
	resp.Diagnostics.Append(cfg.fromEnforcement(ctx, e)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &cfg)...)
}

// enforcementOf derives the enforcement of an API from its publications, its
// service link (nil when unlinked) and the managed plugin on the linked
// service (nil when there is none).
func enforcementOf(pubs []client.Publication, link *client.Implementation, plugin *client.Plugin) (enforcement, error) {
	var wanted []string
	for _, p := range pubs {
		wanted = append(wanted, p.AuthStrategyIDs...)
	}
	slices.Sort(wanted)
	wanted = slices.Compact(wanted)

	e := enforcement{Status: enforcementNone, AuthStrategyIDs: wanted, KeyNames: []string{}}
	if link != nil {
		e.ControlPlaneID, e.ServiceID = &link.Service.ControlPlaneID, &link.Service.ID
		if se := link.Service.AuthStrategySyncError; se != nil {
			e.SyncError = &se.Message
		}
	}
	if plugin != nil {
		cfg, err := plugin.ApplicationAuthConfig()
		if err != nil {
			return e, err
		}
		e.PluginID = &plugin.ID
		e.AuthStrategyIDs = cfg.StrategyIDs()
		e.KeyNames = cfg.KeyNames()
	}
	switch {
	case plugin != nil && e.SyncError == nil:
		e.Status = enforcementApplied
	case plugin != nil || len(wanted) > 0:
		e.Status = enforcementPending
	}
	if e.AuthStrategyIDs == nil {
		e.AuthStrategyIDs = []string{}
	}
	return e, nil
}

// fromEnforcement fills the model.
func (m *applicationAuthEnforcementModel) fromEnforcement(ctx context.Context, e enforcement) diag.Diagnostics {
	m.Status = types.StringValue(e.Status)
	m.ControlPlaneID = types.StringPointerValue(e.ControlPlaneID)
	m.ServiceID = types.StringPointerValue(e.ServiceID)
	m.PluginID = types.StringPointerValue(e.PluginID)
	m.SyncError = types.StringPointerValue(e.SyncError)
	var diags, d diag.Diagnostics
	m.AuthStrategyIDs, d = types.ListValueFrom(ctx, types.StringType, e.AuthStrategyIDs)
	diags.Append(d...)
	m.KeyNames, d = types.ListValueFrom(ctx, types.StringType, e.KeyNames)
	diags.Append(d...)
	return diags
}
