package core

// PortalAuthSettings is how developers sign in to a portal and how they get their teams.
// The oidc_* fields are Konnect's deprecated single-provider settings, kept so that requests
// using them round-trip; the client secret is kept only as a SHA-256 hash.
type PortalAuthSettings struct {
	BasicAuthEnabled       bool
	OIDCAuthEnabled        bool
	SAMLAuthEnabled        bool
	OIDCTeamMappingEnabled bool
	KonnectMappingEnabled  bool
	IDPMappingEnabled      bool
	OIDCIssuer             string
	OIDCClientID           string
	OIDCClientSecretHash   string
	OIDCScopes             []string
	OIDCClaimMappings      map[string]string
}

// DefaultPortalAuthSettings are the settings of a new portal: basic (email and password) sign-in only.
func DefaultPortalAuthSettings() PortalAuthSettings {
	return PortalAuthSettings{BasicAuthEnabled: true}
}

// PortalAuthSettingsInput is the body of an update authentication settings request.
type PortalAuthSettingsInput struct {
	BasicAuthEnabled       Field[bool]
	OIDCAuthEnabled        Field[bool]
	SAMLAuthEnabled        Field[bool]
	OIDCTeamMappingEnabled Field[bool]
	KonnectMappingEnabled  Field[bool]
	IDPMappingEnabled      Field[bool]
	OIDCIssuer             Field[string]
	OIDCClientID           Field[string]
	OIDCClientSecretHash   Field[string]
	OIDCScopes             Field[[]string]
	OIDCClaimMappings      Field[map[string]string]
}

var claimMappingKeys = []string{"name", "email", "groups"}

// ValidatePortalAuthSettingsInput checks the update fields on their own.
func ValidatePortalAuthSettingsInput(in PortalAuthSettingsInput) []Violation {
	var vs []Violation
	if in.OIDCClaimMappings.HasValue() {
		for _, k := range sortedKeys(in.OIDCClaimMappings.Value) {
			if checkEnum("", k, claimMappingKeys...) != nil {
				vs = append(vs, Violation{Field: "oidc_claim_mappings." + k, Rule: "unknown_property",
					Reason: "claim mappings accept only name, email and groups", Source: "body"})
			}
		}
	}
	return vs
}

// ApplyPortalAuthSettingsInput applies an update with merge semantics: absent fields are kept, and
// so are null ones, which clients such as Kong's Terraform provider send for every unset setting.
func ApplyPortalAuthSettingsInput(s PortalAuthSettings, in PortalAuthSettingsInput) PortalAuthSettings {
	setValue(&s.BasicAuthEnabled, in.BasicAuthEnabled)
	setValue(&s.OIDCAuthEnabled, in.OIDCAuthEnabled)
	setValue(&s.SAMLAuthEnabled, in.SAMLAuthEnabled)
	setValue(&s.OIDCTeamMappingEnabled, in.OIDCTeamMappingEnabled)
	setValue(&s.KonnectMappingEnabled, in.KonnectMappingEnabled)
	setValue(&s.IDPMappingEnabled, in.IDPMappingEnabled)
	setValue(&s.OIDCIssuer, in.OIDCIssuer)
	setValue(&s.OIDCClientID, in.OIDCClientID)
	setValue(&s.OIDCClientSecretHash, in.OIDCClientSecretHash)
	setValue(&s.OIDCScopes, in.OIDCScopes)
	setValue(&s.OIDCClaimMappings, in.OIDCClaimMappings)
	return s
}
