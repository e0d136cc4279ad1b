package backend_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestPortalDeleteRefusedWhileNotEmpty checks that a portal with developers, applications or
// publications is deleted only with force=true, which then takes everything with it.
func TestPortalDeleteRefusedWhileNotEmpty(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)

	t.Run("developers alone block it", func(t *testing.T) {
		pid := e.autoPortal("", "signed-up")
		e.approvedDeveloper("", pid, "solo@example.com")
		detail := str(e.do(http.MethodDelete, "/v3/portals/"+pid, "").problem(t, http.StatusConflict)["detail"])
		for _, want := range []string{"1 developer and 0 applications", "force_destroy = true", "?force=true"} {
			if !strings.Contains(detail, want) {
				t.Errorf("409 detail lacks %q: %s", want, detail)
			}
		}
		e.do(http.MethodDelete, "/v3/portals/"+pid+"?force=false", "").problem(t, http.StatusConflict)
		e.do(http.MethodGet, "/v3/portals/"+pid, "").must(t, http.StatusOK)
	})

	t.Run("forced deletion takes everything", func(t *testing.T) {
		pid := e.autoPortal("", "busy")
		portal := e.do(http.MethodGet, "/v3/portals/"+pid, "").must(t, http.StatusOK)
		apiID, cpID := e.publishedAPI("", pid, "orders", true)
		dev := e.approvedDeveloper("", pid, "ada@example.com")
		appID := str(dev.do(http.MethodPost, "/applications", `{"name":"shop"}`).must(t, http.StatusCreated)["id"])
		dev.do(http.MethodPost, "/applications/"+appID+"/registrations", `{"api_id":"`+apiID+`"}`).must(t, http.StatusCreated)
		dev.do(http.MethodPost, "/applications/"+appID+"/credentials", `{"display_name":"ci"}`).must(t, http.StatusCreated)
		if apps := e.gatewayApps("", cpID); len(apps) != 1 {
			t.Fatalf("gateway data before deletion: %v", apps)
		}

		detail := str(e.do(http.MethodDelete, "/v3/portals/"+pid, "").problem(t, http.StatusConflict)["detail"])
		for _, want := range []string{
			"1 developer and 1 application (with 1 registration and 1 API key)",
			fmt.Sprintf(`1 API published to it: "orders" version "v1" (%s)`, apiID),
			"force_destroy = true", "?force=true",
		} {
			if !strings.Contains(detail, want) {
				t.Errorf("409 detail lacks %q: %s", want, detail)
			}
		}
		e.do(http.MethodGet, "/v3/portals/"+pid+"/applications/"+appID, "").must(t, http.StatusOK)

		e.do(http.MethodDelete, "/v3/portals/"+pid+"?force=true", "").must(t, http.StatusNoContent)
		e.do(http.MethodGet, "/v3/portals/"+pid, "").problem(t, http.StatusNotFound)
		if apps := e.gatewayApps("", cpID); len(apps) != 0 {
			t.Errorf("gateway data still lists the portal's applications: %v", apps)
		}
		if got := managedPlugins(e.plugins("", cpID, "")); len(got) != 0 {
			t.Errorf("managed plugin left after the portal went: %v", got)
		}
		e.do(http.MethodGet, "/v2/application-auth-strategies/"+str(portal["default_application_auth_strategy_id"]), "").
			problem(t, http.StatusNotFound)
		dev.do(http.MethodGet, "/developer/me", "").problem(t, http.StatusNotFound)
	})

	t.Run("an empty portal needs no force", func(t *testing.T) {
		pid := e.autoPortal("", "empty")
		e.do(http.MethodDelete, "/v3/portals/"+pid, "").must(t, http.StatusNoContent)
	})
}

