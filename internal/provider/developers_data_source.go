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
	_ datasource.DataSource              = (*developersDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*developersDataSource)(nil)
)

// developersDataSource lists the developers of a portal.
type developersDataSource struct {
	client *client.Client
}

// developersDataSourceModel is the state of the devportal_developers data source.
type developersDataSourceModel struct {
	PortalID   types.String         `tfsdk:"portal_id"`
	Status     types.String         `tfsdk:"status"`
	Email      types.String         `tfsdk:"email"`
	Developers []developerItemModel `tfsdk:"developers"`
}

// developerItemModel is one developer of the list.
type developerItemModel struct {
	ID        types.String `tfsdk:"id"`
	Email     types.String `tfsdk:"email"`
	FullName  types.String `tfsdk:"full_name"`
	Status    types.String `tfsdk:"status"`
	CreatedAt types.String `tfsdk:"created_at"`
}

// NewDevelopersDataSource returns the devportal_developers data source.
func NewDevelopersDataSource() datasource.DataSource { return &developersDataSource{} }

func (d *developersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_developers"
}

func (d *developersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Description: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		Description: "Lists the developers of a portal, including those who signed up through the portal, in " +
			"creation order, optionally filtered by status and e-mail address.",
		Attributes: map[string]schema.Attribute{
			"portal_id": schema.StringAttribute{
				Description: "ID of the portal.",
				Required:    true,
				Validators:  []validator.String{uuidValidator{}},
			},
			"status": schema.StringAttribute{
				Description: "Keep only developers with this status: `approved`, `pending`, `rejected` or `revoked`.",
				Optional:    true,
				Validators:  []validator.String{stringvalidator.OneOf(client.DeveloperStatuses...)},
			},
			"email": schema.StringAttribute{
				Description: "Keep only the developer with this e-mail address, in any case (the server stores addresses lower-case and compares them ignoring case).",
				Optional:    true,
				Validators:  []validator.String{stringvalidator.RegexMatches(emailPattern, "must be an e-mail address, such as dev@example.com")},
			},
			"developers": schema.ListNestedAttribute{
				Description: "The developers that match.",
				Computed:    true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":         computed("Developer ID."),
					"email":      computed("E-mail address."),
					"full_name":  computed("Full name."),
					"status":     computed("`approved`, `pending`, `rejected` or `revoked`."),
					"created_at": computed("When the developer was created or signed up (RFC 3339)."),
				}},
			},
		},
	}
}

func (d *developersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (d *developersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m developersDataSourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	devs, err := d.client.ListAllDevelopers(ctx, m.PortalID.ValueString(), client.DeveloperListOptions{
		Status: m.Status.ValueString(),
		Email:  m.Email.ValueString(),
	})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to list developers", fmt.Sprintf("Portal %s", m.PortalID.ValueString()), err)
		return
	}
	m.Developers = make([]developerItemModel, len(devs))
	for i, dev := range devs {
		m.Developers[i] = developerItemModel{
			ID:        types.StringValue(dev.ID),
			Email:     types.StringValue(dev.Email),
			FullName:  types.StringValue(dev.FullName),
			Status:    types.StringValue(dev.Status),
			CreatedAt: types.StringValue(formatTimestamp(dev.CreatedAt)),
		}
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &m)...)
}
