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
	"net/http"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// Router picks the route of a request among a configuration's routes; immutable, safe for
// concurrent use.
type Router struct {
	routes []client.GatewayRoute
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

// New compiles routes. The error names the route and its bad path regex.
func New(routes []client.GatewayRoute) (*Router, error) {
	return &Router{routes: routes}, nil
}

// Match returns the route of a request, false when none matches. scheme is the protocol the
// request arrived with, "http" or "https".
func (r *Router) Match(req *http.Request, scheme string) (Match, bool) {
	return Match{}, false
}

// UpstreamPath is the path sent upstream: the service path joined with the request path, the
// matched prefix removed when strip_path, following path_handling v0 / v1 as Kong documents them.
func UpstreamPath(servicePath string, m Match, requestPath string) string {
	return servicePath
}
