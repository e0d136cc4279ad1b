package router

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// rt builds a route; created is its created_at, so tests can say which is older.
func rt(id string, created int64, mods ...func(*client.GatewayRoute)) client.GatewayRoute {
	r := client.GatewayRoute{ID: id, CreatedAt: created, Protocols: []string{"http", "https"}, PathHandling: "v0"}
	for _, m := range mods {
		m(&r)
	}
	return r
}

func hosts(h ...string) func(*client.GatewayRoute) {
	return func(r *client.GatewayRoute) { r.Hosts = h }
}
func methods(m ...string) func(*client.GatewayRoute) {
	return func(r *client.GatewayRoute) { r.Methods = m }
}
func paths(p ...string) func(*client.GatewayRoute) {
	return func(r *client.GatewayRoute) { r.Paths = p }
}
func protocols(p ...string) func(*client.GatewayRoute) {
	return func(r *client.GatewayRoute) { r.Protocols = p }
}
func priority(n int64) func(*client.GatewayRoute) {
	return func(r *client.GatewayRoute) { r.RegexPriority = n }
}

type request struct {
	method, target, host, scheme, contentType string
}

func (q request) do(t *testing.T, r *Router) (Match, bool) {
	t.Helper()
	method := q.method
	if method == "" {
		method = http.MethodGet
	}
	req := httptest.NewRequest(method, q.target, nil)
	if q.host != "" {
		req.Host = q.host
	}
	if q.contentType != "" {
		req.Header.Set("Content-Type", q.contentType)
	}
	scheme := q.scheme
	if scheme == "" {
		scheme = "http"
	}
	return r.Match(req, scheme)
}

