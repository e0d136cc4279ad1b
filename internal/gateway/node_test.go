package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// fixture is a control plane with services and routes for every answer the proxy gives, and an
// API whose service carries the managed application auth plugin.
type fixture struct {
	cp, nodeToken      string
	portalID, apiID    string
	appID, regID       string
	developerID, key   string
	keyName            string
	ordersSvc, echoSvc string
}

func newFixture(t *testing.T, b *testBackend) *fixture {
	t.Helper()
	ctx := context.Background()
	c := b.admin
	up := startUpstream(t)
	host, port := hostPort(t, up.URL)
	f := &fixture{}
	f.cp = must(c.CreateControlPlane(ctx, client.CreateControlPlaneRequest{Name: "edge"})).ID
	f.nodeToken = must(c.CreateNodeToken(ctx, f.cp, client.NodeTokenRequest{Name: "node"})).Token

	service := func(name string, req client.GatewayServiceRequest) string {
		req.Name = ptr(name)
		if req.Host == "" {
			req.Host, req.Port = host, ptr(port)
		}
		return must(c.CreateGatewayService(ctx, f.cp, req)).ID
	}
	// Routes serve https only unless they say otherwise; the node serves http.
	route := func(svc string, req client.GatewayRouteRequest) {
		req.Service = &client.EntityLink{ID: svc}
		if req.Protocols == nil {
			req.Protocols = []string{"http", "https"}
		}
		must(c.CreateGatewayRoute(ctx, f.cp, req))
	}
	f.echoSvc = service("echo", client.GatewayServiceRequest{Path: ptr("/base")})
	route(f.echoSvc, client.GatewayRouteRequest{Name: ptr("strip"), Paths: []string{"/strip"}, StripPath: ptr(true)})
	route(f.echoSvc, client.GatewayRouteRequest{Name: ptr("keep"), Paths: []string{"/keep"}, StripPath: ptr(false), PreserveHost: ptr(true)})
	route(f.echoSvc, client.GatewayRouteRequest{Name: ptr("secure"), Paths: []string{"/secure"}, Protocols: []string{"https"}})
	slow := service("slow", client.GatewayServiceRequest{ReadTimeout: ptr(int64(100))})
	route(slow, client.GatewayRouteRequest{Name: ptr("slow"), Paths: []string{"/slow"}, StripPath: ptr(false)})
	down := service("down", client.GatewayServiceRequest{Host: "127.0.0.1", Port: ptr(closedPort(t))})
	route(down, client.GatewayRouteRequest{Name: ptr("down"), Paths: []string{"/down"}})
	blocked := service("blocked", client.GatewayServiceRequest{})
	route(blocked, client.GatewayRouteRequest{Name: ptr("blocked"), Paths: []string{"/blocked"}})
	b.createPlugin(t, f.cp, blocked, "rate-limiting")
	off := service("off", client.GatewayServiceRequest{Enabled: ptr(false)})
	route(off, client.GatewayRouteRequest{Name: ptr("off"), Paths: []string{"/off"}})

	// The orders API, published with the portal's default key-auth strategy, guards its service.
	f.ordersSvc = service("orders", client.GatewayServiceRequest{})
	route(f.ordersSvc, client.GatewayRouteRequest{Name: ptr("orders"), Paths: []string{"/orders"}})
	f.portalID = must(c.CreatePortal(ctx, client.CreatePortalRequest{Name: "partners"})).ID
	f.apiID = must(c.CreateAPI(ctx, client.CreateAPIRequest{Name: "Orders"})).ID
	must(c.CreateImplementation(ctx, f.apiID, f.cp, f.ordersSvc))
	must(c.PublishAPI(ctx, f.apiID, f.portalID, client.PublishRequest{}))
	plugin := must(c.ManagedApplicationAuthPlugin(ctx, f.cp, f.ordersSvc, f.apiID))
	if plugin == nil {
		t.Fatal("publishing the API did not put the managed plugin on its service")
	}
	f.keyName = must(plugin.ApplicationAuthConfig()).KeyNames()[0]

	dev := must(c.CreateDeveloper(ctx, f.portalID, client.CreateDeveloperRequest{Email: "ada@example.com", FullName: "Ada", Status: client.DeveloperApproved}))
	f.developerID = dev.ID
	f.appID = must(c.CreateApplication(ctx, f.portalID, client.CreateApplicationRequest{Name: "billing", Owner: client.DeveloperOwner(dev.ID)})).ID
	f.key = "billing-key-0123456789abcdef"
	must(c.IssueAPIKey(ctx, f.portalID, f.appID, client.IssueAPIKeyRequest{Key: f.key}))
	f.regID = must(c.CreateRegistration(ctx, f.portalID, f.appID, client.CreateRegistrationRequest{APIID: f.apiID})).ID
	return f
}

