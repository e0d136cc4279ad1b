package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ datasource.DataSource              = (*apiDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*apiDataSource)(nil)
)

// apiPortalAttrTypes is the shape of an item of the data source's portals.
var apiPortalAttrTypes = map[string]attr.Type{
	"id":           types.StringType,
	"name":         types.StringType,
	"display_name": types.StringType,
}

// apiDataSource looks up one API by id, or by name and version.
type apiDataSource struct {
	client *client.Client
}

// apiDataSourceModel is the state of the devportal_api data source.
type apiDataSourceModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Version     types.String `tfsdk:"version"`
	Slug        types.String `tfsdk:"slug"`
	Description types.String `tfsdk:"description"`
	Labels      types.Map    `tfsdk:"labels"`
	Portals     types.List   `tfsdk:"portals"`
}

// apiPortalModel is an item of the data source's portals.
type apiPortalModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	DisplayName types.String `tfsdk:"display_name"`
}

// NewAPIDataSource returns the devportal_api data source.
func NewAPIDataSource() datasource.DataSource { return &apiDataSource{} }

func (d *apiDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api"
}

func (d *apiDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Looks up an API of the provider's region by `id`, or by `name` and, when several versions " +
			"share the name, `version`; and tells where it is published.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description: "API ID. Conflicts with `name`; exactly one of the two is required.",
				Optional:    true,
				Computed:    true,
				Validators: []validator.String{
					stringvalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
					uuidValidator{},
				},
			},
			"name": schema.StringAttribute{
				Description: "API name. Conflicts with `id`; exactly one of the two is required.",
				Optional:    true,
				Computed:    true,
				Validators:  []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"version": schema.StringAttribute{
				Description: "API version; with `name`, picks one of the APIs that share the name. Null for an unversioned API.",
				Optional:    true,
				Computed:    true,
				Validators: []validator.String{
					stringvalidator.ConflictsWith(path.MatchRoot("id")),
					stringvalidator.LengthBetween(1, 255),
				},
			},
			"slug":        schema.StringAttribute{Description: "Slug of the API in portal URLs.", Computed: true},
			"description": schema.StringAttribute{Description: "Description; null when there is none.", Computed: true},
			"labels":      schema.MapAttribute{Description: "Labels.", Computed: true, ElementType: types.StringType},
			"portals": schema.ListNestedAttribute{
				Description: "Portals the API is published to.",
				Computed:    true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":           schema.StringAttribute{Description: "Portal ID.", Computed: true},
						"name":         schema.StringAttribute{Description: "Portal name.", Computed: true},
						"display_name": schema.StringAttribute{Description: "Name shown to developers.", Computed: true},
					},
				},
			},
		},
	}
}

func (d *apiDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (d *apiDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg apiDataSourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var a *client.API
	if known(cfg.ID) {
		var err error
		a, err = d.client.GetAPI(ctx, cfg.ID.ValueString())
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to read API", fmt.Sprintf("API %s", cfg.ID.ValueString()), err)
			return
		}
	} else {
		name := cfg.Name.ValueString()
		apis, err := d.client.FindAPIsByName(ctx, name)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to list APIs", fmt.Sprintf("APIs named %q", name), err)
			return
		}
		a = pickAPIVersion(apis, cfg.Version, name, &resp.Diagnostics)
		if a == nil {
			return
		}
	}
	resp.Diagnostics.Append(cfg.fromAPI(ctx, a)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &cfg)...)
}

// pickAPIVersion returns the one API of apis with the wanted version, or
// reports why there is none.
func pickAPIVersion(apis []client.API, version types.String, name string, diags *diag.Diagnostics) *client.API {
	matches := apis
	if known(version) {
		matches = nil
		for _, a := range apis {
			if a.Version != nil && *a.Version == version.ValueString() {
				matches = append(matches, a)
			}
		}
	}
	switch len(matches) {
	case 0:
		what := fmt.Sprintf("No API is named %q", name)
		if known(version) {
			what += fmt.Sprintf(" with version %q", version.ValueString())
		}
		diags.AddAttributeError(path.Root("name"), "API not found", what+" in this region. Check the name, the version and the provider's region.")
		return nil
	case 1:
		return &matches[0]
	}
	versions := make([]string, len(matches))
	for i, a := range matches {
		versions[i] = "(none)"
		if a.Version != nil {
			versions[i] = *a.Version
		}
	}
	slices.Sort(versions)
	diags.AddAttributeError(path.Root("version"), "Several APIs match",
		fmt.Sprintf("%d APIs are named %q, with versions %s; set version, or look the API up by id.", len(matches), name, strings.Join(versions, ", ")))
	return nil
}

// fromAPI fills the model from an API the server returned.
func (m *apiDataSourceModel) fromAPI(ctx context.Context, a *client.API) diag.Diagnostics {
	m.ID = types.StringValue(a.ID)
	m.Name = types.StringValue(a.Name)
	m.Version = types.StringPointerValue(a.Version)
	m.Slug = types.StringValue(a.Slug)
	m.Description = types.StringPointerValue(a.Description)
	var diags, d diag.Diagnostics
	m.Labels, d = types.MapValueFrom(ctx, types.StringType, nonNilLabels(a.Labels))
	diags.Append(d...)
	portals := make([]apiPortalModel, len(a.Portals))
	for i, p := range a.Portals {
		portals[i] = apiPortalModel{ID: types.StringValue(p.ID), Name: types.StringValue(p.Name), DisplayName: types.StringValue(p.DisplayName)}
	}
	m.Portals, d = types.ListValueFrom(ctx, types.ObjectType{AttrTypes: apiPortalAttrTypes}, portals)
	diags.Append(d...)
	return diags
}
