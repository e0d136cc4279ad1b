package backend_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestApplicationAuthPluginLifecycle walks the managed plugin through every rule: publish before
// link, link, relink, strategy edit, a second portal, the same strategy twice, protection against
// users, and unpublishing.
func TestApplicationAuthPluginLifecycle(t *testing.T) {
	ts := startServer(t, "")
	portalA := str(ts.createPortal("", `{"name":"kaa-a","authentication_enabled":true}`)["id"])
	portalB := str(ts.createPortal("", `{"name":"kaa-b","authentication_enabled":true}`)["id"])
	portalC := str(ts.createPortal("", `{"name":"kaa-c","authentication_enabled":true}`)["id"])
	s1 := str(ts.createKeyAuthStrategy("", "kaa-s1")["id"])
	s2 := str(ts.createKeyAuthStrategy("", "kaa-s2")["id"])
	api := str(ts.createAPI("", "orders", "v1")["id"])
	cp := str(ts.createControlPlane("", "kaa-cp")["id"])
	svc1 := str(ts.createService("", cp, "orders-one")["id"])
	svc2 := str(ts.createService("", cp, "orders-two")["id"])

	// Published before any link: the configuration waits, no plugin exists anywhere.
	pub := ts.publish("", api, portalA, `{"auth_strategy_ids":["`+s1+`"],"visibility":"public"}`).must(t, http.StatusOK)
	if ids := pub["auth_strategy_ids"].([]any); len(ids) != 1 || ids[0] != s1 {
		t.Fatalf("auth_strategy_ids %v, want [%s]", ids, s1)
	}
	if got := managedPlugins(ts.plugins("", cp, "")); len(got) != 0 {
		t.Fatalf("plugin applied before any link: %v", got)
	}

	// Linking applies the plugin to the service, tagged and scoped to the API.
	link1 := str(ts.link("", api, cp, svc1).must(t, http.StatusCreated)["id"])
	plugin := onlyManagedPlugin(t, ts.plugins("", cp, svc1))
	if tags := plugin["tags"].([]any); !slices.Contains(tags, any("konnect-managed-plugin")) {
		t.Errorf("managed plugin tags %v lack konnect-managed-plugin", tags)
	}
	if svc := plugin["service"].(map[string]any); svc["id"] != svc1 {
		t.Errorf("plugin service %v, want %s", svc, svc1)
	}
	config := plugin["config"].(map[string]any)
	if config["scope"] != api || config["auth_type"] != "v2-strategies" {
		t.Errorf("plugin config %v: want scope %s and auth_type v2-strategies", config, api)
	}
	if got := keyAuthStrategies(t, plugin); len(got) != 1 || !slices.Equal(got[s1], []string{"x-key"}) {
		t.Errorf("key_auth strategies %v, want only %s with [x-key]", got, s1)
	}

	// An ordinary plugin beside it is left alone by everything that follows.
	ts.do(http.MethodPost, "/v2/control-planes/"+cp+"/core-entities/services/"+svc1+"/plugins",
		`{"name":"rate-limiting","config":{"minute":5}}`).must(t, http.StatusCreated)

	// Relink: gone from the first service, present on the second with the same strategies.
	ts.do(http.MethodDelete, "/v3/apis/"+api+"/implementations/"+link1, "").must(t, http.StatusNoContent)
	if got := managedPlugins(ts.plugins("", cp, "")); len(got) != 0 {
		t.Fatalf("plugin left behind after unlink: %v", got)
	}
	ts.link("", api, cp, svc2).must(t, http.StatusCreated)
	if got := managedPlugins(ts.plugins("", cp, svc1)); len(got) != 0 {
		t.Errorf("plugin still on the first service: %v", got)
	}
	moved := onlyManagedPlugin(t, ts.plugins("", cp, svc2))
	if got := keyAuthStrategies(t, moved); len(got) != 1 || !slices.Equal(got[s1], []string{"x-key"}) {
		t.Errorf("moved plugin strategies %v, want only %s with [x-key]", got, s1)
	}
	if others := ts.plugins("", cp, svc1); len(others) != 1 || others[0]["name"] != "rate-limiting" {
		t.Errorf("the ordinary plugin did not survive: %v", others)
	}

	// Strategy key names follow into the plugin, which is updated in place.
	ts.do(http.MethodPatch, "/v2/application-auth-strategies/"+s1,
		`{"configs":{"key-auth":{"key_names":["x-api-key","apikey"]}}}`).must(t, http.StatusOK)
	updated := onlyManagedPlugin(t, ts.plugins("", cp, svc2))
	if updated["id"] != moved["id"] {
		t.Errorf("plugin replaced (%v -> %v) rather than updated", moved["id"], updated["id"])
	}
	if got := keyAuthStrategies(t, updated); !slices.Equal(got[s1], []string{"x-api-key", "apikey"}) {
		t.Errorf("key names %v, want [x-api-key apikey]", got[s1])
	}

	// A second portal with another strategy: still one plugin, covering both.
	ts.publish("", api, portalB, `{"auth_strategy_ids":["`+s2+`"]}`).must(t, http.StatusOK)
	both := onlyManagedPlugin(t, ts.plugins("", cp, ""))
	if got := keyAuthStrategies(t, both); len(got) != 2 || got[s1] == nil || got[s2] == nil {
		t.Errorf("strategies %v, want %s and %s", got, s1, s2)
	}

	// The same strategy in a third portal is not repeated.
	ts.publish("", api, portalC, `{"auth_strategy_ids":["`+s1+`"]}`).must(t, http.StatusOK)
	if got := keyAuthStrategies(t, onlyManagedPlugin(t, ts.plugins("", cp, ""))); len(got) != 2 {
		t.Errorf("strategies %v, want two distinct ones", got)
	}

	// Users cannot create, change or delete a managed plugin.
	pluginPath := "/v2/control-planes/" + cp + "/core-entities/plugins/" + str(both["id"])
	for _, r := range []response{
		ts.do(http.MethodDelete, pluginPath, ""),
		ts.do(http.MethodPut, pluginPath, `{"name":"konnect-application-auth","config":{}}`),
		ts.do(http.MethodPut, pluginPath, `{"name":"cors"}`),
		ts.do(http.MethodDelete, "/v2/control-planes/"+cp+"/core-entities/services/"+svc2+"/plugins/"+str(both["id"]), ""),
	} {
		detail := str(r.problem(t, http.StatusForbidden)["detail"])
		if !strings.Contains(detail, "managed by the publications") || !strings.Contains(detail, api) {
			t.Errorf("detail %q does not say the API's publications manage the plugin", detail)
		}
	}
	ts.do(http.MethodPost, "/v2/control-planes/"+cp+"/core-entities/services/"+svc1+"/plugins",
		`{"name":"konnect-application-auth","config":{}}`).invalidParam(t, "name", "invalid")
	ts.do(http.MethodPost, "/v2/control-planes/"+cp+"/core-entities/plugins",
		`{"name":"key-auth","tags":["konnect-managed-plugin"]}`).invalidParam(t, "tags", "invalid")
	onlyManagedPlugin(t, ts.plugins("", cp, svc2))

	// Unpublishing one portal keeps the plugin; unpublishing all removes it.
	ts.do(http.MethodDelete, "/v3/apis/"+api+"/publications/"+portalB, "").must(t, http.StatusNoContent)
	if got := keyAuthStrategies(t, onlyManagedPlugin(t, ts.plugins("", cp, ""))); len(got) != 1 || got[s1] == nil {
		t.Errorf("after unpublishing portal B: strategies %v, want only %s", got, s1)
	}
	ts.do(http.MethodDelete, "/v3/apis/"+api+"/publications/"+portalA, "").must(t, http.StatusNoContent)
	ts.do(http.MethodDelete, "/v3/apis/"+api+"/publications/"+portalC, "").must(t, http.StatusNoContent)
	if got := managedPlugins(ts.plugins("", cp, "")); len(got) != 0 {
		t.Errorf("plugin left after the last publication went: %v", got)
	}
	ts.do(http.MethodDelete, "/v3/apis/"+api+"/publications/"+portalC, "").problem(t, http.StatusNotFound)
}

