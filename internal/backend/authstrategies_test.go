package backend_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestAuthStrategyKeyAuthLifecycle(t *testing.T) {
	ts := startServer(t, "")
	s := ts.do(http.MethodPost, "/v2/application-auth-strategies",
		`{"name":"keys","display_name":"API keys","strategy_type":"key_auth",
		  "configs":{"key-auth":{"key_names":["apikey","x-api-key"],"ttl":{"value":30,"unit":"days"}}},
		  "labels":{"env":"test"}}`).must(t, http.StatusCreated)
	id := str(s["id"])
	if s["active"] != false || s["dcr_provider"] != nil || s["strategy_type"] != "key_auth" {
		t.Errorf("created = %v", s)
	}
	cfg := s["configs"].(map[string]any)["key-auth"].(map[string]any)
	if fmt.Sprint(cfg["key_names"]) != "[apikey x-api-key]" || fmt.Sprint(cfg["ttl"]) != "map[unit:days value:30]" {
		t.Errorf("key-auth config = %v", cfg)
	}

	got := ts.do(http.MethodGet, "/v2/application-auth-strategies/"+id, "").must(t, http.StatusOK)
	if fmt.Sprint(got) != fmt.Sprint(s) {
		t.Errorf("GET differs from create:\n got %v\nwant %v", got, s)
	}

	upd := ts.do(http.MethodPatch, "/v2/application-auth-strategies/"+id,
		`{"display_name":"Keys","configs":{"key-auth":{"ttl":null}},"labels":{"env":null,"team":"a"}}`).must(t, http.StatusOK)
	cfg = upd["configs"].(map[string]any)["key-auth"].(map[string]any)
	if _, has := cfg["ttl"]; has || fmt.Sprint(cfg["key_names"]) != "[apikey x-api-key]" {
		t.Errorf("after patch config = %v", cfg)
	}
	if upd["display_name"] != "Keys" || upd["name"] != "keys" || fmt.Sprint(upd["labels"]) != "map[team:a]" {
		t.Errorf("after patch = %v", upd)
	}

	ts.do(http.MethodDelete, "/v2/application-auth-strategies/"+id, "").must(t, http.StatusNoContent)
	ts.do(http.MethodDelete, "/v2/application-auth-strategies/"+id, "").problem(t, http.StatusNotFound)
}

func TestAuthStrategyKeyAuthDefaults(t *testing.T) {
	ts := startServer(t, "")
	s := ts.do(http.MethodPost, "/v2/application-auth-strategies",
		`{"name":"k","display_name":"","strategy_type":"key_auth","configs":{"key-auth":{}}}`).must(t, http.StatusCreated)
	cfg := s["configs"].(map[string]any)["key-auth"].(map[string]any)
	if fmt.Sprint(cfg["key_names"]) != "[apikey]" {
		t.Errorf("default key_names = %v, want [apikey]", cfg["key_names"])
	}
}

func TestAuthStrategyOpenIDConnect(t *testing.T) {
	ts := startServer(t, "")
	s := ts.do(http.MethodPost, "/v2/application-auth-strategies",
		`{"name":"oidc","display_name":"Enterprise","strategy_type":"openid_connect",
		  "configs":{"openid-connect":{"issuer":"https://idp.example.com","credential_claim":["client_id"],
		  "scopes":["openid"],"auth_methods":["client_credentials","bearer"],
		  "audience":["api"],"leeway":12.5,"nested":{"a":[1,2]}}}}`).must(t, http.StatusCreated)
	id := str(s["id"])
	cfg := s["configs"].(map[string]any)["openid-connect"].(map[string]any)
	if cfg["issuer"] != "https://idp.example.com" || cfg["leeway"] != 12.5 || fmt.Sprint(cfg["nested"]) != "map[a:[1 2]]" {
		t.Errorf("openid-connect config = %v", cfg)
	}

	upd := ts.do(http.MethodPatch, "/v2/application-auth-strategies/"+id,
		`{"configs":{"openid-connect":{"scopes":["openid","email"],"leeway":null}}}`).must(t, http.StatusOK)
	cfg = upd["configs"].(map[string]any)["openid-connect"].(map[string]any)
	if fmt.Sprint(cfg["scopes"]) != "[openid email]" || cfg["issuer"] != "https://idp.example.com" {
		t.Errorf("patched config = %v", cfg)
	}
	if _, has := cfg["leeway"]; has {
		t.Errorf("null did not remove the extra key: %v", cfg)
	}
	if fmt.Sprint(cfg["audience"]) != "[api]" {
		t.Errorf("extra key lost: %v", cfg)
	}
}

