package backend_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// smallSpec is a valid OpenAPI document, as JSON text inside a JSON string.
const smallSpec = `openapi: 3.0.3\ninfo:\n  title: Pets\n  version: 1.2.0\npaths:\n  /pets:\n    get:\n      responses:\n        '200':\n          description: ok\n`

// titles returns the titles of a page or document tree, depth first, as "parent/child".
func titles(nodes []any, prefix string) []string {
	var out []string
	for _, n := range nodes {
		m := n.(map[string]any)
		t := prefix + str(m["title"])
		out = append(out, t)
		if children, _ := m["children"].([]any); len(children) > 0 {
			out = append(out, titles(children, t+"/")...)
		}
	}
	return out
}

func TestPortalPagesAdmin(t *testing.T) {
	ts := startServer(t, "")
	portal := ts.createPortal("", `{"name":"Docs","default_page_visibility":"public"}`)
	base := "/v3/portals/" + str(portal["id"]) + "/pages"

	tree := ts.do(http.MethodGet, base, "").must(t, http.StatusOK)
	if got := titles(tree["data"].([]any), ""); len(got) != 1 || got[0] != "Home" {
		t.Fatalf("a new portal's pages: %v, want the home page", got)
	}

	guides := ts.do(http.MethodPost, base, `{"slug":"/guides","title":"Guides","content":"# Guides","status":"published"}`).
		must(t, http.StatusCreated)
	if guides["visibility"] != "public" || guides["parent_page_id"] != nil {
		t.Errorf("created page %v: visibility should default to the portal's (public), parent to null", guides)
	}
	start := ts.do(http.MethodPost, base, `{"slug":"start","content":"---\ntitle: Getting started\n---\nHello","parent_page_id":"`+str(guides["id"])+`"}`).
		must(t, http.StatusCreated)
	if start["title"] != "Getting started" || start["status"] != "unpublished" {
		t.Errorf("front matter title and default status: %v", start)
	}
	ts.do(http.MethodPost, base, `{"slug":"start","content":"x","parent_page_id":"`+str(guides["id"])+`"}`).problem(t, http.StatusConflict)
	ts.do(http.MethodPost, base, `{"slug":"/other","content":"x"}`).must(t, http.StatusCreated)

	for _, c := range []struct{ body, field, rule string }{
		{`{"content":"x"}`, "slug", "required"},
		{`{"slug":"a/b","content":"x"}`, "slug", "matches_regex"},
		{`{"slug":"x","content":"x","visibility":"secret"}`, "visibility", "enum"},
		{`{"slug":"x","content":"x","parent_page_id":"00000000-0000-4000-8000-000000000000"}`, "parent_page_id", "missing_reference"},
		{`{"slug":"x","content":"x","colour":"red"}`, "colour", "unknown_property"},
	} {
		ts.do(http.MethodPost, base, c.body).invalidParam(t, c.field, c.rule)
	}
	ts.do(http.MethodPatch, base+"/"+str(guides["id"]), `{"parent_page_id":"`+str(start["id"])+`"}`).
		invalidParam(t, "parent_page_id", "invalid")

	// Move "Getting started" to the top level, first.
	ts.do(http.MethodPost, base+"/"+str(start["id"])+"/move", `{"index":0}`).must(t, http.StatusCreated)
	got := titles(ts.do(http.MethodGet, base, "").must(t, http.StatusOK)["data"].([]any), "")
	if strings.Join(got, ",") != "Getting started,Home,Guides,Other" {
		t.Errorf("tree after the move: %v", got)
	}
	ts.do(http.MethodPost, base+"/"+str(start["id"])+"/move", `{"parent_page_id":"`+str(guides["id"])+`","index":-1}`).must(t, http.StatusCreated)
	got = titles(ts.do(http.MethodGet, base+"?filter[title][contains]=e", "").must(t, http.StatusOK)["data"].([]any), "")
	if strings.Join(got, ",") != "Home,Guides,Guides/Getting started,Other" {
		t.Errorf("filtered tree after moving back: %v", got)
	}

	updated := ts.do(http.MethodPatch, base+"/"+str(start["id"]), `{"status":"published","description":"First steps"}`).must(t, http.StatusOK)
	if updated["status"] != "published" || updated["description"] != "First steps" || updated["content"] != "---\ntitle: Getting started\n---\nHello" {
		t.Errorf("patched page %v", updated)
	}

	// Deleting the parent takes the child with it; a second delete is 404.
	ts.do(http.MethodDelete, base+"/"+str(guides["id"]), "").must(t, http.StatusNoContent)
	ts.do(http.MethodGet, base+"/"+str(start["id"]), "").problem(t, http.StatusNotFound)
	ts.do(http.MethodDelete, base+"/"+str(guides["id"]), "").problem(t, http.StatusNotFound)

	// Another region does not see the portal's pages.
	ts.do(http.MethodGet, "/eu"+base, "").problem(t, http.StatusNotFound)
}