// TestPublicationWithoutStrategyHasNoPlugin checks that publications without application auth, alone
// or beside one with a strategy, never add a strategy to the plugin.
func TestPublicationWithoutStrategyHasNoPlugin(t *testing.T) {
	ts := startServer(t, "")
	open := str(ts.createPortal("", `{"name":"open","authentication_enabled":false}`)["id"])
	closed := str(ts.createPortal("", `{"name":"closed","authentication_enabled":true}`)["id"])
	api := str(ts.createAPI("", "catalog", "v1")["id"])
	cp := str(ts.createControlPlane("", "cp")["id"])
	ts.link("", api, cp, str(ts.createService("", cp, "catalog")["id"])).must(t, http.StatusCreated)

	pub := ts.publish("", api, open, `{"auth_strategy_ids":null}`).must(t, http.StatusOK)
	if pub["auth_strategy_ids"] != nil {
		t.Errorf("auth_strategy_ids %v, want null", pub["auth_strategy_ids"])
	}
	if got := managedPlugins(ts.plugins("", cp, "")); len(got) != 0 {
		t.Fatalf("plugin for a publication without application auth: %v", got)
	}
	// Omitted: the portal's default, the key-auth strategy created with the portal.
	def := str(ts.do(http.MethodGet, "/v3/portals/"+closed, "").must(t, http.StatusOK)["default_application_auth_strategy_id"])
	pub = ts.publish("", api, closed, `{}`).must(t, http.StatusOK)
	if ids, _ := pub["auth_strategy_ids"].([]any); len(ids) != 1 || ids[0] != def {
		t.Fatalf("auth_strategy_ids %v, want the portal default [%s]", pub["auth_strategy_ids"], def)
	}
	if got := keyAuthStrategies(t, onlyManagedPlugin(t, ts.plugins("", cp, ""))); len(got) != 1 || got[def] == nil {
		t.Errorf("strategies %v, want only the portal default %s", got, def)
	}
}

// TestPluginScopePerAPI checks that two APIs sharing a strategy get one plugin each, scoped to their
// own API, so a key registered for one API does not open the other.
func TestPluginScopePerAPI(t *testing.T) {
	ts := startServer(t, "")
	portal := str(ts.createPortal("", `{"name":"scopes","authentication_enabled":true}`)["id"])
	cp := str(ts.createControlPlane("", "scopes")["id"])
	scopes := map[string]string{}
	for _, name := range []string{"first", "second"} {
		api := str(ts.createAPI("", name, "v1")["id"])
		svc := str(ts.createService("", cp, name)["id"])
		ts.link("", api, cp, svc).must(t, http.StatusCreated)
		ts.publish("", api, portal, `{}`).must(t, http.StatusOK)
		scopes[svc] = api
	}
	plugins := managedPlugins(ts.plugins("", cp, ""))
	if len(plugins) != 2 {
		t.Fatalf("%d managed plugins, want one per API: %v", len(plugins), plugins)
	}
	for _, p := range plugins {
		svc := str(p["service"].(map[string]any)["id"])
		if scope := p["config"].(map[string]any)["scope"]; scope != scopes[svc] {
			t.Errorf("plugin on service %s has scope %v, want API %s", svc, scope, scopes[svc])
		}
	}
}