// TestPortalManagedStrategyRetired checks that the key-auth strategy a portal created for itself
// goes away once the portal no longer needs it, unless something else uses it.
func TestPortalManagedStrategyRetired(t *testing.T) {
	t.Parallel()
	ts := startServer(t, "")
	strategy := func(id string) int { return ts.do(http.MethodGet, "/v2/application-auth-strategies/"+id, "").status }

	t.Run("replaced by a chosen default", func(t *testing.T) {
		p := ts.createPortal("", `{"name":"chosen"}`)
		sid := str(p["default_application_auth_strategy_id"])
		chosen := str(ts.createKeyAuthStrategy("", "chosen-keys")["id"])
		got := ts.do(http.MethodPatch, "/v3/portals/"+str(p["id"]), `{"default_application_auth_strategy_id":"`+chosen+`"}`).
			must(t, http.StatusOK)
		if got["default_application_auth_strategy_id"] != chosen {
			t.Errorf("default = %v, want %s", got["default_application_auth_strategy_id"], chosen)
		}
		if s := strategy(sid); s != http.StatusNotFound {
			t.Errorf("replaced managed strategy: GET answered %d, want 404", s)
		}
		if s := strategy(chosen); s != http.StatusOK {
			t.Errorf("chosen strategy: GET answered %d, want 200", s)
		}
	})

	t.Run("authentication turned off", func(t *testing.T) {
		p := ts.createPortal("", `{"name":"public-later"}`)
		sid := str(p["default_application_auth_strategy_id"])
		got := ts.do(http.MethodPatch, "/v3/portals/"+str(p["id"]), `{"authentication_enabled":false}`).must(t, http.StatusOK)
		if got["default_application_auth_strategy_id"] != nil {
			t.Errorf("default = %v, want null once authentication is off", got["default_application_auth_strategy_id"])
		}
		if s := strategy(sid); s != http.StatusNotFound {
			t.Errorf("managed strategy of a portal without authentication: GET answered %d, want 404", s)
		}
		// Turning authentication back on creates nothing: the administrator chooses the default.
		got = ts.do(http.MethodPatch, "/v3/portals/"+str(p["id"]), `{"authentication_enabled":true}`).must(t, http.StatusOK)
		if got["default_application_auth_strategy_id"] != nil {
			t.Errorf("default = %v after turning authentication back on, want null", got["default_application_auth_strategy_id"])
		}
	})

	t.Run("kept while a publication uses it", func(t *testing.T) {
		p := ts.createPortal("", `{"name":"published"}`)
		sid := str(p["default_application_auth_strategy_id"])
		api := str(ts.createAPI("", "kept-by-publication", "v1")["id"])
		ts.publish("", api, str(p["id"]), `{}`).must(t, http.StatusOK)
		ts.do(http.MethodPatch, "/v3/portals/"+str(p["id"]), `{"default_application_auth_strategy_id":null}`).must(t, http.StatusOK)
		if s := strategy(sid); s != http.StatusOK {
			t.Fatalf("managed strategy in use: GET answered %d, want 200", s)
		}
		// Once unused, the next change of the portal's security settings retires it.
		ts.do(http.MethodDelete, "/v3/apis/"+api+"/publications/"+str(p["id"]), "").must(t, http.StatusNoContent)
		ts.do(http.MethodPatch, "/v3/portals/"+str(p["id"]), `{"authentication_enabled":true}`).must(t, http.StatusOK)
		if s := strategy(sid); s != http.StatusNotFound {
			t.Errorf("unused managed strategy: GET answered %d, want 404", s)
		}
	})

	t.Run("kept while another portal uses it", func(t *testing.T) {
		p := ts.createPortal("", `{"name":"lender"}`)
		sid := str(p["default_application_auth_strategy_id"])
		ts.createPortal("", `{"name":"borrower2","default_application_auth_strategy_id":"`+sid+`"}`)
		got := ts.do(http.MethodPatch, "/v3/portals/"+str(p["id"]), `{"authentication_enabled":false}`).must(t, http.StatusOK)
		if got["default_application_auth_strategy_id"] != sid {
			t.Errorf("default = %v, want %s kept while another portal uses it", got["default_application_auth_strategy_id"], sid)
		}
		if s := strategy(sid); s != http.StatusOK {
			t.Errorf("shared managed strategy: GET answered %d, want 200", s)
		}
	})

	t.Run("a strategy the administrator created is never deleted", func(t *testing.T) {
		own := str(ts.createKeyAuthStrategy("", "admin-made")["id"])
		p := ts.createPortal("", `{"name":"admin-default","default_application_auth_strategy_id":"`+own+`"}`)
		ts.do(http.MethodPatch, "/v3/portals/"+str(p["id"]), `{"authentication_enabled":false,"default_application_auth_strategy_id":null}`).
			must(t, http.StatusOK)
		if s := strategy(own); s != http.StatusOK {
			t.Errorf("administrator's strategy: GET answered %d, want 200", s)
		}
	})
}

