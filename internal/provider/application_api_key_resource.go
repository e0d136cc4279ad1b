package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ resource.Resource                = (*applicationAPIKeyResource)(nil)
	_ resource.ResourceWithConfigure   = (*applicationAPIKeyResource)(nil)
	_ resource.ResourceWithImportState = (*applicationAPIKeyResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*applicationAPIKeyResource)(nil)
)

// applicationAPIKeyResource manages an API key an administrator issues for an application.
type applicationAPIKeyResource struct {
	client *client.Client
}

// applicationAPIKeyModel is the state of devportal_application_api_key. KeyWO is
// write-only: it is read from the configuration and always null in plan and state.
type applicationAPIKeyModel struct {
	ID            types.String `tfsdk:"id"`
	PortalID      types.String `tfsdk:"portal_id"`
	ApplicationID types.String `tfsdk:"application_id"`
	DisplayName   types.String `tfsdk:"display_name"`
	KeyWO         types.String `tfsdk:"key_wo"`
	KeyWOVersion  types.Int64  `tfsdk:"key_wo_version"`
	Key           types.String `tfsdk:"key"`
	ExpiresAt     types.String `tfsdk:"expires_at"`
	Status        types.String `tfsdk:"status"`
	CreatedAt     types.String `tfsdk:"created_at"`
}

// NewApplicationAPIKeyResource returns the devportal_application_api_key resource.
func NewApplicationAPIKeyResource() resource.Resource { return &applicationAPIKeyResource{} }

func (r *applicationAPIKeyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_application_api_key"
}

func (r *applicationAPIKeyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		Description: "An API key issued by an administrator for an application whose auth strategy is key-auth, " +
			"counted in the limit of 20 keys per application. Either supply the key with the write-only `key_wo` " +
			"(Terraform 1.11 or later), so that it never reaches the plan or the state, and bump `key_wo_version` " +
			"to rotate it; or leave `key_wo` out and the server generates a key, returned once and kept in the " +
			"state as the sensitive `key` (protect the state accordingly). Renaming the key changes it in place; " +
			"every other change replaces the key. Import " +
			"with `<portal_id>/<application_id>/<key_id>`; the secret of an imported key is unknown.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "Key ID (UUID).",
				Computed:      true,
				PlanModifiers: keep,
			},
			"portal_id": schema.StringAttribute{
				Description:   "ID of the portal of the application. Changing it replaces the key.",
				Required:      true,
				Validators:    []validator.String{uuidValidator{}},
				PlanModifiers: replace,
			},
			"application_id": schema.StringAttribute{
				Description:   "ID of the application. Changing it replaces the key.",
				Required:      true,
				Validators:    []validator.String{uuidValidator{}},
				PlanModifiers: replace,
			},
			"display_name": schema.StringAttribute{
				Description: "Name of the key shown to the developer (1 to 255 characters). When not set, the server " +
					"names it after its creation time. Changing it renames the key in place.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 255)},
				PlanModifiers: keep,
			},
			"key_wo": schema.StringAttribute{
				Description: "The key, supplied by you (16 to 256 letters, digits or `-._~+/=`). Write-only: never stored " +
					"in the plan or state, so Terraform cannot see changes to it; change `key_wo_version` to replace the " +
					"key. Requires `key_wo_version`. When not set, the server generates the key into `key`.",
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(16, 256),
					stringvalidator.RegexMatches(apiKeyPattern, "must hold only letters, digits or -._~+/="),
					stringvalidator.AlsoRequires(path.MatchRoot("key_wo_version")),
				},
			},
			"key_wo_version": schema.Int64Attribute{
				Description: "Version of `key_wo`; changing it replaces the key with the current value of `key_wo`. " +
					"Requires `key_wo`. Setting it on an imported key only records it.",
				Optional:      true,
				Validators:    []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("key_wo"))},
				PlanModifiers: []planmodifier.Int64{replaceKeyVersion()},
			},
			"key": schema.StringAttribute{
				Description: "The generated key, when `key_wo` is not set: stored in the state (sensitive). Null for " +
					"supplied and imported keys.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: keep,
			},
			"expires_at": schema.StringAttribute{
				Description: "When the key expires (RFC 3339, in the future), for example `2030-01-31T00:00:00Z`. When " +
					"not set, the application auth strategy's `ttl` decides, and without one the key never expires. " +
					"Changing it replaces the key: the server fixes a key's expiry when it issues it.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{rfc3339Validator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"status": schema.StringAttribute{
				Description: "`active` or `expired`.",
				Computed:    true,
			},
			"created_at": schema.StringAttribute{
				Description:   "When the key was issued (RFC 3339).",
				Computed:      true,
				PlanModifiers: keep,
			},
		},
	}
}