// TestOpenIDConnectStrategyReachesPlugin checks that an OpenID Connect strategy's settings are passed to
// the plugin as stored, and follow a merge update.
func TestOpenIDConnectStrategyReachesPlugin(t *testing.T) {
	ts := startServer(t, "")
	portal := str(ts.createPortal("", `{"name":"oidc","authentication_enabled":true}`)["id"])
	oidc := str(ts.do(http.MethodPost, "/v2/application-auth-strategies", `{"name":"oidc","display_name":"OIDC",
		"strategy_type":"openid_connect","configs":{"openid-connect":{"issuer":"https://idp.example.com",
		"credential_claim":["sub"],"scopes":["openid"],"auth_methods":["client_credentials"],"leeway":30}}}`).
		must(t, http.StatusCreated)["id"])
	api := str(ts.createAPI("", "oidc", "v1")["id"])
	cp := str(ts.createControlPlane("", "oidc")["id"])
	ts.link("", api, cp, str(ts.createService("", cp, "oidc")["id"])).must(t, http.StatusCreated)
	ts.publish("", api, portal, `{"auth_strategy_ids":["`+oidc+`"]}`).must(t, http.StatusOK)

	oidcConfig := func() map[string]any {
		t.Helper()
		v2 := onlyManagedPlugin(t, ts.plugins("", cp, ""))["config"].(map[string]any)["v2_strategies"].(map[string]any)
		items := v2["openid_connect"].([]any)
		if len(items) != 1 || len(v2["key_auth"].([]any)) != 0 {
			t.Fatalf("v2_strategies %v, want one OpenID Connect strategy", v2)
		}
		item := items[0].(map[string]any)
		if item["strategy_id"] != oidc {
			t.Fatalf("strategy_id %v, want %s", item["strategy_id"], oidc)
		}
		return item["config"].(map[string]any)
	}
	if c := oidcConfig(); c["issuer"] != "https://idp.example.com" || c["leeway"] != float64(30) {
		t.Errorf("plugin OIDC config %v", c)
	}
	ts.do(http.MethodPatch, "/v2/application-auth-strategies/"+oidc,
		`{"configs":{"openid-connect":{"issuer":"https://login.example.com","leeway":null}}}`).must(t, http.StatusOK)
	if c := oidcConfig(); c["issuer"] != "https://login.example.com" || c["leeway"] != nil || c["scopes"] == nil {
		t.Errorf("plugin OIDC config after the update %v", c)
	}
}

// TestPublicationRules covers the request rules of publishing.
func TestPublicationRules(t *testing.T) {
	ts := startServer(t, "")
	portal := ts.createPortal("", `{"name":"rules","authentication_enabled":true,"default_api_visibility":"public"}`)
	portalID := str(portal["id"])
	def := str(portal["default_application_auth_strategy_id"])
	api := str(ts.createAPI("", "rules", "v1")["id"])
	other := str(ts.createKeyAuthStrategy("", "other")["id"])
	euStrategy := str(ts.createKeyAuthStrategy("/eu", "eu-only")["id"])

	// Defaults: the portal's default strategy and API visibility at publish time.
	pub := ts.publish("", api, portalID, `{}`).must(t, http.StatusOK)
	if pub["visibility"] != "public" || pub["auto_approve_registrations"] != false {
		t.Errorf("publication %v: want visibility public (portal default) and no auto approval", pub)
	}
	if ids, _ := pub["auth_strategy_ids"].([]any); len(ids) != 1 || ids[0] != def {
		t.Errorf("auth_strategy_ids %v, want [%s]", pub["auth_strategy_ids"], def)
	}
	// A later change of the portal default does not reach the publication.
	ts.do(http.MethodPatch, "/v3/portals/"+portalID, `{"default_application_auth_strategy_id":"`+other+`"}`).must(t, http.StatusOK)
	got := ts.do(http.MethodGet, "/v3/apis/"+api+"/publications/"+portalID, "").must(t, http.StatusOK)
	if ids, _ := got["auth_strategy_ids"].([]any); len(ids) != 1 || ids[0] != def {
		t.Errorf("after the default changed: auth_strategy_ids %v, want still [%s]", got["auth_strategy_ids"], def)
	}
	// The strategy in use is active and cannot be deleted; the 409 names API and portal.
	if s := ts.do(http.MethodGet, "/v2/application-auth-strategies/"+def, "").must(t, http.StatusOK); s["active"] != true {
		t.Errorf("strategy used by a publication is not active: %v", s)
	}
	detail := str(ts.do(http.MethodDelete, "/v2/application-auth-strategies/"+def, "").problem(t, http.StatusConflict)["detail"])
	for _, want := range []string{api, `"rules" version "v1"`, portalID, `portal "rules"`} {
		if !strings.Contains(detail, want) {
			t.Errorf("409 detail %q does not name %s", detail, want)
		}
	}

	for _, c := range []struct {
		body, field, rule string
	}{
		{`{"auth_strategy_ids":["` + def + `","` + other + `"]}`, "auth_strategy_ids", "max_items"},
		{`{"auth_strategy_ids":[]}`, "auth_strategy_ids", "min_items"},
		{`{"auth_strategy_ids":["not-a-uuid"]}`, "auth_strategy_ids[0]", "is_uuid"},
		{`{"auth_strategy_ids":["00000000-0000-4000-8000-000000000000"]}`, "auth_strategy_ids", "missing_reference"},
		{`{"auth_strategy_ids":["` + euStrategy + `"]}`, "auth_strategy_ids", "missing_reference"},
		{`{"visibility":"hidden"}`, "visibility", "enum"},
		{`{"auto_approve_registrations":"yes"}`, "auto_approve_registrations", "is_boolean"},
		{`{"colour":"red"}`, "colour", "unknown_property"},
	} {
		t.Run(c.body, func(t *testing.T) {
			ts.publish("", api, portalID, c.body).invalidParam(t, c.field, c.rule)
		})
	}
	missing := "00000000-0000-4000-8000-000000000000"
	ts.publish("", api, missing, `{}`).problem(t, http.StatusNotFound)
	ts.publish("", missing, portalID, `{}`).problem(t, http.StatusNotFound)

	// Explicit values, and the list of publications with its filters.
	pub = ts.publish("", api, portalID, `{"auth_strategy_ids":["`+other+`"],"visibility":"private","auto_approve_registrations":true}`).must(t, http.StatusOK)
	if pub["visibility"] != "private" || pub["auto_approve_registrations"] != true {
		t.Errorf("publication %v does not hold the given values", pub)
	}
	items := list(t, ts.do(http.MethodGet, "/v3/api-publications?filter[api_id][eq]="+api, "").must(t, http.StatusOK))
	if len(items) != 1 || items[0]["portal_id"] != portalID || items[0]["entity_type"] != "api" {
		t.Errorf("publications %v, want the one in %s", items, portalID)
	}
	ts.do(http.MethodGet, "/v3/api-publications?filter[api_id]="+api, "").invalidParam(t, "filter[api_id]", "enum")
	if items := list(t, ts.do(http.MethodGet, "/v3/api-publications?filter[auth_strategy_id][eq]="+def, "").must(t, http.StatusOK)); len(items) != 0 {
		t.Errorf("publications still listed with the replaced strategy: %v", items)
	}
	// The portal's own list, with names to filter and sort by.
	second := str(ts.createAPI("", "another", "v1")["id"])
	ts.publish("", second, portalID, `{"auth_strategy_ids":null}`).must(t, http.StatusOK)
	byName := list(t, ts.do(http.MethodGet, "/v3/portals/"+portalID+"/api-publications?sort=api_name", "").must(t, http.StatusOK))
	if len(byName) != 2 || byName[0]["api_id"] != second || byName[1]["api_id"] != api ||
		!slices.Equal(byName[0]["portal_ids"].([]any), []any{portalID}) || byName[0]["auth_strategy_ids"] != nil {
		t.Errorf("portal publications sorted by API name: %v", byName)
	}
	if items := list(t, ts.do(http.MethodGet, "/v3/api-publications?filter[api_name]=rules&filter[portal_name][contains]=rul", "").must(t, http.StatusOK)); len(items) != 1 || items[0]["api_id"] != api {
		t.Errorf("publications filtered by API and portal name: %v", items)
	}
	ts.do(http.MethodGet, "/v3/portals/"+missing+"/api-publications", "").problem(t, http.StatusNotFound)
	ts.do(http.MethodGet, "/v3/portals/"+portalID+"/api-publications?sort=portal_name", "").invalidParam(t, "sort", "enum")

	portals := ts.do(http.MethodGet, "/v3/apis/"+api, "").must(t, http.StatusOK)["portals"].([]any)
	if len(portals) != 1 || portals[0].(map[string]any)["id"] != portalID || portals[0].(map[string]any)["name"] != "rules" {
		t.Errorf("API portals %v, want the rules portal", portals)
	}
	// Other regions see neither the API nor its publication.
	ts.do(http.MethodGet, "/eu/v3/apis/"+api+"/publications/"+portalID, "").problem(t, http.StatusNotFound)
	if items := list(t, ts.do(http.MethodGet, "/eu/v3/api-publications", "").must(t, http.StatusOK)); len(items) != 0 {
		t.Errorf("eu lists us publications: %v", items)
	}
}

