package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// TestPostChecksTheFormFirst posts to a form handler registered with s.post: the handler runs
// only with the visitor's CSRF token, and a body over the bound is refused.
func TestPostChecksTheFormFirst(t *testing.T) {
	s := New(nil, nil)
	ran := 0
	s.post("POST /test-form", func(w http.ResponseWriter, r *http.Request, v *viewer) error {
		ran++
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
	custom := core.DefaultCustomization()
	send := func(form url.Values, session string) int {
		r := httptest.NewRequest(http.MethodPost, "/test-form", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		v := &viewer{Portal: core.Portal{ID: "p1", Name: "Acme"}, sessionToken: session, custom: &custom}
		r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, v))
		w := httptest.NewRecorder()
		s.mux.ServeHTTP(w, r)
		return w.Code
	}
	good := signCSRF(s.csrfKey, "p1", "session", "s1")
	if code := send(url.Values{csrfField: {good}, "name": {"App"}}, "s1"); code != http.StatusNoContent || ran != 1 {
		t.Errorf("a form with its token: status %d, handler ran %d times; want 204 and once", code, ran)
	}
	if code := send(url.Values{"name": {"App"}}, "s1"); code != http.StatusForbidden || ran != 1 {
		t.Errorf("a form without a token: status %d, handler ran %d times; want 403 and not at all", code, ran)
	}
	if code := send(url.Values{csrfField: {good}, "name": {strings.Repeat("x", maxFormBytes)}}, "s1"); code != http.StatusBadRequest || ran != 1 {
		t.Errorf("an oversized form: status %d, handler ran %d times; want 400 and not at all", code, ran)
	}
}
