package backend_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// labelsJSON returns a labels object of n keys named prefix0, prefix1, ...; null values when
// value is "".
func labelsJSON(prefix string, n int, value string) string {
	parts := make([]string, n)
	for i := range parts {
		v := "null"
		if value != "" {
			v = `"` + value + `"`
		}
		parts[i] = fmt.Sprintf(`"%s%d":%s`, prefix, i, v)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// Kong's CLI labels everything it manages with KONGCTL-namespace and KONGCTL-protected; the
// documents reserve kong, konnect, mesh, kic and _ in lower case only.
func TestLabelKeysReservedInLowerCaseOnly(t *testing.T) {
	t.Parallel()
	ts := startServer(t, "")
	const kongctl = `"labels":{"KONGCTL-namespace":"team-a","KONGCTL-protected":"true"}`
	for _, c := range []struct{ path, body string }{
		{"/v3/portals", `{"name":"kongctl",` + kongctl + `}`},
		{"/v3/apis", `{"name":"kongctl",` + kongctl + `}`},
		{"/v2/control-planes", `{"name":"kongctl",` + kongctl + `}`},
		{"/v2/application-auth-strategies", `{"name":"kongctl","display_name":"K","strategy_type":"key_auth",` +
			`"configs":{"key-auth":{"key_names":["apikey"]}},` + kongctl + `}`},
	} {
		got := ts.do(http.MethodPost, c.path, c.body).must(t, http.StatusCreated)
		if labels, _ := got["labels"].(map[string]any); labels["KONGCTL-namespace"] != "team-a" {
			t.Errorf("POST %s: labels %v", c.path, got["labels"])
		}
		refused := strings.Replace(c.body, `"name":"kongctl"`, `"name":"kong-x"`, 1)
		refused = strings.Replace(refused, "KONGCTL-namespace", "kong-x", 1)
		ts.do(http.MethodPost, c.path, refused).invalidParam(t, "labels.kong-x", "is_label")
	}
}

// The label limit holds for what an update leaves, not only for the update's own labels: 50 new
// labels on an object that already has 50 are refused, while replacing them in one update is not.
func TestLabelLimitAfterMerge(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	pid := e.autoPortal("", "labels")
	dev := e.approvedDeveloper("", pid, "labels@example.com")
	app := dev.do(http.MethodPost, "/applications", `{"name":"labelled"}`).must(t, http.StatusCreated)
	strategy := e.createKeyAuthStrategy("", "labels")
	paths := []string{
		"/v3/portals/" + pid,
		"/v3/apis/" + str(e.createAPI("", "labels", "v1")["id"]),
		"/v2/control-planes/" + str(e.createControlPlane("", "labels")["id"]),
		"/v2/application-auth-strategies/" + str(strategy["id"]),
		"/v3/portals/" + pid + "/applications/" + str(app["id"]),
	}
	for _, path := range paths {
		e.do(http.MethodPatch, path, `{"labels":`+labelsJSON("a", 50, "v")+`}`).must(t, http.StatusOK)
		p := e.do(http.MethodPatch, path, `{"labels":`+labelsJSON("b", 50, "v")+`}`).invalidParam(t, "labels", "max_items")
		if !strings.Contains(str(p["reason"]), "100 labels") {
			t.Errorf("PATCH %s: the reason %q does not say how many labels would be left", path, p["reason"])
		}
		e.do(http.MethodPatch, path, `{"labels":{"b0":"v"}}`).invalidParam(t, "labels", "max_items")
		// a0 to a24 removed, b0 to b24 added: 50 labels again.
		swap := strings.TrimSuffix(labelsJSON("a", 25, ""), "}") + "," + strings.TrimPrefix(labelsJSON("b", 25, "v"), "{")
		got := e.do(http.MethodPatch, path, `{"labels":`+swap+`}`).must(t, http.StatusOK)
		if labels, _ := got["labels"].(map[string]any); len(labels) != 50 || labels["b0"] != "v" || labels["a0"] != nil {
			t.Errorf("PATCH %s replacing 50 labels: %d labels", path, len(labels))
		}
	}
}

// One developer owns at most 100 applications, however they are made or handed over.
func TestApplicationsPerDeveloperLimit(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	pid := e.autoPortal("", "limit")
	full := e.approvedDeveloper("", pid, "full@example.com")
	other := e.approvedDeveloper("", pid, "other@example.com")
	var last string
	for i := range 100 {
		last = str(full.do(http.MethodPost, "/applications", fmt.Sprintf(`{"name":"app-%d"}`, i)).must(t, http.StatusCreated)["id"])
	}
	p := full.do(http.MethodPost, "/applications", `{"name":"one-too-many"}`).problem(t, http.StatusConflict)
	if d := str(p["detail"]); !strings.Contains(d, "100 applications") || !strings.Contains(d, "delete one") {
		t.Errorf("detail %q does not state the limit and how to make room", d)
	}

	admin := "/v3/portals/" + pid + "/applications"
	me := full.do(http.MethodGet, "/developer/me", "").must(t, http.StatusOK)
	e.do(http.MethodPost, admin, `{"name":"by-admin","owner":{"type":"developer","id":"`+str(me["id"])+`"}}`).
		problem(t, http.StatusConflict)
	otherApp := other.do(http.MethodPost, "/applications", `{"name":"others"}`).must(t, http.StatusCreated)
	e.do(http.MethodPatch, admin+"/"+str(otherApp["id"]), `{"owner":{"type":"developer","id":"`+str(me["id"])+`"}}`).
		problem(t, http.StatusConflict)

	full.do(http.MethodDelete, "/applications/"+last, "").must(t, http.StatusNoContent)
	full.do(http.MethodPost, "/applications", `{"name":"room-again"}`).must(t, http.StatusCreated)
}

// A client_id is unique in its region and never changes; an update that tries is refused naming
// the field instead of being ignored.
func TestApplicationClientID(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	pid := e.autoPortal("", "clients")
	a := e.approvedDeveloper("", pid, "a@example.com")
	b := e.approvedDeveloper("", pid, "b@example.com")
	app := a.do(http.MethodPost, "/applications", `{"name":"mine","client_id":"billing-client"}`).must(t, http.StatusCreated)
	if app["client_id"] != "billing-client" {
		t.Fatalf("client_id = %v", app["client_id"])
	}
	p := b.do(http.MethodPost, "/applications", `{"name":"theirs","client_id":"billing-client"}`).problem(t, http.StatusConflict)
	if !strings.Contains(str(p["detail"]), `"billing-client"`) {
		t.Errorf("detail %q does not name the client_id", p["detail"])
	}
	e.do(http.MethodPost, "/v3/portals/"+pid+"/applications", `{"name":"by-admin","client_id":"billing-client",`+
		`"owner":{"type":"developer","id":"`+str(b.do(http.MethodGet, "/developer/me", "").must(t, http.StatusOK)["id"])+`"}}`).
		problem(t, http.StatusConflict)

	// Another region has its own client ids.
	eu := e.autoPortal("/eu", "clients-eu")
	euDev := e.approvedDeveloper("/eu", eu, "eu@example.com")
	euDev.do(http.MethodPost, "/applications", `{"name":"eu-app","client_id":"billing-client"}`).must(t, http.StatusCreated)

	path := "/applications/" + str(app["id"])
	a.do(http.MethodPatch, path, `{"client_id":"renamed-client"}`).invalidParam(t, "client_id", "invalid")
	a.do(http.MethodPatch, path, `{"name":"still-mine","client_id":"billing-client"}`).must(t, http.StatusOK)
	if got := a.do(http.MethodGet, path, "").must(t, http.StatusOK); got["client_id"] != "billing-client" || got["name"] != "still-mine" {
		t.Errorf("after updates: %v", got)
	}
	// Generated client ids differ.
	g1 := a.do(http.MethodPost, "/applications", `{"name":"gen-1"}`).must(t, http.StatusCreated)
	g2 := a.do(http.MethodPost, "/applications", `{"name":"gen-2"}`).must(t, http.StatusCreated)
	if g1["client_id"] == "" || g1["client_id"] == g2["client_id"] {
		t.Errorf("generated client ids %v and %v", g1["client_id"], g2["client_id"])
	}
}

// Kong's clients put the region in the host name (https://eu.api.konghq.com): a host whose first
// label is a region and second is api addresses that region, as a path prefix does.
func TestRegionFromHostName(t *testing.T) {
	t.Parallel()
	ts := startServer(t, "")
	euID := str(ts.createPortal("/eu", `{"name":"host-eu"}`)["id"])
	usID := str(ts.createPortal("", `{"name":"host-us"}`)["id"])
	const host = "eu.api.localhost:1234"

	ts.doHost(host, http.MethodGet, "/v3/portals/"+euID, "").must(t, http.StatusOK)
	ts.doHost(host, http.MethodGet, "/v3/portals/"+usID, "").problem(t, http.StatusNotFound)
	list := ts.doHost(host, http.MethodGet, "/v3/portals", "").must(t, http.StatusOK)
	if data, _ := list["data"].([]any); len(data) != 1 || str(data[0].(map[string]any)["id"]) != euID {
		t.Errorf("portals listed through %s: %v", host, list["data"])
	}
	created := ts.doHost(host, http.MethodPost, "/v3/portals", `{"name":"made-through-host"}`).must(t, http.StatusCreated)
	ts.do(http.MethodGet, "/eu/v3/portals/"+str(created["id"]), "").must(t, http.StatusOK)

	// A path prefix naming the same region is fine; another region is refused, naming both.
	ts.doHost(host, http.MethodGet, "/eu/v3/portals/"+euID, "").must(t, http.StatusOK)
	p := ts.doHost(host, http.MethodGet, "/us/v3/portals", "").invalidParam(t, "Host", "invalid")
	if r := str(p["reason"]); !strings.Contains(r, "eu") || !strings.Contains(r, "us") {
		t.Errorf("reason %q does not name both regions", r)
	}
	// Other host names leave the region to the path.
	ts.doHost("localhost:1234", http.MethodGet, "/v3/portals/"+usID, "").must(t, http.StatusOK)
}

// doHost is do with the request's Host set to host.
func (ts *testServer) doHost(host, method, path, body string) response {
	ts.t.Helper()
	return ts.doWith(method, path, body, map[string]string{
		"Authorization": "Bearer " + testToken,
		"Content-Type":  "application/json",
		"Host":          host,
	})
}
