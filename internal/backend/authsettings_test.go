package backend_test

import (
	"net/http"
	"testing"
)

func TestPortalAuthSettings(t *testing.T) {
	ts := startServer(t, "")
	p := ts.createPortal("", `{"name":"auth"}`)
	path := "/v3/portals/" + str(p["id"]) + "/authentication-settings"

	got := ts.do(http.MethodGet, path, "").must(t, http.StatusOK)
	want := map[string]any{
		"basic_auth_enabled": true, "oidc_auth_enabled": false, "saml_auth_enabled": false,
		"oidc_team_mapping_enabled": false, "konnect_mapping_enabled": false, "idp_mapping_enabled": false,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("default %s = %v, want %v", k, got[k], v)
		}
	}

	upd := ts.do(http.MethodPatch, path, `{"basic_auth_enabled":false,"idp_mapping_enabled":true}`).must(t, http.StatusOK)
	if upd["basic_auth_enabled"] != false || upd["idp_mapping_enabled"] != true || upd["konnect_mapping_enabled"] != false {
		t.Errorf("after patch = %v", upd)
	}
	again := ts.do(http.MethodGet, path, "").must(t, http.StatusOK)
	if again["basic_auth_enabled"] != false || again["idp_mapping_enabled"] != true {
		t.Errorf("patch not stored: %v", again)
	}

	oidc := ts.do(http.MethodPatch, path,
		`{"oidc_issuer":"https://idp.example.com","oidc_client_id":"abc","oidc_client_secret":"s3cret","oidc_scopes":["openid"]}`).must(t, http.StatusOK)
	cfg, _ := oidc["oidc_config"].(map[string]any)
	if cfg["issuer"] != "https://idp.example.com" || cfg["client_id"] != "abc" {
		t.Errorf("oidc_config = %v", oidc["oidc_config"])
	}
	if _, leaked := cfg["client_secret"]; leaked {
		t.Error("the client secret is returned")
	}

	ts.do(http.MethodPatch, path, `{"basic_auth_enabled":"no"}`).invalidParam(t, "basic_auth_enabled", "is_boolean")
	ts.do(http.MethodPatch, path, `{"sso":true}`).invalidParam(t, "sso", "unknown_property")
	ts.do(http.MethodPatch, path, `{"oidc_scopes":"openid"}`).invalidParam(t, "oidc_scopes", "is_array")

	const unknown = "/v3/portals/9a7b6c5d-1234-4abc-8def-0123456789ab/authentication-settings"
	ts.do(http.MethodGet, unknown, "").problem(t, http.StatusNotFound)
	ts.do(http.MethodPatch, unknown, `{"basic_auth_enabled":true}`).problem(t, http.StatusNotFound)
	ts.do(http.MethodGet, "/eu"+path, "").problem(t, http.StatusNotFound)

	// Settings go away with their portal.
	ts.do(http.MethodDelete, "/v3/portals/"+str(p["id"]), "").must(t, http.StatusNoContent)
	ts.do(http.MethodGet, path, "").problem(t, http.StatusNotFound)
}

// Kong's Terraform provider sends null for every setting its configuration leaves unset; Konnect
// reads null as "leave it as it is", and so does the backend.
func TestPortalAuthSettingsNullIsUnset(t *testing.T) {
	ts := startServer(t, "")
	p := ts.createPortal("", `{"name":"auth-nulls"}`)
	path := "/v3/portals/" + str(p["id"]) + "/authentication-settings"
	ts.do(http.MethodPatch, path, `{"oidc_auth_enabled":true,"oidc_issuer":"https://idp.example.com","oidc_client_id":"abc",`+
		`"oidc_client_secret":"s3cret","oidc_scopes":["openid"],"oidc_claim_mappings":{"name":"n"}}`).must(t, http.StatusOK)

	const kongBody = `{"basic_auth_enabled":false,"oidc_auth_enabled":null,"saml_auth_enabled":null,` +
		`"oidc_team_mapping_enabled":null,"konnect_mapping_enabled":null,"idp_mapping_enabled":null,` +
		`"oidc_issuer":null,"oidc_client_id":null,"oidc_client_secret":null,"oidc_scopes":null,"oidc_claim_mappings":null}`
	got := ts.do(http.MethodPatch, path, kongBody).must(t, http.StatusOK)
	for _, body := range []map[string]any{got, ts.do(http.MethodGet, path, "").must(t, http.StatusOK)} {
		if body["basic_auth_enabled"] != false || body["oidc_auth_enabled"] != true || body["konnect_mapping_enabled"] != false {
			t.Errorf("settings after a PATCH of nulls = %v", body)
		}
		cfg, _ := body["oidc_config"].(map[string]any)
		if cfg["issuer"] != "https://idp.example.com" || cfg["client_id"] != "abc" || cfg["claim_mappings"] == nil {
			t.Errorf("oidc_config after a PATCH of nulls = %v, want it kept", body["oidc_config"])
		}
	}
	// Null keeps nothing else from being checked.
	ts.do(http.MethodPatch, path, `{"oidc_issuer":null,"basic_auth_enabled":"no"}`).invalidParam(t, "basic_auth_enabled", "is_boolean")
}
