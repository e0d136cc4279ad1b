package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

func TestNoticeCookieShowsOnlyTheSitesOwnSentences(t *testing.T) {
	s := &Site{csrfKey: []byte(strings.Repeat("k", 32))}
	here := &viewer{Portal: core.Portal{ID: "portal-a"}}
	rec := httptest.NewRecorder()
	s.setNotice(rec, here, "signed-up", "ada@example.com")
	cookie := rec.Result().Cookies()[0]
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
		t.Errorf("notice cookie %v: want HttpOnly and SameSite=Lax", cookie)
	}

	read := func(v *viewer, value string) string {
		r := httptest.NewRequest(http.MethodGet, "/register", nil)
		r.AddCookie(&http.Cookie{Name: noticeCookie, Value: value})
		return s.takeNotice(httptest.NewRecorder(), r, v)
	}
	if got := read(here, cookie.Value); !strings.Contains(got, "We sent a message to ada@example.com") {
		t.Errorf("notice %q, want the sign-up sentence with the address", got)
	}
	encoded, mac, _ := strings.Cut(cookie.Value, ".")
	forged := map[string]string{
		"another portal's":  cookie.Value,
		"altered argument":  strings.Replace(cookie.Value, encoded[:4], "AAAA", 1),
		"no signature":      encoded,
		"unknown code":      "eyJjIjoieCJ9." + mac,
		"not base64":        "%%%." + mac,
		"empty":             "",
		"signature only":    "." + mac,
		"from another site": encoded + "." + strings.Repeat("A", len(mac)),
	}
	for name, value := range forged {
		v := here
		if name == "another portal's" {
			v = &viewer{Portal: core.Portal{ID: "portal-b"}}
		}
		if got := read(v, value); got != "" {
			t.Errorf("%s notice cookie showed %q", name, got)
		}
	}
	// Read once: the answer clears it.
	r := httptest.NewRequest(http.MethodGet, "/register", nil)
	r.AddCookie(&http.Cookie{Name: noticeCookie, Value: cookie.Value})
	w := httptest.NewRecorder()
	s.takeNotice(w, r, here)
	if c := w.Result().Cookies(); len(c) != 1 || c[0].MaxAge >= 0 {
		t.Errorf("reading the notice set %v, want the cookie cleared", c)
	}
}