func (f *fixture) approve(t *testing.T, b *testBackend) {
	t.Helper()
	must(b.admin.UpdateRegistration(context.Background(), f.portalID, f.appID, f.regID,
		client.UpdateRegistrationRequest{Status: client.RegistrationApproved}))
}

// syncBuffer is an io.Writer safe for the node's goroutines and the test's reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestProxyAnswers(t *testing.T) {
	b := startBackend(t)
	f := newFixture(t, b)
	n := startNode(t, b, f.cp, f.nodeToken, nil)
	waitInSync(t, b, n, f.cp)
	proxy := n.ProxyURL()

	t.Run("strip_path joins the rest to the service path", func(t *testing.T) {
		a := do(t, http.MethodGet, proxy+"/strip/items?page=2", map[string]string{"Host": "api.example.com"})
		e := a.echoed(t)
		if a.status != http.StatusOK || e.Path != "/base/items" || e.Query != "page=2" || e.Host == "api.example.com" {
			t.Errorf("got %d %+v, want the upstream's own Host and /base/items?page=2", a.status, e)
		}
		if got := e.Header.Get("X-Forwarded-Host"); got != "api.example.com" {
			t.Errorf("X-Forwarded-Host = %q", got)
		}
		if e.Header.Get("X-Forwarded-For") == "" || e.Header.Get("X-Forwarded-Proto") != "http" {
			t.Errorf("X-Forwarded-For/Proto missing: %v", e.Header)
		}
	})
	t.Run("an encoded slash reaches the upstream encoded, after the prefix is stripped", func(t *testing.T) {
		a := do(t, http.MethodGet, proxy+"/strip/files/a%2Fb%20c", nil)
		if e := a.echoed(t); a.status != http.StatusOK || e.EscapedPath != "/base/files/a%2Fb%20c" {
			t.Errorf("got %d %+v, want /base/files/a%%2Fb%%20c upstream", a.status, e)
		}
	})
	t.Run("preserve_host keeps the client's Host, and without strip_path the prefix", func(t *testing.T) {
		a := do(t, http.MethodGet, proxy+"/keep/x", map[string]string{"Host": "api.example.com"})
		if e := a.echoed(t); a.status != http.StatusOK || e.Path != "/base/keep/x" || e.Host != "api.example.com" {
			t.Errorf("got %d %+v", a.status, e)
		}
	})
	t.Run("identity headers sent by a client never reach the upstream", func(t *testing.T) {
		a := do(t, http.MethodGet, proxy+"/strip/", map[string]string{headerApplicationID: "forged", headerDeveloperID: "forged", headerPortalID: "forged"})
		e := a.echoed(t)
		for _, h := range identityHeaders {
			if v := e.Header.Get(h); v != "" {
				t.Errorf("%s = %q reached the upstream", h, v)
			}
		}
	})
	for _, tt := range []struct {
		name, path string
		status     int
		detail     string
	}{
		{"unknown route", "/nowhere", http.StatusNotFound, "no route"},
		{"https-only route", "/secure", http.StatusUpgradeRequired, "https"},
		{"upstream down", "/down", http.StatusBadGateway, "down"},
		{"upstream slower than read_timeout", "/slow", http.StatusGatewayTimeout, "slow"},
		{"unsupported plugin", "/blocked", http.StatusServiceUnavailable, "rate-limiting"},
		{"disabled service", "/off", http.StatusServiceUnavailable, "disabled"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, http.MethodGet, proxy+tt.path, nil)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d; body %s", a.status, tt.status, a.body)
			}
			if p := a.problem(t); !strings.Contains(p.Detail, tt.detail) {
				t.Errorf("detail %q does not mention %q", p.Detail, tt.detail)
			}
		})
	}
}

