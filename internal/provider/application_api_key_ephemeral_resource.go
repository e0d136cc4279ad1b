package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ ephemeral.EphemeralResource              = (*applicationAPIKeyEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*applicationAPIKeyEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithClose     = (*applicationAPIKeyEphemeralResource)(nil)
)

const (
	// defaultEphemeralKeyLifetime bounds the life of a key whose Close never
	// comes, such as when Terraform is killed.
	defaultEphemeralKeyLifetime = "1h"
	// privateEphemeralKey is the private data key naming the key to revoke on Close.
	privateEphemeralKey = "api_key"
)

// applicationAPIKeyEphemeralResource issues a short-lived API key for the
// length of one Terraform run and revokes it at the end.
type applicationAPIKeyEphemeralResource struct {
	client *client.Client
}

// applicationAPIKeyEphemeralModel is the result of the devportal_application_api_key ephemeral resource.
type applicationAPIKeyEphemeralModel struct {
	PortalID      types.String `tfsdk:"portal_id"`
	ApplicationID types.String `tfsdk:"application_id"`
	DisplayName   types.String `tfsdk:"display_name"`
	Lifetime      types.String `tfsdk:"lifetime"`
	ID            types.String `tfsdk:"id"`
	Key           types.String `tfsdk:"key"`
	ExpiresAt     types.String `tfsdk:"expires_at"`
}

// ephemeralKeyRef locates the key to revoke; it travels in private data.
type ephemeralKeyRef struct {
	PortalID      string `json:"portal_id"`
	ApplicationID string `json:"application_id"`
	ID            string `json:"id"`
}

// NewApplicationAPIKeyEphemeralResource returns the devportal_application_api_key ephemeral resource.
func NewApplicationAPIKeyEphemeralResource() ephemeral.EphemeralResource {
	return &applicationAPIKeyEphemeralResource{}
}

func (r *applicationAPIKeyEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_application_api_key"
}

func (r *applicationAPIKeyEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A short-lived API key for an application whose auth strategy is key-auth, for example to " +
			"smoke-test an API in the same run. The key is issued when Terraform needs it and revoked when the run " +
			"ends; it never appears in the plan or the state. Each run, plan and apply included, issues its own " +
			"key, counted in the limit of 20 keys per application while it lives. Needs Terraform 1.10 or later.",
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
			"display_name": schema.StringAttribute{
				Description: "Name of the key shown to the developer while it lives (1 to 255 characters). Defaults to `terraform ephemeral key`.",
				Optional:    true,
				Validators:  []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"lifetime": schema.StringAttribute{
				Description: "How long the key stays valid should the run end without revoking it, as a Go duration " +
					"such as `30m`. Defaults to `" + defaultEphemeralKeyLifetime + "`.",
				Optional:   true,
				Validators: []validator.String{durationValidator{}},
			},
			"id": schema.StringAttribute{
				Description: "Key ID (UUID).",
				Computed:    true,
			},
			"key": schema.StringAttribute{
				Description: "The key.",
				Computed:    true,
				Sensitive:   true,
			},
			"expires_at": schema.StringAttribute{
				Description: "When the key expires at the latest (RFC 3339).",
				Computed:    true,
			},
		},
	}
}

func (r *applicationAPIKeyEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (r *applicationAPIKeyEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m applicationAPIKeyEphemeralModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	lifetime := defaultEphemeralKeyLifetime
	if known(m.Lifetime) {
		lifetime = m.Lifetime.ValueString()
	}
	d, err := parseTimeout(lifetime)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("lifetime"), "Invalid lifetime", fmt.Sprintf("lifetime: %s.", err))
		return
	}
	name := "terraform ephemeral key"
	if known(m.DisplayName) {
		name = m.DisplayName.ValueString()
	}
	expires := time.Now().Add(d).UTC().Truncate(time.Second)
	k, err := r.client.IssueAPIKey(ctx, m.PortalID.ValueString(), m.ApplicationID.ValueString(),
		client.IssueAPIKeyRequest{DisplayName: name, ExpiresAt: &expires})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to issue API key",
			fmt.Sprintf("Application %s of portal %s", m.ApplicationID.ValueString(), m.PortalID.ValueString()), err)
		return
	}
	ref, err := json.Marshal(ephemeralKeyRef{PortalID: m.PortalID.ValueString(), ApplicationID: m.ApplicationID.ValueString(), ID: k.ID})
	if err != nil {
		resp.Diagnostics.AddError("Unable to record API key", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateEphemeralKey, ref)...)

	m.ID = types.StringValue(k.ID)
	m.Key = types.StringValue(k.Secret)
	m.ExpiresAt = expiryValue(types.StringNull(), k.ExpiresAt)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}

func (r *applicationAPIKeyEphemeralResource) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	raw, diags := req.Private.GetKey(ctx, privateEphemeralKey)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || len(raw) == 0 {
		return
	}
	var ref ephemeralKeyRef
	if err := json.Unmarshal(raw, &ref); err != nil {
		resp.Diagnostics.AddError("Unable to revoke API key", "The key to revoke could not be read back: "+err.Error())
		return
	}
	err := r.client.DeleteCredential(ctx, ref.PortalID, ref.ApplicationID, ref.ID)
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to revoke API key",
			fmt.Sprintf("API key %s of application %s (portal %s); it expires by itself when its lifetime ends",
				ref.ID, ref.ApplicationID, ref.PortalID), err)
	}
}