// TestServiceLinkRules covers the 400s and 409s of linking, and of deleting what a link uses.
func TestServiceLinkRules(t *testing.T) {
	ts := startServer(t, "")
	api := str(ts.createAPI("", "links", "v1")["id"])
	api2 := str(ts.createAPI("", "links", "v2")["id"])
	cp := str(ts.createControlPlane("", "links")["id"])
	svc := str(ts.createService("", cp, "links")["id"])
	svc2 := str(ts.createService("", cp, "links-two")["id"])
	euCP := str(ts.createControlPlane("/eu", "links-eu")["id"])
	euSvc := str(ts.createService("/eu", euCP, "links-eu")["id"])
	missing := "00000000-0000-4000-8000-000000000000"

	ts.link("", api, missing, svc).invalidParam(t, "service.control_plane_id", "missing_reference")
	ts.link("", api, cp, missing).invalidParam(t, "service.id", "missing_reference")
	ts.link("", api, euCP, euSvc).invalidParam(t, "service.control_plane_id", "missing_reference")
	ts.do(http.MethodPost, "/v3/apis/"+api+"/implementations", `{"service":{"id":"`+svc+`"}}`).
		invalidParam(t, "service.control_plane_id", "required")
	ts.do(http.MethodPost, "/v3/apis/"+api+"/implementations", `{}`).invalidParam(t, "service", "required")
	ts.do(http.MethodPost, "/v3/apis/"+api+"/implementations", `{"control_plane":{"control_plane_id":"`+cp+`"}}`).
		invalidParam(t, "control_plane", "invalid")
	ts.link("", missing, cp, svc).problem(t, http.StatusNotFound)

	im := ts.link("", api, cp, svc).must(t, http.StatusCreated)
	if s := im["service"].(map[string]any); s["id"] != svc || s["control_plane_id"] != cp || s["auth_strategy_sync_error"] != nil {
		t.Errorf("implementation service %v", s)
	}
	if mode := ts.do(http.MethodGet, "/v3/apis/"+api, "").must(t, http.StatusOK)["implementation_mode"]; mode != "gateway_entity_binding" {
		t.Errorf("implementation_mode %v, want gateway_entity_binding", mode)
	}
	detail := str(ts.link("", api, cp, svc2).problem(t, http.StatusConflict)["detail"])
	if !strings.Contains(detail, "already linked") {
		t.Errorf("409 detail %q does not say the API is already linked", detail)
	}
	detail = str(ts.link("", api2, cp, svc).problem(t, http.StatusConflict)["detail"])
	if !strings.Contains(detail, api) {
		t.Errorf("409 detail %q does not name the API the service serves", detail)
	}

	// What a link uses cannot be deleted under it.
	detail = ts.do(http.MethodDelete, "/v2/control-planes/"+cp+"/core-entities/services/"+svc, "").kongProblem(t, http.StatusConflict)
	if !strings.Contains(detail, api) || !strings.Contains(detail, "remove the link") {
		t.Errorf("409 detail %q should name the API and say to remove the link", detail)
	}
	detail = str(ts.do(http.MethodDelete, "/v2/control-planes/"+cp, "").problem(t, http.StatusConflict)["detail"])
	if !strings.Contains(detail, api) {
		t.Errorf("409 detail %q does not name the linked API", detail)
	}

	items := list(t, ts.do(http.MethodGet, "/v3/api-implementations?filter[service_id][eq]="+svc, "").must(t, http.StatusOK))
	if len(items) != 1 || items[0]["api_id"] != api || items[0]["id"] != im["id"] {
		t.Errorf("implementations %v, want the link of %s", items, api)
	}
	ts.do(http.MethodGet, "/eu/v3/apis/"+api+"/implementations/"+str(im["id"]), "").problem(t, http.StatusNotFound)
	ts.do(http.MethodGet, "/v3/apis/"+api2+"/implementations/"+str(im["id"]), "").problem(t, http.StatusNotFound)
	ts.do(http.MethodGet, "/v3/apis/"+api+"/implementations/"+str(im["id"]), "").must(t, http.StatusOK)

	// Unlinked, the control plane goes with its services, plugins and nodes.
	ts.do(http.MethodDelete, "/v3/apis/"+api+"/implementations/"+str(im["id"]), "").must(t, http.StatusNoContent)
	ts.do(http.MethodDelete, "/v3/apis/"+api+"/implementations/"+str(im["id"]), "").problem(t, http.StatusNotFound)
	ts.do(http.MethodPost, "/v2/control-planes/"+cp+"/core-entities/services/"+svc+"/plugins", `{"name":"cors"}`).must(t, http.StatusCreated)
	ts.registerNode("", cp, "dp-1", "3.9.1")
	ts.do(http.MethodDelete, "/v2/control-planes/"+cp, "").must(t, http.StatusNoContent)
	ts.do(http.MethodGet, "/v2/control-planes/"+cp, "").problem(t, http.StatusNotFound)
	ts.do(http.MethodGet, "/v2/control-planes/"+cp+"/core-entities/services", "").kongProblem(t, http.StatusNotFound)
	if mode := ts.do(http.MethodGet, "/v3/apis/"+api, "").must(t, http.StatusOK)["implementation_mode"]; mode != nil {
		t.Errorf("implementation_mode %v after unlinking, want null", mode)
	}
}