func TestAuthStrategyValidation(t *testing.T) {
	ts := startServer(t, "")
	const keyAuth = `"strategy_type":"key_auth","configs":{"key-auth":{"key_names":["k"]}}`
	tests := []struct {
		name, body, field, rule string
	}{
		{"missing name", `{"display_name":"d",` + keyAuth + `}`, "name", "required"},
		{"missing display_name", `{"name":"n",` + keyAuth + `}`, "display_name", "required"},
		{"missing configs", `{"name":"n","display_name":"d","strategy_type":"key_auth"}`, "configs", "required"},
		{"unknown property", `{"name":"n","display_name":"d","colour":1,` + keyAuth + `}`, "colour", "unknown_property"},
		{"unknown key-auth property", `{"name":"n","display_name":"d","strategy_type":"key_auth","configs":{"key-auth":{"names":["k"]}}}`, "configs.key-auth.names", "unknown_property"},
		{"bad strategy type", `{"name":"n","display_name":"d","strategy_type":"basic","configs":{"key-auth":{}}}`, "strategy_type", "enum"},
		{"wrong type", `{"name":"n","display_name":"d","strategy_type":"key_auth","configs":{"key-auth":{"key_names":"k"}}}`, "configs.key-auth.key_names", "is_array"},
		{"empty key_names", `{"name":"n","display_name":"d","strategy_type":"key_auth","configs":{"key-auth":{"key_names":[]}}}`, "configs.key-auth.key_names", "min_items"},
		{"empty key name", `{"name":"n","display_name":"d","strategy_type":"key_auth","configs":{"key-auth":{"key_names":[""]}}}`, "configs.key-auth.key_names[0]", "min_length"},
		{"key name not a header name", `{"name":"n","display_name":"d","strategy_type":"key_auth","configs":{"key-auth":{"key_names":["apikey","bad name!"]}}}`, "configs.key-auth.key_names[1]", "matches_regex"},
		{"bad ttl unit", `{"name":"n","display_name":"d","strategy_type":"key_auth","configs":{"key-auth":{"ttl":{"value":1,"unit":"hours"}}}}`, "configs.key-auth.ttl.unit", "enum"},
		{"configs of the other type", `{"name":"n","display_name":"d","strategy_type":"key_auth","configs":{"openid-connect":{}}}`, "configs.key-auth", "required"},
		{"oidc missing issuer", `{"name":"n","display_name":"d","strategy_type":"openid_connect","configs":{"openid-connect":{"credential_claim":[],"scopes":[],"auth_methods":[]}}}`, "configs.openid-connect.issuer", "required"},
		{"oidc bad issuer", `{"name":"n","display_name":"d","strategy_type":"openid_connect","configs":{"openid-connect":{"issuer":"idp","credential_claim":[],"scopes":[],"auth_methods":[]}}}`, "configs.openid-connect.issuer", "invalid"},
		{"name too long", `{"name":"` + strings.Repeat("n", 257) + `","display_name":"d",` + keyAuth + `}`, "name", "max_length"},
		{"reserved label", `{"name":"n","display_name":"d","labels":{"kong":"x"},` + keyAuth + `}`, "labels.kong", "is_label"},
		{"dcr provider", `{"name":"n","display_name":"d","dcr_provider_id":"9a7b6c5d-1234-4abc-8def-0123456789ab","strategy_type":"openid_connect","configs":{"openid-connect":{"issuer":"https://i.example","credential_claim":[],"scopes":[],"auth_methods":[]}}}`, "dcr_provider_id", "missing_reference"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts.do(http.MethodPost, "/v2/application-auth-strategies", tt.body).invalidParam(t, tt.field, tt.rule)
		})
	}

	s := ts.createKeyAuthStrategy("", "immutable")
	path := "/v2/application-auth-strategies/" + str(s["id"])
	t.Run("strategy_type is immutable", func(t *testing.T) {
		ts.do(http.MethodPatch, path, `{"strategy_type":"openid_connect"}`).invalidParam(t, "strategy_type", "invalid")
	})
	t.Run("configs of the other type on update", func(t *testing.T) {
		ts.do(http.MethodPatch, path, `{"configs":{"openid-connect":{"issuer":"https://x.example"}}}`).invalidParam(t, "configs", "invalid")
	})
	t.Run("key name not a header name on update", func(t *testing.T) {
		ts.do(http.MethodPatch, path, `{"configs":{"key-auth":{"key_names":["x:key"]}}}`).invalidParam(t, "configs.key-auth.key_names[0]", "matches_regex")
	})
	t.Run("strategy_type is not part of an update", func(t *testing.T) {
		ts.do(http.MethodPatch, path, `{"strategy_type":"key_auth"}`).invalidParam(t, "strategy_type", "unknown_property")
	})
}

