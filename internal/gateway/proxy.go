package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
	"github.com/devportal-labs/terraform-provider-devportal/internal/gateway/appauth"
	"github.com/devportal-labs/terraform-provider-devportal/internal/gateway/router"
)

var _ http.Handler = (*proxy)(nil)

// The identity headers the node sets on allowed requests. Whatever a client sends under these
// names is removed, always, so that an upstream can believe them.
const (
	headerApplicationID = "X-Application-Id"
	headerDeveloperID   = "X-Developer-Id"
	headerPortalID      = "X-Portal-Id"
)

var identityHeaders = []string{headerApplicationID, headerDeveloperID, headerPortalID}

// servedScheme is the protocol the node's listener speaks, as routes name it.
const servedScheme = "http"

// Reasons in the access log for requests that no application auth decided.
const (
	reasonNoAuth  = "no_auth"  // the service has no managed application auth plugin
	reasonNoRoute = "no_route" // answered before any service was chosen
)

// proxy is the node's request path: route, refuse what it cannot enforce, authorize, forward.
type proxy struct {
	n         *Node
	upstreams *upstreams
	rp        *httputil.ReverseProxy
}

// exchange is what the node learns about one request on its way through, for the upstream
// rewrite, the error handler, the access log and the metrics.
type exchange struct {
	route  *client.GatewayRoute
	match  router.Match
	svc    *upstreamService
	app    *appauth.App
	reason string
}

type exchangeKey struct{}

func newProxy(n *Node) *proxy {
	p := &proxy{n: n, upstreams: &upstreams{latency: n.metrics.upstreamLatency}}
	p.rp = &httputil.ReverseProxy{
		Rewrite:      p.rewrite,
		Transport:    p.upstreams,
		ErrorHandler: p.upstreamError,
		BufferPool:   copyBuffers,
		ErrorLog:     slog.NewLogLogger(n.log.Handler(), slog.LevelDebug),
	}
	return p
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	ex := &exchange{reason: reasonNoRoute}
	rec := &statusRecorder{ResponseWriter: w}
	// Deferred so that a response aborted half-way (the upstream broke off its body) is logged too.
	defer func() { p.record(r, rec.status(), ex, time.Since(start)) }()
	p.handle(rec, r, ex)
}

func (p *proxy) handle(w http.ResponseWriter, r *http.Request, ex *exchange) {
	snap := p.n.current.Load()
	if snap == nil {
		writeProblem(w, http.StatusServiceUnavailable, "the node has no configuration yet: it has not reached the backend, and has no cache")
		return
	}
	m, ok := snap.router.Match(r, servedScheme)
	if !ok {
		writeProblem(w, http.StatusNotFound, "no route matches "+r.Method+" "+r.URL.Path)
		return
	}
	ex.route, ex.match = m.Route, m
	if !m.ProtocolAllowed {
		refuseProtocol(w, r, m.Route)
		return
	}
	var svc *upstreamService
	if m.Route.Service != nil {
		svc = snap.services[m.Route.Service.ID]
	}
	if svc == nil {
		writeProblem(w, http.StatusServiceUnavailable, "route "+routeLabel(m.Route)+" has no service to send requests to")
		return
	}
	ex.svc = svc
	if svc.refusal != "" {
		writeProblem(w, http.StatusServiceUnavailable, svc.refusal)
		return
	}
	ex.reason = reasonNoAuth
	if svc.policy != nil && !p.authorize(w, r, snap, svc, ex) {
		return
	}
	p.rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), exchangeKey{}, ex)))
}

// authorize applies the service's managed application auth plugin; it answers the request and
// returns false when the request may not pass.
func (p *proxy) authorize(w http.ResponseWriter, r *http.Request, snap *snapshot, svc *upstreamService, ex *exchange) bool {
	d := svc.policy.Authorize(r.Context(), snap.table, r, time.Now())
	ex.reason, ex.app = d.Reason, d.App
	decision := "denied"
	if d.Allowed {
		decision = "allowed"
	}
	p.n.metrics.authDecisions.WithLabelValues(decision, d.Reason).Inc()
	if d.Allowed {
		return true
	}
	if d.Challenge != "" && d.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", d.Challenge)
	}
	status := d.Status
	if status == 0 {
		status = http.StatusForbidden
	}
	writeProblem(w, status, d.Detail)
	return false
}

// refuseProtocol answers a request on a route that does not accept plain http: Kong's
// https_redirect_status_code, with a Location to the https URL for the redirect codes.
func refuseProtocol(w http.ResponseWriter, r *http.Request, route *client.GatewayRoute) {
	status := int(route.HTTPSRedirectStatusCode)
	if status == 0 {
		status = http.StatusUpgradeRequired
	}
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		w.Header().Set("Location", "https://"+r.Host+r.URL.RequestURI())
	}
	writeProblem(w, status, "route "+routeLabel(route)+" accepts only "+strings.Join(route.Protocols, ", ")+": use HTTPS")
}