// TestOutdatedGatewayNodes checks that nodes older than 3.6 block new links and show up as the sync
// error of existing ones until they leave.
func TestOutdatedGatewayNodes(t *testing.T) {
	ts := startServer(t, "")
	api := str(ts.createAPI("", "nodes", "v1")["id"])
	cp := str(ts.createControlPlane("", "nodes")["id"])
	svc := str(ts.createService("", cp, "nodes")["id"])

	ts.registerNode("", cp, "dp-new", "3.9.1")
	old := ts.registerNode("", cp, "dp-old", "3.4.3.12")
	if old["version"] != "3.4.3.12" || old["hostname"] != "dp-old" || str(old["id"]) == "" {
		t.Errorf("registered node %v", old)
	}
	reason := str(ts.link("", api, cp, svc).invalidParam(t, "service.control_plane_id", "invalid")["reason"])
	if !strings.Contains(reason, "dp-old") || !strings.Contains(reason, "3.4.3.12") || !strings.Contains(reason, "3.6 or later") {
		t.Errorf("reason %q does not name the node, its version and the version needed", reason)
	}
	ts.do(http.MethodDelete, "/v2/control-planes/"+cp+"/nodes/"+str(old["id"]), "").must(t, http.StatusNoContent)
	ts.do(http.MethodDelete, "/v2/control-planes/"+cp+"/nodes/"+str(old["id"]), "").kongProblem(t, http.StatusNotFound)
	im := str(ts.link("", api, cp, svc).must(t, http.StatusCreated)["id"])

	// A node too old joining later: the link reports it, until it leaves.
	late := str(ts.registerNode("", cp, "dp-late", "3.5.0")["id"])
	got := ts.do(http.MethodGet, "/v3/apis/"+api+"/implementations/"+im, "").must(t, http.StatusOK)
	syncErr, _ := got["service"].(map[string]any)["auth_strategy_sync_error"].(map[string]any)
	if msg := str(syncErr["message"]); !strings.Contains(msg, "dp-late") || !strings.Contains(msg, "3.5.0") || !strings.Contains(msg, "3.6 or later") {
		t.Errorf("sync error %v does not name the late node, its version and the version needed", syncErr)
	}
	items := list(t, ts.do(http.MethodGet, "/v3/api-implementations", "").must(t, http.StatusOK))
	if len(items) != 1 || items[0]["service"].(map[string]any)["auth_strategy_sync_error"] == nil {
		t.Errorf("implementation list does not show the sync error: %v", items)
	}
	nodes := ts.do(http.MethodGet, "/v2/control-planes/"+cp+"/nodes", "").must(t, http.StatusOK)
	states := map[string]any{}
	for _, n := range nodes["items"].([]any) {
		n := n.(map[string]any)
		states[str(n["hostname"])] = n["compatibility_status"].(map[string]any)["state"]
	}
	if states["dp-late"] != "COMPATIBILITY_STATE_INCOMPATIBLE" || states["dp-new"] != "COMPATIBILITY_STATE_FULLY_COMPATIBLE" || len(states) != 2 {
		t.Errorf("node states %v", states)
	}
	first := ts.do(http.MethodGet, "/v2/control-planes/"+cp+"/nodes?page[size]=1", "").must(t, http.StatusOK)
	next := str(first["page"].(map[string]any)["next"])
	if len(first["items"].([]any)) != 1 || next == "" || first["page"].(map[string]any)["total_count"] != float64(2) {
		t.Fatalf("first page of nodes %v", first)
	}
	last := ts.do(http.MethodGet, "/v2/control-planes/"+cp+"/nodes?page[size]=1&page[after]="+next, "").must(t, http.StatusOK)
	if len(last["items"].([]any)) != 1 || last["page"].(map[string]any)["next"] != nil {
		t.Errorf("last page of nodes %v", last)
	}
	ts.do(http.MethodGet, "/v2/control-planes/"+cp+"/nodes?filter[name]=x", "").invalidParam(t, "filter[name]", "invalid")

	ts.do(http.MethodDelete, "/v2/control-planes/"+cp+"/nodes/"+late, "").must(t, http.StatusNoContent)
	got = ts.do(http.MethodGet, "/v3/apis/"+api+"/implementations/"+im, "").must(t, http.StatusOK)
	if e := got["service"].(map[string]any)["auth_strategy_sync_error"]; e != nil {
		t.Errorf("sync error %v stayed after the node left", e)
	}

	for _, c := range []struct{ body, field, rule string }{
		{`{"hostname":"dp","version":"latest"}`, "version", "invalid"},
		{`{"hostname":"dp"}`, "version", "required"},
		{`{"version":"3.9.1"}`, "hostname", "required"},
		{`{"hostname":"dp","version":"3.9.1","type":"x"}`, "type", "unknown_property"},
	} {
		ts.do(http.MethodPost, "/v2/control-planes/"+cp+"/nodes", c.body).invalidParam(t, c.field, c.rule)
	}
}