func TestAuthStrategyDeleteWhileUsed(t *testing.T) {
	ts := startServer(t, "")
	s := ts.createKeyAuthStrategy("", "shared-keys")
	sid := str(s["id"])
	p := ts.createPortal("", fmt.Sprintf(`{"name":"p1","default_application_auth_strategy_id":%q}`, sid))

	b := ts.do(http.MethodDelete, "/v2/application-auth-strategies/"+sid, "").problem(t, http.StatusConflict)
	want := fmt.Sprintf(`portal "p1" (%s) uses it as its default application auth strategy`, p["id"])
	if !strings.Contains(str(b["detail"]), want) {
		t.Errorf("detail %q does not name the user (%s)", b["detail"], want)
	}

	ts.do(http.MethodPatch, "/v3/portals/"+str(p["id"]), `{"default_application_auth_strategy_id":null}`).must(t, http.StatusOK)
	ts.do(http.MethodDelete, "/v2/application-auth-strategies/"+sid, "").must(t, http.StatusNoContent)
}

func TestAuthStrategyListAndRegions(t *testing.T) {
	ts := startServer(t, "")
	for i := range 3 {
		ts.createKeyAuthStrategy("", fmt.Sprintf("keys-%d", i))
	}
	oidc := ts.do(http.MethodPost, "/v2/application-auth-strategies",
		`{"name":"oidc","display_name":"d","strategy_type":"openid_connect","configs":{"openid-connect":{"issuer":"https://i.example","credential_claim":["sub"],"scopes":[],"auth_methods":["bearer"]}}}`).
		must(t, http.StatusCreated)
	eu := ts.createKeyAuthStrategy("/eu", "eu-keys")

	counts := map[string]int{
		"":                               4,
		"filter[strategy_type]=key_auth": 3,
		"filter[strategy_type][eq]=openid_connect": 1,
		"filter[name][contains]=keys-":             3,
		"filter[name]=oidc":                        1,
	}
	for q, want := range counts {
		res := ts.do(http.MethodGet, "/v2/application-auth-strategies?"+q, "").must(t, http.StatusOK)
		if n := len(res["data"].([]any)); n != want {
			t.Errorf("%q: %d strategies, want %d", q, n, want)
		}
	}
	page := ts.do(http.MethodGet, "/v2/application-auth-strategies?page[size]=3&page[number]=2", "").must(t, http.StatusOK)
	data := page["data"].([]any)
	if len(data) != 1 || data[0].(map[string]any)["id"] != oidc["id"] {
		t.Errorf("page 2 = %v", data)
	}
	ts.do(http.MethodGet, "/v2/application-auth-strategies?page[size]=x", "").invalidParam(t, "page[size]", "is_number")
	bySort := ts.do(http.MethodGet, "/v2/application-auth-strategies?sort=strategy_type%20desc,name%20desc", "").must(t, http.StatusOK)["data"].([]any)
	var order []string
	for _, d := range bySort {
		order = append(order, str(d.(map[string]any)["name"]))
	}
	if fmt.Sprint(order) != "[oidc keys-2 keys-1 keys-0]" {
		t.Errorf("sorted order = %v", order)
	}
	ts.do(http.MethodGet, "/v2/application-auth-strategies?sort=dcr_provider", "").invalidParam(t, "sort", "enum")

	ts.do(http.MethodGet, "/v2/application-auth-strategies/"+str(eu["id"]), "").problem(t, http.StatusNotFound)
	ts.do(http.MethodPatch, "/v2/application-auth-strategies/"+str(eu["id"]), `{"display_name":"x"}`).problem(t, http.StatusNotFound)
	ts.do(http.MethodDelete, "/v2/application-auth-strategies/"+str(eu["id"]), "").problem(t, http.StatusNotFound)
	ts.do(http.MethodGet, "/eu/v2/application-auth-strategies/"+str(eu["id"]), "").must(t, http.StatusOK)
}