func TestPortalSnippetsAndCustomization(t *testing.T) {
	ts := startServer(t, "")
	portal := ts.createPortal("", `{"name":"Snips"}`)
	base := "/v3/portals/" + str(portal["id"])

	sn := ts.do(http.MethodPost, base+"/snippets", `{"name":"banner","content":"**Hi**"}`).must(t, http.StatusCreated)
	if sn["title"] != "banner" || sn["visibility"] != "private" || sn["status"] != "unpublished" {
		t.Errorf("snippet defaults: %v", sn)
	}
	ts.do(http.MethodPost, base+"/snippets", `{"name":"banner","content":"again"}`).problem(t, http.StatusConflict)
	ts.do(http.MethodPost, base+"/snippets", `{"name":"has space","content":"x"}`).invalidParam(t, "name", "matches_regex")
	ts.do(http.MethodPatch, base+"/snippets/"+str(sn["id"]), `{"title":"Banner","visibility":"public"}`).must(t, http.StatusOK)
	items := list(t, ts.do(http.MethodGet, base+"/snippets?filter[name]=banner", "").must(t, http.StatusOK))
	if len(items) != 1 || items[0]["title"] != "Banner" || items[0]["content"] != nil {
		t.Errorf("snippet list %v", items)
	}
	ts.do(http.MethodDelete, base+"/snippets/"+str(sn["id"]), "").must(t, http.StatusNoContent)
	ts.do(http.MethodGet, base+"/snippets/"+str(sn["id"]), "").problem(t, http.StatusNotFound)

	c := ts.do(http.MethodGet, base+"/customization", "").must(t, http.StatusOK)
	if theme := c["theme"].(map[string]any); theme["mode"] != "light" {
		t.Errorf("default customization %v", c)
	}
	c = ts.do(http.MethodPatch, base+"/customization", `{"theme":{"colors":{"primary":"#aa3300"}},"menu":{"main":[{"path":"/guides","title":"Guides","visibility":"public","external":false}]}}`).
		must(t, http.StatusOK)
	theme := c["theme"].(map[string]any)
	if theme["colors"].(map[string]any)["primary"] != "#aa3300" || theme["mode"] != "light" {
		t.Errorf("patched theme %v: the colour changes, the mode stays", theme)
	}
	if main := c["menu"].(map[string]any)["main"].([]any); len(main) != 1 {
		t.Errorf("patched menu %v", main)
	}
	c = ts.do(http.MethodPut, base+"/customization", `{"layout":"wide"}`).must(t, http.StatusOK)
	if c["layout"] != "wide" || c["theme"].(map[string]any)["colors"].(map[string]any)["primary"] != "#1155cb" {
		t.Errorf("replaced customization %v: what PUT leaves out takes its default", c)
	}
	ts.do(http.MethodPatch, base+"/customization", `{"theme":{"colors":{"primary":"red"}}}`).invalidParam(t, "theme.colors.primary", "matches_regex")
	ts.do(http.MethodPatch, base+"/customization", `{"menu":{"main":[{"path":"guides","title":"G","visibility":"public","external":false}]}}`).
		invalidParam(t, "menu.main[0].path", "invalid")
	ts.do(http.MethodPatch, base+"/customization", `{"menu":{"main":[{"path":"/g"}]}}`).invalidParam(t, "menu.main[0].title", "required")
}