// TestPortalForceDeleteRemovesPlugin checks that deleting a portal with force removes its
// publications and so the plugin they needed, while a plain delete is refused.
func TestPortalForceDeleteRemovesPlugin(t *testing.T) {
	ts := startServer(t, "")
	portal := str(ts.createPortal("", `{"name":"doomed","authentication_enabled":true}`)["id"])
	keep := str(ts.createPortal("", `{"name":"kept","authentication_enabled":false}`)["id"])
	api := str(ts.createAPI("", "doomed", "v1")["id"])
	cp := str(ts.createControlPlane("", "doomed")["id"])
	ts.link("", api, cp, str(ts.createService("", cp, "doomed")["id"])).must(t, http.StatusCreated)
	ts.publish("", api, portal, `{}`).must(t, http.StatusOK)
	ts.publish("", api, keep, `{"auth_strategy_ids":null}`).must(t, http.StatusOK)
	onlyManagedPlugin(t, ts.plugins("", cp, ""))

	detail := str(ts.do(http.MethodDelete, "/v3/portals/"+portal, "").problem(t, http.StatusConflict)["detail"])
	if !strings.Contains(detail, "force=true") {
		t.Errorf("409 detail %q does not mention force", detail)
	}
	ts.do(http.MethodDelete, "/v3/portals/"+portal+"?force=true", "").must(t, http.StatusNoContent)
	if got := managedPlugins(ts.plugins("", cp, "")); len(got) != 0 {
		t.Errorf("plugin left after the portal went: %v", got)
	}
	items := list(t, ts.do(http.MethodGet, "/v3/api-publications?filter[api_id][eq]="+api, "").must(t, http.StatusOK))
	if len(items) != 1 || items[0]["portal_id"] != keep {
		t.Errorf("publications %v, want only the one in the kept portal", items)
	}
}

// TestAPIDeleteRemovesLinkPublicationsAndPlugin checks that deleting an API takes its link,
// publications and plugin with it, freeing the service.
func TestAPIDeleteRemovesLinkPublicationsAndPlugin(t *testing.T) {
	ts := startServer(t, "")
	portal := str(ts.createPortal("", `{"name":"apidel","authentication_enabled":true}`)["id"])
	api := str(ts.createAPI("", "apidel", "v1")["id"])
	cp := str(ts.createControlPlane("", "apidel")["id"])
	svc := str(ts.createService("", cp, "apidel")["id"])
	ts.link("", api, cp, svc).must(t, http.StatusCreated)
	def := str(ts.publish("", api, portal, `{}`).must(t, http.StatusOK)["auth_strategy_ids"].([]any)[0])
	onlyManagedPlugin(t, ts.plugins("", cp, svc))

	ts.do(http.MethodDelete, "/v3/apis/"+api, "").must(t, http.StatusNoContent)
	ts.do(http.MethodDelete, "/v3/apis/"+api, "").problem(t, http.StatusNotFound)
	if got := ts.plugins("", cp, ""); len(got) != 0 {
		t.Errorf("plugins left after the API went: %v", got)
	}
	if items := list(t, ts.do(http.MethodGet, "/v3/api-implementations", "").must(t, http.StatusOK)); len(items) != 0 {
		t.Errorf("links left after the API went: %v", items)
	}
	if s := ts.do(http.MethodGet, "/v2/application-auth-strategies/"+def, "").must(t, http.StatusOK); s["active"] != false {
		t.Errorf("strategy still active after the API went: %v", s)
	}
	ts.do(http.MethodDelete, "/v2/control-planes/"+cp+"/core-entities/services/"+svc, "").must(t, http.StatusNoContent)
}

