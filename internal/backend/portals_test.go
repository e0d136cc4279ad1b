package backend_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPortalLifecycle(t *testing.T) {
	ts := startServer(t, "")

	p := ts.createPortal("", `{"name":"Dev Hub","labels":{"team":"platform","gone":null}}`)
	id := str(p["id"])
	want := map[string]any{
		"name":                      "Dev Hub",
		"display_name":              "Dev Hub",
		"description":               nil,
		"authentication_enabled":    true,
		"rbac_enabled":              false,
		"sipr_enabled":              false,
		"default_api_visibility":    "private",
		"default_page_visibility":   "private",
		"auto_approve_developers":   false,
		"auto_approve_applications": false,
		"notifications_developer_pii_visibility_enabled": false,
	}
	for k, v := range want {
		if p[k] != v {
			t.Errorf("%s = %#v, want %#v", k, p[k], v)
		}
	}
	if got := p["labels"].(map[string]any); len(got) != 1 || got["team"] != "platform" {
		t.Errorf("labels = %v, want only team (null values set nothing)", got)
	}
	domain := str(p["default_domain"])
	if !regexp.MustCompile(`^dev-hub-[0-9a-f]{8}\.us\.portal\.localhost$`).MatchString(domain) {
		t.Errorf("default_domain %q does not follow <slug>-<id>.<region>.portal.localhost", domain)
	}
	if p["canonical_domain"] != domain {
		t.Errorf("canonical_domain %v, want %s", p["canonical_domain"], domain)
	}
	for _, k := range []string{"created_at", "updated_at"} {
		if _, err := time.Parse(time.RFC3339, str(p[k])); err != nil || !strings.HasSuffix(str(p[k]), "Z") {
			t.Errorf("%s = %q is not RFC 3339 UTC", k, p[k])
		}
	}

	got := ts.do(http.MethodGet, "/v3/portals/"+id, "").must(t, http.StatusOK)
	if fmt.Sprint(got) != fmt.Sprint(p) {
		t.Errorf("GET differs from create response:\n got %v\nwant %v", got, p)
	}

	upd := ts.do(http.MethodPatch, "/v3/portals/"+id,
		`{"display_name":"Hub","description":"Internal APIs","auto_approve_developers":true,"labels":{"team":null,"tier":"gold"}}`).
		must(t, http.StatusOK)
	if upd["display_name"] != "Hub" || upd["description"] != "Internal APIs" || upd["auto_approve_developers"] != true {
		t.Errorf("patch not applied: %v", upd)
	}
	if upd["name"] != "Dev Hub" || upd["default_application_auth_strategy_id"] != p["default_application_auth_strategy_id"] {
		t.Errorf("patch changed absent fields: %v", upd)
	}
	if l := upd["labels"].(map[string]any); len(l) != 1 || l["tier"] != "gold" {
		t.Errorf("labels after merge patch = %v, want only tier", l)
	}
	if upd["default_domain"] != domain {
		t.Errorf("default_domain moved to %v", upd["default_domain"])
	}

	cleared := ts.do(http.MethodPatch, "/v3/portals/"+id, `{"description":null,"labels":null}`).must(t, http.StatusOK)
	if cleared["description"] != nil || len(cleared["labels"].(map[string]any)) != 0 {
		t.Errorf("null did not clear: %v", cleared)
	}

	ts.do(http.MethodDelete, "/v3/portals/"+id, "").must(t, http.StatusNoContent)
	ts.do(http.MethodDelete, "/v3/portals/"+id, "").problem(t, http.StatusNotFound)
	ts.do(http.MethodGet, "/v3/portals/"+id, "").problem(t, http.StatusNotFound)
}

