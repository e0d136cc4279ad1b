package core

import (
	"fmt"
	"slices"
	"strings"
)

// Route defaults and limits, as the control-plane configuration document gives them.
const (
	routeDefaultRedirectStatus = 426
	routeDefaultPathHandling   = "v0"
	routeRegexPriorityMax      = 2147483647
	routeRegexPriorityMin      = -2147483648
)

// RouteProtocols are the protocols a route may match. Stream routing (tcp, tls, udp) and gRPC need
// a gateway this server does not run, so only HTTP routes are accepted.
var RouteProtocols = []string{"http", "https"}

// DefaultRouteProtocols is what a route matches when the request does not say, as the document defaults it.
var DefaultRouteProtocols = []string{"https"}

// RouteRedirectStatusCodes are the codes a route may answer plain HTTP requests with when it accepts only https.
var RouteRedirectStatusCodes = []int{301, 302, 307, 308, 426}

// GatewayRoute is a Kong route entity: the requests that reach a service.
type GatewayRoute struct {
	ID                      string
	Region                  string
	ControlPlaneID          string
	Name                    *string
	ServiceID               *string
	Protocols               []string
	Methods                 []string
	Hosts                   []string
	Paths                   []string
	HTTPSRedirectStatusCode int
	PathHandling            string
	PreserveHost            bool
	RegexPriority           int
	RequestBuffering        bool
	ResponseBuffering       bool
	StripPath               bool
	Tags                    []string
	// CreatedAt and UpdatedAt are unix seconds, as Kong reports them.
	CreatedAt int64
	UpdatedAt int64
}

// RouteInput is the body of a create or upsert route request; absent or null fields take their defaults.
type RouteInput struct {
	Name                    Field[string]
	Protocols               Field[[]string]
	Methods                 Field[[]string]
	Hosts                   Field[[]string]
	Paths                   Field[[]string]
	HTTPSRedirectStatusCode Field[int]
	PathHandling            Field[string]
	PreserveHost            Field[bool]
	RegexPriority           Field[int]
	RequestBuffering        Field[bool]
	ResponseBuffering       Field[bool]
	StripPath               Field[bool]
	Tags                    Field[[]string]
}

// BuildGatewayRoute validates in and returns the route it describes; serviceID is the service the
// request names, already checked to exist in the control plane.
func BuildGatewayRoute(in RouteInput, id, region, controlPlaneID string, serviceID *string, createdAt, now int64) (GatewayRoute, []Violation) {
	rt := GatewayRoute{
		ID: id, Region: region, ControlPlaneID: controlPlaneID, ServiceID: serviceID,
		Protocols: slices.Clone(DefaultRouteProtocols), HTTPSRedirectStatusCode: routeDefaultRedirectStatus,
		PathHandling: routeDefaultPathHandling, RequestBuffering: true, ResponseBuffering: true, StripPath: true,
		CreatedAt: createdAt, UpdatedAt: now,
	}
	var vs []Violation
	if in.Name.HasValue() {
		if !kongNamePattern.MatchString(in.Name.Value) {
			vs = append(vs, Violation{Field: "name", Rule: "matches_regex", Source: "body",
				Reason: "must contain only letters, digits and '.', '-', '_' or '~'"})
		}
		setNullable(&rt.Name, in.Name)
	}
	setValue(&rt.Protocols, in.Protocols)
	setValue(&rt.Methods, in.Methods)
	setValue(&rt.Hosts, in.Hosts)
	setValue(&rt.Paths, in.Paths)
	setValue(&rt.HTTPSRedirectStatusCode, in.HTTPSRedirectStatusCode)
	setValue(&rt.PathHandling, in.PathHandling)
	setValue(&rt.PreserveHost, in.PreserveHost)
	setValue(&rt.RegexPriority, in.RegexPriority)
	setValue(&rt.RequestBuffering, in.RequestBuffering)
	setValue(&rt.ResponseBuffering, in.ResponseBuffering)
	setValue(&rt.StripPath, in.StripPath)
	setValue(&rt.Tags, in.Tags)

	if len(rt.Protocols) == 0 {
		vs = append(vs, Violation{Field: "protocols", Rule: "min_items", Source: "body",
			Reason: "must list at least one protocol: http or https"})
	}
	for i, p := range rt.Protocols {
		if !slices.Contains(RouteProtocols, p) {
			vs = append(vs, Violation{Field: fmt.Sprintf("protocols[%d]", i), Rule: "enum", Source: "body", Choices: RouteProtocols,
				Reason: fmt.Sprintf("must be http or https: this server routes HTTP traffic only, got %q", p)})
		}
	}
	for i, m := range rt.Methods {
		vs = append(vs, RouteMethodViolations(fmt.Sprintf("methods[%d]", i), m)...)
	}
	for i, h := range rt.Hosts {
		vs = append(vs, RouteHostViolations(fmt.Sprintf("hosts[%d]", i), h)...)
	}
	for i, p := range rt.Paths {
		vs = append(vs, RoutePathViolations(fmt.Sprintf("paths[%d]", i), p)...)
	}
	if len(rt.Methods) == 0 && len(rt.Hosts) == 0 && len(rt.Paths) == 0 {
		vs = append(vs, Violation{Field: "paths", Rule: "required", Source: "body",
			Reason: "a route must match on at least one of paths, hosts or methods: set one of them"})
	}
	if !slices.Contains(RouteRedirectStatusCodes, rt.HTTPSRedirectStatusCode) {
		vs = append(vs, Violation{Field: "https_redirect_status_code", Rule: "enum", Source: "body",
			Reason: "must be one of 301, 302, 307, 308 or 426"})
	}
	if in.PathHandling.HasValue() {
		vs = append(vs, checkEnum("path_handling", rt.PathHandling, "v0", "v1")...)
	}
	vs = append(vs, checkRange("regex_priority", rt.RegexPriority, routeRegexPriorityMin, routeRegexPriorityMax)...)
	return rt, vs
}

