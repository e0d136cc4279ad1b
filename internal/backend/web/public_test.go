package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/apispec/apispectest"
)

func TestAnonymousVisitorSeesPublicContentOnly(t *testing.T) {
	s := startSite(t)
	portalID, domain := s.portal(map[string]any{"name": "Acme", "authentication_enabled": true, "auto_approve_developers": true})
	guides := s.pageOf(portalID, map[string]any{"slug": "guides", "title": "Guides", "content": "# Guides\n\nAll our guides.", "visibility": "public", "status": "published"})
	s.pageOf(portalID, map[string]any{"slug": "start", "title": "Getting started", "content": "Start here.", "visibility": "public", "status": "published", "parent_page_id": guides,
		"description": "The first steps."})
	s.pageOf(portalID, map[string]any{"slug": "partners", "title": "Partner area", "content": "Secret partner terms.", "visibility": "private", "status": "published"})
	s.pageOf(portalID, map[string]any{"slug": "drafts", "title": "Draft", "content": "Not yet.", "visibility": "public", "status": "unpublished"})
	s.publishedAPI(portalID, "Orders", "orders", "Place and track orders.", "public")
	s.publishedAPI(portalID, "Billing", "billing", "Invoices for partners.", "private")

	home := s.get(domain, "/")
	if home.status != http.StatusOK {
		t.Fatalf("home: status %d", home.status)
	}
	home.mustContain(t, `href="/guides"`, `href="/guides/start"`, `href="/login"`, `href="/register"`)
	home.mustNotContain(t, "Partner area", "Draft")

	nested := s.get(domain, "/guides/start")
	if nested.status != http.StatusOK {
		t.Fatalf("/guides/start: status %d", nested.status)
	}
	nested.mustContain(t, "Start here.", `href="/guides/start" aria-current="page"`, `<meta name="description" content="The first steps.">`)
	checkSecurity(t, "/guides/start", nested)

	private := s.get(domain, "/partners")
	if private.status != http.StatusUnauthorized {
		t.Errorf("private page for an anonymous visitor: status %d, want 401 with a login prompt", private.status)
	}
	private.mustContain(t, "log in", `href="/login?next=%2fpartners"`)
	private.mustNotContain(t, "Secret partner terms.")
	checkSecurity(t, "/partners", private)

	if p := s.get(domain, "/drafts"); p.status != http.StatusNotFound {
		t.Errorf("unpublished page: status %d, want 404", p.status)
	}

	catalogue := s.get(domain, "/apis")
	catalogue.mustContain(t, `<ul id="api-list"`, `<li data-slug="orders">`)
	catalogue.mustNotContain(t, "Billing")
	orders := s.get(domain, "/apis/orders")
	if orders.status != http.StatusOK {
		t.Errorf("public API page: status %d", orders.status)
	}
	orders.mustContain(t, `href="/login?next=/apis/orders"`, `href="/register"`)
	if p := s.get(domain, "/apis/billing"); p.status != http.StatusNotFound {
		t.Errorf("private API page for an anonymous visitor: status %d, want 404", p.status)
	}

	dev := s.signedIn(portalID, domain, "ada@example.com")
	signedIn := s.get(domain, "/partners", dev)
	if signedIn.status != http.StatusOK {
		t.Fatalf("private page for a signed-in developer: status %d: %s", signedIn.status, signedIn.body)
	}
	signedIn.mustContain(t, "Secret partner terms.", `id="whoami"`, "Ada Lovelace", `<form id="logout"`, `name="csrf_token"`)
	checkSecurity(t, "/partners (signed in)", signedIn)
	if cc := signedIn.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("signed-in page Cache-Control %q, want no-store", cc)
	}
	s.get(domain, "/apis", dev).mustContain(t, `<li data-slug="billing">`, `<li data-slug="orders">`)
	billing := s.get(domain, "/apis/billing", dev)
	if billing.status != http.StatusOK {
		t.Errorf("private API page for a signed-in developer: status %d", billing.status)
	}
	billing.mustContain(t, `<a href="/apps">your applications</a>`)
}

