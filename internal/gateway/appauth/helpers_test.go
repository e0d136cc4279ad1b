package appauth

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

const (
	apiID       = "api-orders"
	keyStrategy = "strategy-key"
)

func hashOf(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// plugin builds a managed plugin scoped to apiID from a v2_strategies object.
func plugin(t testing.TB, strategies map[string]any) client.Plugin {
	t.Helper()
	cfg, err := json.Marshal(map[string]any{"scope": apiID, "auth_type": "v2-strategies", "v2_strategies": strategies})
	if err != nil {
		t.Fatal(err)
	}
	return client.Plugin{
		ID: "plugin-1", Name: client.ApplicationAuthPluginName, Enabled: true,
		Tags: []string{client.ManagedPluginTag}, Config: cfg,
	}
}

func keyAuth(id string, names ...string) map[string]any {
	return map[string]any{"strategy_id": id, "config": map[string]any{"key_names": names}}
}

// app is an approved developer's application with an approved registration for apiID.
func app(id, strategy string, mods ...func(*client.NodeApplication)) client.NodeApplication {
	a := client.NodeApplication{
		ID: id, Name: "app " + id, PortalID: "portal-1", DeveloperID: "dev-" + id,
		DeveloperStatus: "approved", AuthStrategyID: strategy,
		Registrations: []client.NodeRegistration{{APIID: apiID, Status: "approved"}},
	}
	for _, m := range mods {
		m(&a)
	}
	return a
}

func withKey(key string, expires *time.Time) func(*client.NodeApplication) {
	return func(a *client.NodeApplication) {
		a.Keys = append(a.Keys, client.NodeKey{Hash: hashOf(key), ExpiresAt: expires})
	}
}

func withRegistration(status, suspended string) func(*client.NodeApplication) {
	return func(a *client.NodeApplication) {
		a.Registrations = []client.NodeRegistration{{APIID: apiID, Status: status, SuspendedReason: suspended}}
	}
}

func withoutRegistration() func(*client.NodeApplication) {
	return func(a *client.NodeApplication) {
		a.Registrations = []client.NodeRegistration{{APIID: "api-other", Status: "approved"}}
	}
}

func withDeveloperStatus(s string) func(*client.NodeApplication) {
	return func(a *client.NodeApplication) { a.DeveloperStatus = s }
}

func withClientID(id string) func(*client.NodeApplication) {
	return func(a *client.NodeApplication) { a.ClientID = id }
}

func mustTable(t testing.TB, apps ...client.NodeApplication) *Table {
	t.Helper()
	tab, err := NewTable(apps)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func mustPolicy(t testing.TB, p client.Plugin, is *Issuers) *Policy {
	t.Helper()
	pol, err := NewPolicy(p, is)
	if err != nil {
		t.Fatal(err)
	}
	return pol
}

func checkDecision(t *testing.T, d Decision, status int, reason string) {
	t.Helper()
	if d.Allowed != (reason == ReasonAllowed) || d.Status != status || d.Reason != reason {
		t.Fatalf("decision = allowed %v, status %d, reason %q (%s); want status %d, reason %q",
			d.Allowed, d.Status, d.Reason, d.Detail, status, reason)
	}
	if status == 401 && d.Challenge == "" {
		t.Errorf("a 401 without a WWW-Authenticate challenge")
	}
	if !d.Allowed && d.Detail == "" {
		t.Errorf("a denial without a detail")
	}
}
