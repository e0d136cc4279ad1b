package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
)

// sessionCookie names the developer session cookie, as Konnect portals name theirs.
const sessionCookie = "portalaccesstoken"

// portalAPIPrefix is where each portal's developer API is mounted; the document lists its paths
// from /api/v3.
const portalAPIPrefix = "/portals/{portalId}/api/v3"

// selfService holds what the developer-facing API needs beyond the operations of the service: its
// routes and the HTTP concerns of the developer session.
type selfService struct {
	mux *http.ServeMux
	// trustedProxies are the peers whose X-Forwarded-For and X-Forwarded-Proto are believed.
	trustedProxies []netip.Prefix
}

// Option configures the developer-facing API.
type Option func(*selfService)

// WithTrustedProxies names the reverse proxies whose X-Forwarded-For (the client address used by
// the limits) and X-Forwarded-Proto (whether cookies get Secure) are believed.
func WithTrustedProxies(p []netip.Prefix) Option {
	return func(s *selfService) { s.trustedProxies = slices.Clone(p) }
}

func newSelfService(opts []Option) *selfService {
	s := &selfService{mux: http.NewServeMux()}
	for _, o := range opts {
		o(s)
	}
	return s
}

// client is what the server knows of the party that sent a request.
type client struct {
	// address identifies the client for the limits: its IP address, or for IPv6 its /64 network,
	// which one host usually has to itself.
	address string
	// secure is whether the client reached us over TLS, directly or through a trusted proxy.
	secure bool
}

// clientOf returns the request's client. X-Forwarded-For and X-Forwarded-Proto count only when the
// peer is a trusted proxy; the client is then the last address of X-Forwarded-For that is not
// itself a trusted proxy.
func (a *API) clientOf(r *http.Request) client {
	c := client{secure: r.TLS != nil}
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		c.address = r.RemoteAddr
		return c
	}
	addr := peer.Addr().Unmap()
	if a.trusted(addr) {
		if proto := firstForwarded(r.Header.Values("X-Forwarded-Proto")); proto != "" {
			c.secure = strings.EqualFold(proto, "https")
		}
		hops := forwardedList(r.Header.Values("X-Forwarded-For"))
		for i := len(hops) - 1; i >= 0; i-- {
			hop, err := netip.ParseAddr(hops[i])
			if err != nil {
				break
			}
			addr = hop.Unmap()
			if !a.trusted(addr) {
				break
			}
		}
	}
	if addr.Is6() {
		c.address = netip.PrefixFrom(addr, 64).Masked().String()
	} else {
		c.address = addr.String()
	}
	return c
}

func (a *API) trusted(addr netip.Addr) bool {
	return slices.ContainsFunc(a.ss.trustedProxies, func(p netip.Prefix) bool { return p.Contains(addr) })
}

// forwardedList splits the values of a comma-separated header such as X-Forwarded-For.
func forwardedList(values []string) []string {
	var out []string
	for _, v := range values {
		for item := range strings.SplitSeq(v, ",") {
			out = append(out, strings.TrimSpace(item))
		}
	}
	return out
}

func firstForwarded(values []string) string {
	if list := forwardedList(values); len(list) > 0 {
		return list[0]
	}
	return ""
}

// checkSameOrigin refuses a state-changing request that carries the session cookie but comes from
// another site's page: a browser sends the cookie along with such requests, so the cookie alone
// does not show that the developer meant them. Clients that are not browsers send neither header.
// Behind a trusted proxy, the host the browser addressed may arrive in X-Forwarded-Host.
func (a *API) checkSameOrigin(r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	if sessionToken(r) == "" {
		return nil
	}
	refuse := &titledError{status: http.StatusForbidden, title: "Forbidden",
		detail: "Cross-site requests may not use the developer session: send this request from the portal's own pages."}
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return refuse
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return refuse
	}
	host := r.Host
	if forwarded := firstForwarded(r.Header.Values("X-Forwarded-Host")); forwarded != "" && a.fromTrustedProxy(r) {
		host = forwarded
	}
	if !strings.EqualFold(u.Host, host) {
		return refuse
	}
	return nil
}

// fromTrustedProxy reports whether the request's peer is a trusted proxy.
func (a *API) fromTrustedProxy(r *http.Request) bool {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	return err == nil && a.trusted(peer.Addr().Unmap())
}

// access is what a developer endpoint asks of the caller.
type access int

const (
	// anyone may call, signed in or not, whatever the portal's settings.
	anyone access = iota
	// accounts needs a portal with user authentication; callers may be anonymous.
	accounts
	// signedIn needs a portal with user authentication and an approved developer's session.
	signedIn
)

// devContext is the portal a developer request addresses and, when signed in, the developer.
type devContext struct {
	portal    core.Portal
	developer *core.Developer
}

// devHandler serves one developer endpoint; a returned error becomes a problem response.
type devHandler func(w http.ResponseWriter, r *http.Request, c devContext) error

// titledError is a problem whose title is not the generic one of its status, as in Konnect's
// login answers.
type titledError struct {
	status        int
	title, detail string
	retryAfter    time.Duration
}

func (e *titledError) Error() string { return e.title + ": " + e.detail }

func unauthorized(detail string) error {
	return &titledError{status: http.StatusUnauthorized, title: "Unauthorized", detail: detail}
}