func TestPortalWithoutAuthenticationHasNoAccountLinks(t *testing.T) {
	s := startSite(t)
	portalID, domain := s.portal(map[string]any{"name": "Open", "authentication_enabled": false})
	s.pageOf(portalID, map[string]any{"slug": "about", "title": "About", "content": "About us.", "visibility": "public", "status": "published"})
	s.pageOf(portalID, map[string]any{"slug": "inside", "title": "Inside", "content": "Inside.", "visibility": "private", "status": "published"})
	home := s.get(domain, "/")
	home.mustContain(t, `href="/about"`)
	home.mustNotContain(t, `href="/login"`, `href="/register"`, "Inside")
	if p := s.get(domain, "/inside"); p.status != http.StatusNotFound {
		t.Errorf("private page of a portal nobody can log in to: status %d, want 404", p.status)
	}
}

func TestScriptInMarkdownShowsAsText(t *testing.T) {
	s := startSite(t)
	portalID, domain := s.portal(map[string]any{"name": "Acme", "authentication_enabled": false})
	s.pageOf(portalID, map[string]any{"slug": "evil", "title": "Evil", "visibility": "public", "status": "published",
		"content": "Hello <script>alert('x')</script> and <img src=x onerror=alert(1)> and [click](javascript:alert(2))"})
	p := s.get(domain, "/evil")
	if p.status != http.StatusOK {
		t.Fatalf("status %d", p.status)
	}
	checkSecurity(t, "/evil", p)
	p.mustContain(t, "Hello")
	p.mustContain(t, "&lt;script&gt;")
	p.mustNotContain(t, "<script>alert", "onerror", `href="javascript:`)
}

func TestCatalogueSearch(t *testing.T) {
	s := startSite(t)
	portalID, domain := s.portal(map[string]any{"name": "Acme", "authentication_enabled": false})
	s.publishedAPI(portalID, "Orders", "orders", "Place and track orders.", "public")
	s.publishedAPI(portalID, "Payments", "payments", "Take card payments.", "public")
	s.publishedAPI(portalID, "Shipping", "shipping", "Labels and tracking for parcels.", "public")

	slugs := regexp.MustCompile(`<li data-slug="([^"]+)">`)
	for q, want := range map[string][]string{
		"":         {"orders", "payments", "shipping"},
		"track":    {"orders", "shipping"},
		"PAYMENTS": {"payments"},
		"nothing":  nil,
	} {
		p := s.get(domain, "/apis?q="+url.QueryEscape(q))
		var got []string
		for _, m := range slugs.FindAllStringSubmatch(p.body, -1) {
			got = append(got, m[1])
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("q=%q: APIs %v, want %v", q, got, want)
		}
		p.mustContain(t, `<form id="search"`, `name="q"`)
		if q == "nothing" {
			p.mustContain(t, "No API matches")
		}
	}
}

// TestEmptyCatalogueSaysWhereThePrivateAPIsAre: an anonymous visitor of a portal that publishes
// only to its developers is told to log in, not that nothing is published.
func TestEmptyCatalogueSaysWhereThePrivateAPIsAre(t *testing.T) {
	s := startSite(t)
	portalID, domain := s.portal(map[string]any{"name": "Acme", "authentication_enabled": true})
	s.publishedAPI(portalID, "Orders", "orders", "Place and track orders.", "private")
	p := s.get(domain, "/apis")
	p.mustContain(t, "log in</a> or", `href="/register"`)
	if strings.Contains(p.body, `data-slug="orders"`) {
		t.Errorf("an anonymous visitor sees the private API:\n%s", p.body)
	}

	_, openDomain := s.portal(map[string]any{"name": "Open", "authentication_enabled": false})
	s.get(openDomain, "/apis").mustContain(t, "No APIs are published here yet.")
}