func TestPortalManagedDefaultStrategy(t *testing.T) {
	ts := startServer(t, "")

	t.Run("created with the portal and removed with it", func(t *testing.T) {
		p := ts.createPortal("", `{"name":"managed"}`)
		sid := str(p["default_application_auth_strategy_id"])
		if sid == "" {
			t.Fatal("no default strategy was created")
		}
		s := ts.do(http.MethodGet, "/v2/application-auth-strategies/"+sid, "").must(t, http.StatusOK)
		if s["name"] != "managed-key-auth" || s["display_name"] != "Key Auth" || s["strategy_type"] != "key_auth" {
			t.Errorf("managed strategy = %v", s)
		}
		names := s["configs"].(map[string]any)["key-auth"].(map[string]any)["key_names"]
		if fmt.Sprint(names) != "[apikey]" {
			t.Errorf("key_names = %v, want [apikey]", names)
		}
		if len(s["labels"].(map[string]any)) != 0 {
			t.Errorf("managed strategy has labels %v", s["labels"])
		}
		ts.do(http.MethodDelete, "/v3/portals/"+str(p["id"]), "").must(t, http.StatusNoContent)
		ts.do(http.MethodGet, "/v2/application-auth-strategies/"+sid, "").problem(t, http.StatusNotFound)
	})

	t.Run("kept while another portal uses it", func(t *testing.T) {
		p := ts.createPortal("", `{"name":"owner"}`)
		sid := str(p["default_application_auth_strategy_id"])
		other := ts.createPortal("", fmt.Sprintf(`{"name":"borrower","default_application_auth_strategy_id":%q}`, sid))
		if other["default_application_auth_strategy_id"] != sid {
			t.Fatalf("explicit default not kept: %v", other)
		}
		ts.do(http.MethodDelete, "/v3/portals/"+str(p["id"]), "").must(t, http.StatusNoContent)
		ts.do(http.MethodGet, "/v2/application-auth-strategies/"+sid, "").must(t, http.StatusOK)
	})

	t.Run("not created for an explicit null", func(t *testing.T) {
		p := ts.createPortal("", `{"name":"no-default","default_application_auth_strategy_id":null}`)
		if p["default_application_auth_strategy_id"] != nil {
			t.Errorf("default = %v, want null", p["default_application_auth_strategy_id"])
		}
	})

	t.Run("not created without authentication", func(t *testing.T) {
		p := ts.createPortal("", `{"name":"public","authentication_enabled":false}`)
		if p["default_application_auth_strategy_id"] != nil {
			t.Errorf("default = %v, want null", p["default_application_auth_strategy_id"])
		}
	})

	t.Run("name is cut to fit", func(t *testing.T) {
		long := strings.Repeat("n", 255)
		p := ts.createPortal("", `{"name":"`+long+`"}`)
		s := ts.do(http.MethodGet, "/v2/application-auth-strategies/"+str(p["default_application_auth_strategy_id"]), "").must(t, http.StatusOK)
		if name := str(s["name"]); len(name) != 256 || !strings.HasSuffix(name, "-key-auth") {
			t.Errorf("name %q (%d chars)", name, len(name))
		}
	})
}