// rewrite builds the upstream request: the service's address, the path the route gives, the
// Host the route asks for, X-Forwarded-*, and the identity headers of the node alone.
func (p *proxy) rewrite(pr *httputil.ProxyRequest) {
	ex := pr.In.Context().Value(exchangeKey{}).(*exchange)
	out := pr.Out
	out.URL.Scheme, out.URL.Host = ex.svc.scheme, ex.svc.hostPort
	// The router works on the escaped path, so that an encoded slash (%2F) stays one segment and
	// reaches the upstream as the client sent it.
	upstreamPath := router.UpstreamPath(ex.svc.path, ex.match, ex.match.RequestPath)
	if decoded, err := url.PathUnescape(upstreamPath); err == nil {
		out.URL.Path, out.URL.RawPath = decoded, upstreamPath
	} else {
		out.URL.Path, out.URL.RawPath = upstreamPath, ""
	}
	out.Host = ""
	if ex.route.PreserveHost {
		out.Host = pr.In.Host
	}
	pr.SetXForwarded()
	for _, h := range identityHeaders {
		out.Header.Del(h)
	}
	if ex.app != nil {
		out.Header.Set(headerApplicationID, ex.app.ID)
		out.Header.Set(headerDeveloperID, ex.app.DeveloperID)
		out.Header.Set(headerPortalID, ex.app.PortalID)
	}
}

// upstreamError answers a failed upstream exchange: 504 when it ran out of time, 502 otherwise.
func (p *proxy) upstreamError(w http.ResponseWriter, r *http.Request, err error) {
	ex, _ := r.Context().Value(exchangeKey{}).(*exchange)
	label := ""
	if ex != nil && ex.svc != nil {
		label = ex.svc.label
	}
	if isTimeout(err) {
		writeProblem(w, http.StatusGatewayTimeout, "service "+label+" did not answer in time")
		return
	}
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The client went away: nobody reads the answer, 499 in the access log as nginx does.
		w.WriteHeader(499)
		return
	}
	p.n.log.Debug("gateway: upstream exchange failed", "service", label, "error", err)
	writeProblem(w, http.StatusBadGateway, "service "+label+" could not be reached")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// record writes the access log line and counts the request.
func (p *proxy) record(r *http.Request, status int, ex *exchange, latency time.Duration) {
	route, svc := "", ""
	routeID, svcID, appID := "", "", ""
	if ex.route != nil {
		route, routeID = routeLabel(ex.route), ex.route.ID
	}
	if ex.svc != nil {
		svc, svcID = ex.svc.label, ex.svc.id
	}
	if ex.app != nil {
		appID = ex.app.ID
	}
	p.n.metrics.requests.WithLabelValues(route, svc, strconv.Itoa(status)).Inc()
	if p.n.access == nil {
		return
	}
	// The path only: a key given as a query parameter must never reach the log.
	p.n.access.LogAttrs(r.Context(), slog.LevelInfo, "request",
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", status),
		slog.Float64("latency_ms", float64(latency.Microseconds())/1000),
		slog.String("route_id", routeID),
		slog.String("service_id", svcID),
		slog.String("application_id", appID),
		slog.String("reason", ex.reason),
	)
}

func routeLabel(r *client.GatewayRoute) string {
	if r.Name != nil && *r.Name != "" {
		return *r.Name
	}
	return r.ID
}

// copyBuffers lends the proxy its body copy buffers: without it every request allocates, and
// clears, 32 KiB.
var copyBuffers httputil.BufferPool = &bufferPool{pool: sync.Pool{New: func() any { return new([32 * 1024]byte) }}}

type bufferPool struct{ pool sync.Pool }

func (b *bufferPool) Get() []byte { return b.pool.Get().(*[32 * 1024]byte)[:] }
func (b *bufferPool) Put(p []byte) {
	if cap(p) == 32*1024 {
		b.pool.Put((*[32 * 1024]byte)(p[:32*1024]))
	}
}

// problem is the application/problem+json body of every answer the node gives itself.
type problem struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

func writeProblem(w http.ResponseWriter, status int, detail string) {
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Del("Content-Length")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(problem{Status: status, Title: http.StatusText(status), Detail: detail})
}

// statusRecorder remembers the status code written through it.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.code == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		s.code = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController (flushes, protocol upgrades) reach the connection.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *statusRecorder) status() int {
	if s.code == 0 {
		return http.StatusOK
	}
	return s.code
}