func TestMatch(t *testing.T) {
	cases := []struct {
		name   string
		routes []client.GatewayRoute
		req    request
		want   string // route id, "" for no match
		path   string // Match.Path expected when want is set
	}{
		{"exact host", []client.GatewayRoute{rt("a", 1, hosts("api.example.com"))},
			request{target: "/x", host: "API.example.com"}, "a", ""},
		{"exact host, other host", []client.GatewayRoute{rt("a", 1, hosts("api.example.com"))},
			request{target: "/x", host: "www.example.com"}, "", ""},
		{"host port ignored when the route names none", []client.GatewayRoute{rt("a", 1, hosts("api.example.com"))},
			request{target: "/x", host: "api.example.com:8000"}, "a", ""},
		{"host port must match when the route names one", []client.GatewayRoute{rt("a", 1, hosts("api.example.com:8000"))},
			request{target: "/x", host: "api.example.com:9000"}, "", ""},
		{"host port matches", []client.GatewayRoute{rt("a", 1, hosts("api.example.com:8000"))},
			request{target: "/x", host: "api.example.com:8000"}, "a", ""},
		{"host port defaults to the scheme's", []client.GatewayRoute{rt("a", 1, hosts("api.example.com:443"))},
			request{target: "/x", host: "api.example.com", scheme: "https"}, "a", ""},
		{"leading wildcard", []client.GatewayRoute{rt("a", 1, hosts("*.example.com"))},
			request{target: "/x", host: "a.b.example.com"}, "a", ""},
		{"leading wildcard needs a label", []client.GatewayRoute{rt("a", 1, hosts("*.example.com"))},
			request{target: "/x", host: "example.com"}, "", ""},
		{"wildcard with a port", []client.GatewayRoute{rt("a", 1, hosts("*.example.com:8000"))},
			request{target: "/x", host: "api.example.com:8000"}, "a", ""},
		{"wildcard with a port, other port", []client.GatewayRoute{rt("a", 1, hosts("*.example.com:8000"))},
			request{target: "/x", host: "api.example.com"}, "", ""},
		{"trailing wildcard", []client.GatewayRoute{rt("a", 1, hosts("example.*"))},
			request{target: "/x", host: "example.org"}, "a", ""},
		{"trailing wildcard, other name", []client.GatewayRoute{rt("a", 1, hosts("example.*"))},
			request{target: "/x", host: "examples.org"}, "", ""},
		{"exact host before wildcard host", []client.GatewayRoute{
			rt("wild", 1, hosts("*.example.com")), rt("exact", 2, hosts("api.example.com"))},
			request{target: "/x", host: "api.example.com"}, "exact", ""},
		{"method", []client.GatewayRoute{rt("a", 1, methods("POST"))},
			request{method: "POST", target: "/x"}, "a", ""},
		{"other method", []client.GatewayRoute{rt("a", 1, methods("POST"))},
			request{method: "GET", target: "/x"}, "", ""},
		{"plain prefix", []client.GatewayRoute{rt("a", 1, paths("/orders"))},
			request{target: "/orders/42"}, "a", "/orders"},
		{"plain prefix has no segment boundary", []client.GatewayRoute{rt("a", 1, paths("/orders"))},
			request{target: "/ordersabc"}, "a", "/orders"},
		{"plain prefix, other path", []client.GatewayRoute{rt("a", 1, paths("/orders"))},
			request{target: "/users"}, "", ""},
		{"plain prefix after normalization", []client.GatewayRoute{rt("a", 1, paths("/orders"))},
			request{target: "/x/../%6Frders/1"}, "a", "/orders"},
		{"regex anchored at the start", []client.GatewayRoute{rt("a", 1, paths(`~/orders/\d+$`))},
			request{target: "/orders/42"}, "a", ""},
		{"regex does not match inside the path", []client.GatewayRoute{rt("a", 1, paths(`~/orders/\d+$`))},
			request{target: "/v1/orders/42"}, "", ""},
		{"regex before plain prefix", []client.GatewayRoute{
			rt("plain", 1, paths("/orders/42")), rt("re", 2, paths(`~/orders/\d+`))},
			request{target: "/orders/42"}, "re", ""},
		{"higher regex_priority first", []client.GatewayRoute{
			rt("low", 1, paths(`~/orders/\d+`), priority(1)), rt("high", 2, paths(`~/orders/.*`), priority(5))},
			request{target: "/orders/42"}, "high", ""},
		{"same regex_priority: older first", []client.GatewayRoute{
			rt("new", 2, paths(`~/orders/\d+`)), rt("old", 1, paths(`~/orders/.*`))},
			request{target: "/orders/42"}, "old", ""},
		{"longer prefix first", []client.GatewayRoute{
			rt("short", 1, paths("/orders")), rt("long", 2, paths("/orders/items"))},
			request{target: "/orders/items/1"}, "long", "/orders/items"},
		{"longer prefix of one route among several", []client.GatewayRoute{
			rt("a", 1, paths("/o", "/orders/items")), rt("b", 2, paths("/orders"))},
			request{target: "/orders/items/1"}, "a", "/orders/items"},
		{"same prefix: older first", []client.GatewayRoute{
			rt("new", 2, paths("/orders")), rt("old", 1, paths("/orders"))},
			request{target: "/orders"}, "old", "/orders"},
		{"more kinds of criteria first", []client.GatewayRoute{
			rt("paths", 1, paths("/orders/items")),
			rt("all", 3, hosts("api.example.com"), methods("GET"), paths("/orders"))},
			request{target: "/orders/items", host: "api.example.com"}, "all", "/orders"},
		{"hosts+paths before hosts+methods", []client.GatewayRoute{
			rt("hm", 1, hosts("api.example.com"), methods("GET")),
			rt("hp", 2, hosts("api.example.com"), paths("/"))},
			request{target: "/orders", host: "api.example.com"}, "hp", "/"},
		{"paths+methods before a path alone", []client.GatewayRoute{
			rt("p", 1, paths("/orders/items")), rt("pm", 2, paths("/"), methods("GET"))},
			request{target: "/orders/items"}, "pm", "/"},
		{"route without criteria matches everything", []client.GatewayRoute{rt("a", 1)},
			request{target: "/anything"}, "a", ""},
		{"no routes", nil, request{target: "/"}, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := New(c.routes)
			if err != nil {
				t.Fatal(err)
			}
			m, ok := c.req.do(t, r)
			if c.want == "" {
				if ok {
					t.Fatalf("matched route %s, want none", m.Route.ID)
				}
				return
			}
			if !ok {
				t.Fatalf("no match, want route %s", c.want)
			}
			if m.Route.ID != c.want {
				t.Fatalf("matched route %s, want %s", m.Route.ID, c.want)
			}
			if m.Path != c.path {
				t.Errorf("Path = %q, want %q", m.Path, c.path)
			}
			if !m.ProtocolAllowed {
				t.Errorf("ProtocolAllowed = false, want true")
			}
		})
	}
}