func TestAPIVersionsAndDocuments(t *testing.T) {
	ts := startServer(t, "")
	api := ts.createAPI("", "Pets", "v1")
	base := "/v3/apis/" + str(api["id"])

	bad := ts.do(http.MethodPost, base+"/versions", `{"spec":{"content":"openapi: 3.0.3\ninfo:\n  title: Pets\npaths: {}\n"}}`).
		invalidParam(t, "spec.content", "invalid")
	if reason := str(bad["reason"]); !strings.Contains(reason, "line ") {
		t.Errorf("a refused specification's reason %q does not name the line", reason)
	}
	v := ts.do(http.MethodPost, base+"/versions", `{"spec":{"content":"`+smallSpec+`"}}`).must(t, http.StatusCreated)
	spec := v["spec"].(map[string]any)
	if v["version"] != "1.2.0" || spec["type"] != "oas3" || spec["content"] == nil {
		t.Errorf("created version %v: the version defaults to info.version", v)
	}
	ts.do(http.MethodPost, base+"/versions", `{"version":"2","spec":{"content":"`+smallSpec+`"}}`).problem(t, http.StatusConflict)
	items := list(t, ts.do(http.MethodGet, base+"/versions", "").must(t, http.StatusOK))
	if len(items) != 1 || items[0]["spec"].(map[string]any)["content"] != nil {
		t.Errorf("version list %v: one summary without content", items)
	}
	if ids := ts.do(http.MethodGet, base, "").must(t, http.StatusOK)["api_spec_ids"].([]any); len(ids) != 1 || ids[0] != v["id"] {
		t.Errorf("api_spec_ids %v", ids)
	}
	patched := ts.do(http.MethodPatch, base+"/versions/"+str(v["id"]), `{"version":"1.3"}`).must(t, http.StatusOK)
	if patched["version"] != "1.3" || patched["spec"].(map[string]any)["content"] != spec["content"] {
		t.Errorf("patched version %v", patched)
	}
	ts.do(http.MethodDelete, base+"/versions/"+str(v["id"]), "").must(t, http.StatusNoContent)
	ts.do(http.MethodGet, base+"/versions/"+str(v["id"]), "").problem(t, http.StatusNotFound)

	// spec_content on the API is accepted and kept as its version.
	withSpec := ts.do(http.MethodPost, "/v3/apis", `{"name":"Spec'd","spec_content":"`+smallSpec+`"}`).must(t, http.StatusCreated)
	if withSpec["version"] != "1.2.0" || len(withSpec["api_spec_ids"].([]any)) != 1 {
		t.Errorf("API created with spec_content: %v", withSpec)
	}
	ts.do(http.MethodPatch, "/v3/apis/"+str(withSpec["id"]), `{"spec_content":"not: [a spec"}`).invalidParam(t, "spec_content", "invalid")

	docs := base + "/documents"
	intro := ts.do(http.MethodPost, docs, `{"title":"Introduction","content":"# Intro","status":"published"}`).must(t, http.StatusCreated)
	if intro["slug"] != "introduction" || intro["parent_document_id"] != nil {
		t.Errorf("created document %v: the slug derives from the title", intro)
	}
	auth := ts.do(http.MethodPost, docs, `{"slug":"auth","content":"keys","parent_document_id":"`+str(intro["id"])+`"}`).must(t, http.StatusCreated)
	if auth["title"] != "Auth" || auth["status"] != "unpublished" {
		t.Errorf("document defaults %v", auth)
	}
	ts.do(http.MethodPost, docs, `{"slug":"auth","content":"again"}`).problem(t, http.StatusConflict)
	ts.do(http.MethodPost, docs, `{"content":"x"}`).invalidParam(t, "title", "required")
	ts.do(http.MethodPost, docs, `{"title":"x","content":"x","slug":"no spaces"}`).invalidParam(t, "slug", "matches_regex")
	ts.do(http.MethodPost, docs+"/"+str(intro["id"])+"/move", `{"parent_document_id":"`+str(auth["id"])+`"}`).problem(t, http.StatusConflict)
	ts.do(http.MethodPost, docs+"/"+str(auth["id"])+"/move", `{"index":0}`).must(t, http.StatusNoContent)
	tree := ts.do(http.MethodGet, docs, "").must(t, http.StatusOK)
	if got := titles(tree["data"].([]any), ""); strings.Join(got, ",") != "Auth,Introduction" {
		t.Errorf("document tree after the move: %v", got)
	}
	if got := titles(ts.do(http.MethodGet, docs+"?filter[status]=published", "").must(t, http.StatusOK)["data"].([]any), ""); strings.Join(got, ",") != "Introduction" {
		t.Errorf("published documents %v", got)
	}

	// Deleting the API deletes its documents.
	ts.do(http.MethodDelete, base, "").must(t, http.StatusNoContent)
	ts.do(http.MethodGet, docs+"/"+str(intro["id"]), "").problem(t, http.StatusNotFound)
}