// servePortalAPI serves the request when it addresses a portal's developer API, either as
// /portals/{portalId}/api/v3/... or as /api/v3/... on the portal's own domain, and reports
// whether it did. These requests never use the admin token.
func (a *API) servePortalAPI(w http.ResponseWriter, r *http.Request, region string) bool {
	segs := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch {
	case len(segs) >= 4 && segs[0] == "portals" && segs[2] == "api" && segs[3] == "v3":
	case len(segs) >= 2 && segs[0] == "api" && segs[1] == "v3":
		p, err := a.svc.PortalByDomain(r.Context(), r.Host)
		if service.KindOf(err) == service.NotFound {
			return false
		}
		if err != nil {
			a.writeError(w, r, err)
			return true
		}
		region = p.Region
		r2 := new(http.Request)
		*r2 = *r
		u := *r.URL
		u.Path = "/portals/" + p.ID + r.URL.Path
		u.RawPath = ""
		r2.URL = &u
		r = r2.WithContext(context.WithValue(r2.Context(), portalDomainKey{}, true))
	default:
		return false
	}
	a.log.DebugContext(r.Context(), "portal API request", "method", r.Method, "path", r.URL.Path, "region", region)
	a.ss.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), regionKey{}, region)))
	return true
}

// devRoute registers the methods of one developer API path (relative to /api/v3), answering
// every other method with 405.
func (a *API) devRoute(path string, need access, methods map[string]devHandler) {
	full := portalAPIPrefix + path
	allowed := make([]string, 0, len(methods))
	for m, h := range methods {
		allowed = append(allowed, m)
		a.ss.mux.HandleFunc(m+" "+full, func(w http.ResponseWriter, r *http.Request) {
			err := a.checkSameOrigin(r)
			var c devContext
			if err == nil {
				c, err = a.devContext(r, need)
			}
			if err != nil {
				a.writeDevError(w, r, err)
				return
			}
			a.idempotent(w, r, developerCredential(need, c), a.writeDevError, func(w http.ResponseWriter, r *http.Request) {
				if err := h(w, r, c); err != nil {
					a.writeDevError(w, r, err)
				}
			})
		})
	}
	slices.Sort(allowed)
	a.ss.mux.HandleFunc(full, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeProblem(w, http.StatusMethodNotAllowed,
			"Method "+r.Method+" is not allowed on "+r.URL.Path+"; allowed: "+strings.Join(allowed, ", ")+".", nil)
	})
}

// devContext loads the portal and, where the endpoint needs one, the developer's session.
func (a *API) devContext(r *http.Request, need access) (devContext, error) {
	ctx := r.Context()
	p, err := a.svc.Portal(ctx, regionOf(r), r.PathValue("portalId"))
	if err != nil {
		return devContext{}, err
	}
	c := devContext{portal: p}
	if need >= accounts {
		if err := service.CheckAccounts(p); err != nil {
			return c, err
		}
	}
	token := sessionToken(r)
	if token == "" {
		if need == signedIn {
			return c, signInRequired(r)
		}
		return c, nil
	}
	d, err := a.svc.SessionDeveloper(ctx, p, token)
	// A developer who may not log in is anonymous where the endpoint allows that.
	anonymous := need != signedIn && service.KindOf(err) == service.Unauthenticated
	if err != nil && !anonymous {
		return c, err
	}
	if d == nil && need == signedIn {
		return c, unauthorized("The session has expired or ended: log in again.")
	}
	c.developer = d
	return c, nil
}

func signInRequired(r *http.Request) error {
	if r.Header.Get("Authorization") != "" {
		return unauthorized("The developer API does not accept Authorization headers or admin tokens: log in with " +
			"POST /api/v3/developer/authenticate and send the session cookie it sets.")
	}
	return unauthorized("Log in first: this endpoint needs the session cookie set by POST /api/v3/developer/authenticate.")
}

func sessionToken(r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// writeDevError renders err like writeError, keeping Konnect's specific titles.
func (a *API) writeDevError(w http.ResponseWriter, r *http.Request, err error) {
	err = fromService(err)
	var te *titledError
	if !errors.As(err, &te) {
		a.writeError(w, r, err)
		return
	}
	if te.retryAfter > 0 {
		// Rounded up, so that a client that waits as told is not refused again.
		w.Header().Set("Retry-After", strconv.Itoa(int((te.retryAfter+time.Second-1)/time.Second)))
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(te.status)
	_ = json.NewEncoder(w).Encode(problem{Status: te.status, Title: te.title, Instance: traceID(), Detail: te.detail})
}

// portalDomainKey marks a request that addressed the developer API on its portal's own domain.
type portalDomainKey struct{}

// cookiePath scopes the session cookie to the developer API of the portal as the client
// addressed it, so that sessions of several portals on one host do not collide. On the portal's own
// domain the cookie covers the whole site, so that the website and the developer API share it.
func cookiePath(r *http.Request) string {
	if r.Context().Value(portalDomainKey{}) != nil {
		return "/"
	}
	p := r.RequestURI
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if i := strings.Index(p, "/api/v3"); i >= 0 {
		return p[:i+len("/api/v3")]
	}
	return "/"
}

// setSessionCookie sets the session cookie, Secure when the client reached us over TLS (directly
// or through a trusted proxy), so that the browser never sends it over plain HTTP.
func (a *API) setSessionCookie(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: cookiePath(r), Expires: expires,
		MaxAge: int(time.Until(expires).Seconds()), HttpOnly: true, Secure: a.clientOf(r).secure, SameSite: http.SameSiteLaxMode,
	})
}

func (a *API) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: cookiePath(r), MaxAge: -1,
		HttpOnly: true, Secure: a.clientOf(r).secure, SameSite: http.SameSiteLaxMode,
	})
}