func TestNoConfigurationYet(t *testing.T) {
	b := startBackend(t)
	n := startNode(t, b, "00000000-0000-4000-8000-000000000000", b.token, nil)
	eventually(t, "a failed sync", func() bool { return n.state.get().lastError != "" })

	a := do(t, http.MethodGet, n.ProxyURL()+"/anything", nil)
	if a.status != http.StatusServiceUnavailable || !strings.Contains(a.problem(t).Detail, "no configuration") {
		t.Errorf("proxy before any configuration: %d %s", a.status, a.body)
	}
	st := readStatus(t, n, http.StatusServiceUnavailable)
	if st.Ready || st.ConfigSource != "none" || st.ConfigHash != "" || st.LastSync != nil || !st.BackendReachable || !strings.Contains(st.LastError, "404") {
		t.Errorf("status before any configuration: %+v", st)
	}
}

func TestApplicationAuth(t *testing.T) {
	b := startBackend(t)
	f := newFixture(t, b)
	access := &syncBuffer{}
	n := startNode(t, b, f.cp, f.nodeToken, func(c *Config) { c.AccessLog = access })
	waitInSync(t, b, n, f.cp)
	orders := n.ProxyURL() + "/orders"

	a := do(t, http.MethodGet, orders, nil)
	if a.status != http.StatusUnauthorized || a.header.Get("WWW-Authenticate") == "" {
		t.Errorf("without a key: %d %v %s, want 401 with a challenge", a.status, a.header, a.body)
	}
	a.problem(t)
	if a = do(t, http.MethodGet, orders, map[string]string{f.keyName: "not-a-key-of-anyone"}); a.status != http.StatusUnauthorized {
		t.Errorf("unknown key: %d %s, want 401", a.status, a.body)
	}
	if a = do(t, http.MethodGet, orders, map[string]string{f.keyName: f.key}); a.status != http.StatusForbidden {
		t.Errorf("key of an application whose registration is pending: %d %s, want 403", a.status, a.body)
	}

	f.approve(t, b)
	waitInSync(t, b, n, f.cp)
	for _, req := range []struct {
		name, url string
		header    map[string]string
	}{
		{"header", orders + "/1", map[string]string{f.keyName: f.key, headerApplicationID: "forged"}},
		{"query", orders + "/1?" + f.keyName + "=" + f.key + "&expand=lines", nil},
	} {
		a = do(t, http.MethodGet, req.url, req.header)
		if a.status != http.StatusOK {
			t.Fatalf("key in the %s after approval: %d %s, want 200", req.name, a.status, a.body)
		}
		e := a.echoed(t)
		if e.Header.Get(headerApplicationID) != f.appID || e.Header.Get(headerDeveloperID) != f.developerID || e.Header.Get(headerPortalID) != f.portalID {
			t.Errorf("key in the %s: identity headers %v", req.name, e.Header)
		}
		if strings.Contains(e.Query+strings.Join(e.Header.Values(f.keyName), ""), f.key) {
			t.Errorf("key in the %s reached the upstream: %+v", req.name, e)
		}
	}

	logs := access.String()
	if strings.Contains(logs, f.key) {
		t.Errorf("the key reached the access log:\n%s", logs)
	}
	var sawAllowed bool
	for line := range strings.Lines(logs) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("access log line is not JSON: %q", line)
		}
		for _, k := range []string{"time", "method", "path", "status", "latency_ms", "route_id", "service_id", "application_id", "reason"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("access log line without %s: %s", k, line)
			}
		}
		if rec["reason"] == "allowed" && rec["application_id"] == f.appID && rec["path"] == "/orders/1" {
			sawAllowed = true
		}
	}
	if !sawAllowed {
		t.Errorf("no access log line of an allowed request with its application:\n%s", logs)
	}
}