func TestDeveloperReadsContent(t *testing.T) {
	e := startPortalEnv(t)
	portal := e.createPortal("", `{"name":"Readers","authentication_enabled":true,"auto_approve_developers":true,"default_page_visibility":"public"}`)
	portalID := str(portal["id"])
	admin := "/v3/portals/" + portalID
	e.do(http.MethodPost, admin+"/pages", `{"slug":"guide","title":"Guide","content":"public guide","status":"published"}`).must(t, http.StatusCreated)
	secret := e.do(http.MethodPost, admin+"/pages", `{"slug":"secret","title":"Secret","content":"members only","status":"published","visibility":"private"}`).
		must(t, http.StatusCreated)
	e.do(http.MethodPost, admin+"/pages", `{"slug":"inner","title":"Inner","content":"x","status":"published","parent_page_id":"`+str(secret["id"])+`"}`).
		must(t, http.StatusCreated)
	e.do(http.MethodPost, admin+"/pages", `{"slug":"draft","content":"x"}`).must(t, http.StatusCreated)
	e.do(http.MethodPost, admin+"/snippets", `{"name":"hello","content":"hi","status":"published","visibility":"public"}`).must(t, http.StatusCreated)

	apiID, _ := e.publishedAPI("", portalID, "Weather", false)
	e.do(http.MethodPut, "/v3/apis/"+apiID+"/publications/"+portalID, `{"visibility":"public"}`).must(t, http.StatusOK)
	version := e.do(http.MethodPost, "/v3/apis/"+apiID+"/versions", `{"spec":{"content":"`+smallSpec+`"}}`).must(t, http.StatusCreated)
	e.do(http.MethodPost, "/v3/apis/"+apiID+"/documents", `{"title":"Overview","content":"# Weather","status":"published"}`).must(t, http.StatusCreated)
	e.do(http.MethodPost, "/v3/apis/"+apiID+"/documents", `{"title":"Hidden","content":"draft"}`).must(t, http.StatusCreated)
	privateAPI := e.createAPI("", "Internal", "v1")
	e.do(http.MethodPut, "/v3/apis/"+str(privateAPI["id"])+"/publications/"+portalID, `{"visibility":"private","auth_strategy_ids":null}`).must(t, http.StatusOK)

	anon := e.developer("/portals/" + portalID + "/api/v3")
	got := titles(anon.do(http.MethodGet, "/pages", "").must(t, http.StatusOK)["data"].([]any), "")
	if strings.Join(got, ",") != "Home,Guide" {
		t.Errorf("anonymous page tree %v: public published pages only", got)
	}
	home := anon.do(http.MethodGet, "/pages/home", "").must(t, http.StatusOK)
	if home["slug"] != "/" || !strings.Contains(str(home["content"]), "Welcome") {
		t.Errorf("home page %v", home)
	}
	anon.do(http.MethodGet, "/pages/guide", "").must(t, http.StatusOK)
	anon.do(http.MethodGet, "/pages/secret", "").problem(t, http.StatusNotFound)
	anon.do(http.MethodGet, "/pages/secret/inner", "").problem(t, http.StatusNotFound)
	anon.do(http.MethodGet, "/pages/draft", "").problem(t, http.StatusNotFound)
	if s := anon.do(http.MethodGet, "/snippets/hello", "").must(t, http.StatusOK); s["content"] != "hi" {
		t.Errorf("snippet %v", s)
	}
	if c := anon.do(http.MethodGet, "/customization", "").must(t, http.StatusOK); c["theme"] == nil {
		t.Errorf("customization %v", c)
	}
	if p := anon.do(http.MethodGet, "/portal", "").must(t, http.StatusOK); p["portal_id"] != portalID || p["authentication_enabled"] != true {
		t.Errorf("portal context %v", p)
	}

	specs := anon.do(http.MethodGet, "/apis/"+apiID, "").must(t, http.StatusOK)["specifications"].([]any)
	if len(specs) != 1 || specs[0].(map[string]any)["id"] != version["id"] || specs[0].(map[string]any)["type"] != "oas3" {
		t.Errorf("the API's specifications %v", specs)
	}
	versions := list(t, anon.do(http.MethodGet, "/apis/"+apiID+"/versions", "").must(t, http.StatusOK))
	if len(versions) != 1 || versions[0]["id"] != version["id"] {
		t.Errorf("versions %v", versions)
	}
	one := anon.do(http.MethodGet, "/apis/"+apiID+"/versions/"+str(version["id"]), "").must(t, http.StatusOK)
	if one["spec"].(map[string]any)["content"] == nil {
		t.Errorf("version %v has no content", one)
	}
	raw := anon.do(http.MethodGet, "/apis/"+apiID+"/versions/"+str(version["id"])+"/raw", "")
	var parsed map[string]any
	if err := json.Unmarshal(raw.raw, &parsed); err != nil || parsed["openapi"] != "3.0.3" {
		t.Errorf("raw specification %s (%v): the YAML should come back as JSON", raw.raw, err)
	}
	docTree := anon.do(http.MethodGet, "/apis/"+apiID+"/documents", "").must(t, http.StatusOK)
	if got := titles(docTree["data"].([]any), ""); strings.Join(got, ",") != "Overview" {
		t.Errorf("documents %v: published only", got)
	}
	anon.do(http.MethodGet, "/apis/"+apiID+"/documents/overview", "").must(t, http.StatusOK)
	anon.do(http.MethodGet, "/apis/"+apiID+"/documents/hidden", "").problem(t, http.StatusNotFound)
	anon.do(http.MethodGet, "/apis/"+str(privateAPI["id"])+"/documents", "").problem(t, http.StatusNotFound)

	found := anon.do(http.MethodGet, "/search?q=PETS", "").must(t, http.StatusOK)["data"].([]any)
	if len(found) != 1 || found[0].(map[string]any)["type"] != "operation" || found[0].(map[string]any)["attributes"].(map[string]any)["path"] != "/pets" {
		t.Errorf("search for pets: %v", found)
	}
	found = anon.do(http.MethodGet, "/search?q=weather", "").must(t, http.StatusOK)["data"].([]any)
	if len(found) != 1 || found[0].(map[string]any)["name"] != "Overview" {
		t.Errorf("search for weather: %v (the published document only)", found)
	}

	dev := e.developer("/portals/" + portalID + "/api/v3")
	e.signUp(dev, "", portalID, "reader@example.com", "Reader")
	dev.login("reader@example.com")
	got = titles(dev.do(http.MethodGet, "/pages", "").must(t, http.StatusOK)["data"].([]any), "")
	if strings.Join(got, ",") != "Home,Guide,Secret,Secret/Inner" {
		t.Errorf("signed-in page tree %v: private pages too", got)
	}
	dev.do(http.MethodGet, "/pages/secret/inner", "").must(t, http.StatusOK)
	dev.do(http.MethodGet, "/apis/"+str(privateAPI["id"])+"/documents", "").must(t, http.StatusOK)
}