// TestStrategyChangeSuspendsRegistrations checks that registrations whose application no longer
// matches the publication's strategy stop granting access at once, say so in both APIs, and grant
// access again, as they were, when the strategy comes back.
func TestStrategyChangeSuspendsRegistrations(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	pid := e.autoPortal("", "switching")
	keyAuth := str(e.do(http.MethodGet, "/v3/portals/"+pid, "").must(t, http.StatusOK)["default_application_auth_strategy_id"])
	apiID, cpID := e.publishedAPI("", pid, "orders", true)
	oidc := str(e.do(http.MethodPost, "/v2/application-auth-strategies",
		`{"name":"sso","display_name":"SSO","strategy_type":"openid_connect",
		  "configs":{"openid-connect":{"issuer":"https://idp.example.com","credential_claim":["client_id"],
		  "scopes":["openid"],"auth_methods":["client_credentials"]}}}`).must(t, http.StatusCreated)["id"])

	dev := e.approvedDeveloper("", pid, "ada@example.com")
	appID := str(dev.do(http.MethodPost, "/applications", `{"name":"shop"}`).must(t, http.StatusCreated)["id"])
	regID := str(dev.do(http.MethodPost, "/applications/"+appID+"/registrations", `{"api_id":"`+apiID+`"}`).
		must(t, http.StatusCreated)["id"])
	dev.do(http.MethodPost, "/applications/"+appID+"/credentials", `{"display_name":"ci"}`).must(t, http.StatusCreated)
	adminReg := "/v3/portals/" + pid + "/applications/" + appID + "/registrations/" + regID
	devReg := "/applications/" + appID + "/registrations/" + regID

	// granting checks that the gateway data lists the application as wanted and that both APIs
	// show the registration approved, with a suspended_reason containing reason ("" for none).
	granting := func(t *testing.T, want bool, reason string) {
		t.Helper()
		if apps := e.gatewayApps("", cpID); (len(apps) == 1) != want {
			t.Errorf("gateway data lists %d applications, want access %v: %v", len(apps), want, apps)
		}
		for name, b := range map[string]map[string]any{
			"admin get":      e.do(http.MethodGet, adminReg, "").must(t, http.StatusOK),
			"admin list":     list(t, e.do(http.MethodGet, "/v3/portals/"+pid+"/application-registrations", "").must(t, http.StatusOK))[0],
			"developer get":  dev.do(http.MethodGet, devReg, "").must(t, http.StatusOK),
			"developer list": list(t, dev.do(http.MethodGet, "/applications/"+appID+"/registrations", "").must(t, http.StatusOK))[0],
		} {
			got, has := b["suspended_reason"].(string)
			if b["status"] != "approved" {
				t.Errorf("%s: status %v, want the stored approved", name, b["status"])
			}
			switch {
			case reason == "" && has:
				t.Errorf("%s: suspended_reason %q on a registration that grants access", name, got)
			case reason != "" && !strings.Contains(got, reason):
				t.Errorf("%s: suspended_reason %q, want one containing %q", name, got, reason)
			}
		}
	}
	granting(t, true, "")

	e.publish("", apiID, pid, `{"auth_strategy_ids":["`+oidc+`"],"auto_approve_registrations":true}`).must(t, http.StatusOK)
	granting(t, false, "uses auth strategy "+keyAuth+" but the API's publication on this portal accepts only auth strategy "+oidc)
	affected := e.do(http.MethodGet, "/v3/portals/"+pid+"/application-registrations?filter[api_id]="+apiID+
		"&filter[application_auth_strategy_id]="+keyAuth+"&page[size]=1", "").must(t, http.StatusOK)
	if total := affected["meta"].(map[string]any)["page"].(map[string]any)["total"]; total != float64(1) {
		t.Errorf("registrations filtered by the application's strategy: total %v, want 1", total)
	}
	// Approving again changes nothing while the strategies differ.
	e.do(http.MethodPatch, adminReg, `{"status":"approved"}`).must(t, http.StatusOK)
	granting(t, false, "once the publication accepts that strategy")

	e.publish("", apiID, pid, `{"auth_strategy_ids":["`+keyAuth+`"],"auto_approve_registrations":true}`).must(t, http.StatusOK)
	granting(t, true, "")

	e.publish("", apiID, pid, `{"auth_strategy_ids":null,"auto_approve_registrations":true}`).must(t, http.StatusOK)
	granting(t, false, "is published without application auth")

	e.publish("", apiID, pid, `{"auth_strategy_ids":["`+keyAuth+`"],"auto_approve_registrations":true}`).must(t, http.StatusOK)
	granting(t, true, "")
	e.do(http.MethodDelete, "/v3/apis/"+apiID+"/publications/"+pid, "").must(t, http.StatusNoContent)
	if apps := e.gatewayApps("", cpID); len(apps) != 0 {
		t.Errorf("gateway data lists applications of an unpublished API: %v", apps)
	}
}
