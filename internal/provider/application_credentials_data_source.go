package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ datasource.DataSource              = (*applicationCredentialsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*applicationCredentialsDataSource)(nil)
)

// applicationCredentialsDataSource lists the API key metadata of an application.
type applicationCredentialsDataSource struct {
	client *client.Client
}

// applicationCredentialsDataSourceModel is the state of the devportal_application_credentials data source.
type applicationCredentialsDataSourceModel struct {
	PortalID      types.String          `tfsdk:"portal_id"`
	ApplicationID types.String          `tfsdk:"application_id"`
	Credentials   []credentialItemModel `tfsdk:"credentials"`
}

// credentialItemModel is the metadata of one key.
type credentialItemModel struct {
	ID          types.String `tfsdk:"id"`
	DisplayName types.String `tfsdk:"display_name"`
	Status      types.String `tfsdk:"status"`
	ExpiresAt   types.String `tfsdk:"expires_at"`
	CreatedAt   types.String `tfsdk:"created_at"`
}

// NewApplicationCredentialsDataSource returns the devportal_application_credentials data source.
func NewApplicationCredentialsDataSource() datasource.DataSource {
	return &applicationCredentialsDataSource{}
}

func (d *applicationCredentialsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_application_credentials"
}

func (d *applicationCredentialsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Description: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		Description: "Lists the API keys of an application, whoever issued them, in creation order: metadata only, " +
			"never the keys themselves.",
		Attributes: map[string]schema.Attribute{
			"portal_id": schema.StringAttribute{
				Description: "ID of the portal of the application.",
				Required:    true,
				Validators:  []validator.String{uuidValidator{}},
			},
			"application_id": schema.StringAttribute{
				Description: "ID of the application.",
				Required:    true,
				Validators:  []validator.String{uuidValidator{}},
			},
			"credentials": schema.ListNestedAttribute{
				Description: "The application's keys.",
				Computed:    true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":           computed("Key ID."),
					"display_name": computed("Name of the key."),
					"status":       computed("`active` or `expired`."),
					"expires_at":   computed("When the key expires (RFC 3339); null when it never does."),
					"created_at":   computed("When the key was issued (RFC 3339)."),
				}},
			},
		},
	}
}

func (d *applicationCredentialsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (d *applicationCredentialsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m applicationCredentialsDataSourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	keys, err := d.client.ListAllCredentials(ctx, m.PortalID.ValueString(), m.ApplicationID.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to list API keys",
			fmt.Sprintf("Application %s of portal %s", m.ApplicationID.ValueString(), m.PortalID.ValueString()), err)
		return
	}
	m.Credentials = make([]credentialItemModel, len(keys))
	for i, k := range keys {
		m.Credentials[i] = credentialItemModel{
			ID:          types.StringValue(k.ID),
			DisplayName: types.StringValue(k.DisplayName),
			Status:      types.StringValue(k.Status),
			ExpiresAt:   expiryValue(types.StringNull(), k.ExpiresAt),
			CreatedAt:   types.StringValue(formatTimestamp(k.CreatedAt)),
		}
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &m)...)
}
