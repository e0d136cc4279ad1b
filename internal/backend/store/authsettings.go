package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// PutPortalAuthSettings stores the authentication settings of a portal, replacing earlier ones.
func (t *Tx) PutPortalAuthSettings(ctx context.Context, region, portalID string, s core.PortalAuthSettings) error {
	scopes, err := json.Marshal(s.OIDCScopes)
	if err != nil {
		return err
	}
	claims, err := json.Marshal(s.OIDCClaimMappings)
	if err != nil {
		return err
	}
	if err := t.exec(ctx, "replace portal auth settings", `DELETE FROM portal_auth_settings WHERE region = $1 AND portal_id = $2`, region, portalID); err != nil {
		return err
	}
	return t.exec(ctx, "insert portal auth settings", `INSERT INTO portal_auth_settings (portal_id, region, basic_auth_enabled,
		oidc_auth_enabled, saml_auth_enabled, oidc_team_mapping_enabled, konnect_mapping_enabled, idp_mapping_enabled,
		oidc_issuer, oidc_client_id, oidc_client_secret_hash, oidc_scopes, oidc_claim_mappings)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		portalID, region, s.BasicAuthEnabled, s.OIDCAuthEnabled, s.SAMLAuthEnabled, s.OIDCTeamMappingEnabled,
		s.KonnectMappingEnabled, s.IDPMappingEnabled, s.OIDCIssuer, s.OIDCClientID, s.OIDCClientSecretHash,
		string(scopes), string(claims))
}

// GetPortalAuthSettings returns the settings of a portal of the region, or ErrNotFound.
func (t *Tx) GetPortalAuthSettings(ctx context.Context, region, portalID string) (core.PortalAuthSettings, error) {
	var (
		s              core.PortalAuthSettings
		scopes, claims string
	)
	err := t.q.QueryRowContext(ctx, `SELECT basic_auth_enabled, oidc_auth_enabled, saml_auth_enabled,
		oidc_team_mapping_enabled, konnect_mapping_enabled, idp_mapping_enabled, oidc_issuer, oidc_client_id,
		oidc_client_secret_hash, oidc_scopes, oidc_claim_mappings
		FROM portal_auth_settings WHERE region = $1 AND portal_id = $2`, region, portalID).Scan(
		&s.BasicAuthEnabled, &s.OIDCAuthEnabled, &s.SAMLAuthEnabled, &s.OIDCTeamMappingEnabled,
		&s.KonnectMappingEnabled, &s.IDPMappingEnabled, &s.OIDCIssuer, &s.OIDCClientID, &s.OIDCClientSecretHash,
		&scopes, &claims)
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNotFound
	}
	if err != nil {
		return s, fmt.Errorf("store: get portal auth settings: %w", err)
	}
	if err := json.Unmarshal([]byte(scopes), &s.OIDCScopes); err != nil {
		return s, err
	}
	if err := json.Unmarshal([]byte(claims), &s.OIDCClaimMappings); err != nil {
		return s, err
	}
	return s, nil
}