// TestAPIs covers the API catalog endpoints.
func TestAPIs(t *testing.T) {
	ts := startServer(t, "")
	a := ts.do(http.MethodPost, "/v3/apis", `{"name":"Orders API","version":"v1","description":"Orders","labels":{"team":"core"},"attributes":{"env":["prod"]}}`).
		must(t, http.StatusCreated)
	if a["slug"] != "orders-api-v1" || a["description"] != "Orders" || len(a["portals"].([]any)) != 0 {
		t.Errorf("created API %v", a)
	}
	id := str(a["id"])
	for i := 2; i <= 3; i++ {
		ts.createAPI("", "Orders API", fmt.Sprintf("v%d", i))
	}
	ts.createAPI("", "Billing", "v1")

	detail := str(ts.do(http.MethodPost, "/v3/apis", `{"name":"Orders API","version":"v1"}`).problem(t, http.StatusConflict)["detail"])
	if !strings.Contains(detail, `"Orders API" version "v1"`) {
		t.Errorf("409 detail %q does not name the API", detail)
	}
	ts.do(http.MethodPost, "/v3/apis", `{"name":"Other","slug":"orders-api-v1"}`).problem(t, http.StatusConflict)
	ts.do(http.MethodPost, "/eu/v3/apis", `{"name":"Orders API","version":"v1"}`).must(t, http.StatusCreated)
	unversioned := ts.do(http.MethodPost, "/v3/apis", `{"name":"Orders API"}`).must(t, http.StatusCreated)
	if unversioned["version"] != nil || unversioned["slug"] != "orders-api" {
		t.Errorf("unversioned API %v", unversioned)
	}
	ts.do(http.MethodPost, "/v3/apis", `{"name":"Orders API","slug":"x"}`).problem(t, http.StatusConflict)

	for _, c := range []struct{ body, field, rule string }{
		{`{}`, "name", "required"},
		{`{"name":""}`, "name", "min_length"},
		{`{"name":"x","slug":"no spaces"}`, "slug", "matches_regex"},
		{`{"name":"x","colour":"red"}`, "colour", "unknown_property"},
		{`{"name":"x","spec_content":"openapi: 3.0.0"}`, "spec_content", "invalid"},
		{`{"name":"x","labels":{"kong-x":"y"}}`, "labels.kong-x", "is_label"},
	} {
		ts.do(http.MethodPost, "/v3/apis", c.body).invalidParam(t, c.field, c.rule)
	}

	page := ts.do(http.MethodGet, "/v3/apis?filter[name]=Orders%20API&page[size]=2&page[number]=2", "").must(t, http.StatusOK)
	if meta := page["meta"].(map[string]any)["page"].(map[string]any); meta["total"] != float64(4) || meta["number"] != float64(2) {
		t.Errorf("page meta %v, want 4 in total, page 2", meta)
	}
	if items := list(t, page); len(items) != 2 || items[0]["version"] != "v3" {
		t.Errorf("second page %v", items)
	}

	sorted := list(t, ts.do(http.MethodGet, "/v3/apis?sort=name%20desc,version%20desc&page[size]=2", "").must(t, http.StatusOK))
	if len(sorted) != 2 || sorted[0]["name"] != "Orders API" || sorted[0]["version"] != "v3" || sorted[1]["version"] != "v2" {
		t.Errorf("sorted by name and version, descending: %v", sorted)
	}
	ts.do(http.MethodGet, "/v3/apis?sort=slug", "").invalidParam(t, "sort", "enum")
	ts.do(http.MethodGet, "/v3/apis?filter[id]="+id, "").invalidParam(t, "filter[id]", "enum")
	if items := list(t, ts.do(http.MethodGet, "/v3/apis?filter[id][eq]="+id, "").must(t, http.StatusOK)); len(items) != 1 {
		t.Errorf("filter[id][eq] gave %v", items)
	}

	updated := ts.do(http.MethodPatch, "/v3/apis/"+id, `{"description":null,"labels":{"team":null,"tier":"gold"},"slug":"orders"}`).must(t, http.StatusOK)
	if updated["description"] != nil || updated["slug"] != "orders" || fmt.Sprint(updated["labels"]) != "map[tier:gold]" {
		t.Errorf("updated API %v", updated)
	}
	ts.do(http.MethodPatch, "/v3/apis/"+id, `{"version":"v2"}`).problem(t, http.StatusConflict)
	ts.do(http.MethodGet, "/eu/v3/apis/"+id, "").problem(t, http.StatusNotFound)
	ts.do(http.MethodGet, "/v3/apis/"+id, "").must(t, http.StatusOK)
}

// TestControlPlanes covers the control plane endpoints.
func TestControlPlanes(t *testing.T) {
	ts := startServer(t, "")
	cp := ts.do(http.MethodPost, "/v2/control-planes",
		`{"name":"prod","description":"Production","labels":{"env":"prod"},"cluster_type":"CLUSTER_TYPE_CONTROL_PLANE","cloud_gateway":false}`).
		must(t, http.StatusCreated)
	config := cp["config"].(map[string]any)
	if config["cluster_type"] != "CLUSTER_TYPE_CONTROL_PLANE" || config["auth_type"] != "pinned_client_certs" ||
		config["cloud_gateway"] != false || !strings.HasPrefix(str(config["control_plane_endpoint"]), "https://") {
		t.Errorf("control plane config %v", config)
	}
	id := str(cp["id"])
	ts.createControlPlane("", "staging")
	ts.createControlPlane("", "dev")

	ts.do(http.MethodPost, "/v2/control-planes", `{"name":"prod"}`).problem(t, http.StatusConflict)
	ts.do(http.MethodPost, "/v2/control-planes", `{"name":"x","cloud_gateway":true}`).invalidParam(t, "cloud_gateway", "invalid")
	ts.do(http.MethodPost, "/v2/control-planes", `{"name":"x","cluster_type":"CLUSTER_TYPE_K8S_INGRESS_CONTROLLER"}`).invalidParam(t, "cluster_type", "enum")
	ts.do(http.MethodPost, "/v2/control-planes", `{}`).invalidParam(t, "name", "required")

	page := ts.do(http.MethodGet, "/v2/control-planes?page[size]=2&page[number]=2", "").must(t, http.StatusOK)
	if items := list(t, page); len(items) != 1 || items[0]["name"] != "dev" {
		t.Errorf("second page %v", items)
	}
	if items := list(t, ts.do(http.MethodGet, "/v2/control-planes?filter[name]=staging", "").must(t, http.StatusOK)); len(items) != 1 {
		t.Errorf("filter[name]=staging gave %v", items)
	}
	updated := ts.do(http.MethodPatch, "/v2/control-planes/"+id, `{"name":"production","description":null}`).must(t, http.StatusOK)
	if updated["name"] != "production" || updated["description"] != nil {
		t.Errorf("updated control plane %v", updated)
	}
	ts.do(http.MethodPatch, "/v2/control-planes/"+id, `{"name":"dev"}`).problem(t, http.StatusConflict)
	ts.do(http.MethodGet, "/eu/v2/control-planes/"+id, "").problem(t, http.StatusNotFound)
	ts.do(http.MethodDelete, "/v2/control-planes/"+id, "").must(t, http.StatusNoContent)
	ts.do(http.MethodDelete, "/v2/control-planes/"+id, "").problem(t, http.StatusNotFound)
}