func TestAPIPageWithReferenceAndDocuments(t *testing.T) {
	s := startSite(t)
	portalID, domain := s.portal(map[string]any{"name": "Acme", "authentication_enabled": false})
	apiID := s.publishedAPI(portalID, "Pets", "pets", "Adopt a pet.", "public")
	s.admin(http.MethodPost, "/v3/apis/"+apiID+"/versions", map[string]any{"version": "1.0.0", "spec": map[string]any{"content": string(apispectest.PetstoreOpenAPI)}}, http.StatusCreated, nil)
	var guide struct {
		ID string `json:"id"`
	}
	s.admin(http.MethodPost, "/v3/apis/"+apiID+"/documents", map[string]any{"title": "Getting started", "slug": "getting-started",
		"content": "First, get a key.", "status": "published"}, http.StatusCreated, &guide)
	s.admin(http.MethodPost, "/v3/apis/"+apiID+"/documents", map[string]any{"title": "Webhooks", "slug": "webhooks",
		"content": "Webhook details.", "status": "published", "parent_document_id": guide.ID}, http.StatusCreated, nil)
	s.admin(http.MethodPost, "/v3/apis/"+apiID+"/documents", map[string]any{"title": "Unreleased", "slug": "unreleased",
		"content": "Soon.", "status": "unpublished"}, http.StatusCreated, nil)
	s.admin(http.MethodPatch, "/v3/portals/"+portalID+"/customization", map[string]any{"theme": map[string]any{"colors": map[string]any{"primary": "#aa3300"}}}, http.StatusOK, nil)

	p := s.get(domain, "/apis/pets")
	if p.status != http.StatusOK {
		t.Fatalf("API page: status %d: %s", p.status, p.body)
	}
	checkSecurity(t, "/apis/pets", p)
	p.mustContain(t, "<h1>Pets</h1>", `<section id="reference"`, `<section class="operation" id="op-listpets" data-method="GET" data-path="/pets"`,
		`data-method="POST" data-path="/pets"`, `<section id="documents"`, `href="/apis/pets/docs/getting-started"`, `href="/apis/pets/docs/webhooks"`)
	p.mustNotContain(t, "Unreleased")

	doc := s.get(domain, "/apis/pets/docs/webhooks")
	if doc.status != http.StatusOK {
		t.Fatalf("document page: status %d", doc.status)
	}
	checkSecurity(t, "/apis/pets/docs/webhooks", doc)
	doc.mustContain(t, "<h1>Webhooks</h1>", "Webhook details.", `href="/apis/pets/docs/webhooks" aria-current="page"`)
	for _, path := range []string{"/apis/pets/docs/unreleased", "/apis/pets/docs/missing", "/apis/pets?version=9.9.9", "/apis/" + apiID} {
		if got := s.get(domain, path); got.status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, got.status)
		}
	}

	theme := s.get(domain, "/assets/theme.css")
	if !strings.Contains(theme.body, "--color-primary: #aa3300;") {
		t.Errorf("theme.css does not carry the portal's primary colour: %s", theme.body)
	}
}

func TestCatalogueShowsEditsAtOnce(t *testing.T) {
	s := startSite(t)
	portalID, domain := s.portal(map[string]any{"name": "Acme", "authentication_enabled": true})
	apiID := s.publishedAPI(portalID, "Orders", "orders", "Place orders.", "public")
	s.get(domain, "/apis").mustContain(t, "Place orders.")

	s.admin(http.MethodPatch, "/v3/apis/"+apiID, map[string]any{"description": "Place and cancel orders."}, http.StatusOK, nil)
	s.get(domain, "/apis").mustContain(t, "Place and cancel orders.")

	s.admin(http.MethodPut, "/v3/apis/"+apiID+"/publications/"+portalID, map[string]any{"visibility": "private"}, http.StatusOK, nil)
	s.get(domain, "/apis").mustNotContain(t, `data-slug="orders"`)
}

func TestRobotsFromCustomization(t *testing.T) {
	s := startSite(t)
	portalID, domain := s.portal(map[string]any{"name": "Acme", "authentication_enabled": false})
	if p := s.get(domain, "/robots.txt"); p.status != http.StatusOK || !strings.Contains(p.body, "Allow: /") {
		t.Errorf("default robots.txt: status %d, body %q", p.status, p.body)
	}
	s.admin(http.MethodPatch, "/v3/portals/"+portalID+"/customization", map[string]any{"robots": "User-agent: *\nDisallow: /\n"}, http.StatusOK, nil)
	if p := s.get(domain, "/robots.txt"); !strings.Contains(p.body, "Disallow: /") {
		t.Errorf("robots.txt does not follow the customization: %q", p.body)
	}
}