func TestPortalValidation(t *testing.T) {
	ts := startServer(t, "")
	tests := []struct {
		name, body, field, rule string
	}{
		{"unknown property", `{"name":"a","colour":"red"}`, "colour", "unknown_property"},
		{"missing name", `{"display_name":"A"}`, "name", "required"},
		{"wrong type boolean", `{"name":"a","authentication_enabled":"yes"}`, "authentication_enabled", "is_boolean"},
		{"wrong type string", `{"name":42}`, "name", "is_string"},
		{"null for a non-nullable field", `{"name":"a","display_name":null}`, "display_name", "is_string"},
		{"bad enum", `{"name":"a","default_api_visibility":"secret"}`, "default_api_visibility", "enum"},
		{"too long", `{"name":"` + strings.Repeat("x", 256) + `"}`, "name", "max_length"},
		{"too short", `{"name":""}`, "name", "min_length"},
		{"description too long", `{"name":"a","description":"` + strings.Repeat("d", 513) + `"}`, "description", "max_length"},
		{"reserved label prefix", `{"name":"a","labels":{"konnect-owner":"me"}}`, "labels.konnect-owner", "is_label"},
		{"bad label value", `{"name":"a","labels":{"env":"-bad-"}}`, "labels.env", "is_label"},
		{"label value not a string", `{"name":"a","labels":{"env":1}}`, "labels.env", "is_label"},
		{"labels not an object", `{"name":"a","labels":["env"]}`, "labels", "is_object"},
		{"not a uuid", `{"name":"a","default_application_auth_strategy_id":"abc"}`, "default_application_auth_strategy_id", "is_uuid"},
		{"unknown strategy", `{"name":"a","default_application_auth_strategy_id":"9a7b6c5d-1234-4abc-8def-0123456789ab"}`, "default_application_auth_strategy_id", "missing_reference"},
		{"rbac without authentication", `{"name":"a","authentication_enabled":false,"rbac_enabled":true}`, "rbac_enabled", "invalid"},
		{"not an object", `["name"]`, "body", "is_object"},
		{"malformed JSON", `{"name":`, "body", "is_object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts.do(http.MethodPost, "/v3/portals", tt.body).invalidParam(t, tt.field, tt.rule)
		})
	}

	t.Run("enum lists its choices", func(t *testing.T) {
		m := ts.do(http.MethodPost, "/v3/portals", `{"name":"a","default_page_visibility":"x"}`).invalidParam(t, "default_page_visibility", "enum")
		if fmt.Sprint(m["choices"]) != "[public private]" {
			t.Errorf("choices = %v", m["choices"])
		}
	})
	t.Run("max_length gives the maximum", func(t *testing.T) {
		m := ts.do(http.MethodPost, "/v3/portals", `{"name":"`+strings.Repeat("x", 256)+`"}`).invalidParam(t, "name", "max_length")
		if m["maximum"] != float64(255) {
			t.Errorf("maximum = %v", m["maximum"])
		}
	})
	t.Run("read-only fields are rejected", func(t *testing.T) {
		r := ts.do(http.MethodPost, "/v3/portals", `{"name":"echo","id":"5f9fd312-a987-4628-b4c5-bb4f4fddd5f7","default_domain":"x.example"}`)
		r.invalidParam(t, "id", "unknown_property")
		r.invalidParam(t, "default_domain", "unknown_property")
	})
	t.Run("update keeps rbac rule", func(t *testing.T) {
		p := ts.createPortal("", `{"name":"rbac","rbac_enabled":true}`)
		ts.do(http.MethodPatch, "/v3/portals/"+str(p["id"]), `{"authentication_enabled":false}`).invalidParam(t, "rbac_enabled", "invalid")
		ts.do(http.MethodPatch, "/v3/portals/"+str(p["id"]), `{"authentication_enabled":false,"rbac_enabled":false}`).must(t, http.StatusOK)
	})
	t.Run("update rejects unknown property", func(t *testing.T) {
		p := ts.createPortal("", `{"name":"upd"}`)
		ts.do(http.MethodPatch, "/v3/portals/"+str(p["id"]), `{"nme":"x"}`).invalidParam(t, "nme", "unknown_property")
	})
}

