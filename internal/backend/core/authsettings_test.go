package core

import "testing"

func TestPortalAuthSettingsInput(t *testing.T) {
	s := DefaultPortalAuthSettings()
	if !s.BasicAuthEnabled || s.OIDCAuthEnabled || s.KonnectMappingEnabled || s.IDPMappingEnabled {
		t.Fatalf("defaults = %+v", s)
	}
	got := ApplyPortalAuthSettingsInput(s, PortalAuthSettingsInput{BasicAuthEnabled: Val(false), IDPMappingEnabled: Val(true)})
	if got.BasicAuthEnabled || !got.IDPMappingEnabled || got.KonnectMappingEnabled {
		t.Errorf("applied = %+v", got)
	}
	oidc := PortalAuthSettings{OIDCAuthEnabled: true, OIDCIssuer: "https://idp.example.com", OIDCClientID: "abc",
		OIDCClientSecretHash: "h", OIDCScopes: []string{"openid"}, OIDCClaimMappings: map[string]string{"name": "n"}}
	nulls := PortalAuthSettingsInput{BasicAuthEnabled: Val(true), OIDCAuthEnabled: Null[bool](), OIDCIssuer: Null[string](),
		OIDCClientID: Null[string](), OIDCClientSecretHash: Null[string](), OIDCScopes: Null[[]string](),
		OIDCClaimMappings: Null[map[string]string](), KonnectMappingEnabled: Null[bool]()}
	kept := ApplyPortalAuthSettingsInput(oidc, nulls)
	if !kept.BasicAuthEnabled || !kept.OIDCAuthEnabled || kept.OIDCIssuer != oidc.OIDCIssuer || kept.OIDCClientID != oidc.OIDCClientID ||
		kept.OIDCClientSecretHash != "h" || len(kept.OIDCScopes) != 1 || kept.OIDCClaimMappings["name"] != "n" {
		t.Errorf("null fields changed the settings: %+v", kept)
	}
	if vs := ValidatePortalAuthSettingsInput(PortalAuthSettingsInput{OIDCClaimMappings: Val(map[string]string{"name": "n", "groups": "g"})}); len(vs) != 0 {
		t.Errorf("valid claim mappings rejected: %+v", vs)
	}
	vs := ValidatePortalAuthSettingsInput(PortalAuthSettingsInput{OIDCClaimMappings: Val(map[string]string{"role": "r"})})
	if len(vs) != 1 || vs[0].Field != "oidc_claim_mappings.role" || vs[0].Rule != "unknown_property" {
		t.Errorf("unknown claim mapping: %+v", vs)
	}
}