func TestStatusAndMetrics(t *testing.T) {
	b := startBackend(t)
	f := newFixture(t, b)
	n := startNode(t, b, f.cp, f.nodeToken, nil)
	hash := waitInSync(t, b, n, f.cp)
	do(t, http.MethodGet, n.ProxyURL()+"/orders", nil)
	do(t, http.MethodGet, n.ProxyURL()+"/strip/x", nil)

	st := readStatus(t, n, http.StatusOK)
	if !st.Ready || st.ConfigHash != hash || st.ConfigSource != "backend" || st.LastSync == nil || st.SyncAgeSeconds == nil ||
		!st.BackendReachable || st.LastError != "" || st.NodeID != n.NodeID() || st.Applications != 1 || st.Keys != 1 {
		t.Errorf("status: %+v", st)
	}
	if len(st.UnsupportedPlugins) != 1 || st.UnsupportedPlugins[0].Name != "rate-limiting" || st.UnsupportedPlugins[0].ServiceID == "" {
		t.Errorf("unsupported plugins: %+v", st.UnsupportedPlugins)
	}

	body := string(do(t, http.MethodGet, n.StatusURL()+"/metrics", nil).body)
	for _, want := range []string{
		`devportal_gateway_requests_total{route="orders",service="orders",status="401"} 1`,
		`devportal_gateway_requests_total{route="strip",service="echo",status="200"} 1`,
		`devportal_gateway_auth_decisions_total{decision="denied",reason="missing_credential"} 1`,
		`devportal_gateway_upstream_latency_seconds_count{service="echo"} 1`,
		"devportal_gateway_config_sync_age_seconds ",
		"devportal_gateway_config_sync_failures_total 0",
		"devportal_gateway_config_applications 1",
		"devportal_gateway_config_keys 1",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
}

func TestNodeRecordFollowsTheConfiguration(t *testing.T) {
	b := startBackend(t)
	f := newFixture(t, b)
	n := startNode(t, b, f.cp, f.nodeToken, func(c *Config) { c.Version = "3.5.0"; c.PingInterval = DefaultPingInterval })
	want := waitInSync(t, b, n, f.cp)
	var got client.Node
	eventually(t, "the node record showing config_hash "+want, func() bool {
		for _, node := range must(b.admin.ListNodes(context.Background(), f.cp)) {
			if node.ID == n.NodeID() {
				got = node
				return node.ConfigHash == want
			}
		}
		return false
	})
	if got.Hostname != "node-under-test" || got.Version != "3.5.0" {
		t.Errorf("node record: %+v", got)
	}
}

func TestCacheKeepsEnforcingWithoutTheBackend(t *testing.T) {
	b := startBackend(t)
	f := newFixture(t, b)
	f.approve(t, b)
	dir := filepath.Join(t.TempDir(), "cache")
	first := startNode(t, b, f.cp, f.nodeToken, func(c *Config) { c.CacheDir = dir })
	hash := waitInSync(t, b, first, f.cp)
	eventually(t, "the configuration cache written", func() bool {
		cached, err := readCachedConfig(filepath.Join(dir, cacheConfigFile))
		return err == nil && cached.ConfigHash == hash
	})
	for _, name := range []string{cacheConfigFile, cacheNodeIDFile} {
		if fi := must(os.Stat(filepath.Join(dir, name))); fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", name, fi.Mode().Perm())
		}
	}
	if fi := must(os.Stat(dir)); fi.Mode().Perm() != 0o700 {
		t.Errorf("cache directory has mode %v, want 0700", fi.Mode().Perm())
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	b.stop()
	second := startNode(t, b, f.cp, f.nodeToken, func(c *Config) { c.CacheDir = dir })
	if second.NodeID() != first.NodeID() {
		t.Errorf("restarted node id %s, want %s", second.NodeID(), first.NodeID())
	}
	if got := second.ConfigHash(); got != hash {
		t.Fatalf("restarted node enforces %q, want the cached %q", got, hash)
	}
	orders := second.ProxyURL() + "/orders"
	if a := do(t, http.MethodGet, orders, nil); a.status != http.StatusUnauthorized {
		t.Errorf("without a key, from the cache: %d %s", a.status, a.body)
	}
	if a := do(t, http.MethodGet, orders, map[string]string{f.keyName: f.key}); a.status != http.StatusOK {
		t.Errorf("with the key, from the cache: %d %s", a.status, a.body)
	}
	eventually(t, "a failed sync", func() bool { return second.state.get().lastError != "" })
	st := readStatus(t, second, http.StatusOK)
	if !st.Ready || st.ConfigSource != "cache" || st.BackendReachable || st.ConfigHash != hash {
		t.Errorf("status from the cache with the backend down: %+v", st)
	}
}

func readStatus(t *testing.T, n *Node, wantStatus int) statusBody {
	t.Helper()
	a := do(t, http.MethodGet, n.StatusURL()+"/status", nil)
	var st statusBody
	if err := json.Unmarshal(a.body, &st); err != nil {
		t.Fatal(err)
	}
	if a.status != wantStatus {
		t.Errorf("GET /status: %d, want %d; %+v", a.status, wantStatus, st)
	}
	return st
}

func TestRefusedConfigurationKeepsTheLastGoodOne(t *testing.T) {
	b := startBackend(t)
	f := newFixture(t, b)
	f.approve(t, b)
	n := startNode(t, b, f.cp, f.nodeToken, nil)
	hash := waitInSync(t, b, n, f.cp)

	bad := must(b.admin.GetNodeConfig(context.Background(), f.cp, "", 0))
	bad.ConfigHash = "bad"
	bad.Routes = append(bad.Routes, client.GatewayRoute{ID: "broken", Paths: []string{"~/orders/(unclosed"}, Protocols: []string{"http"}})
	err := n.apply(bad)
	if err == nil || !strings.Contains(err.Error(), "broken") {
		t.Fatalf("apply of a route with a bad regex: err = %v, want one naming the route", err)
	}
	if got := n.ConfigHash(); got != hash {
		t.Errorf("after a refused configuration the node enforces %q, want %q", got, hash)
	}
	if a := do(t, http.MethodGet, n.ProxyURL()+"/orders", map[string]string{f.keyName: f.key}); a.status != http.StatusOK {
		t.Errorf("after a refused configuration: %d %s", a.status, a.body)
	}
}

func TestCachedConfigurationConfirmedByTheBackend(t *testing.T) {
	b := startBackend(t)
	f := newFixture(t, b)
	dir := t.TempDir()
	first := startNode(t, b, f.cp, f.nodeToken, func(c *Config) { c.CacheDir = dir })
	hash := waitInSync(t, b, first, f.cp)
	eventually(t, "the configuration cache written", func() bool {
		cached, err := readCachedConfig(filepath.Join(dir, cacheConfigFile))
		return err == nil && cached.ConfigHash == hash
	})
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	second := startNode(t, b, f.cp, f.nodeToken, func(c *Config) { c.CacheDir = dir })
	eventually(t, "the backend confirming the cached configuration", func() bool {
		snap := second.current.Load()
		return snap != nil && snap.source == sourceBackend
	})
	if st := readStatus(t, second, http.StatusOK); st.ConfigHash != hash || !st.BackendReachable || st.LastSync == nil {
		t.Errorf("status once the backend confirmed the cache: %+v", st)
	}
}