func TestPortalConflictsAndRegions(t *testing.T) {
	ts := startServer(t, "")
	p := ts.createPortal("", `{"name":"shared"}`)
	id := str(p["id"])

	b := ts.do(http.MethodPost, "/v3/portals", `{"name":"shared"}`).problem(t, http.StatusConflict)
	if b["title"] != "Conflict" || !strings.Contains(str(b["detail"]), `"shared"`) {
		t.Errorf("conflict problem = %v", b)
	}
	other := ts.createPortal("", `{"name":"other"}`)
	ts.do(http.MethodPatch, "/v3/portals/"+str(other["id"]), `{"name":"shared"}`).problem(t, http.StatusConflict)

	// Names are unique per region, and objects are invisible from other regions.
	eu := ts.createPortal("/eu", `{"name":"shared"}`)
	if !strings.HasSuffix(str(eu["default_domain"]), ".eu.portal.localhost") {
		t.Errorf("eu domain = %v", eu["default_domain"])
	}
	ts.do(http.MethodGet, "/us/v3/portals/"+id, "").must(t, http.StatusOK)
	ts.do(http.MethodGet, "/eu/v3/portals/"+id, "").problem(t, http.StatusNotFound)
	ts.do(http.MethodPatch, "/eu/v3/portals/"+id, `{"display_name":"x"}`).problem(t, http.StatusNotFound)
	ts.do(http.MethodDelete, "/eu/v3/portals/"+id, "").problem(t, http.StatusNotFound)
	ts.do(http.MethodGet, "/v3/portals/"+str(eu["id"]), "").problem(t, http.StatusNotFound)
	ts.do(http.MethodGet, "/v3/portals/not-a-uuid", "").problem(t, http.StatusNotFound)

	// A strategy of another region cannot be a portal's default.
	s := ts.createKeyAuthStrategy("/au", "au-keys")
	ts.do(http.MethodPatch, "/v3/portals/"+id, fmt.Sprintf(`{"default_application_auth_strategy_id":%q}`, s["id"])).
		invalidParam(t, "default_application_auth_strategy_id", "missing_reference")

	list := ts.do(http.MethodGet, "/eu/v3/portals", "").must(t, http.StatusOK)
	if n := len(list["data"].([]any)); n != 1 {
		t.Errorf("eu lists %d portals, want 1", n)
	}
}

func TestPortalDeleteForce(t *testing.T) {
	ts := startServer(t, "")
	p := ts.createPortal("", `{"name":"f"}`)
	ts.do(http.MethodDelete, "/v3/portals/"+str(p["id"])+"?force=maybe", "").invalidParam(t, "force", "enum")
	ts.do(http.MethodDelete, "/v3/portals/"+str(p["id"])+"?force=false", "").must(t, http.StatusNoContent)
	q := ts.createPortal("", `{"name":"g"}`)
	ts.do(http.MethodDelete, "/v3/portals/"+str(q["id"])+"?force=true", "").must(t, http.StatusNoContent)
}

