package backend_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestSelfServiceStory walks the developer's path through HTTP for both approval settings: sign
// up, get approved, log in, create an application, register it, get the registration approved,
// create a key; then the admin revokes the registration and the developer deletes the key.
func TestSelfServiceStory(t *testing.T) {
	for _, auto := range []bool{false, true} {
		name := "admin approves"
		if auto {
			name = "auto approval"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := startPortalEnv(t)
			flag := map[bool]string{true: "true", false: "false"}[auto]
			portal := e.createPortal("", `{"name":"story","authentication_enabled":true,`+
				`"auto_approve_developers":`+flag+`,"auto_approve_applications":`+flag+`}`)
			pid := str(portal["id"])
			apiID, cpID := e.publishedAPI("", pid, "billing", false)

			dev := e.developer("/portals/" + pid + "/api/v3")
			anonymous := dev.do(http.MethodGet, "/apis", "").must(t, http.StatusOK)
			if n := len(anonymous["data"].([]any)); n != 0 {
				t.Errorf("anonymous visitor sees %d private APIs, want 0", n)
			}
			e.signUp(dev, "", pid, "Ada@Example.com", "Ada Lovelace")

			devs := e.do(http.MethodGet, "/v3/portals/"+pid+"/developers?filter[email]=ada@example.com", "").must(t, http.StatusOK)
			list := devs["data"].([]any)
			if len(list) != 1 {
				t.Fatalf("developers filtered by email: %s", devs)
			}
			developer := list[0].(map[string]any)
			wantStatus := map[bool]string{true: "approved", false: "pending"}[auto]
			if developer["status"] != wantStatus {
				t.Fatalf("developer status after sign-up %v, want %s", developer["status"], wantStatus)
			}
			if !auto {
				p := dev.do(http.MethodPost, "/developer/authenticate",
					`{"username":"ada@example.com","password":"`+testPassword+`"}`).problem(t, http.StatusUnauthorized)
				if p["title"] != "Approval Required" || p["detail"] != "Your account is pending approval for access." {
					t.Errorf("pending login: %v", p)
				}
				b := e.do(http.MethodPatch, "/v3/portals/"+pid+"/developers/"+str(developer["id"]), `{"status":"approved"}`).
					must(t, http.StatusOK)
				if b["status"] != "approved" {
					t.Fatalf("approve developer: %v", b)
				}
			}
			dev.login("ada@example.com")
			me := dev.do(http.MethodGet, "/developer/me", "").must(t, http.StatusOK)
			if me["email"] != "ada@example.com" || me["full_name"] != "Ada Lovelace" || me["id"] != developer["id"] {
				t.Errorf("me: %v", me)
			}
			apis := dev.do(http.MethodGet, "/apis", "").must(t, http.StatusOK)["data"].([]any)
			if len(apis) != 1 || apis[0].(map[string]any)["id"] != apiID {
				t.Fatalf("signed-in developer sees APIs %v, want %s", apis, apiID)
			}
			strategies := apis[0].(map[string]any)["auth_strategies"].([]any)
			if len(strategies) != 1 || strategies[0].(map[string]any)["credential_type"] != "key_auth" {
				t.Errorf("published API strategies: %v", strategies)
			}

			app := dev.do(http.MethodPost, "/applications", `{"name":"invoicing","description":"sends invoices"}`).
				must(t, http.StatusCreated)
			appID := str(app["id"])
			if app["auth_strategy"].(map[string]any)["id"] != portal["default_application_auth_strategy_id"] {
				t.Errorf("application strategy %v, want the portal default %v", app["auth_strategy"], portal["default_application_auth_strategy_id"])
			}
			reg := dev.do(http.MethodPost, "/applications/"+appID+"/registrations", `{"api_id":"`+apiID+`"}`).
				must(t, http.StatusCreated)
			if reg["status"] != wantStatus || reg["api_id"] != apiID || reg["application_id"] != appID || reg["api_name"] != "billing" {
				t.Fatalf("registration: %v, want status %s", reg, wantStatus)
			}
			regPath := "/v3/portals/" + pid + "/applications/" + appID + "/registrations/" + str(reg["id"])
			if !auto {
				if apps := e.gatewayApps("", cpID); len(apps) != 0 {
					t.Errorf("gateway data lists applications of pending registrations: %v", apps)
				}
				e.do(http.MethodPatch, regPath, `{"status":"approved"}`).must(t, http.StatusOK)
			}
			dev.do(http.MethodGet, "/applications/"+appID+"/registrations/"+str(reg["id"]), "").must(t, http.StatusOK)

			cred := dev.do(http.MethodPost, "/applications/"+appID+"/credentials", `{"display_name":"ci"}`).
				must(t, http.StatusCreated)
			secret := str(cred["credential"])
			if !strings.HasPrefix(secret, "dpk_") || cred["status"] != "active" || cred["type"] != "api_key" {
				t.Fatalf("created credential: %v", cred)
			}
			apps := e.gatewayApps("", cpID)
			sum := sha256.Sum256([]byte(secret))
			if len(apps) != 1 || apps[0]["id"] != appID ||
				!slices.Equal(strSlice(apps[0]["key_hashes"]), []string{hex.EncodeToString(sum[:])}) ||
				!slices.Equal(strSlice(apps[0]["scopes"]), []string{apiID}) {
				t.Fatalf("gateway data: %v", apps)
			}
			for _, path := range []string{"/v3/portals/" + pid + "/applications/" + appID + "/credentials"} {
				if raw := e.do(http.MethodGet, path, "").must(t, http.StatusOK); strings.Contains(string(mustJSON(t, raw)), secret) {
					t.Errorf("%s shows the key after creation", path)
				}
			}
			if r := dev.do(http.MethodGet, "/applications/"+appID+"/credentials", ""); strings.Contains(string(r.raw), secret) {
				t.Error("developer credential list shows the key after creation")
			}

			b := e.do(http.MethodPatch, regPath, `{"status":"revoked"}`).must(t, http.StatusOK)
			if b["status"] != "revoked" {
				t.Fatalf("revoke: %v", b)
			}
			if apps := e.gatewayApps("", cpID); len(apps) != 0 {
				t.Errorf("gateway data still lists the application after revocation: %v", apps)
			}
			got := dev.do(http.MethodGet, "/applications/"+appID+"/registrations", "").must(t, http.StatusOK)["data"].([]any)
			if len(got) != 1 || got[0].(map[string]any)["status"] != "revoked" {
				t.Errorf("developer sees registrations %v, want one revoked", got)
			}
			dev.do(http.MethodDelete, "/applications/"+appID+"/credentials/"+str(cred["id"]), "").must(t, http.StatusNoContent)
			dev.do(http.MethodDelete, "/applications/"+appID+"/credentials/"+str(cred["id"]), "").problem(t, http.StatusNotFound)
			left := e.do(http.MethodGet, "/v3/portals/"+pid+"/applications/"+appID+"/credentials", "").must(t, http.StatusOK)
			if n := len(left["data"].([]any)); n != 0 {
				t.Errorf("%d credentials left after deletion", n)
			}
			dev.do(http.MethodPost, "/developer/logout", "").must(t, http.StatusNoContent)
			dev.do(http.MethodGet, "/developer/me", "").problem(t, http.StatusUnauthorized)
		})
	}
}

func (e *portalEnv) gatewayApps(prefix, cpID string) []map[string]any {
	e.t.Helper()
	b := e.do(http.MethodGet, prefix+"/v2/control-planes/"+cpID+"/application-auth-data", "").must(e.t, http.StatusOK)
	if b["control_plane_id"] != cpID || b["hash_algorithm"] != "sha256" {
		e.t.Errorf("gateway data header: %v", b)
	}
	var out []map[string]any
	for _, a := range b["applications"].([]any) {
		out = append(out, a.(map[string]any))
	}
	return out
}

func strSlice(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, str(s))
	}
	return out
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := jsonMarshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