func TestMatchProtocols(t *testing.T) {
	cases := []struct {
		name        string
		protocols   []string
		scheme      string
		contentType string
		want        bool
	}{
		{"https only, http request", []string{"https"}, "http", "", false},
		{"https only, https request", []string{"https"}, "https", "", true},
		{"http only, http request", []string{"http"}, "http", "", true},
		{"default protocols", nil, "http", "", true},
		{"grpc route, grpc request", []string{"grpc"}, "http", "application/grpc", true},
		{"grpc route, plain request", []string{"grpc"}, "http", "application/json", false},
		{"http route, grpc request", []string{"http"}, "http", "application/grpc+proto", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := New([]client.GatewayRoute{rt("a", 1, paths("/"), protocols(c.protocols...))})
			if err != nil {
				t.Fatal(err)
			}
			m, ok := request{target: "/x", scheme: c.scheme, contentType: c.contentType}.do(t, r)
			if !ok {
				t.Fatal("no match: a route that fails only on its protocol must still match")
			}
			if m.ProtocolAllowed != c.want {
				t.Errorf("ProtocolAllowed = %v, want %v", m.ProtocolAllowed, c.want)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	name := "orders"
	bad := rt("r1", 1, paths("/ok", `~/orders/(?<id>\d+)(?=x)`))
	bad.Name = &name
	_, err := New([]client.GatewayRoute{rt("r0", 1, paths("/")), bad})
	if err == nil {
		t.Fatal("New accepted a regex RE2 cannot compile")
	}
	for _, want := range []string{"r1", "orders", `(?=x)`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	if _, err := New([]client.GatewayRoute{rt("r2", 1, hosts("a.*.com"))}); err == nil || !strings.Contains(err.Error(), "r2") {
		t.Errorf("New with a wildcard in the middle of a host: err = %v, want one naming r2", err)
	}
}

func TestUpstreamPath(t *testing.T) {
	// The v0/v1 rows are Kong's documented table (service /s, request path "req" after the route
	// path), then the cases of a service path with a trailing slash, regex and path-less routes.
	cases := []struct {
		service, routePath, request string
		strip                       bool
		handling                    string
		want                        string
	}{
		{"/s", "/fv0", "/fv0req", false, "v0", "/s/fv0req"},
		{"/s", "/fv1", "/fv1req", false, "v1", "/sfv1req"},
		{"/s", "/tv0", "/tv0req", true, "v0", "/s/req"},
		{"/s", "/tv1", "/tv1req", true, "v1", "/sreq"},
		{"/s", "/fv0/", "/fv0/req", false, "v0", "/s/fv0/req"},
		{"/s", "/fv1/", "/fv1/req", false, "v1", "/sfv1/req"},
		{"/s", "/tv0/", "/tv0/req", true, "v0", "/s/req"},
		{"/s", "/tv1/", "/tv1/req", true, "v1", "/sreq"},
		// service path with a trailing slash
		{"/s/", "/t", "/t/req", true, "v0", "/s/req"},
		{"/s/", "/t", "/treq", true, "v0", "/s/req"},
		{"/s/", "/t", "/t", true, "v0", "/s"},
		{"/s/", "/t", "/t/", true, "v0", "/s/"},
		{"/s/", "/t", "/t/req", false, "v0", "/s/t/req"},
		{"/s/", "/t", "/t/req", true, "v1", "/s/req"},
		{"/s/", "/t", "/treq", true, "v1", "/s/req"},
		{"/s/", "/t", "/t/req", false, "v1", "/s/t/req"},
		// service path without a trailing slash, the whole prefix stripped
		{"/s", "/t", "/t", true, "v0", "/s"},
		{"/s", "/t", "/t/", true, "v0", "/s/"},
		{"/s", "/t", "/", false, "v0", "/s"},
		// no service path
		{"", "/t", "/t/req", true, "v0", "/req"},
		{"", "/t", "/t", true, "v0", "/"},
		{"/", "/t", "/t/req", false, "v0", "/t/req"},
		{"", "/t", "/t/req", true, "v1", "/req"},
		// a stripped prefix cannot leave a dot segment behind
		{"/s", "/t", "/t..", true, "v0", "/s"},
	}
	for _, c := range cases {
		name := fmt.Sprintf("%s|%s|%s|strip=%v|%s", c.service, c.routePath, c.request, c.strip, c.handling)
		t.Run(name, func(t *testing.T) {
			route := rt("a", 1, paths(c.routePath))
			route.StripPath = c.strip
			route.PathHandling = c.handling
			m := Match{Route: &route, Path: c.routePath, RequestPath: c.request}
			if got := UpstreamPath(c.service, m, c.request); got != c.want {
				t.Errorf("UpstreamPath = %q, want %q", got, c.want)
			}
		})
	}
}

func TestUpstreamPathAfterMatch(t *testing.T) {
	cases := []struct {
		name    string
		route   client.GatewayRoute
		service string
		target  string
		want    string
	}{
		{"regex stripped", rt("a", 1, paths(`~/orders/\d+`), func(r *client.GatewayRoute) { r.StripPath = true }),
			"/svc", "/orders/42/items", "/svc/items"},
		{"regex kept", rt("a", 1, paths(`~/orders/\d+`)), "/svc", "/orders/42/items", "/svc/orders/42/items"},
		{"no paths, strip", rt("a", 1, hosts("example.com"), func(r *client.GatewayRoute) { r.StripPath = true }),
			"/svc", "/orders", "/svc/orders"},
		{"percent-encoded reserved characters stay encoded", rt("a", 1, paths("/files"), func(r *client.GatewayRoute) { r.StripPath = true }),
			"/", "/files/a%2fb", "/a%2Fb"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := New([]client.GatewayRoute{c.route})
			if err != nil {
				t.Fatal(err)
			}
			m, ok := request{target: c.target, host: "example.com"}.do(t, r)
			if !ok {
				t.Fatal("no match")
			}
			if got := UpstreamPath(c.service, m, m.RequestPath); got != c.want {
				t.Errorf("UpstreamPath = %q, want %q", got, c.want)
			}
		})
	}
}

func TestNormalizePath(t *testing.T) {
	cases := map[string]string{
		"":                "/",
		"/a/b":            "/a/b",
		"/a/./b":          "/a/b",
		"/a/../b":         "/b",
		"/../a":           "/a",
		"/a/b/..":         "/a/",
		"/%7euser/%2f%41": "/~user/%2FA",
	}
	for in, want := range cases {
		if got := normalizePath(in); got != want {
			t.Errorf("normalizePath(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkMatch1000 matches against 1,000 routes: 900 plain prefixes, 100 regexes with hosts;
// the request matches one of the last prefixes tried.
func BenchmarkMatch1000(b *testing.B) {
	var routes []client.GatewayRoute
	for i := range 900 {
		routes = append(routes, rt(fmt.Sprintf("p%d", i), int64(i), paths(fmt.Sprintf("/api/v1/resource%d", i))))
	}
	for i := range 100 {
		routes = append(routes, rt(fmt.Sprintf("r%d", i), int64(i),
			hosts(fmt.Sprintf("h%d.example.com", i)), paths(fmt.Sprintf(`~/items/%d/\d+$`, i))))
	}
	r, err := New(routes)
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/resource7/sub", nil)
	req.Host = "api.example.com"
	b.ReportAllocs()
	for b.Loop() {
		if m, ok := r.Match(req, "http"); !ok || m.Route.ID != "p7" {
			b.Fatalf("matched %v %v", ok, m.Route)
		}
	}
}
