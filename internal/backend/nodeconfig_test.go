package backend_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// nodeWorld is a control plane whose services implement APIs of one portal, with applications
// in every state a node must tell apart, and the objects that must stay out of its configuration.
type nodeWorld struct {
	e                *portalEnv
	pid, devID       string
	keys, keys2      string // key-auth strategies
	oidc             string // OpenID Connect strategy
	cp, cp2          string // cp2 implements an API of the same portal
	approved, pend   string // APIs of cp published with keys
	revoked, oidcAPI string
	otherAPI         string // implemented in cp2
	keyApp, oidcApp  string
	otherPortalApp   string // of a portal that publishes only cp2's API
	euApp            string
	otherService     string
	liveKeyHash      string
	expiredKeyHash   string
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func newNodeWorld(t *testing.T) *nodeWorld {
	t.Helper()
	e := startPortalEnv(t)
	w := &nodeWorld{e: e}
	w.pid = e.autoPortal("", "gateway-portal")
	w.keys = str(e.createKeyAuthStrategy("", "node-keys")["id"])
	w.keys2 = str(e.createKeyAuthStrategy("", "node-keys-2")["id"])
	w.oidc = str(e.do(http.MethodPost, "/v2/application-auth-strategies", `{"name":"node-oidc","display_name":"OIDC",`+
		`"strategy_type":"openid_connect","configs":{"openid-connect":{"issuer":"https://idp.example.com",`+
		`"credential_claim":["client_id"],"scopes":["orders"],"auth_methods":["bearer"]}}}`).must(t, http.StatusCreated)["id"])
	w.cp = str(e.createControlPlane("", "node-cp")["id"])
	w.cp2 = str(e.createControlPlane("", "node-cp-2")["id"])
	withStrategy := func(id string) string { return `{"auth_strategy_ids":["` + id + `"],"visibility":"private"}` }
	w.approved = w.publishedAPI(w.cp, w.pid, "approved-api", withStrategy(w.keys))
	w.pend = w.publishedAPI(w.cp, w.pid, "pending-api", withStrategy(w.keys))
	w.revoked = w.publishedAPI(w.cp, w.pid, "revoked-api", withStrategy(w.keys))
	w.oidcAPI = w.publishedAPI(w.cp, w.pid, "oidc-api", withStrategy(w.oidc))
	w.otherAPI = w.publishedAPI(w.cp2, w.pid, "other-api", withStrategy(w.keys))
	w.otherService = str(e.createService("", w.cp2, "other-svc")["id"])

	dev := e.approvedDeveloper("", w.pid, "node-dev@example.com")
	w.devID = str(dev.do(http.MethodGet, "/developer/me", "").must(t, http.StatusOK)["id"])
	w.keyApp = w.adminApp("keys-app", w.keys)
	for api, status := range map[string]string{w.approved: "approved", w.pend: "pending", w.revoked: "revoked", w.otherAPI: "approved"} {
		w.register(w.keyApp, api, status)
	}
	// The developer makes the OpenID Connect application: the admin API's answer for one does
	// not match the document's Application schema yet.
	w.oidcApp = str(dev.do(http.MethodPost, "/applications", `{"name":"oidc-app","client_id":"orders-client",`+
		`"auth_strategy_id":"`+w.oidc+`"}`).must(t, http.StatusCreated)["id"])
	w.register(w.oidcApp, w.oidcAPI, "approved")
	w.liveKeyHash = w.issueKey(w.keyApp, `{"display_name":"live"}`)
	w.expiredKeyHash = w.issueKey(w.keyApp, fmt.Sprintf(`{"display_name":"old","expires_at":%q}`,
		time.Now().Add(time.Hour).UTC().Format(time.RFC3339)))
	w.expireKey(w.expiredKeyHash)

	otherPortal := e.autoPortal("", "other-portal")
	w.publishedAPI(w.cp2, otherPortal, "elsewhere-api", withStrategy(w.keys))
	other := e.approvedDeveloper("", otherPortal, "elsewhere@example.com")
	w.otherPortalApp = str(other.do(http.MethodPost, "/applications", `{"name":"elsewhere"}`).must(t, http.StatusCreated)["id"])

	eu := e.autoPortal("/eu", "gateway-portal-eu")
	euDev := e.approvedDeveloper("/eu", eu, "node-dev@example.com")
	w.euApp = str(euDev.do(http.MethodPost, "/applications", `{"name":"eu-app"}`).must(t, http.StatusCreated)["id"])
	return w
}

// publishedAPI creates an API implemented by a new service of cpID and publishes it on portal.
func (w *nodeWorld) publishedAPI(cpID, portal, name, publication string) string {
	w.e.t.Helper()
	api := str(w.e.createAPI("", name, "v1")["id"])
	svc := str(w.e.createService("", cpID, "svc-"+name)["id"])
	w.e.link("", api, cpID, svc).must(w.e.t, http.StatusCreated)
	w.e.publish("", api, portal, publication).must(w.e.t, http.StatusOK)
	return api
}

func (w *nodeWorld) adminApp(name, strategy string) string {
	w.e.t.Helper()
	body := fmt.Sprintf(`{"name":%q,"auth_strategy_id":%q,"owner":{"type":"developer","id":%q}}`, name, strategy, w.devID)
	return str(w.e.do(http.MethodPost, "/v3/portals/"+w.pid+"/applications", body).must(w.e.t, http.StatusCreated)["id"])
}

func (w *nodeWorld) register(app, api, status string) string {
	w.e.t.Helper()
	return str(w.e.do(http.MethodPost, "/v3/portals/"+w.pid+"/applications/"+app+"/registrations",
		fmt.Sprintf(`{"api_id":%q,"status":%q}`, api, status)).must(w.e.t, http.StatusCreated)["id"])
}

// issueKey issues a key to an application and returns the hash a node knows it by.
func (w *nodeWorld) issueKey(app, body string) string {
	w.e.t.Helper()
	cred := w.e.do(http.MethodPost, "/v3/portals/"+w.pid+"/applications/"+app+"/credentials", body).must(w.e.t, http.StatusCreated)
	return sha256Hex(str(cred["credential"]))
}

// expireKey moves a key's expiry into the past in the database, as time passing would; the API
// refuses expiries in the past.
func (w *nodeWorld) expireKey(hash string) {
	w.e.t.Helper()
	db, err := pgtest.OpenSQL(w.e.dbPath)
	if err != nil {
		w.e.t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	if _, err := db.Exec(`UPDATE api_keys SET expires_at = '2001-01-01T00:00:00.000000Z' WHERE key_hash = $1`, hash); err != nil {
		w.e.t.Fatal(err)
	}
}

// nodeConfig reads the node configuration of cpID and checks that its hash is its ETag and the
// SHA-256 of its JSON with config_hash empty.
func (w *nodeWorld) nodeConfig(prefix, cpID string) client.NodeConfig {
	w.e.t.Helper()
	r := w.e.do(http.MethodGet, prefix+"/v2/control-planes/"+cpID+"/node-config", "")
	r.must(w.e.t, http.StatusOK)
	var cfg client.NodeConfig
	if err := json.Unmarshal(r.raw, &cfg); err != nil {
		w.e.t.Fatal(err)
	}
	if etag := r.header.Get("ETag"); etag != strconv.Quote(cfg.ConfigHash) {
		w.e.t.Errorf("ETag %s, want the quoted config_hash %q", etag, cfg.ConfigHash)
	}
	canonical := bytes.Replace(bytes.TrimSpace(r.raw), []byte(`"config_hash":"`+cfg.ConfigHash+`"`), []byte(`"config_hash":""`), 1)
	if got := sha256Hex(string(canonical)); got != cfg.ConfigHash {
		w.e.t.Errorf("config_hash %s is not the SHA-256 of the configuration without it (%s)", cfg.ConfigHash, got)
	}
	return cfg
}

func (w *nodeWorld) hash() string {
	w.e.t.Helper()
	return w.nodeConfig("", w.cp).ConfigHash
}

func findApp(cfg client.NodeConfig, id string) *client.NodeApplication {
	for i := range cfg.Applications {
		if cfg.Applications[i].ID == id {
			return &cfg.Applications[i]
		}
	}
	return nil
}

func registrationStatuses(app *client.NodeApplication) map[string]string {
	out := map[string]string{}
	for _, r := range app.Registrations {
		out[r.APIID] = r.Status
		if r.SuspendedReason != "" {
			out[r.APIID] += " (suspended)"
		}
	}
	return out
}

func TestNodeConfigContent(t *testing.T) {
	t.Parallel()
	w := newNodeWorld(t)
	cfg := w.nodeConfig("", w.cp)

	if cfg.ControlPlaneID != w.cp || cfg.Region != "us" {
		t.Errorf("control plane %s region %s, want %s us", cfg.ControlPlaneID, cfg.Region, w.cp)
	}
	if len(cfg.Services) != 4 || len(cfg.Plugins) != 4 {
		t.Errorf("%d services and %d plugins, want the 4 services of the control plane and their managed plugins", len(cfg.Services), len(cfg.Plugins))
	}
	for i, s := range cfg.Services {
		if s.ID == w.otherService {
			t.Errorf("another control plane's service %s is in the configuration", s.ID)
		}
		if i > 0 && cfg.Services[i-1].ID >= s.ID {
			t.Errorf("services are not ordered by id: %s before %s", cfg.Services[i-1].ID, s.ID)
		}
	}
	for _, p := range cfg.Plugins {
		if !p.IsManagedApplicationAuth() {
			t.Errorf("plugin %s (%s) is not a managed application auth plugin", p.ID, p.Name)
		}
	}

	keyApp := findApp(cfg, w.keyApp)
	if keyApp == nil {
		t.Fatalf("the key-auth application %s is missing: %+v", w.keyApp, cfg.Applications)
	}
	want := map[string]string{w.approved: "approved", w.pend: "pending", w.revoked: "revoked"}
	if got := registrationStatuses(keyApp); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("registrations %v, want %v (none for another control plane's API)", got, want)
	}
	if len(keyApp.Keys) != 1 || keyApp.Keys[0].Hash != w.liveKeyHash || keyApp.Keys[0].ExpiresAt != nil {
		t.Errorf("keys %+v, want only the live key %s (the expired one left out)", keyApp.Keys, w.liveKeyHash)
	}
	if keyApp.ClientID != "" || keyApp.AuthStrategyID != w.keys || keyApp.DeveloperID != w.devID ||
		keyApp.DeveloperStatus != "approved" || keyApp.PortalID != w.pid || keyApp.Name != "keys-app" {
		t.Errorf("key-auth application %+v", *keyApp)
	}

	oidcApp := findApp(cfg, w.oidcApp)
	if oidcApp == nil || oidcApp.ClientID != "orders-client" || oidcApp.AuthStrategyID != w.oidc || len(oidcApp.Keys) != 0 ||
		fmt.Sprint(registrationStatuses(oidcApp)) != fmt.Sprint(map[string]string{w.oidcAPI: "approved"}) {
		t.Errorf("OpenID Connect application %+v", oidcApp)
	}
	for _, id := range []string{w.otherPortalApp, w.euApp} {
		if findApp(cfg, id) != nil {
			t.Errorf("application %s of a portal that publishes no API of the control plane is in the configuration", id)
		}
	}
	if other := w.nodeConfig("", w.cp2); findApp(other, w.otherPortalApp) == nil || findApp(other, w.euApp) != nil {
		t.Errorf("the other control plane's configuration lists %+v", other.Applications)
	}
	w.e.do(http.MethodGet, "/eu/v2/control-planes/"+w.cp+"/node-config", "").must(t, http.StatusNotFound)

	expected := w.e.do(http.MethodGet, "/v2/control-planes/"+w.cp+"/expected-config-hash", "").must(t, http.StatusOK)
	if expected["expected_hash"] != cfg.ConfigHash || expected["created_at"].(float64) <= 0 ||
		expected["updated_at"].(float64) < expected["created_at"].(float64) {
		t.Errorf("expected-config-hash %v, want hash %s", expected, cfg.ConfigHash)
	}
}

func TestNodeConfigHashFollowsWrites(t *testing.T) {
	t.Parallel()
	w := newNodeWorld(t)
	e := w.e
	prev := w.hash()
	if again := w.hash(); again != prev {
		t.Fatalf("hash changed between two reads without a write: %s then %s", prev, again)
	}
	var keyID string
	steps := []struct {
		name  string
		write func()
	}{
		{"key created", func() {
			cred := e.do(http.MethodPost, "/v3/portals/"+w.pid+"/applications/"+w.keyApp+"/credentials", `{}`).must(t, http.StatusCreated)
			keyID = str(cred["id"])
		}},
		{"key deleted", func() {
			e.do(http.MethodDelete, "/v3/portals/"+w.pid+"/applications/"+w.keyApp+"/credentials/"+keyID, "").must(t, http.StatusNoContent)
		}},
		{"registration approved", func() {
			regs := e.do(http.MethodGet, "/v3/portals/"+w.pid+"/applications/"+w.keyApp+"/registrations?filter[status]=pending", "").must(t, http.StatusOK)
			reg := regs["data"].([]any)[0].(map[string]any)
			e.do(http.MethodPatch, "/v3/portals/"+w.pid+"/applications/"+w.keyApp+"/registrations/"+str(reg["id"]),
				`{"status":"approved"}`).must(t, http.StatusOK)
		}},
		{"publication strategy switched", func() {
			e.publish("", w.approved, w.pid, `{"auth_strategy_ids":["`+w.keys2+`"],"visibility":"private"}`).must(t, http.StatusOK)
		}},
		{"link removed", func() {
			impls := e.do(http.MethodGet, "/v3/api-implementations?filter[api_id][eq]="+w.revoked, "").must(t, http.StatusOK)
			impl := impls["data"].([]any)[0].(map[string]any)
			e.do(http.MethodDelete, "/v3/apis/"+w.revoked+"/implementations/"+str(impl["id"]), "").must(t, http.StatusNoContent)
		}},
		{"route added", func() {
			e.do(http.MethodPost, "/v2/control-planes/"+w.cp+"/core-entities/routes", `{"paths":["/orders"]}`).must(t, http.StatusCreated)
		}},
	}
	for _, s := range steps {
		s.write()
		h := w.hash()
		if h == prev {
			t.Errorf("%s: the hash stayed %s", s.name, h)
		}
		if again := w.hash(); again != h {
			t.Errorf("%s: hash changed between two reads: %s then %s", s.name, h, again)
		}
		prev = h
	}

	cfg := w.nodeConfig("", w.cp)
	keyApp := findApp(cfg, w.keyApp)
	want := map[string]string{w.approved: "approved (suspended)", w.pend: "approved"}
	if got := registrationStatuses(keyApp); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after the writes: registrations %v, want %v", got, want)
	}
	if len(cfg.Routes) != 1 || cfg.Routes[0].Paths[0] != "/orders" {
		t.Errorf("routes %+v, want the one added", cfg.Routes)
	}
	expected := e.do(http.MethodGet, "/v2/control-planes/"+w.cp+"/expected-config-hash", "").must(t, http.StatusOK)
	if expected["expected_hash"] != prev {
		t.Errorf("expected_hash %v, want %s", expected["expected_hash"], prev)
	}
}

