package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ datasource.DataSource              = (*applicationRegistrationsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*applicationRegistrationsDataSource)(nil)
)

// applicationRegistrationsDataSource lists the registrations of a portal's applications.
type applicationRegistrationsDataSource struct {
	client *client.Client
}

// applicationRegistrationsDataSourceModel is the state of the devportal_application_registrations data source.
type applicationRegistrationsDataSourceModel struct {
	PortalID      types.String            `tfsdk:"portal_id"`
	Status        types.String            `tfsdk:"status"`
	APIID         types.String            `tfsdk:"api_id"`
	ApplicationID types.String            `tfsdk:"application_id"`
	DeveloperID   types.String            `tfsdk:"developer_id"`
	Registrations []registrationItemModel `tfsdk:"registrations"`
}

// registrationItemModel is one registration of the list.
type registrationItemModel struct {
	ID              types.String `tfsdk:"id"`
	Status          types.String `tfsdk:"status"`
	SuspendedReason types.String `tfsdk:"suspended_reason"`
	APIID           types.String `tfsdk:"api_id"`
	APIName         types.String `tfsdk:"api_name"`
	ApplicationID   types.String `tfsdk:"application_id"`
	ApplicationName types.String `tfsdk:"application_name"`
	CreatedAt       types.String `tfsdk:"created_at"`
}

// NewApplicationRegistrationsDataSource returns the devportal_application_registrations data source.
func NewApplicationRegistrationsDataSource() datasource.DataSource {
	return &applicationRegistrationsDataSource{}
}

func (d *applicationRegistrationsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_application_registrations"
}

func (d *applicationRegistrationsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Description: desc, Computed: true}
	}
	id := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Description: desc, Optional: true, Validators: []validator.String{uuidValidator{}}}
	}
	resp.Schema = schema.Schema{
		Description: "Lists the registrations of a portal's applications with APIs, whether made by developers in " +
			"the portal or by Terraform, in creation order; for example the `pending` ones awaiting a decision. " +
			"Filters combine.",
		Attributes: map[string]schema.Attribute{
			"portal_id": schema.StringAttribute{
				Description: "ID of the portal.",
				Required:    true,
				Validators:  []validator.String{uuidValidator{}},
			},
			"status": schema.StringAttribute{
				Description: "Keep only registrations with this status: `approved`, `pending`, `rejected` or `revoked`.",
				Optional:    true,
				Validators:  []validator.String{stringvalidator.OneOf(client.RegistrationStatuses...)},
			},
			"api_id":         id("Keep only registrations with this API."),
			"application_id": id("Keep only registrations of this application."),
			"developer_id":   id("Keep only registrations of applications this developer owns."),
			"registrations": schema.ListNestedAttribute{
				Description: "The registrations that match.",
				Computed:    true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":     computed("Registration ID."),
					"status": computed("`approved`, `pending`, `rejected` or `revoked`."),
					"suspended_reason": computed("Why the registration grants no access whatever its status: the API's " +
						"publication no longer accepts the application's auth strategy. Null otherwise; the registration " +
						"grants access again, with its status, once the publication accepts that strategy again."),
					"api_id":           computed("API ID."),
					"api_name":         computed("API name."),
					"application_id":   computed("Application ID."),
					"application_name": computed("Application name."),
					"created_at":       computed("When the registration was made (RFC 3339)."),
				}},
			},
		},
	}
}

func (d *applicationRegistrationsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (d *applicationRegistrationsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m applicationRegistrationsDataSourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	regs, err := d.client.ListAllPortalRegistrations(ctx, m.PortalID.ValueString(), client.RegistrationListOptions{
		Status:        m.Status.ValueString(),
		APIID:         m.APIID.ValueString(),
		ApplicationID: m.ApplicationID.ValueString(),
		DeveloperID:   m.DeveloperID.ValueString(),
	})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to list application registrations", fmt.Sprintf("Portal %s", m.PortalID.ValueString()), err)
		return
	}
	m.Registrations = make([]registrationItemModel, len(regs))
	for i, r := range regs {
		m.Registrations[i] = registrationItemModel{
			ID:              types.StringValue(r.ID),
			Status:          types.StringValue(r.Status),
			SuspendedReason: types.StringNull(),
			APIID:           types.StringValue(r.API.ID),
			APIName:         types.StringValue(r.API.Name),
			ApplicationID:   types.StringValue(r.Application.ID),
			ApplicationName: types.StringValue(r.Application.Name),
			CreatedAt:       types.StringValue(formatTimestamp(r.CreatedAt)),
		}
		if r.SuspendedReason != "" {
			m.Registrations[i].SuspendedReason = types.StringValue(r.SuspendedReason)
		}
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &m)...)
}
