package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestPortalHostServesWebsite(t *testing.T) {
	s := startSite(t)
	_, domain := s.portal(map[string]any{"name": "Acme Developers", "authentication_enabled": false})

	home := s.get(domain+":8080", "/")
	if home.status != http.StatusOK {
		t.Fatalf("home: status %d, want 200: %s", home.status, home.body)
	}
	home.mustContain(t, `<html lang="en">`, "Acme Developers", `id="site-nav"`, `href="#main"`, `<main id="main"`)
	if ct := home.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type %q, want text/html", ct)
	}

	upper := s.get(strings.ToUpper(domain), "/")
	if upper.status != http.StatusOK {
		t.Errorf("host in upper case: status %d, want 200", upper.status)
	}

	api := s.get(domain, "/api/v3/portal")
	if strings.Contains(api.header.Get("Content-Type"), "text/html") {
		t.Errorf("/api/v3 on the portal's domain answered HTML; it belongs to the developer JSON API")
	}

	admin := s.get("127.0.0.1", "/v3/portals")
	if admin.status != http.StatusUnauthorized {
		t.Errorf("admin API without token on 127.0.0.1: status %d, want 401", admin.status)
	}
	other := s.get("nobody.us.portal.localhost", "/")
	if strings.Contains(other.header.Get("Content-Type"), "text/html") {
		t.Errorf("a host that is no portal's domain got the website")
	}
}

func TestNotFoundPage(t *testing.T) {
	s := startSite(t)
	_, domain := s.portal(map[string]any{"name": "Acme", "authentication_enabled": false})
	for _, path := range []string{"/no/such/page", "/apis/missing", "/assets/missing.css"} {
		p := s.get(domain, path)
		if p.status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, p.status)
		}
		if path != "/assets/missing.css" {
			p.mustContain(t, "Page not found", `<html lang="en">`)
		}
		p.mustNotContain(t, "goroutine", ".go:")
	}
}

// inlineScript finds a <script> element with content or an inline event handler attribute, which
// the Content-Security-Policy would block.
var inlineScript = regexp.MustCompile(`(?is)<script\b[^>]*>\s*[^<\s]|<[a-z][^>]*\son[a-z]+\s*=|<[a-z][^>]*(?:href|src|action)\s*=\s*["']?\s*javascript:`)

// checkSecurity fails the test unless the page has the website's security headers and no inline
// script.
func checkSecurity(t *testing.T, path string, p page) {
	t.Helper()
	csp := p.header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%s: Content-Security-Policy %q lacks %q", path, csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("%s: Content-Security-Policy allows inline code: %q", path, csp)
	}
	if got := p.header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q, want nosniff", path, got)
	}
	if got := p.header.Get("Referrer-Policy"); got == "" {
		t.Errorf("%s: no Referrer-Policy", path)
	}
	if m := inlineScript.FindString(p.body); m != "" {
		t.Errorf("%s: inline script %q in the page", path, m)
	}
	if strings.Contains(p.body, " style=") || strings.Contains(p.body, "<style") {
		t.Errorf("%s: inline style in the page, which the Content-Security-Policy blocks", path)
	}
}

func TestSecurityHeadersOnEveryPage(t *testing.T) {
	s := startSite(t)
	_, domain := s.portal(map[string]any{"name": "Acme", "authentication_enabled": true})
	for _, path := range []string{"/", "/apis", "/apis?q=x", "/missing"} {
		checkSecurity(t, path, s.get(domain, path))
	}
}

func TestAssetsAreFingerprintedAndCached(t *testing.T) {
	s := startSite(t)
	_, domain := s.portal(map[string]any{"name": "Acme", "authentication_enabled": false})
	home := s.get(domain, "/")
	links := regexp.MustCompile(`(?:href|src)="(/assets/site\.[0-9a-f]{10}\.(?:css|js))"`).FindAllStringSubmatch(home.body, -1)
	if len(links) != 2 {
		t.Fatalf("home links %d fingerprinted assets, want the stylesheet and the script: %s", len(links), home.body)
	}
	if !strings.Contains(home.body, `.js" defer></script>`) {
		t.Errorf("the script is not loaded with defer")
	}
	for _, l := range links {
		a := s.get(domain, l[1])
		if a.status != http.StatusOK || !strings.Contains(a.header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: status %d, Cache-Control %q; want 200 and a long immutable cache", l[1], a.status, a.header.Get("Cache-Control"))
		}
		if c := a.header.Get("Set-Cookie"); c != "" {
			t.Errorf("%s sets a cookie, which a shared cache could hand to others: %s", l[1], c)
		}
	}
	if c := home.header.Get("Set-Cookie"); c != "" {
		t.Errorf("a page without forms sets a cookie: %s", c)
	}
	theme := s.get(domain, "/assets/theme.css")
	if theme.status != http.StatusOK || !strings.HasPrefix(theme.header.Get("Content-Type"), "text/css") {
		t.Errorf("theme.css: status %d, type %q, body %q", theme.status, theme.header.Get("Content-Type"), theme.body)
	}
}