// RouteMethodViolations checks one method: an HTTP token in upper case, such as GET.
func RouteMethodViolations(field, m string) []Violation {
	if m == "" {
		return []Violation{InvalidViolation(field, "must be an HTTP method such as GET, not empty")}
	}
	for _, c := range m {
		if c < 'A' || c > 'Z' {
			return []Violation{InvalidViolation(field,
				fmt.Sprintf("must be an HTTP method in upper-case letters only, such as GET; got %q", m))}
		}
	}
	return nil
}

// RouteHostViolations checks one host: a domain name, optionally with one leading or trailing
// wildcard label and a port.
func RouteHostViolations(field, h string) []Violation {
	name := h
	if i := strings.LastIndex(h, ":"); i >= 0 {
		port := h[i+1:]
		if port == "" || strings.Trim(port, "0123456789") != "" || len(port) > 5 {
			return []Violation{InvalidViolation(field, fmt.Sprintf("must be a host name with an optional numeric port; got %q", h))}
		}
		name = h[:i]
	}
	labels := strings.Split(name, ".")
	if name == "" || len(name) > 253 {
		return []Violation{InvalidViolation(field, fmt.Sprintf("must be a host name such as api.example.com; got %q", h))}
	}
	for i, l := range labels {
		wildcardAllowed := i == 0 || i == len(labels)-1
		if l == "*" && wildcardAllowed && len(labels) > 1 {
			continue
		}
		if !validHostLabel(l) {
			return []Violation{InvalidViolation(field, fmt.Sprintf(
				"must be a host name such as api.example.com, with at most a leading or trailing '*' label; got %q", h))}
		}
	}
	if labels[0] == "*" && labels[len(labels)-1] == "*" {
		return []Violation{InvalidViolation(field, fmt.Sprintf("may have a wildcard at only one end; got %q", h))}
	}
	return nil
}

func validHostLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for _, c := range l {
		letterOrDigit := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !letterOrDigit && c != '-' {
			return false
		}
	}
	return true
}

// RoutePathViolations checks one path: it starts with '/' (or '~/' for a regex) and has no empty segment.
func RoutePathViolations(field, p string) []Violation {
	if strings.HasPrefix(p, "~/") {
		return nil
	}
	if !strings.HasPrefix(p, "/") {
		return []Violation{InvalidViolation(field, fmt.Sprintf("must start with '/' (or '~/' for a regular expression); got %q", p))}
	}
	if strings.Contains(p, "//") {
		return []Violation{InvalidViolation(field, fmt.Sprintf("must not have empty segments ('//'); got %q", p))}
	}
	return nil
}