func TestNodeConfigConditional(t *testing.T) {
	t.Parallel()
	w := newNodeWorld(t)
	e := w.e
	path := "/v2/control-planes/" + w.cp + "/node-config"
	h := w.hash()
	admin := func(headers map[string]string) map[string]string {
		headers["Authorization"] = "Bearer " + testToken
		return headers
	}

	r := e.doWith(http.MethodGet, path, "", admin(map[string]string{"If-None-Match": strconv.Quote(h)}))
	if r.status != http.StatusNotModified || len(r.raw) != 0 || r.header.Get("ETag") != strconv.Quote(h) {
		t.Errorf("If-None-Match with the current hash: status %d, ETag %q, body %q; want 304, the ETag and no body", r.status, r.header.Get("ETag"), r.raw)
	}
	r = e.doWith(http.MethodGet, path, "", admin(map[string]string{"If-None-Match": `"` + sha256Hex("old") + `"`}))
	r.must(t, http.StatusOK)
	for _, bad := range []string{"61", "-1", "ten"} {
		e.do(http.MethodGet, path+"?wait="+bad, "").invalidParam(t, "wait", "range")
	}
	r = e.doWith(http.MethodGet, path+"?wait=1", "", admin(map[string]string{"If-None-Match": strconv.Quote(h)}))
	if r.status != http.StatusNotModified {
		t.Errorf("wait=1 without a change: status %d, want 304", r.status)
	}

	// A write during a wait ends it with the new configuration.
	c, err := client.New(client.Config{ServerURL: e.url, Token: testToken, RequestTimeout: 40 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
	defer cancel()
	type result struct {
		cfg *client.NodeConfig
		err error
	}
	done := make(chan result, 1)
	go func() {
		cfg, err := c.GetNodeConfig(ctx, w.cp, h, 30*time.Second)
		done <- result{cfg, err}
	}()
	time.Sleep(200 * time.Millisecond)
	// Keyed, as the provider sends it: the write commits in a held transaction.
	e.doWith(http.MethodPost, "/v2/control-planes/"+w.cp+"/core-entities/routes", `{"paths":["/during-wait"]}`,
		admin(map[string]string{"Content-Type": "application/json", "Idempotency-Key": "9f3a6c1e-route-during-wait"})).must(t, http.StatusCreated)
	select {
	case res := <-done:
		if res.err != nil || res.cfg == nil || res.cfg.ConfigHash == h || len(res.cfg.Routes) != 1 {
			t.Fatalf("held request answered %+v, %v; want the configuration with the new route", res.cfg, res.err)
		}
	case <-ctx.Done():
		t.Fatal("the held request did not return the new configuration before the test's deadline")
	}
}

func TestNodeReports(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	cp := str(e.createControlPlane("", "reports")["id"])
	other := str(e.createControlPlane("", "reports-other")["id"])
	nodes := "/v2/control-planes/" + cp + "/nodes/"
	const id = "6f1c1a52-52a8-4b0a-9d55-0d2f7b2f3c11"
	hash := sha256Hex("config")

	first := e.do(http.MethodPut, nodes+id, `{"hostname":"gw-1","version":"3.10.0","config_hash":""}`).must(t, http.StatusCreated)
	if first["id"] != id || first["config_hash"] != "" {
		t.Errorf("first report answered %v", first)
	}
	second := e.do(http.MethodPut, nodes+id, `{"hostname":"gw-1b","version":"3.11.0","config_hash":"`+hash+`"}`).must(t, http.StatusOK)
	if second["hostname"] != "gw-1b" || second["version"] != "3.11.0" || second["config_hash"] != hash ||
		second["created_at"] != first["created_at"] || second["last_ping"].(float64) < first["last_ping"].(float64) {
		t.Errorf("second report answered %v after %v", second, first)
	}
	var items []map[string]any
	for _, it := range e.do(http.MethodGet, "/v2/control-planes/"+cp+"/nodes", "").must(t, http.StatusOK)["items"].([]any) {
		items = append(items, it.(map[string]any))
	}
	if len(items) != 1 || items[0]["config_hash"] != hash || items[0]["last_ping"] != second["last_ping"] {
		t.Errorf("node list %v, want the reported node with its hash and last ping", items)
	}
	got := e.do(http.MethodGet, nodes+id, "").must(t, http.StatusOK)["item"].(map[string]any)
	if got["config_hash"] != hash || got["hostname"] != "gw-1b" {
		t.Errorf("node %v", got)
	}

	e.do(http.MethodPut, nodes+"not-a-uuid", `{"hostname":"h","version":"3.10.0"}`).invalidParam(t, "nodeId", "is_uuid")
	e.do(http.MethodPut, nodes+id, `{"hostname":"h","version":"3.10.0","config_hash":"ABC"}`).invalidParam(t, "config_hash", "invalid")
	e.do(http.MethodPut, nodes+id, `{"version":"3.10.0"}`).invalidParam(t, "hostname", "required")
	e.do(http.MethodPut, "/v2/control-planes/"+other+"/nodes/"+id, `{"hostname":"h","version":"3.10.0"}`).must(t, http.StatusConflict)

	// An outdated node is accepted, and keeps new application auth links away while it is registered.
	const old = "0b0e7f4e-8f43-4c55-9a8e-4d1f2c3b4a59"
	e.do(http.MethodPut, nodes+old, `{"hostname":"legacy","version":"3.5.0"}`).must(t, http.StatusCreated)
	api := str(e.createAPI("", "reports-api", "v1")["id"])
	svc := str(e.createService("", cp, "reports-svc")["id"])
	e.link("", api, cp, svc).problem(t, http.StatusBadRequest)
	e.do(http.MethodDelete, nodes+old, "").must(t, http.StatusNoContent)
	e.link("", api, cp, svc).must(t, http.StatusCreated)
}

func TestNodeTokenScope(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	cp := str(e.createControlPlane("", "tokens")["id"])
	other := str(e.createControlPlane("", "tokens-other")["id"])
	base := "/v2/control-planes/" + cp
	e.do(http.MethodPost, base+"/node-tokens", `{}`).invalidParam(t, "name", "required")
	created := e.do(http.MethodPost, base+"/node-tokens", `{"name":"edge"}`).must(t, http.StatusCreated)
	secret, tokID := str(created["token"]), str(created["id"])
	if len(secret) < 40 || secret[:4] != "dpn_" || created["last_used_at"] != nil {
		t.Fatalf("created token %v", created)
	}
	listed := e.do(http.MethodGet, base+"/node-tokens", "").must(t, http.StatusOK)["data"].([]any)
	if len(listed) != 1 || listed[0].(map[string]any)["token"] != nil || listed[0].(map[string]any)["id"] != tokID {
		t.Errorf("token list %v, want the token without its secret", listed)
	}

	as := func(method, path, body string) response {
		return e.doWith(method, path, body, map[string]string{"Authorization": "Bearer " + secret, "Content-Type": "application/json"})
	}
	const node = "2d6c1f0a-4a3b-4c1d-8e2f-3a4b5c6d7e8f"
	as(http.MethodGet, base+"/node-config", "").must(t, http.StatusOK)
	as(http.MethodGet, base+"/expected-config-hash", "").must(t, http.StatusOK)
	as(http.MethodPut, base+"/nodes/"+node, `{"hostname":"edge-1","version":"3.10.0"}`).must(t, http.StatusCreated)
	as(http.MethodGet, base+"/nodes/"+node, "").must(t, http.StatusOK)
	as(http.MethodGet, base+"/nodes", "").must(t, http.StatusOK)
	for _, c := range []struct{ method, path string }{
		{http.MethodGet, "/v3/portals"},
		{http.MethodGet, base + "/node-tokens"},
		{http.MethodPost, base + "/node-tokens"},
		{http.MethodDelete, base + "/nodes/" + node},
		{http.MethodGet, base + "/core-entities/services"},
		{http.MethodGet, "/v2/control-planes/" + other + "/node-config"},
		{http.MethodGet, "/eu/v2/control-planes/" + cp + "/node-config"},
	} {
		p := as(c.method, c.path, "").problem(t, http.StatusForbidden)
		if !bytes.Contains([]byte(str(p["detail"])), []byte("admin token")) {
			t.Errorf("%s %s: detail %q does not say to use an admin token", c.method, c.path, p["detail"])
		}
	}
	used := e.do(http.MethodGet, base+"/node-tokens/"+tokID, "").must(t, http.StatusOK)
	if used["last_used_at"] == nil {
		t.Errorf("token %v: last_used_at not set after use", used)
	}

	e.do(http.MethodDelete, base+"/node-tokens/"+tokID, "").must(t, http.StatusNoContent)
	e.do(http.MethodDelete, base+"/node-tokens/"+tokID, "").problem(t, http.StatusNotFound)
	as(http.MethodGet, base+"/node-config", "").problem(t, http.StatusUnauthorized)

	// Deleting the control plane deletes its tokens.
	doomed := str(e.createControlPlane("", "tokens-doomed")["id"])
	gone := str(e.do(http.MethodPost, "/v2/control-planes/"+doomed+"/node-tokens", `{"name":"x"}`).must(t, http.StatusCreated)["token"])
	e.do(http.MethodDelete, "/v2/control-planes/"+doomed, "").must(t, http.StatusNoContent)
	r := e.doWith(http.MethodGet, "/v2/control-planes/"+doomed+"/node-config", "", map[string]string{"Authorization": "Bearer " + gone})
	r.problem(t, http.StatusUnauthorized)
	if slices.Contains([]int{200, 403}, r.status) {
		t.Error("a token of a deleted control plane still works")
	}
}

// TestNodeConfigKeyExpiryWakesWait checks that a key expiring changes the configuration without a
// write, honestly: a request held with the hash that still lists the key gets the configuration
// without it once it expires, before its wait ends.
func TestNodeConfigKeyExpiryWakesWait(t *testing.T) {
	t.Parallel()
	w := newNodeWorld(t)
	soon := w.issueKey(w.keyApp, fmt.Sprintf(`{"display_name":"soon","expires_at":%q}`,
		time.Now().Add(3*time.Second).UTC().Format(time.RFC3339)))
	cfg := w.nodeConfig("", w.cp)
	if keys := findApp(cfg, w.keyApp).Keys; len(keys) != 2 || !slices.ContainsFunc(keys, func(k client.NodeKey) bool { return k.Hash == soon }) {
		t.Fatalf("keys %+v, want the live key and the one expiring soon", keys)
	}
	c, err := client.New(client.Config{ServerURL: w.e.url, Token: testToken, RequestTimeout: 40 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
	defer cancel()
	next, err := c.GetNodeConfig(ctx, w.cp, cfg.ConfigHash, 30*time.Second)
	if err != nil || next == nil {
		t.Fatalf("held request answered %+v, %v; want the configuration without the expired key", next, err)
	}
	if keys := findApp(*next, w.keyApp).Keys; len(keys) != 1 || keys[0].Hash != w.liveKeyHash || next.ConfigHash == cfg.ConfigHash {
		t.Errorf("after the expiry: hash %s (was %s), keys %+v; want a new hash and only the live key", next.ConfigHash, cfg.ConfigHash, keys)
	}
}
