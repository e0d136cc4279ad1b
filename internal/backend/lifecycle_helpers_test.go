package backend_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// kongProblem checks a 404 or 409 of a Kong entity endpoint: JSON with a message, as the
// control-plane document has it, and the problem fields; it returns the message.
func (r response) kongProblem(t *testing.T, status int) string {
	t.Helper()
	b := r.must(t, status)
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	if b["status"] != float64(status) || str(b["detail"]) == "" || !strings.HasPrefix(str(b["instance"]), "kong:trace:") {
		t.Errorf("error body lacks the problem fields: %s", r.raw)
	}
	msg := str(b["message"])
	if msg == "" {
		t.Errorf("error body has no message: %s", r.raw)
	}
	return msg
}

// list returns the data items of a list reply.
func list(t *testing.T, body map[string]any) []map[string]any {
	t.Helper()
	raw, ok := body["data"].([]any)
	if !ok {
		t.Fatalf("reply has no data list: %v", body)
	}
	out := make([]map[string]any, len(raw))
	for i, it := range raw {
		out[i] = it.(map[string]any)
	}
	return out
}

func (ts *testServer) createAPI(prefix, name, version string) map[string]any {
	ts.t.Helper()
	return ts.do(http.MethodPost, prefix+"/v3/apis", fmt.Sprintf(`{"name":%q,"version":%q}`, name, version)).
		must(ts.t, http.StatusCreated)
}

func (ts *testServer) createControlPlane(prefix, name string) map[string]any {
	ts.t.Helper()
	return ts.do(http.MethodPost, prefix+"/v2/control-planes", fmt.Sprintf(`{"name":%q}`, name)).
		must(ts.t, http.StatusCreated)
}

func (ts *testServer) createService(prefix, cpID, name string) map[string]any {
	ts.t.Helper()
	return ts.do(http.MethodPost, prefix+"/v2/control-planes/"+cpID+"/core-entities/services",
		fmt.Sprintf(`{"name":%q,"host":"%s.internal","port":8080,"path":"/v1"}`, name, name)).must(ts.t, http.StatusCreated)
}

func (ts *testServer) registerNode(prefix, cpID, hostname, version string) map[string]any {
	ts.t.Helper()
	return ts.do(http.MethodPost, prefix+"/v2/control-planes/"+cpID+"/nodes",
		fmt.Sprintf(`{"hostname":%q,"version":%q}`, hostname, version)).must(ts.t, http.StatusCreated)
}

func (ts *testServer) link(prefix, apiID, cpID, serviceID string) response {
	ts.t.Helper()
	return ts.do(http.MethodPost, prefix+"/v3/apis/"+apiID+"/implementations",
		fmt.Sprintf(`{"service":{"control_plane_id":%q,"id":%q}}`, cpID, serviceID))
}

func (ts *testServer) publish(prefix, apiID, portalID, body string) response {
	ts.t.Helper()
	return ts.do(http.MethodPut, prefix+"/v3/apis/"+apiID+"/publications/"+portalID, body)
}

// plugins lists the plugins of a control plane, or of one of its services when serviceID is set.
func (ts *testServer) plugins(prefix, cpID, serviceID string) []map[string]any {
	ts.t.Helper()
	path := prefix + "/v2/control-planes/" + cpID + "/core-entities"
	if serviceID != "" {
		path += "/services/" + serviceID
	}
	return list(ts.t, ts.do(http.MethodGet, path+"/plugins", "").must(ts.t, http.StatusOK))
}

// managedPlugins returns the konnect-application-auth plugins among plugins.
func managedPlugins(plugins []map[string]any) []map[string]any {
	var out []map[string]any
	for _, p := range plugins {
		if p["name"] == "konnect-application-auth" {
			out = append(out, p)
		}
	}
	return out
}

// onlyManagedPlugin returns the single managed plugin among plugins, failing otherwise.
func onlyManagedPlugin(t *testing.T, plugins []map[string]any) map[string]any {
	t.Helper()
	m := managedPlugins(plugins)
	if len(m) != 1 {
		t.Fatalf("%d managed plugins, want 1: %v", len(m), plugins)
	}
	return m[0]
}

// keyAuthStrategies returns strategy id -> key names of a managed plugin's key_auth strategies.
func keyAuthStrategies(t *testing.T, plugin map[string]any) map[string][]string {
	t.Helper()
	config := plugin["config"].(map[string]any)
	v2 := config["v2_strategies"].(map[string]any)
	out := map[string][]string{}
	for _, it := range v2["key_auth"].([]any) {
		s := it.(map[string]any)
		var names []string
		for _, n := range s["config"].(map[string]any)["key_names"].([]any) {
			names = append(names, n.(string))
		}
		out[str(s["strategy_id"])] = names
	}
	return out
}