func (r *applicationAPIKeyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (r *applicationAPIKeyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan applicationAPIKeyModel
	var keyWO types.String
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	// Write-only values exist only in the configuration.
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("key_wo"), &keyWO)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body := client.IssueAPIKeyRequest{Key: keyWO.ValueString()}
	if known(plan.DisplayName) {
		body.DisplayName = plan.DisplayName.ValueString()
	}
	if known(plan.ExpiresAt) {
		t, err := time.Parse(time.RFC3339, plan.ExpiresAt.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("expires_at"), "Invalid expiry",
				fmt.Sprintf("expires_at = %q is not an RFC 3339 date-time such as 2030-01-31T00:00:00Z.", plan.ExpiresAt.ValueString()))
			return
		}
		body.ExpiresAt = &t
	}
	k, err := r.client.IssueAPIKey(ctx, plan.PortalID.ValueString(), plan.ApplicationID.ValueString(), body)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to issue API key",
			fmt.Sprintf("Application %s of portal %s", plan.ApplicationID.ValueString(), plan.PortalID.ValueString()), err)
		return
	}
	plan.Key = types.StringNull()
	if k.Secret != "" {
		plan.Key = types.StringValue(k.Secret)
	}
	plan.fromAPI(k)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *applicationAPIKeyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state applicationAPIKeyModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	k, err := r.client.GetCredential(ctx, state.PortalID.ValueString(), state.ApplicationID.ValueString(), state.ID.ValueString())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read API key", state.object(), err)
		return
	}
	state.fromAPI(k)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &state)...)
}

// ModifyPlan refuses an expiry in the past for a key about to be issued, at plan
// time: otherwise the server refuses it at apply, after a replacement has already
// revoked the key it was meant to replace. A key whose unchanged expiry has passed
// since it was issued is left alone.
func (r *applicationAPIKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var planned, prior types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("expires_at"), &planned)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("expires_at"), &prior)...)
	}
	if resp.Diagnostics.HasError() || !known(planned) || planned.Equal(prior) {
		return
	}
	t, err := time.Parse(time.RFC3339, planned.ValueString())
	if err != nil || t.After(time.Now()) {
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("expires_at"), "Expiry in the past",
		fmt.Sprintf("expires_at = %q has already passed, and the server issues keys only with an expiry in the "+
			"future. Set a later date-time, or remove expires_at to follow the application auth strategy's ttl.",
			planned.ValueString()))
}

// Update renames the key, and records a key_wo_version given to an imported key:
// every other change replaces the key.
func (r *applicationAPIKeyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state applicationAPIKeyModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.KeyWOVersion = plan.KeyWOVersion
	state.KeyWO = types.StringNull()
	if known(plan.DisplayName) && !plan.DisplayName.Equal(state.DisplayName) {
		k, err := r.client.RenameAPIKey(ctx, state.PortalID.ValueString(), state.ApplicationID.ValueString(),
			state.ID.ValueString(), plan.DisplayName.ValueString())
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to rename API key", state.object(), err)
			return
		}
		state.fromAPI(k)
	} else {
		k, err := r.client.GetCredential(ctx, state.PortalID.ValueString(), state.ApplicationID.ValueString(), state.ID.ValueString())
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to read API key", state.object(), err)
			return
		}
		state.fromAPI(k)
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &state)...)
}

func (r *applicationAPIKeyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state applicationAPIKeyModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.client.DeleteCredential(ctx, state.PortalID.ValueString(), state.ApplicationID.ValueString(), state.ID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to revoke API key", state.object(), err)
	}
}

func (r *applicationAPIKeyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts, ok := splitImportID(req.ID, 3)
	if !ok {
		addImportIDError(&resp.Diagnostics, req.ID, "<portal_id>/<application_id>/<key_id>")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("portal_id"), parts[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("application_id"), parts[1])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), parts[2])...)
}

func (m *applicationAPIKeyModel) object() string {
	return fmt.Sprintf("API key %s of application %s (portal %s)", m.ID.ValueString(),
		m.ApplicationID.ValueString(), m.PortalID.ValueString())
}

// fromAPI refreshes the model from key metadata. A configured expiry naming the
// same instant as the server's is kept as written.
func (m *applicationAPIKeyModel) fromAPI(k *client.Credential) {
	m.ID = types.StringValue(k.ID)
	m.DisplayName = types.StringValue(k.DisplayName)
	m.KeyWO = types.StringNull()
	m.Status = types.StringValue(k.Status)
	m.CreatedAt = types.StringValue(formatTimestamp(k.CreatedAt))
	m.ExpiresAt = expiryValue(m.ExpiresAt, k.ExpiresAt)
}

// expiryValue maps an expiry from the server, keeping prior when it names the same instant.
func expiryValue(prior types.String, expires *time.Time) types.String {
	if expires == nil {
		return types.StringNull()
	}
	if known(prior) {
		if t, err := time.Parse(time.RFC3339, prior.ValueString()); err == nil && t.Equal(*expires) {
			return prior
		}
	}
	return types.StringValue(formatTimestamp(*expires))
}

// replaceKeyVersion replaces the key when key_wo_version changes, except when a
// version is first given to an imported key, whose secret nobody knows yet.
func replaceKeyVersion() planmodifier.Int64 {
	return int64planmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.Int64Request, resp *int64planmodifier.RequiresReplaceIfFuncResponse) {
		if req.State.Raw.IsNull() || req.PlanValue.Equal(req.StateValue) {
			return
		}
		var key types.String
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("key"), &key)...)
		imported := req.StateValue.IsNull() && key.IsNull()
		resp.RequiresReplace = !imported
	}, "Changing the version replaces the key, except when a version is first set on an imported key.",
		"Changing the version replaces the key, except when a version is first set on an imported key.")
}
