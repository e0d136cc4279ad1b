package web

import (
	"context"
	"net/http"
	"net/netip"
	"slices"
	"strings"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// sessionCookie is the developer session cookie the JSON API sets; on a portal's own domain its
// path is "/", so the website and /api/v3 share it.
const sessionCookie = "portalaccesstoken"

// viewer is who a request comes from and the portal it addresses.
type viewer struct {
	Portal core.Portal
	// Developer is the signed-in, approved developer, or nil for an anonymous visitor (a session
	// of a pending, rejected or revoked developer counts as anonymous).
	Developer *core.Developer
	// Secure is whether the visitor reached us over TLS, directly or through a trusted proxy;
	// cookies set on the response get Secure then.
	Secure bool
	// sessionToken is the raw session cookie, "" when none was sent; it never reaches a template.
	sessionToken string
	// custom is the portal's customization once a handler has read it.
	custom *core.Customization
	// csrf is the CSRF token once a form has asked for it; site, w and r make it.
	csrf *string
	site *Site
	w    http.ResponseWriter
	req  *http.Request
}

// CSRFToken is the value every form of this response posts back as csrf_token. It is made when a
// form first asks for it, so that only pages with forms give a visitor the cookie it is bound to
// (never an asset, which caches may share).
func (v *viewer) CSRFToken() string {
	if v.csrf == nil {
		token := v.site.csrfToken(v.w, v.req, v)
		v.csrf = &token
	}
	return *v.csrf
}

// SignedIn reports whether an approved developer is signed in.
func (v *viewer) SignedIn() bool { return v.Developer != nil }

// Accounts reports whether the portal has developer accounts (user authentication on): without
// them the site has no sign-up, login or applications.
func (v *viewer) Accounts() bool { return v.Portal.AuthenticationEnabled }

// SiteName is the portal's name as visitors see it.
func (v *viewer) SiteName() string {
	if v.Portal.DisplayName != "" {
		return v.Portal.DisplayName
	}
	return v.Portal.Name
}

type viewerKey struct{}

// viewerOf returns the viewer servePortal attached to the request.
func viewerOf(r *http.Request) *viewer {
	v, _ := r.Context().Value(viewerKey{}).(*viewer)
	return v
}

// servePortal serves a request addressed to portal p's website.
func (s *Site) servePortal(w http.ResponseWriter, r *http.Request, p core.Portal) {
	setSecurityHeaders(w.Header())
	v := &viewer{Portal: p, Secure: s.secure(r), site: s, w: w, req: r}
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" && p.AuthenticationEnabled {
		v.sessionToken = c.Value
		d, err := s.sessionDeveloper(r.Context(), p, c.Value)
		if err != nil {
			s.serverError(w, r, v, err)
			return
		}
		v.Developer = d
	}
	if v.Developer != nil {
		// A signed-in developer's pages show their own data: no shared or browser cache may keep them.
		w.Header().Set("Cache-Control", "no-store")
	}
	s.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), viewerKey{}, v)))
}

// secure reports whether the request came over TLS, directly or, by X-Forwarded-Proto, through a
// trusted proxy.
func (s *Site) secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil || !slices.ContainsFunc(s.trustedProxies, func(p netip.Prefix) bool { return p.Contains(peer.Addr().Unmap()) }) {
		return false
	}
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}
