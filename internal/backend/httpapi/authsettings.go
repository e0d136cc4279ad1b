package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// authSettingsJSON is Konnect's PortalAuthenticationSettingsResponse.
type authSettingsJSON struct {
	BasicAuthEnabled       bool            `json:"basic_auth_enabled"`
	OIDCAuthEnabled        bool            `json:"oidc_auth_enabled"`
	SAMLAuthEnabled        bool            `json:"saml_auth_enabled"`
	OIDCTeamMappingEnabled bool            `json:"oidc_team_mapping_enabled"`
	IDPMappingEnabled      bool            `json:"idp_mapping_enabled"`
	KonnectMappingEnabled  bool            `json:"konnect_mapping_enabled"`
	OIDCConfig             *oidcConfigJSON `json:"oidc_config,omitempty"`
}

// oidcConfigJSON is the deprecated single-provider OIDC configuration.
type oidcConfigJSON struct {
	Issuer        string            `json:"issuer"`
	ClientID      string            `json:"client_id"`
	Scopes        []string          `json:"scopes,omitempty"`
	ClaimMappings map[string]string `json:"claim_mappings,omitempty"`
}

func toAuthSettingsJSON(s core.PortalAuthSettings) authSettingsJSON {
	out := authSettingsJSON{
		BasicAuthEnabled:       s.BasicAuthEnabled,
		OIDCAuthEnabled:        s.OIDCAuthEnabled,
		SAMLAuthEnabled:        s.SAMLAuthEnabled,
		OIDCTeamMappingEnabled: s.OIDCTeamMappingEnabled,
		IDPMappingEnabled:      s.IDPMappingEnabled,
		KonnectMappingEnabled:  s.KonnectMappingEnabled,
	}
	if s.OIDCIssuer != "" || s.OIDCClientID != "" {
		out.OIDCConfig = &oidcConfigJSON{Issuer: s.OIDCIssuer, ClientID: s.OIDCClientID, Scopes: s.OIDCScopes, ClaimMappings: s.OIDCClaimMappings}
	}
	return out
}

// readAuthSettingsInput accepts null for every field, as Konnect does: Kong's own Terraform
// provider sends null for each setting its configuration leaves unset, and null keeps the value.
func readAuthSettingsInput(o *object) (core.PortalAuthSettingsInput, error) {
	in := core.PortalAuthSettingsInput{
		BasicAuthEnabled:       field[bool](o, "basic_auth_enabled", true),
		OIDCAuthEnabled:        field[bool](o, "oidc_auth_enabled", true),
		SAMLAuthEnabled:        field[bool](o, "saml_auth_enabled", true),
		OIDCTeamMappingEnabled: field[bool](o, "oidc_team_mapping_enabled", true),
		KonnectMappingEnabled:  field[bool](o, "konnect_mapping_enabled", true),
		IDPMappingEnabled:      field[bool](o, "idp_mapping_enabled", true),
		OIDCIssuer:             field[string](o, "oidc_issuer", true),
		OIDCClientID:           field[string](o, "oidc_client_id", true),
		OIDCScopes:             field[[]string](o, "oidc_scopes", true),
		OIDCClaimMappings:      field[map[string]string](o, "oidc_claim_mappings", true),
	}
	if secret := field[string](o, "oidc_client_secret", true); secret.HasValue() {
		in.OIDCClientSecretHash = core.Val(core.HashToken(secret.Value))
	}
	vs := o.finish()
	if len(vs) == 0 {
		vs = core.ValidatePortalAuthSettingsInput(in)
	}
	return in, core.Invalid(vs...)
}

func (a *API) getPortalAuthSettings(w http.ResponseWriter, r *http.Request) error {
	var s core.PortalAuthSettings
	err := a.store.View(r.Context(), func(tx *store.Tx) error {
		var err error
		s, err = portalAuthSettings(r.Context(), tx, regionOf(r), r.PathValue("portalId"))
		return err
	})
	return respond(w, err, http.StatusOK, toAuthSettingsJSON(s))
}

func (a *API) updatePortalAuthSettings(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, err := readAuthSettingsInput(o)
	if err != nil {
		return err
	}
	ctx, region, id := r.Context(), regionOf(r), r.PathValue("portalId")
	var s core.PortalAuthSettings
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockForUpdate(ctx, store.LockedPortals, id); err != nil {
			return err
		}
		current, err := portalAuthSettings(ctx, tx, region, id)
		if err != nil {
			return err
		}
		s = core.ApplyPortalAuthSettingsInput(current, in)
		return tx.PutPortalAuthSettings(ctx, region, id, s)
	})
	return respond(w, err, http.StatusOK, toAuthSettingsJSON(s))
}

// portalAuthSettings returns the settings of a portal of the region, 404 when the portal is unknown.
func portalAuthSettings(ctx context.Context, tx *store.Tx, region, portalID string) (core.PortalAuthSettings, error) {
	if _, err := getPortal(ctx, tx, region, portalID); err != nil {
		return core.PortalAuthSettings{}, err
	}
	s, err := tx.GetPortalAuthSettings(ctx, region, portalID)
	if errors.Is(err, store.ErrNotFound) {
		return core.DefaultPortalAuthSettings(), nil
	}
	return s, err
}
