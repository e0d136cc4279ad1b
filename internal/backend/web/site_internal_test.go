package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestHostOf(t *testing.T) {
	tests := map[string]string{
		"acme-1a2b3c4d.us.portal.localhost:8080": "acme-1a2b3c4d.us.portal.localhost",
		"ACME-1A2B3C4D.US.Portal.Localhost":      "acme-1a2b3c4d.us.portal.localhost",
		"acme.example.com.":                      "acme.example.com",
		"[::1]:8080":                             "::1",
		"127.0.0.1":                              "127.0.0.1",
	}
	for host, want := range tests {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Host = host
		if got := hostOf(r); got != want {
			t.Errorf("hostOf(%q) = %q, want %q", host, got, want)
		}
	}
}

func TestMayBePortalHost(t *testing.T) {
	tests := map[string]bool{
		"acme-1a2b3c4d.us.portal.localhost": true,
		"developers.example.com":            true,
		"localhost":                         false,
		"127.0.0.1":                         false,
		"::1":                               false,
		"eu.api.localhost":                  false,
		"us.api.konghq.com":                 false,
		"api.example.com":                   true,
		"eu.apis.example.com":               true,
	}
	for host, want := range tests {
		if got := mayBePortalHost(host); got != want {
			t.Errorf("mayBePortalHost(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestHeaderHelpers(t *testing.T) {
	w := httptest.NewRecorder()
	setSecurityHeaders(w.Header())
	noReferrer(w)
	noStore(w)
	if got := w.Header().Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy %q, want no-referrer on a page whose address carries a token", got)
	}
	if got := w.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", got)
	}
}
