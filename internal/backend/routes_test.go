package backend_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func (ts *testServer) createRoute(prefix, cpID, body string) map[string]any {
	ts.t.Helper()
	return ts.do(http.MethodPost, prefix+"/v2/control-planes/"+cpID+"/core-entities/routes", body).must(ts.t, http.StatusCreated)
}

// TestRouteDefaultsAndReplace checks that a route takes the document's defaults and that PUT
// replaces the whole route, keeping its creation time.
func TestRouteDefaultsAndReplace(t *testing.T) {
	ts := startServer(t, "")
	cp := str(ts.createControlPlane("", "routes-defaults")["id"])
	svc := str(ts.createService("", cp, "orders")["id"])
	rt := ts.createRoute("", cp, fmt.Sprintf(`{"name":"orders","paths":["/orders"],"service":{"id":%q}}`, svc))
	for field, want := range map[string]any{
		"strip_path": true, "preserve_host": false, "request_buffering": true, "response_buffering": true,
		"https_redirect_status_code": float64(426), "path_handling": "v0", "regex_priority": float64(0),
	} {
		if rt[field] != want {
			t.Errorf("%s = %v, want %v", field, rt[field], want)
		}
	}
	if fmt.Sprint(rt["protocols"]) != "[https]" || rt["service"].(map[string]any)["id"] != svc {
		t.Errorf("protocols %v, service %v", rt["protocols"], rt["service"])
	}
	path := "/v2/control-planes/" + cp + "/core-entities/routes/" + str(rt["id"])
	got := ts.do(http.MethodPut, path, `{"name":"orders","hosts":["api.example.com"],"protocols":["http"]}`).must(t, http.StatusOK)
	if got["paths"] != nil || got["service"] != nil || got["created_at"] != rt["created_at"] || fmt.Sprint(got["protocols"]) != "[http]" {
		t.Errorf("PUT did not replace the route: %v", got)
	}
}

// TestRouteRules checks the rules that need the store: unique names per control plane, a service
// of the same control plane, a service path that scopes the route, and regions.
func TestRouteRules(t *testing.T) {
	ts := startServer(t, "")
	cp := str(ts.createControlPlane("", "routes-rules")["id"])
	other := str(ts.createControlPlane("", "routes-other")["id"])
	svc := str(ts.createService("", cp, "orders")["id"])
	otherSvc := str(ts.createService("", other, "billing")["id"])
	base := "/v2/control-planes/" + cp + "/core-entities"

	ts.createRoute("", cp, `{"name":"orders","paths":["/orders"]}`)
	msg := ts.do(http.MethodPost, base+"/routes", `{"name":"orders","paths":["/other"]}`).kongProblem(t, http.StatusConflict)
	if !strings.Contains(msg, `"orders"`) {
		t.Errorf("conflict does not name the route: %s", msg)
	}
	// The same name in another control plane is fine.
	ts.createRoute("", other, `{"name":"orders","paths":["/orders"]}`)

	ts.do(http.MethodPost, base+"/routes", fmt.Sprintf(`{"paths":["/x"],"service":{"id":%q}}`, otherSvc)).
		invalidParam(t, "service.id", "missing_reference")
	ts.do(http.MethodPost, base+"/routes", `{"paths":["x"],"methods":["get"]}`).invalidParam(t, "paths[0]", "invalid")
	ts.do(http.MethodPost, base+"/routes", `{"name":"empty"}`).invalidParam(t, "paths", "required")
	ts.do(http.MethodPost, base+"/routes", `{"paths":["/x"],"headers":{"x-a":["b"]}}`).invalidParam(t, "headers", "invalid")

	svcRoutes := base + "/services/" + svc + "/routes"
	child := ts.do(http.MethodPost, svcRoutes, `{"name":"child","paths":["/child"]}`).must(t, http.StatusCreated)
	if child["service"].(map[string]any)["id"] != svc {
		t.Errorf("route created through the service path has service %v", child["service"])
	}
	ts.do(http.MethodPost, svcRoutes, fmt.Sprintf(`{"paths":["/x"],"service":{"id":%q}}`, svc)).invalidParam(t, "service", "invalid")
	if items := list(t, ts.do(http.MethodGet, svcRoutes, "").must(t, http.StatusOK)); len(items) != 1 || items[0]["name"] != "child" {
		t.Errorf("service routes = %v, want only child", items)
	}
	if items := list(t, ts.do(http.MethodGet, base+"/routes", "").must(t, http.StatusOK)); len(items) != 2 {
		t.Errorf("control-plane routes = %d, want 2", len(items))
	}
	// A route without the service is not found through the service path.
	orders := str(ts.do(http.MethodGet, base+"/routes/orders", "").must(t, http.StatusOK)["id"])
	ts.do(http.MethodGet, svcRoutes+"/"+orders, "").kongProblem(t, http.StatusNotFound)
	ts.do(http.MethodPost, base+"/services/00000000-0000-4000-8000-000000000000/routes", `{"paths":["/x"]}`).kongProblem(t, http.StatusNotFound)

	// Routes are regional: the EU region does not see this control plane.
	ts.do(http.MethodGet, "/eu"+base+"/routes", "").kongProblem(t, http.StatusNotFound)
}

// TestDeleteServiceWithRoutes checks that, as in Kong, a service that routes still point at cannot
// be deleted, and that the refusal names the routes.
func TestDeleteServiceWithRoutes(t *testing.T) {
	ts := startServer(t, "")
	cp := str(ts.createControlPlane("", "routes-delete")["id"])
	svc := str(ts.createService("", cp, "orders")["id"])
	rt := ts.createRoute("", cp, fmt.Sprintf(`{"name":"orders-route","paths":["/orders"],"service":{"id":%q}}`, svc))
	svcPath := "/v2/control-planes/" + cp + "/core-entities/services/" + svc
	msg := ts.do(http.MethodDelete, svcPath, "").kongProblem(t, http.StatusConflict)
	if !strings.Contains(msg, `"orders-route"`) || !strings.Contains(msg, str(rt["id"])) {
		t.Errorf("refusal does not name the route: %s", msg)
	}
	ts.do(http.MethodDelete, "/v2/control-planes/"+cp+"/core-entities/routes/"+str(rt["id"]), "").must(t, http.StatusNoContent)
	ts.do(http.MethodDelete, svcPath, "").must(t, http.StatusNoContent)
	// Deleting the control plane removes its routes with it.
	ts.createRoute("", cp, `{"paths":["/left"]}`)
	ts.do(http.MethodDelete, "/v2/control-planes/"+cp, "").must(t, http.StatusNoContent)
}
