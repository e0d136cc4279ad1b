package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
)

// noticeCookie carries a success notice across the redirect that follows a form (post, redirect,
// get). It holds a code of the notices table and at most one argument, signed, so that nothing
// but this site's own sentences can be shown through it, even by a cookie set from a sibling
// domain.
const noticeCookie = "portalnotice"

// notices are the sentences a redirect may leave for the next page; %s is the argument.
var notices = map[string]string{
	"signed-up":    "Thank you. We sent a message to %s: open its link to confirm your address and choose a password.",
	"reset-sent":   "If %s has an account here, we sent it a link to choose a new password.",
	"password-set": "Your password is set: log in with it.",
	"logged-out":   "You are logged out.",
	"login-needed": "Please log in to continue.",
	"app-created":  "The application is created. Register it with an API, then create a key.",
	"app-renamed":  "The application is saved.",
	"app-deleted":  "The application %s is deleted, with its keys and registrations.",
	"registered":   "The application is registered with %s.",
	"unregistered": "The registration with %s is withdrawn.",
	"key-revoked":  "The key %s is revoked: requests with it are refused from now on.",
}

// flash is the signed content of the notice cookie.
type flash struct {
	Code string `json:"c"`
	Arg  string `json:"a,omitempty"`
}

// setNotice leaves the notice code, with its argument, for the next page of this visitor.
func (s *Site) setNotice(w http.ResponseWriter, v *viewer, code, arg string) {
	payload, _ := json.Marshal(flash{Code: code, Arg: arg})
	value := base64.RawURLEncoding.EncodeToString(payload) + "." + s.signNotice(v, payload)
	http.SetCookie(w, &http.Cookie{Name: noticeCookie, Value: value, Path: "/", MaxAge: 120, HttpOnly: true,
		Secure: v.Secure, SameSite: http.SameSiteLaxMode})
}

// takeNotice returns the sentence a redirect left for this page, and clears it so that a reload
// does not show it again; "" when there is none, or it is not this site's.
func (s *Site) takeNotice(w http.ResponseWriter, r *http.Request, v *viewer) string {
	c, err := r.Cookie(noticeCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: noticeCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: v.Secure, SameSite: http.SameSiteLaxMode})
	encoded, mac, ok := strings.Cut(c.Value, ".")
	if !ok {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(encoded)
	if err != nil || !hmac.Equal([]byte(mac), []byte(s.signNotice(v, payload))) {
		return ""
	}
	var f flash
	if json.Unmarshal(payload, &f) != nil {
		return ""
	}
	text, known := notices[f.Code]
	if !known {
		return ""
	}
	if strings.Contains(text, "%s") {
		return strings.Replace(text, "%s", f.Arg, 1)
	}
	return text
}

// signNotice signs a notice for the portal with the site's key, apart from CSRF tokens.
func (s *Site) signNotice(v *viewer, payload []byte) string {
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte("notice\x00" + v.Portal.ID + "\x00"))
	m.Write(payload)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
