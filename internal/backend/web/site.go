package web

import (
	"crypto/rand"
	"errors"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
)

// Site is the portal website, one handler for every portal: the Host header says which.
type Site struct {
	svc *service.Service
	log *slog.Logger
	// csrfKey signs the CSRF tokens; a new one at each start invalidates the forms of open pages,
	// which only costs a reload.
	csrfKey []byte
	// trustedProxies are the peers whose X-Forwarded-Proto is believed when deciding whether
	// cookies get Secure.
	trustedProxies []netip.Prefix
	pages          map[string]*template.Template
	assets         *assetSet
	mux            *http.ServeMux
	specs          *specCache
	cards          *cardCache
}

// specCacheSize is how many API versions' parsed specifications are kept, and specCacheBytes about
// how much memory they may take together.
const (
	specCacheSize  = 64
	specCacheBytes = 64 << 20
)

// Option configures a Site.
type Option func(*Site)

// WithCSRFKey sets the key that signs CSRF tokens, so that several replicas, or a restart, accept
// each other's forms; at least 32 bytes. By default each Site draws a random key.
func WithCSRFKey(key []byte) Option {
	return func(s *Site) {
		if len(key) >= 32 {
			s.csrfKey = slices.Clone(key)
		}
	}
}

// WithTrustedProxies names the reverse proxies whose X-Forwarded-Proto says whether the visitor
// used TLS.
func WithTrustedProxies(p []netip.Prefix) Option {
	return func(s *Site) { s.trustedProxies = slices.Clone(p) }
}

// New returns the website over the operations of svc. It panics when the embedded templates do
// not parse, which every test of this package would show.
func New(svc *service.Service, log *slog.Logger, opts ...Option) *Site {
	s := &Site{svc: svc, log: log, mux: http.NewServeMux(),
		specs: newSpecCache(specCacheSize, specCacheBytes), cards: newCardCache(cardCacheSize)}
	for _, o := range opts {
		o(s)
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.csrfKey == nil {
		s.csrfKey = make([]byte, 32)
		_, _ = rand.Read(s.csrfKey)
	}
	var err error
	if s.assets, err = loadAssets(); err != nil {
		panic(err)
	}
	if s.pages, err = parsePages(s.assets); err != nil {
		panic(err)
	}
	s.routes()
	return s
}

// Serve serves r when its Host is a portal's domain and its path is not the developer JSON API's
// (/api/v3), and reports whether it did. The backend calls it before its JSON API.
func (s *Site) Serve(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path == "/api/v3" || strings.HasPrefix(r.URL.Path, "/api/v3/") {
		return false
	}
	host := hostOf(r)
	if !mayBePortalHost(host) {
		return false
	}
	p, err := s.portalByDomain(r.Context(), host)
	if errors.Is(err, errNotFound) {
		return false
	}
	if err != nil {
		s.serverError(w, r, nil, err)
		return true
	}
	s.servePortal(w, r, p)
	return true
}

// ServeHTTP serves r as a page of the portal its Host names, or answers 404 when none does.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.Serve(w, r) {
		return
	}
	setSecurityHeaders(w.Header())
	http.Error(w, "No portal is served at this address.", http.StatusNotFound)
}

// hostOf returns the request's host name, lower-cased and without its port.
func hostOf(r *http.Request) string {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.TrimSuffix(strings.ToLower(host), ".")
}

// mayBePortalHost rules out, without a database query, the hosts the admin API and gateway
// nodes use: IP addresses, single-label names such as localhost, and Konnect-style regional API
// hosts ("eu.api.localhost").
func mayBePortalHost(host string) bool {
	first, rest, dotted := strings.Cut(host, ".")
	if !dotted {
		return false
	}
	if _, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return false
	}
	if core.IsRegion(first) && (rest == "api" || strings.HasPrefix(rest, "api.")) {
		return false
	}
	return true
}
