package gateway

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

const (
	benchAPIID      = "api-orders"
	benchStrategyID = "strategy-key-auth"
	benchKeyName    = "apikey"
	benchKeysPerApp = 10
)

func benchKey(i int) string { return fmt.Sprintf("bench-key-%08d", i) }

// benchConfig is a configuration with one service to upstreamURL behind the managed key-auth
// plugin, and keys keys spread over applications approved for its API.
func benchConfig(tb testing.TB, upstreamURL string, keys int) *client.NodeConfig {
	tb.Helper()
	host, port := hostPort(tb, upstreamURL)
	pluginConfig := must(json.Marshal(client.ApplicationAuthConfig{
		Scope: benchAPIID, AuthType: "v2-strategies",
		V2Strategies: client.ApplicationAuthStrategies{KeyAuth: []client.ApplicationAuthKeyAuth{{StrategyID: benchStrategyID}}},
	}))
	// KeyNames sits in an anonymous struct: set it in the JSON.
	var raw map[string]any
	_ = json.Unmarshal(pluginConfig, &raw)
	raw["v2_strategies"].(map[string]any)["key_auth"].([]any)[0].(map[string]any)["config"] = map[string]any{"key_names": []string{benchKeyName}}
	pluginConfig = must(json.Marshal(raw))

	cfg := &client.NodeConfig{
		ControlPlaneID: "bench", ConfigHash: fmt.Sprintf("bench-%d", keys),
		Services: []client.GatewayService{{ID: "svc-orders", Name: ptr("orders"), Protocol: "http", Host: host, Port: port, Enabled: true}},
		Routes: []client.GatewayRoute{{ID: "route-orders", Name: ptr("orders"), Protocols: []string{"http"}, Paths: []string{"/orders"},
			PathHandling: "v0", StripPath: true, Service: &client.EntityLink{ID: "svc-orders"}}},
		Plugins: []client.Plugin{{ID: "kaa", Name: client.ApplicationAuthPluginName, Enabled: true, Config: pluginConfig,
			Tags: []string{client.ManagedPluginTag}, Service: &client.EntityRef{ID: "svc-orders"}}},
	}
	for a := 0; a*benchKeysPerApp < keys; a++ {
		app := client.NodeApplication{
			ID: fmt.Sprintf("app-%06d", a), Name: "bench", PortalID: "portal", DeveloperID: fmt.Sprintf("dev-%06d", a),
			DeveloperStatus: client.DeveloperApproved, AuthStrategyID: benchStrategyID,
			Registrations: []client.NodeRegistration{{APIID: benchAPIID, Status: client.RegistrationApproved}},
		}
		for k := a * benchKeysPerApp; k < min(keys, (a+1)*benchKeysPerApp); k++ {
			sum := sha256.Sum256([]byte(benchKey(k)))
			app.Keys = append(app.Keys, client.NodeKey{Hash: hex.EncodeToString(sum[:])})
		}
		cfg.Applications = append(cfg.Applications, app)
	}
	return cfg
}

// BenchmarkProxyKeyAuth measures one request through the node (routing, key lookup among 10,000,
// decision, proxying) to a loopback upstream, over kept-alive connections.
func BenchmarkProxyKeyAuth(b *testing.B) {
	const keys = 10_000
	be := startBackend(b)
	up := startUpstream(b)
	// The node runs against the real backend, but for a control plane it does not hold, so that its
	// sync never replaces the configuration the benchmark applies.
	n := startNode(b, be, "00000000-0000-4000-8000-000000000000", be.token, nil)
	if err := n.apply(benchConfig(b, up.URL, keys)); err != nil {
		b.Fatal(err)
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	url := n.ProxyURL() + "/orders/items"
	// Check once that the path taken is the allowed one.
	if a := do(b, http.MethodGet, url, map[string]string{benchKeyName: benchKey(1)}); a.status != http.StatusOK {
		b.Fatalf("benchmark request answered %d %s", a.status, a.body)
	}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set(benchKeyName, benchKey(i%keys))
		i++
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// BenchmarkCompile100kKeys compiles a configuration of 100,000 keys and reports the heap the
// compiled snapshot holds (heap-bytes, and per key).
func BenchmarkCompile100kKeys(b *testing.B) {
	const keys = 100_000
	cfg := benchConfig(b, "http://127.0.0.1:9", keys)
	var snap *snapshot
	var inUse uint64
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		var err error
		snap, err = compile(cfg, sourceBackend, nil, defaultUpstreamTimeouts)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		inUse = after.HeapInuse - min(after.HeapInuse, before.HeapInuse)
	}
	if _, k := snap.table.Len(); k != keys {
		b.Fatalf("compiled %d keys, want %d", k, keys)
	}
	runtime.KeepAlive(snap)
	b.ReportMetric(float64(inUse), "heap-bytes")
	b.ReportMetric(float64(inUse)/keys, "heap-bytes/key")
}
