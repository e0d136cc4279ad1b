package client

import (
	"context"
	"net/http"
	"net/url"
)

// PortalAuthenticationSettings says how developers sign in to a portal.
type PortalAuthenticationSettings struct {
	BasicAuthEnabled       bool `json:"basic_auth_enabled"`
	OIDCAuthEnabled        bool `json:"oidc_auth_enabled"`
	SAMLAuthEnabled        bool `json:"saml_auth_enabled"`
	OIDCTeamMappingEnabled bool `json:"oidc_team_mapping_enabled"`
	KonnectMappingEnabled  bool `json:"konnect_mapping_enabled"`
	IDPMappingEnabled      bool `json:"idp_mapping_enabled"`
}

// UpdatePortalAuthenticationSettingsRequest changes the settings that are set.
type UpdatePortalAuthenticationSettingsRequest struct {
	BasicAuthEnabled      *bool `json:"basic_auth_enabled,omitempty"`
	KonnectMappingEnabled *bool `json:"konnect_mapping_enabled,omitempty"`
	IDPMappingEnabled     *bool `json:"idp_mapping_enabled,omitempty"`
}

func authSettingsPath(portalID string) string {
	return "/v3/portals/" + url.PathEscape(portalID) + "/authentication-settings"
}

// GetPortalAuthenticationSettings returns a portal's developer sign-in settings.
func (c *Client) GetPortalAuthenticationSettings(ctx context.Context, portalID string) (*PortalAuthenticationSettings, error) {
	var s PortalAuthenticationSettings
	if err := c.do(ctx, http.MethodGet, authSettingsPath(portalID), nil, nil, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// UpdatePortalAuthenticationSettings changes a portal's developer sign-in settings.
func (c *Client) UpdatePortalAuthenticationSettings(ctx context.Context, portalID string, req UpdatePortalAuthenticationSettingsRequest) (*PortalAuthenticationSettings, error) {
	var s PortalAuthenticationSettings
	if err := c.do(ctx, http.MethodPatch, authSettingsPath(portalID), nil, req, &s); err != nil {
		return nil, err
	}
	return &s, nil
}
