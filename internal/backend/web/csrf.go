package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
)

// visitorCookie identifies a browser that has no session yet, so that its forms (sign-up, login)
// carry a CSRF token bound to it.
const visitorCookie = "portalvisitor"

// csrfField is the name of the hidden input every form posts its token in.
const csrfField = "csrf_token"

// errCSRF refuses a form whose token is missing or is not the one this visitor was given.
var errCSRF = errors.New("this form has expired or was not sent from this site's pages: reload the page and send it again")

// csrfSubject returns what a visitor's CSRF token is bound to: the session cookie when there is
// one (so that a token stops working when the session ends), else the visitor cookie.
func csrfSubject(r *http.Request, v *viewer) (kind, value string) {
	if v.sessionToken != "" {
		return "session", v.sessionToken
	}
	if c, err := r.Cookie(visitorCookie); err == nil && c.Value != "" {
		return "visitor", c.Value
	}
	return "", ""
}

// csrfToken returns the token for the visitor's forms. A visitor with neither cookie gets a new
// visitor cookie on a GET, and no token on other methods (their check then fails).
func (s *Site) csrfToken(w http.ResponseWriter, r *http.Request, v *viewer) string {
	kind, value := csrfSubject(r, v)
	if kind == "" {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return ""
		}
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		kind, value = "visitor", base64.RawURLEncoding.EncodeToString(b)
		http.SetCookie(w, &http.Cookie{Name: visitorCookie, Value: value, Path: "/", HttpOnly: true,
			Secure: v.Secure, SameSite: http.SameSiteLaxMode})
	}
	return signCSRF(s.csrfKey, v.Portal.ID, kind, value)
}

// signCSRF is the HMAC-SHA256, under key, of the portal and the subject: a token of one portal or
// one visitor is worth nothing for another.
func signCSRF(key []byte, portalID, kind, value string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(portalID))
	m.Write([]byte{0})
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF checks the csrf_token of a posted form against the visitor's, in constant time, and
// refuses requests that the browser says come from another site.
func (s *Site) checkCSRF(r *http.Request, v *viewer) error {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return errCSRF
	}
	kind, value := csrfSubject(r, v)
	if kind == "" {
		return errCSRF
	}
	got := r.PostFormValue(csrfField)
	want := signCSRF(s.csrfKey, v.Portal.ID, kind, value)
	if got == "" || !hmac.Equal([]byte(got), []byte(want)) {
		return errCSRF
	}
	return nil
}