func TestPortalList(t *testing.T) {
	ts := startServer(t, "")
	var ids []string
	for i := range 12 {
		ids = append(ids, str(ts.createPortal("", fmt.Sprintf(`{"name":"portal-%02d","authentication_enabled":false}`, i))["id"]))
	}
	ts.createPortal("", `{"name":"special","authentication_enabled":false}`)

	page := ts.do(http.MethodGet, "/v3/portals?page[size]=5&page[number]=2", "").must(t, http.StatusOK)
	meta := page["meta"].(map[string]any)["page"].(map[string]any)
	if meta["number"] != float64(2) || meta["size"] != float64(5) || meta["total"] != float64(13) {
		t.Errorf("meta.page = %v", meta)
	}
	data := page["data"].([]any)
	if len(data) != 5 {
		t.Fatalf("got %d items", len(data))
	}
	for i, d := range data {
		if got := str(d.(map[string]any)["id"]); got != ids[5+i] {
			t.Errorf("item %d is %s, want %s (creation order)", i, got, ids[5+i])
		}
	}
	last := ts.do(http.MethodGet, "/v3/portals?page%5Bsize%5D=5&page%5Bnumber%5D=3", "").must(t, http.StatusOK)
	if n := len(last["data"].([]any)); n != 3 {
		t.Errorf("last page has %d items, want 3", n)
	}
	beyond := ts.do(http.MethodGet, "/v3/portals?page[number]=9", "").must(t, http.StatusOK)
	if n := len(beyond["data"].([]any)); n != 0 {
		t.Errorf("page beyond the end has %d items", n)
	}
	def := ts.do(http.MethodGet, "/v3/portals", "").must(t, http.StatusOK)
	if m := def["meta"].(map[string]any)["page"].(map[string]any); m["size"] != float64(10) || m["number"] != float64(1) {
		t.Errorf("default page meta = %v", m)
	}

	filters := map[string]int{
		"filter[name]=special":                1,
		"filter[name][eq]=portal-03":          1,
		"filter[name][contains]=portal-0":     10,
		"filter[name][contains]=%25":          0,
		"filter[name][neq]=special":           12,
		"filter[name][oeq]=special,portal-11": 2,
	}
	for q, want := range filters {
		res := ts.do(http.MethodGet, "/v3/portals?page[size]=100&"+q, "").must(t, http.StatusOK)
		if n := len(res["data"].([]any)); n != want {
			t.Errorf("%s: %d portals, want %d", q, n, want)
		}
	}

	sorted := ts.do(http.MethodGet, "/v3/portals?sort=name%20desc&page[size]=2", "").must(t, http.StatusOK)["data"].([]any)
	if first := sorted[0].(map[string]any)["name"]; first != "special" {
		t.Errorf("sort=name desc starts with %v", first)
	}
	if second := sorted[1].(map[string]any)["name"]; second != "portal-11" {
		t.Errorf("sort=name desc continues with %v", second)
	}
	multi := ts.do(http.MethodGet, "/v3/portals?sort=authentication_enabled,created_at%20desc&page[size]=1", "").must(t, http.StatusOK)["data"].([]any)
	if got := multi[0].(map[string]any)["name"]; got != "special" {
		t.Errorf("sort=authentication_enabled,created_at desc starts with %v", got)
	}

	bad := []struct{ query, field, rule string }{
		{"sort=colour", "sort", "enum"},
		{"sort=name%20sideways", "sort", "enum"},
		{"page[size]=abc", "page[size]", "is_number"},
		{"page[size]=0", "page[size]", "min"},
		{"page[size]=101", "page[size]", "max"},
		{"page[number]=-1", "page[number]", "min"},
		{"filter[colour]=red", "filter[colour]", "enum"},
		{"filter[name][like]=x", "filter[name][like]", "enum"},
	}
	for _, b := range bad {
		m := ts.do(http.MethodGet, "/v3/portals?"+b.query, "").invalidParam(t, b.field, b.rule)
		if m["source"] != "query" {
			t.Errorf("%s: source %v, want query", b.query, m["source"])
		}
	}
}

// TestPortalConcurrentCreates checks that parallel writers neither fail on a busy database nor
// slip a duplicate name past the uniqueness rule.
func TestPortalConcurrentCreates(t *testing.T) {
	ts := startServer(t, "")
	const n = 16
	statuses := make(chan int, 2*n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			statuses <- postStatus(ts.url+"/v3/portals", `{"name":"same"}`)
		}()
		go func() {
			defer wg.Done()
			statuses <- postStatus(ts.url+"/v3/portals", fmt.Sprintf(`{"name":"own-%d"}`, i))
		}()
	}
	wg.Wait()
	close(statuses)
	counts := map[int]int{}
	for s := range statuses {
		counts[s]++
	}
	if counts[http.StatusCreated] != n+1 || counts[http.StatusConflict] != n-1 {
		t.Errorf("statuses = %v, want %d created and %d conflicts", counts, n+1, n-1)
	}
	list := ts.do(http.MethodGet, "/v3/portals?page[size]=100", "").must(t, http.StatusOK)
	if total := list["meta"].(map[string]any)["page"].(map[string]any)["total"]; total != float64(n+1) {
		t.Errorf("total = %v, want %d", total, n+1)
	}
}

// postStatus sends an authorized JSON POST and returns the status, or 0 when the request fails.
// It does not use the test's helpers so that it can run outside the test goroutine.
func postStatus(url, body string) int {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return 0
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	if err := res.Body.Close(); err != nil {
		return 0
	}
	return res.StatusCode
}