func TestAuthStrategyDeleteWhileApplicationsUseIt(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	pid := e.autoPortal("", "apps-portal")
	sid := str(e.createKeyAuthStrategy("", "app-keys")["id"])
	dev := e.approvedDeveloper("", pid, "owner@example.com")
	// No API of the portal uses the strategy, so only an administrator can give it to an application.
	me := dev.do(http.MethodGet, "/developer/me", "").must(t, http.StatusOK)
	app := e.do(http.MethodPost, "/v3/portals/"+pid+"/applications",
		`{"name":"billing-app","auth_strategy_id":"`+sid+`","owner":{"type":"developer","id":"`+str(me["id"])+`"}}`).must(t, http.StatusCreated)

	b := e.do(http.MethodDelete, "/v2/application-auth-strategies/"+sid, "").problem(t, http.StatusConflict)
	want := fmt.Sprintf(`application "billing-app" (%s) of portal "apps-portal" (%s) uses it`, app["id"], pid)
	if !strings.Contains(str(b["detail"]), want) {
		t.Errorf("detail %q does not name the application (%s)", b["detail"], want)
	}
	e.do(http.MethodGet, "/v2/application-auth-strategies/"+sid, "").must(t, http.StatusOK)

	// Another region's strategy of the same name is not held up by this application.
	other := str(e.createKeyAuthStrategy("/eu", "app-keys")["id"])
	e.do(http.MethodDelete, "/eu/v2/application-auth-strategies/"+other, "").must(t, http.StatusNoContent)

	dev.do(http.MethodDelete, "/applications/"+str(app["id"]), "").must(t, http.StatusNoContent)
	e.do(http.MethodDelete, "/v2/application-auth-strategies/"+sid, "").must(t, http.StatusNoContent)
}

func TestAuthStrategyInUseNamesABoundedList(t *testing.T) {
	ts := startServer(t, "")
	sid := str(ts.createKeyAuthStrategy("", "popular")["id"])
	for i := range 12 {
		ts.createPortal("", fmt.Sprintf(`{"name":"user-%02d","default_application_auth_strategy_id":%q}`, i, sid))
	}
	detail := str(ts.do(http.MethodDelete, "/v2/application-auth-strategies/"+sid, "").problem(t, http.StatusConflict)["detail"])
	if n := strings.Count(detail, "uses it as its default"); n != 10 || !strings.Contains(detail, "and 2 more") {
		t.Errorf("detail names %d users, want 10 and the count of the rest: %s", n, detail)
	}
}

