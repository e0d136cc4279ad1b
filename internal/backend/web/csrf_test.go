package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

func TestCheckCSRF(t *testing.T) {
	key := []byte(strings.Repeat("k", 32))
	s := New(nil, nil, WithCSRFKey(key))
	portal := core.Portal{ID: "p1"}
	session := signCSRF(key, "p1", "session", "sess-token")
	visitor := signCSRF(key, "p1", "visitor", "visitor-id")
	tests := map[string]struct {
		session, visitor string // cookies sent
		token            string // csrf_token posted
		fetchSite        string
		ok               bool
	}{
		"session token":                  {session: "sess-token", token: session, ok: true},
		"visitor token":                  {visitor: "visitor-id", token: visitor, ok: true},
		"session wins over visitor":      {session: "sess-token", visitor: "visitor-id", token: session, ok: true},
		"visitor token once signed in":   {session: "sess-token", visitor: "visitor-id", token: visitor},
		"missing token":                  {session: "sess-token"},
		"token of another session":       {session: "other", token: session},
		"token of another portal":        {session: "sess-token", token: signCSRF(key, "p2", "session", "sess-token")},
		"token under another key":        {session: "sess-token", token: signCSRF([]byte(strings.Repeat("x", 32)), "p1", "session", "sess-token")},
		"no cookie at all":               {token: visitor},
		"cross-site even with the token": {session: "sess-token", token: session, fetchSite: "cross-site"},
		"same-origin fetch metadata":     {session: "sess-token", token: session, fetchSite: "same-origin", ok: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			form := url.Values{csrfField: {tc.token}}
			r := httptest.NewRequest(http.MethodPost, "/apps", strings.NewReader(form.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.fetchSite != "" {
				r.Header.Set("Sec-Fetch-Site", tc.fetchSite)
			}
			if tc.visitor != "" {
				r.AddCookie(&http.Cookie{Name: visitorCookie, Value: tc.visitor})
			}
			v := &viewer{Portal: portal, sessionToken: tc.session}
			err := s.checkCSRF(r, v)
			if (err == nil) != tc.ok {
				t.Errorf("checkCSRF = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestCSRFTokenSetsVisitorCookieOnGet(t *testing.T) {
	s := New(nil, nil)
	v := &viewer{Portal: core.Portal{ID: "p1"}}
	w := httptest.NewRecorder()
	token := s.csrfToken(w, httptest.NewRequest(http.MethodGet, "/login", nil), v)
	cookies := w.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Name != visitorCookie || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteLaxMode {
		t.Fatalf("cookies %v, want one HttpOnly SameSite=Lax %s cookie", cookies, visitorCookie)
	}
	if want := signCSRF(s.csrfKey, "p1", "visitor", cookies[0].Value); token != want {
		t.Errorf("token is not bound to the new visitor cookie")
	}

	w = httptest.NewRecorder()
	if token := s.csrfToken(w, httptest.NewRequest(http.MethodPost, "/login", nil), v); token != "" {
		t.Errorf("a POST without cookies got token %q, want none", token)
	}
	if len(w.Result().Cookies()) != 0 {
		t.Errorf("a POST without cookies got a visitor cookie")
	}
}
