// Package router picks the Kong route of a request among the routes of one node configuration.
//
// A route matches a request when each of its non-empty criteria matches:
//
//   - hosts: the request host equals one of them (case-insensitively), or matches a wildcard
//     `*.example.com` (any host ending in `.example.com`) or `example.*` (any host starting with
//     `example.`). The request port is ignored unless the route host names one, in which case it
//     must equal the port of the Host header, or 80/443 for http/https when the header has none.
//   - methods: the request method is one of them.
//   - paths: a plain path matches when the request path starts with it; a path starting with `~`
//     is a regular expression (RE2 syntax) anchored at the start of the request path.
//
// Protocols are not a matching criterion: a route that matches on everything else is chosen, and
// Match.ProtocolAllowed tells whether it serves the request's protocol, so that the node can answer
// the route's https_redirect_status_code as Kong does.
//
// When several routes match, the first in this order wins:
//
//  1. routes with more kinds of criteria (hosts, methods, paths) first; among the same number of
//     kinds, hosts outrank paths and paths outrank methods (hosts+paths before hosts+methods);
//  2. routes whose hosts are all plain before routes with a wildcard host;
//  3. a regex path match before a plain prefix match; regex matches by regex_priority, highest first;
//  4. longer matching plain prefixes before shorter ones;
//  5. the older route (created_at), then the smaller id, so that the order is total.
//
// Request paths are compared in their escaped form, normalized: percent-encoded unreserved
// characters are decoded, hex digits upper-cased and dot segments removed.
package router

