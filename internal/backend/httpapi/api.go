package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// API serves the admin API of every region over one store.
type API struct {
	store         *store.Store
	svc           *service.Service // the developer self-service operations
	defaultRegion string
	log           *slog.Logger
	mux           *http.ServeMux
	now           func() time.Time
	ss            *selfService // the developer-facing portal API; see portalapi.go
	nodeConfigs   nodeConfigCache
	adminTokens   adminTokenCache
}

// New returns the API over st, running the self-service operations through svc. defaultRegion is
// also served at "/".
func New(st *store.Store, svc *service.Service, defaultRegion string, log *slog.Logger, opts ...Option) *API {
	a := &API{
		store:         st,
		svc:           svc,
		defaultRegion: defaultRegion,
		log:           log,
		mux:           http.NewServeMux(),
		now:           func() time.Time { return time.Now().UTC() },
		ss:            newSelfService(opts),
	}
	a.routes()
	return a
}

func (a *API) routes() {
	a.route("/v3/portals", map[string]handlerFunc{
		http.MethodGet:  a.listPortals,
		http.MethodPost: a.createPortal,
	})
	a.route("/v3/portals/{portalId}", map[string]handlerFunc{
		http.MethodGet:    a.getPortal,
		http.MethodPatch:  a.updatePortal,
		http.MethodDelete: a.deletePortal,
	})
	a.route("/v3/portals/{portalId}/authentication-settings", map[string]handlerFunc{
		http.MethodGet:   a.getPortalAuthSettings,
		http.MethodPatch: a.updatePortalAuthSettings,
	})
	a.route("/v2/application-auth-strategies", map[string]handlerFunc{
		http.MethodGet:  a.listAuthStrategies,
		http.MethodPost: a.createAuthStrategy,
	})
	a.route("/v2/application-auth-strategies/{authStrategyId}", map[string]handlerFunc{
		http.MethodGet:    a.getAuthStrategy,
		http.MethodPut:    a.replaceAuthStrategy,
		http.MethodPatch:  a.updateAuthStrategy,
		http.MethodDelete: a.deleteAuthStrategy,
	})
	a.lifecycleRoutes()
	a.selfServiceRoutes()
	a.userRoutes()
	a.contentRoutes()
	a.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, http.StatusNotFound, "No endpoint "+r.URL.Path+" exists on this server.", nil)
	})
}

// handlerFunc serves one admin endpoint; a returned error becomes a problem response.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// route registers the methods of one path, answering every other method with 405.
func (a *API) route(path string, methods map[string]handlerFunc) {
	a.routeWith(path, methods, a.writeError)
}

// routeWith is route with fail rendering the errors of the handlers and of the idempotency layer.
func (a *API) routeWith(path string, methods map[string]handlerFunc, fail func(http.ResponseWriter, *http.Request, error)) {
	allowed := make([]string, 0, len(methods))
	for m, h := range methods {
		allowed = append(allowed, m)
		a.mux.HandleFunc(m+" "+path, func(w http.ResponseWriter, r *http.Request) {
			a.idempotent(w, r, adminCredential(r), fail, func(w http.ResponseWriter, r *http.Request) {
				if err := h(w, r); err != nil {
					fail(w, r, err)
				}
			})
		})
	}
	slices.Sort(allowed)
	a.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeProblem(w, http.StatusMethodNotAllowed,
			"Method "+r.Method+" is not allowed on "+r.URL.Path+"; allowed: "+strings.Join(allowed, ", ")+".", nil)
	})
}

type regionKey struct{}

// regionOf returns the region a request addresses.
func regionOf(r *http.Request) string {
	return r.Context().Value(regionKey{}).(string)
}

// regionOfPath returns the region a path addresses: its first segment when that names a region
// ("/eu/v3/portals"), else the default region.
func (a *API) regionOfPath(path string) (region, rest string, prefixed bool) {
	if seg, rest, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/"); core.IsRegion(seg) {
		return seg, rest, true
	}
	return a.defaultRegion, "", false
}

// regionOfHost returns the region a host name addresses the way Konnect's hosts do, which Kong's
// clients rely on: a first label naming a region followed by "api" ("eu.api.konghq.com",
// "eu.api.localhost:8080").
func regionOfHost(host string) (string, bool) {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	labels := strings.Split(strings.ToLower(host), ".")
	if len(labels) < 3 || labels[1] != "api" || !core.IsRegion(labels[0]) {
		return "", false
	}
	return labels[0], true
}

// serve picks the region from the path or the host name, checks the admin token and dispatches.
// A path prefix and a host name that name different regions are refused rather than one of them
// silently winning.
func (a *API) serve(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/") {
		// "GET *" and CONNECT's host:port: net/http's mux would answer with an empty 400.
		writeProblem(w, http.StatusBadRequest, "The request target must be a path such as /v3/portals.", nil)
		return
	}
	region, rest, prefixed := a.regionOfPath(r.URL.Path)
	if hostRegion, ok := regionOfHost(r.Host); ok {
		if prefixed && hostRegion != region {
			writeProblem(w, http.StatusBadRequest, fmt.Sprintf("The host name %s addresses region %s but the path addresses region %s: "+
				"name one region, in the host name or as the path's first segment.", r.Host, hostRegion, region),
				[]core.Violation{{Field: "Host", Rule: "invalid", Source: "header",
					Reason: fmt.Sprintf("region %s of the host name differs from region %s of the path", hostRegion, region)}})
			return
		}
		region = hostRegion
	}
	if prefixed {
		r2 := new(http.Request)
		*r2 = *r
		u := *r.URL
		u.Path = "/" + rest
		u.RawPath = ""
		r2.URL = &u
		r = r2
	}
	if r.URL.Path == "/healthz" {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
		return
	}
	if a.servePortalAPI(w, r, region) {
		return
	}
	if !a.authorized(w, r, region) {
		return
	}
	a.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), regionKey{}, region)))
}

// authorized checks the bearer token, answering 401 itself when it is missing or unknown. A token
// that is not an admin token may be a node token, which may make only the requests of its
// control plane's nodes (403 otherwise).
func (a *API) authorized(w http.ResponseWriter, r *http.Request, region string) bool {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	tok = strings.TrimSpace(tok)
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="devportal"`)
		writeUnauthorized(w, r,
			"Missing credentials: send an admin token as Authorization: Bearer <token>.")
		return false
	}
	hash, now := core.HashToken(tok), time.Now()
	if a.adminTokens.valid(hash, now) {
		return true
	}
	var valid bool
	err := a.store.View(r.Context(), func(tx *store.Tx) error {
		var err error
		valid, err = tx.AdminTokenValid(r.Context(), hash)
		return err
	})
	if err != nil {
		a.writeError(w, r, err)
		return false
	}
	if valid {
		a.adminTokens.remember(hash, now)
		return true
	}
	access, err := a.checkNodeToken(r, region, hash)
	switch {
	case err != nil:
		a.writeError(w, r, err)
		return false
	case access == nodeTokenAllowed:
		return true
	case access == nodeTokenRefused:
		writeProblem(w, http.StatusForbidden, "A node token can only read its control plane's node configuration and "+
			"report nodes, in its control plane's region: use an admin token for anything else.", nil)
		return false
	default:
		w.Header().Set("WWW-Authenticate", `Bearer realm="devportal", error="invalid_token"`)
		writeUnauthorized(w, r, "Invalid credentials: the bearer token is not a valid admin token.")
		return false
	}
}

// formatTime renders timestamps as Konnect does: RFC 3339 in UTC with milliseconds.
func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}
