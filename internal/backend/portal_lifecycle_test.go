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