import (
	"cmp"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// Router picks the route of a request among a configuration's routes; immutable, safe for
// concurrent use.
type Router struct {
	// entries holds one entry per route path (one per route without paths), in match order.
	entries []entry
}

// Match is the route a request matched and how.
type Match struct {
	Route *client.GatewayRoute
	// Path is the route path (prefix) that matched, "" when the route has no paths or a regex matched.
	Path string
	// RegexMatch is the start of the request path that a regex path matched, "" otherwise;
	// strip_path removes it as it removes Path.
	RegexMatch string
	// RequestPath is the normalized request path the route was matched against; pass it to
	// UpstreamPath.
	RequestPath string
	// ProtocolAllowed is false when the route matched on everything but the protocol; the node
	// answers https_redirect_status_code (426 by default) then.
	ProtocolAllowed bool
}

// Kinds of criteria, as bits whose order ranks routes with as many kinds of criteria.
const (
	kindMethods = 1 << iota
	kindPaths
	kindHosts
)

// route is a compiled route, shared by its entries.
type route struct {
	r          *client.GatewayRoute
	hosts      []hostPattern
	methods    []string
	protocols  []string
	kinds      int
	plainHosts bool
}

// entry is one way a route can match: through one of its paths, or through no path.
type entry struct {
	route  *route
	prefix string         // plain path; "" with re or for a route without paths
	re     *regexp.Regexp // regex path, anchored
}

// hostPattern is one host of a route: exact, or with a wildcard at one end.
type hostPattern struct {
	name string // lower case, without the wildcard label and without the port
	port string // "" matches any port
	kind hostKind
}

type hostKind int

const (
	hostExact  hostKind = iota
	hostSuffix          // *.example.com: name is ".example.com"
	hostPrefix          // example.*: name is "example."
)

// New compiles routes. The error names the route and its bad path regex.
func New(routes []client.GatewayRoute) (*Router, error) {
	var entries []entry
	for i := range routes {
		rt, err := compileRoute(&routes[i])
		if err != nil {
			return nil, err
		}
		if len(rt.r.Paths) == 0 {
			entries = append(entries, entry{route: rt})
			continue
		}
		for _, p := range rt.r.Paths {
			e, err := compilePath(rt, p)
			if err != nil {
				return nil, err
			}
			entries = append(entries, e)
		}
	}
	slices.SortStableFunc(entries, compareEntries)
	return &Router{entries: entries}, nil
}

func compileRoute(r *client.GatewayRoute) (*route, error) {
	rt := &route{r: r, plainHosts: true, protocols: r.Protocols}
	if len(rt.protocols) == 0 {
		rt.protocols = []string{"http", "https"}
	}
	for _, h := range r.Hosts {
		hp, err := parseHostPattern(h)
		if err != nil {
			return nil, fmt.Errorf("route %s: host %q: %w", routeLabel(r), h, err)
		}
		if hp.kind != hostExact {
			rt.plainHosts = false
		}
		rt.hosts = append(rt.hosts, hp)
	}
	for _, m := range r.Methods {
		rt.methods = append(rt.methods, strings.ToUpper(m))
	}
	if len(rt.hosts) > 0 {
		rt.kinds |= kindHosts
	}
	if len(rt.methods) > 0 {
		rt.kinds |= kindMethods
	}
	if len(r.Paths) > 0 {
		rt.kinds |= kindPaths
	}
	return rt, nil
}

func compilePath(rt *route, p string) (entry, error) {
	if expr, ok := strings.CutPrefix(p, "~"); ok {
		re, err := regexp.Compile(`^(?:` + expr + `)`)
		if err != nil {
			return entry{}, fmt.Errorf("route %s: path %q is not a valid regular expression (RE2 syntax): %w", routeLabel(rt.r), p, err)
		}
		return entry{route: rt, re: re}, nil
	}
	return entry{route: rt, prefix: normalizePath(p)}, nil
}

func routeLabel(r *client.GatewayRoute) string {
	if r.Name != nil && *r.Name != "" {
		return fmt.Sprintf("%s (%s)", r.ID, *r.Name)
	}
	return r.ID
}

func parseHostPattern(h string) (hostPattern, error) {
	h = strings.ToLower(h)
	var hp hostPattern
	name, port, err := net.SplitHostPort(h)
	if err == nil {
		hp.port = port
	} else {
		name = h
	}
	switch {
	case strings.HasPrefix(name, "*."):
		hp.kind, hp.name = hostSuffix, name[1:]
	case strings.HasSuffix(name, ".*"):
		hp.kind, hp.name = hostPrefix, name[:len(name)-1]
	default:
		hp.name = name
	}
	if strings.Contains(hp.name, "*") || hp.name == "" || hp.name == "." {
		return hp, fmt.Errorf("a host is a name, optionally with one wildcard label first (*.example.com) or last (example.*)")
	}
	return hp, nil
}

// compareEntries orders entries as the package comment describes.
func compareEntries(a, b entry) int {
	ra, rb := a.route, b.route
	if c := cmp.Compare(kindRank(rb.kinds), kindRank(ra.kinds)); c != 0 {
		return c
	}
	if ra.plainHosts != rb.plainHosts {
		if ra.plainHosts {
			return -1
		}
		return 1
	}
	aRe, bRe := a.re != nil, b.re != nil
	if aRe != bRe {
		if aRe {
			return -1
		}
		return 1
	}
	if aRe {
		if c := cmp.Compare(rb.r.RegexPriority, ra.r.RegexPriority); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(len(b.prefix), len(a.prefix)); c != 0 {
		return c
	}
	if c := cmp.Compare(ra.r.CreatedAt, rb.r.CreatedAt); c != 0 {
		return c
	}
	return cmp.Compare(ra.r.ID, rb.r.ID)
}

// kindRank ranks a set of kinds: the number of kinds first, then which ones.
func kindRank(kinds int) int {
	n := 0
	for k := kinds; k != 0; k &= k - 1 {
		n++
	}
	return n<<8 | kinds
}

// Match returns the route of a request, false when none matches. scheme is the protocol the
// request arrived with, "http" or "https".
func (r *Router) Match(req *http.Request, scheme string) (Match, bool) {
	host, port := requestHost(req, scheme)
	reqPath := normalizePath(req.URL.EscapedPath())
	for i := range r.entries {
		e := &r.entries[i]
		rt := e.route
		if !rt.matchMethod(req.Method) || !rt.matchHost(host, port) {
			continue
		}
		m := Match{Route: rt.r, RequestPath: reqPath}
		switch {
		case e.re != nil:
			loc := e.re.FindStringIndex(reqPath)
			if loc == nil {
				continue
			}
			m.RegexMatch = reqPath[:loc[1]]
		case len(rt.r.Paths) > 0:
			if !strings.HasPrefix(reqPath, e.prefix) {
				continue
			}
			m.Path = e.prefix
		}
		m.ProtocolAllowed = rt.allowsProtocol(scheme, req)
		return m, true
	}
	return Match{}, false
}

func (rt *route) matchMethod(method string) bool {
	return len(rt.methods) == 0 || slices.Contains(rt.methods, method)
}

func (rt *route) matchHost(host, port string) bool {
	if len(rt.hosts) == 0 {
		return true
	}
	for _, h := range rt.hosts {
		if h.port != "" && h.port != port {
			continue
		}
		switch h.kind {
		case hostExact:
			if host == h.name {
				return true
			}
		case hostSuffix:
			if len(host) > len(h.name) && strings.HasSuffix(host, h.name) {
				return true
			}
		case hostPrefix:
			if len(host) > len(h.name) && strings.HasPrefix(host, h.name) {
				return true
			}
		}
	}
	return false
}

// allowsProtocol reports whether the route serves the request's protocol: http or https, or grpc
// and grpcs for requests with a gRPC content type.
func (rt *route) allowsProtocol(scheme string, req *http.Request) bool {
	proto := scheme
	if strings.HasPrefix(req.Header.Get("Content-Type"), "application/grpc") {
		proto = "grpc"
		if scheme == "https" {
			proto = "grpcs"
		}
	}
	return slices.Contains(rt.protocols, proto)
}

// requestHost returns the lower-case host of a request and its port: the Host header's, or the
// scheme's default.
func requestHost(req *http.Request, scheme string) (host, port string) {
	h := req.Host
	if h == "" {
		h = req.URL.Host
	}
	if name, p, err := net.SplitHostPort(h); err == nil {
		return strings.ToLower(name), p
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	if scheme == "https" {
		return strings.ToLower(h), "443"
	}
	return strings.ToLower(h), "80"
}
