package conformance

import (
	"errors"
	"maps"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestStripRegion(t *testing.T) {
	tests := map[string]string{
		"/v3/portals":             "/v3/portals",
		"/us/v3/portals":          "/v3/portals",
		"/eu/v3/portals/x":        "/v3/portals/x",
		"/au/v2/control-planes":   "/v2/control-planes",
		"/me/portals/p/api/v3":    "/portals/p/api/v3",
		"/in/healthz":             "/healthz",
		"/sg":                     "/",
		"/sg/":                    "/",
		"/usa/v3/portals":         "/usa/v3/portals",
		"/v3/us/portals":          "/v3/us/portals",
		"/healthz":                "/healthz",
		"/":                       "/",
		"/US/v3/portals":          "/US/v3/portals",
		"/eu/v2/application-auth": "/v2/application-auth",
	}
	for in, want := range tests {
		if got := stripRegion(in); got != want {
			t.Errorf("stripRegion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		path string
		area area
		rest string
	}{
		{"/v3/portals", areaManagement, "/portals"},
		{"/v3/portals/p1/authentication-settings", areaManagement, "/portals/p1/authentication-settings"},
		{"/v3/apis/a1/publications/p1", areaManagement, "/apis/a1/publications/p1"},
		{"/v3", areaManagement, ""},
		{"/v2/application-auth-strategies", areaAuthStrategies, "/application-auth-strategies"},
		{"/v2/application-auth-strategies/s1", areaAuthStrategies, "/application-auth-strategies/s1"},
		{"/v2/dcr-providers", areaAuthStrategies, "/dcr-providers"},
		{"/v2/control-planes/c1/nodes", areaControlPlanes, "/control-planes/c1/nodes"},
		{"/portals/p1/api/v3/apis", areaDevPortal, "/api/v3/apis"},
		{"/portals/p1/api/v3", areaDevPortal, "/api/v3"},
		{"/api/v3/developer/me", areaDevPortal, "/api/v3/developer/me"},
		{"/api/v3x", areaNone, "/api/v3x"},
		{"/v2/application-auth-strategies-extra", areaNone, "/v2/application-auth-strategies-extra"},
		{"/v2/api-keys", areaNone, "/v2/api-keys"},
		{"/v3x/portals", areaNone, "/v3x/portals"},
		{"/portals/p1/api/v2/apis", areaNone, "/portals/p1/api/v2/apis"},
		{"/portals//api/v3/apis", areaNone, "/portals//api/v3/apis"},
		{"/healthz", areaNone, "/healthz"},
	}
	for _, tt := range tests {
		a, rest := classify(tt.path)
		if a != tt.area || (a != areaNone && rest != tt.rest) {
			t.Errorf("classify(%q) = %v, %q; want %v, %q", tt.path, a, rest, tt.area, tt.rest)
		}
	}
}

func TestFindPrefersLiteralSegments(t *testing.T) {
	op := &openapi3.Operation{OperationID: "x"}
	doc := &openapi3.T{}
	templates := []template{
		newTemplate(doc, "/portals/{portalId}", &openapi3.PathItem{Get: op, Delete: op}),
		newTemplate(doc, "/portals/email-domains", &openapi3.PathItem{Get: op}),
		newTemplate(doc, "/portals/{portalId}/pages/{pageId}", &openapi3.PathItem{Get: op}),
	}
	tests := []struct {
		method, path string
		want         string
		params       map[string]string
		pathKnown    bool
	}{
		{"GET", "/portals/email-domains", "/portals/email-domains", map[string]string{}, true},
		{"GET", "/portals/p1", "/portals/{portalId}", map[string]string{"portalId": "p1"}, true},
		// The literal path has no DELETE, so the parameterised one serves it.
		{"DELETE", "/portals/email-domains", "/portals/{portalId}", map[string]string{"portalId": "email-domains"}, true},
		{"GET", "/portals/p1/pages/g1", "/portals/{portalId}/pages/{pageId}", map[string]string{"portalId": "p1", "pageId": "g1"}, true},
		{"POST", "/portals/p1", "", nil, true},
		{"GET", "/portals/p1/pages", "", nil, false},
		{"GET", "/portals/", "", nil, false},
	}
	for _, tt := range tests {
		got, params, known := find(templates, tt.path, tt.method)
		gotPath := ""
		if got != nil {
			gotPath = got.path
		}
		if gotPath != tt.want || known != tt.pathKnown || !maps.Equal(params, tt.params) {
			t.Errorf("find(%s %s) = %q %v known=%v; want %q %v known=%v",
				tt.method, tt.path, gotPath, params, known, tt.want, tt.params, tt.pathKnown)
		}
	}
}

func TestRouteRealDocuments(t *testing.T) {
	specs := SpecsFromEnv(t)
	const id = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
	tests := []struct {
		method, path string
		want         string // operationId, or "" when the documents do not describe the exchange
	}{
		{"GET", "/v3/portals", "list-portals"},
		{"POST", "/us/v3/portals", "create-portal"},
		{"GET", "/eu/v3/portals/" + id, "get-portal"},
		{"PATCH", "/v3/portals/" + id, "update-portal"},
		{"DELETE", "/sg/v3/portals/" + id, "delete-portal"},
		{"GET", "/v3/portals/email-domains", "list-email-domains"},
		{"GET", "/v3/portals/" + id + "/authentication-settings", "get-portal-authentication-settings"},
		{"PUT", "/v3/apis/" + id + "/publications/" + id, "publish-api-to-portal"},
		{"GET", "/v3/apis", "list-apis"},
		{"GET", "/v2/application-auth-strategies", "list-app-auth-strategies"},
		{"DELETE", "/au/v2/application-auth-strategies/" + id, "delete-app-auth-strategy"},
		{"GET", "/me/v2/control-planes/" + id + "/nodes", "list-dataplane-nodes"},
		{"GET", "/in/portals/" + id + "/api/v3/apis", "list-apis"},
		{"GET", "/api/v3/developer/me", "get-developer-me"},
		{"GET", "/healthz", ""},
		{"GET", "/v3/unknown", ""},
		{"PUT", "/v3/portals", ""},
		{"GET", "/xx/v3/portals", ""},
	}
	for _, tt := range tests {
		route, _, err := specs.route(tt.method, tt.path)
		if tt.want == "" {
			if !errors.Is(err, ErrNotInSpec) {
				t.Errorf("route(%s %s) = %v, %v; want ErrNotInSpec", tt.method, tt.path, route, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("route(%s %s): %v", tt.method, tt.path, err)
			continue
		}
		if route.Operation.OperationID != tt.want {
			t.Errorf("route(%s %s) = %s, want %s", tt.method, tt.path, route.Operation.OperationID, tt.want)
		}
	}
}