func TestAuthStrategyReplace(t *testing.T) {
	ts := startServer(t, "")
	created := ts.do(http.MethodPost, "/v2/application-auth-strategies",
		`{"name":"replace-me","display_name":"Keys","strategy_type":"key_auth","labels":{"team":"a"},"principals":{"enabled":true},`+
			`"configs":{"key-auth":{"key_names":["x-key"],"ttl":{"value":30,"unit":"days"}}}}`).must(t, http.StatusCreated)
	sid := str(created["id"])
	path := "/v2/application-auth-strategies/" + sid

	// Published and linked, so that the managed plugin must follow the replacement.
	portal := str(ts.createPortal("", `{"name":"replace-portal","authentication_enabled":true}`)["id"])
	api := str(ts.createAPI("", "replaced", "v1")["id"])
	cp := str(ts.createControlPlane("", "replace-cp")["id"])
	svc := str(ts.createService("", cp, "replaced-svc")["id"])
	ts.publish("", api, portal, `{"auth_strategy_ids":["`+sid+`"]}`).must(t, http.StatusOK)
	ts.link("", api, cp, svc).must(t, http.StatusCreated)

	got := ts.do(http.MethodPut, path,
		`{"name":"replaced","display_name":"Replaced","strategy_type":"key_auth","configs":{"key-auth":{"key_names":["y-key","apikey"]}}}`).
		must(t, http.StatusCreated)
	if got["id"] != sid || got["name"] != "replaced" || got["display_name"] != "Replaced" || got["created_at"] != created["created_at"] {
		t.Errorf("replaced strategy %v", got)
	}
	// Whatever the body leaves out is reset, not kept: labels, principals and the key TTL.
	ka := got["configs"].(map[string]any)["key-auth"].(map[string]any)
	if len(got["labels"].(map[string]any)) != 0 || got["principals"].(map[string]any)["enabled"] != false || ka["ttl"] != nil {
		t.Errorf("omitted fields kept: labels %v, principals %v, key-auth %v", got["labels"], got["principals"], ka)
	}
	if got["active"] != true {
		t.Errorf("active %v, want true: a publication uses the strategy", got["active"])
	}
	if read := ts.do(http.MethodGet, path, "").must(t, http.StatusOK); read["name"] != "replaced" || read["updated_at"] != got["updated_at"] {
		t.Errorf("read after replace: %v", read)
	}
	plugin := onlyManagedPlugin(t, ts.plugins("", cp, svc))
	if keys := keyAuthStrategies(t, plugin); !slices.Equal(keys[sid], []string{"y-key", "apikey"}) {
		t.Errorf("managed plugin key names %v, want the replacement's", keys)
	}

	// The type is fixed, the body is a full create body, and unknown ids are not created.
	ts.do(http.MethodPut, path, `{"name":"replaced","display_name":"R","strategy_type":"openid_connect",`+
		`"configs":{"openid-connect":{"issuer":"https://idp.example.com","credential_claim":["sub"],"scopes":["openid"],"auth_methods":["bearer"]}}}`).
		invalidParam(t, "strategy_type", "invalid")
	ts.do(http.MethodPut, path, `{"name":"replaced"}`).invalidParam(t, "strategy_type", "required")
	unknown := "/v2/application-auth-strategies/" + "5c2f0c4e-8d7b-4a4e-9a55-0c7b0d1f2e3a"
	ts.do(http.MethodPut, unknown,
		`{"name":"new","display_name":"New","strategy_type":"key_auth","configs":{"key-auth":{}}}`).problem(t, http.StatusNotFound)
	ts.do(http.MethodPut, "/eu"+path,
		`{"name":"new","display_name":"New","strategy_type":"key_auth","configs":{"key-auth":{}}}`).problem(t, http.StatusNotFound)
	if keys := keyAuthStrategies(t, onlyManagedPlugin(t, ts.plugins("", cp, svc))); !slices.Equal(keys[sid], []string{"y-key", "apikey"}) {
		t.Errorf("a refused replacement changed the plugin: %v", keys)
	}
}