// TestGatewayServicesAndPlugins covers the Kong entity endpoints.
func TestGatewayServicesAndPlugins(t *testing.T) {
	ts := startServer(t, "")
	cp := str(ts.createControlPlane("", "kong")["id"])
	base := "/v2/control-planes/" + cp + "/core-entities"

	s := ts.do(http.MethodPost, base+"/services", `{"name":"orders","protocol":"https","host":"orders.internal","port":443,"path":"/v1","tags":["team-a"]}`).must(t, http.StatusCreated)
	if s["protocol"] != "https" || s["host"] != "orders.internal" || s["port"] != float64(443) || s["path"] != "/v1" ||
		s["retries"] != float64(5) || s["enabled"] != true {
		t.Errorf("service %v", s)
	}
	if _, ok := s["created_at"].(float64); !ok {
		t.Errorf("created_at %v is not a unix timestamp", s["created_at"])
	}
	id := str(s["id"])
	ts.do(http.MethodGet, base+"/services/orders", "").must(t, http.StatusOK)
	ts.do(http.MethodPost, base+"/services", `{"name":"orders","host":"x"}`).kongProblem(t, http.StatusConflict)
	ts.do(http.MethodPost, base+"/services", `{"name":"no host"}`).invalidParam(t, "host", "required")
	ts.do(http.MethodPost, base+"/services", `{"host":"x","port":70000}`).invalidParam(t, "port", "max")
	ts.do(http.MethodPost, base+"/services", `{"host":"x","protocol":"ftp"}`).invalidParam(t, "protocol", "enum")
	ts.do(http.MethodPost, base+"/services", `{"url":"https://x","host":"y"}`).invalidParam(t, "url", "invalid")

	// PUT replaces the whole entity and keeps its creation time; with a new id it creates.
	put := ts.do(http.MethodPut, base+"/services/"+id, `{"name":"orders","host":"orders.internal","port":8080}`).must(t, http.StatusOK)
	if put["protocol"] != "http" || put["port"] != float64(8080) || put["path"] != nil || put["created_at"] != s["created_at"] {
		t.Errorf("replaced service %v", put)
	}
	newID := "5f9fd312-a987-4628-b4c5-bb4f4fddd5f7"
	ts.do(http.MethodPut, base+"/services/"+newID, `{"name":"billing","host":"billing.internal"}`).must(t, http.StatusOK)
	for i := 0; i < 3; i++ {
		ts.createService("", cp, fmt.Sprintf("extra-%d", i))
	}
	first := ts.do(http.MethodGet, base+"/services?size=3", "").must(t, http.StatusOK)
	offset := str(first["offset"])
	if len(list(t, first)) != 3 || offset == "" {
		t.Fatalf("first page %v", first)
	}
	second := ts.do(http.MethodGet, base+"/services?size=3&offset="+offset, "").must(t, http.StatusOK)
	if len(list(t, second)) != 2 || second["offset"] != nil {
		t.Errorf("second page %v", second)
	}
	if items := list(t, ts.do(http.MethodGet, base+"/services?tags=team-a", "").must(t, http.StatusOK)); len(items) != 0 {
		t.Errorf("the replaced service kept its tags: %v", items)
	}
	ts.do(http.MethodGet, base+"/services?offset=garbage", "").invalidParam(t, "offset", "invalid")

	// Ordinary plugins, global and per service.
	p := ts.do(http.MethodPost, base+"/services/"+id+"/plugins", `{"name":"rate-limiting","config":{"minute":20},"tags":["t"]}`).must(t, http.StatusCreated)
	if p["service"].(map[string]any)["id"] != id || p["enabled"] != true || p["config"].(map[string]any)["minute"] != float64(20) {
		t.Errorf("plugin %v", p)
	}
	ts.do(http.MethodPost, base+"/services/"+id+"/plugins", `{"name":"rate-limiting"}`).kongProblem(t, http.StatusConflict)
	g := ts.do(http.MethodPost, base+"/plugins", `{"name":"cors","protocols":["http"]}`).must(t, http.StatusCreated)
	if g["service"] != nil {
		t.Errorf("global plugin has a service: %v", g)
	}
	ts.do(http.MethodPost, base+"/plugins", `{"name":"acl","service":{"id":"`+newID+`"}}`).must(t, http.StatusCreated)
	ts.do(http.MethodPost, base+"/plugins", `{"name":"acl","service":{"id":"00000000-0000-4000-8000-000000000000"}}`).
		invalidParam(t, "service.id", "missing_reference")
	ts.do(http.MethodPost, base+"/plugins", `{"name":"x","protocols":["ftp"]}`).invalidParam(t, "protocols[0]", "enum")
	if n := len(ts.plugins("", cp, "")); n != 3 {
		t.Errorf("%d plugins in the control plane, want 3", n)
	}
	if items := ts.plugins("", cp, id); len(items) != 1 || items[0]["name"] != "rate-limiting" {
		t.Errorf("service plugins %v", items)
	}
	ts.do(http.MethodGet, base+"/services/"+newID+"/plugins/"+str(p["id"]), "").kongProblem(t, http.StatusNotFound)
	ts.do(http.MethodPut, base+"/plugins/"+str(p["id"]), `{"name":"rate-limiting","config":{"minute":30},"service":{"id":"`+id+`"}}`).must(t, http.StatusOK)
	ts.do(http.MethodDelete, base+"/services/"+id+"/plugins/"+str(p["id"]), "").must(t, http.StatusNoContent)
	ts.do(http.MethodDelete, base+"/services/"+id+"/plugins/"+str(p["id"]), "").must(t, http.StatusNoContent)

	// Ids are global: an upsert cannot take over another control plane's entity.
	other := "/v2/control-planes/" + str(ts.createControlPlane("", "other")["id"]) + "/core-entities"
	ts.do(http.MethodPut, other+"/services/"+id, `{"host":"x"}`).kongProblem(t, http.StatusConflict)
	ts.do(http.MethodPut, other+"/plugins/"+str(g["id"]), `{"name":"cors"}`).kongProblem(t, http.StatusConflict)
	ts.do(http.MethodPut, base+"/services/orders", `{"host":"x"}`).invalidParam(t, "id", "is_uuid")

	// Deleting a service takes its plugins; deleting it again succeeds, as in Kong.
	ts.do(http.MethodDelete, base+"/services/"+newID, "").must(t, http.StatusNoContent)
	ts.do(http.MethodDelete, base+"/services/"+newID, "").must(t, http.StatusNoContent)
	if n := len(ts.plugins("", cp, "")); n != 1 {
		t.Errorf("%d plugins left, want the global one", n)
	}
	ts.do(http.MethodGet, "/eu"+base+"/services/"+id, "").kongProblem(t, http.StatusNotFound)
	ts.do(http.MethodGet, base+"/services/"+newID, "").kongProblem(t, http.StatusNotFound)
}
