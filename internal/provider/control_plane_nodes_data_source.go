package provider

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ datasource.DataSource              = (*controlPlaneNodesDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*controlPlaneNodesDataSource)(nil)
)

// controlPlaneNodesDataSource lists the data-plane nodes registered with a control plane.
type controlPlaneNodesDataSource struct {
	client *client.Client
}

// controlPlaneNodesDataSourceModel is the state of the devportal_control_plane_nodes data source.
type controlPlaneNodesDataSourceModel struct {
	ControlPlaneID          types.String    `tfsdk:"control_plane_id"`
	SupportsApplicationAuth types.Bool      `tfsdk:"supports_application_auth"`
	ExpectedConfigHash      types.String    `tfsdk:"expected_config_hash"`
	InSync                  types.Bool      `tfsdk:"in_sync"`
	Nodes                   []nodeItemModel `tfsdk:"nodes"`
}

// nodeItemModel is one node of the list.
type nodeItemModel struct {
	ID                      types.String `tfsdk:"id"`
	Hostname                types.String `tfsdk:"hostname"`
	Version                 types.String `tfsdk:"version"`
	LastPing                types.String `tfsdk:"last_ping"`
	ConfigHash              types.String `tfsdk:"config_hash"`
	CompatibilityState      types.String `tfsdk:"compatibility_state"`
	SupportsApplicationAuth types.Bool   `tfsdk:"supports_application_auth"`
}

// NewControlPlaneNodesDataSource returns the devportal_control_plane_nodes data source.
func NewControlPlaneNodesDataSource() datasource.DataSource {
	return &controlPlaneNodesDataSource{}
}

func (d *controlPlaneNodesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_control_plane_nodes"
}

func (d *controlPlaneNodesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Description: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		Description: "Lists the data-plane (gateway) nodes registered with a control plane, ordered by hostname, with " +
			"the gateway version each runs. Application auth is enforced only by gateways 3.6 or later: while a node " +
			"of the control plane is older, the server refuses new service links to its services and existing links " +
			"report the node in `auth_strategy_sync_error`. Use this list to find the node to upgrade or remove.",
		Attributes: map[string]schema.Attribute{
			"control_plane_id": schema.StringAttribute{
				Description: "ID of the control plane.",
				Required:    true,
				Validators:  []validator.String{uuidValidator{}},
			},
			"supports_application_auth": schema.BoolAttribute{
				Description: "Whether every node runs gateway 3.6 or later, so that the control plane's services can be " +
					"linked to APIs and enforce their application auth; true when no node is registered.",
				Computed: true,
			},
			"expected_config_hash": computed("Hash of the configuration the control plane holds now: a node that " +
				"reports this hash enforces everything the control plane holds."),
			"in_sync": schema.BoolAttribute{
				Description: "Whether every node reports `expected_config_hash`, so that traffic is enforced as configured " +
					"now; true when no node is registered. A node catches up within its sync wait while the backend " +
					"is reachable.",
				Computed: true,
			},
			"nodes": schema.ListNestedAttribute{
				Description: "The registered nodes.",
				Computed:    true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":        computed("Node ID."),
					"hostname":  computed("Host name the node reported."),
					"version":   computed("Gateway version the node runs, such as `3.9.1` or `3.4.3.12-enterprise-edition`."),
					"last_ping": computed("When the node last reported (RFC 3339); null when the server does not say."),
					"config_hash": computed("Hash of the configuration the node last reported enforcing; null before it " +
						"reported one. Compare it with `expected_config_hash`."),
					"compatibility_state": computed("The server's compatibility state of the node, such as " +
						"`COMPATIBILITY_STATE_FULLY_COMPATIBLE` or `COMPATIBILITY_STATE_INCOMPATIBLE`."),
					"supports_application_auth": schema.BoolAttribute{
						Description: "Whether the node's version is 3.6 or later (major and minor compared; a version " +
							"that does not parse counts as older), the rule the server applies to service links.",
						Computed: true,
					},
				}},
			},
		},
	}
}

func (d *controlPlaneNodesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (d *controlPlaneNodesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m controlPlaneNodesDataSourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	nodes, err := d.client.ListNodes(ctx, m.ControlPlaneID.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to list control plane nodes", fmt.Sprintf("Control plane %s", m.ControlPlaneID.ValueString()), err)
		return
	}
	expected, err := d.client.GetExpectedConfigHash(ctx, m.ControlPlaneID.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read the expected configuration hash", fmt.Sprintf("Control plane %s", m.ControlPlaneID.ValueString()), err)
		return
	}
	m.Nodes, m.SupportsApplicationAuth = nodeItems(nodes)
	m.ExpectedConfigHash = types.StringValue(expected.ExpectedHash)
	m.InSync = types.BoolValue(nodesInSync(nodes, expected.ExpectedHash))
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &m)...)
}

// nodeItems maps nodes to the data source's list, ordered by hostname then id, and reports
// whether all of them support application auth.
func nodeItems(nodes []client.Node) ([]nodeItemModel, types.Bool) {
	items := make([]nodeItemModel, len(nodes))
	all := true
	for i, n := range nodes {
		ok := supportsApplicationAuth(n.Version)
		all = all && ok
		lastPing := types.StringNull()
		if n.LastPing > 0 {
			lastPing = types.StringValue(formatTimestamp(time.Unix(n.LastPing, 0)))
		}
		items[i] = nodeItemModel{
			ID: types.StringValue(n.ID), Hostname: types.StringValue(n.Hostname), Version: types.StringValue(n.Version),
			LastPing: lastPing, ConfigHash: optionalString(n.ConfigHash), CompatibilityState: types.StringValue(n.CompatibilityStatus.State),
			SupportsApplicationAuth: types.BoolValue(ok),
		}
	}
	slices.SortFunc(items, func(a, b nodeItemModel) int {
		return cmp.Or(cmp.Compare(a.Hostname.ValueString(), b.Hostname.ValueString()), cmp.Compare(a.ID.ValueString(), b.ID.ValueString()))
	})
	return items, types.BoolValue(all)
}

// supportsApplicationAuth applies the server's rule for service links to a reported gateway
// version: two to four dot-separated numbers, optionally followed by "-" and a build suffix, of
// major.minor 3.6 or later. A version that does not parse counts as older, as on the server.
// nodesInSync reports whether every node reports the expected configuration hash.
func nodesInSync(nodes []client.Node, expected string) bool {
	for _, n := range nodes {
		if n.ConfigHash != expected {
			return false
		}
	}
	return true
}

// optionalString is null for "" and the string otherwise.
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func supportsApplicationAuth(version string) bool {
	numbers, _, _ := strings.Cut(version, "-")
	parts := strings.Split(numbers, ".")
	if len(parts) < 2 || len(parts) > 4 {
		return false
	}
	nums := make([]int, len(parts))
	for i, p := range parts {
		if p == "" || strings.TrimLeft(p, "0123456789") != "" {
			return false
		}
		n, err := strconv.Atoi(p)
		if err != nil {
			return false
		}
		nums[i] = n
	}
	major, minor := nums[0], nums[1]
	return major > 3 || (major == 3 && minor >= 6)
}
