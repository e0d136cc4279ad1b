package web_test

import (
	"net/http"
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
