package core

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

var kaaTestStrategies = map[string]KAAStrategy{
	"s-key":  {ID: "s-key", Type: KAAStrategyKeyAuth, KeyNames: []string{"apikey", "x-api-key"}},
	"s-key2": {ID: "s-key2", Type: KAAStrategyKeyAuth, KeyNames: []string{"token"}},
	"s-oidc": {ID: "s-oidc", Type: KAAStrategyOpenIDConnect, OIDCConfig: map[string]any{
		"issuer":           "https://idp.example.com/realms/dev",
		"credential_claim": []any{"sub"},
		"scopes":           []string{"openid", "email"},
		"auth_methods":     []any{"client_credentials", "bearer"},
		"labels":           map[string]any{"team": "payments", "nested": map[string]any{"n": 2}},
		"unknown_upstream": true,
	}},
}

var kaaTestLink = &KAAServiceLink{ControlPlaneID: "cp-1", ServiceID: "svc-1"}

// kaaWant builds the plugin expected on the test link for API "api-1".
func kaaWant(link *KAAServiceLink, keyAuth, oidc []any) *KAAPlugin {
	return &KAAPlugin{
		ControlPlaneID: link.ControlPlaneID,
		ServiceID:      link.ServiceID,
		Name:           "konnect-application-auth",
		Enabled:        true,
		Protocols:      []string{"http", "https"},
		Tags:           []string{"konnect-managed-plugin"},
		Config: map[string]any{
			"scope":     "api-1",
			"auth_type": "v2-strategies",
			"v2_strategies": map[string]any{
				"key_auth":       keyAuth,
				"openid_connect": oidc,
			},
		},
	}
}

func kaaKeyEntry(id string, names ...any) any {
	return map[string]any{"strategy_id": id, "config": map[string]any{"key_names": names}}
}

func kaaOIDCEntry() any {
	return map[string]any{"strategy_id": "s-oidc", "config": map[string]any{
		"issuer":           "https://idp.example.com/realms/dev",
		"credential_claim": []any{"sub"},
		"scopes":           []string{"openid", "email"},
		"auth_methods":     []any{"client_credentials", "bearer"},
		"labels":           map[string]any{"team": "payments", "nested": map[string]any{"n": 2}},
		"unknown_upstream": true,
	}}
}

func TestKAADesiredPlugin(t *testing.T) {
	tests := []struct {
		name string
		pubs []KAAPublication
		link *KAAServiceLink
		want *KAAPlugin
	}{
		{
			name: "published before link",
			pubs: []KAAPublication{{PortalID: "p1", AuthStrategyIDs: []string{"s-key"}}},
		},
		{
			name: "linked, no publication",
			link: kaaTestLink,
		},
		{
			name: "linked and published with key auth",
			pubs: []KAAPublication{{PortalID: "p1", AuthStrategyIDs: []string{"s-key"}}},
			link: kaaTestLink,
			want: kaaWant(kaaTestLink, []any{kaaKeyEntry("s-key", "apikey", "x-api-key")}, []any{}),
		},
		{
			name: "publication without strategy",
			pubs: []KAAPublication{{PortalID: "p1"}},
			link: kaaTestLink,
		},
		{
			name: "publication without strategy next to one with",
			pubs: []KAAPublication{{PortalID: "p1"}, {PortalID: "p2", AuthStrategyIDs: []string{"s-key2"}}},
			link: kaaTestLink,
			want: kaaWant(kaaTestLink, []any{kaaKeyEntry("s-key2", "token")}, []any{}),
		},
		{
			name: "second portal with another strategy",
			pubs: []KAAPublication{
				{PortalID: "p2", AuthStrategyIDs: []string{"s-key2"}},
				{PortalID: "p1", AuthStrategyIDs: []string{"s-key"}},
			},
			link: kaaTestLink,
			want: kaaWant(kaaTestLink, []any{
				kaaKeyEntry("s-key", "apikey", "x-api-key"),
				kaaKeyEntry("s-key2", "token"),
			}, []any{}),
		},
		{
			name: "same strategy on two portals",
			pubs: []KAAPublication{
				{PortalID: "p1", AuthStrategyIDs: []string{"s-key"}},
				{PortalID: "p2", AuthStrategyIDs: []string{"s-key"}},
			},
			link: kaaTestLink,
			want: kaaWant(kaaTestLink, []any{kaaKeyEntry("s-key", "apikey", "x-api-key")}, []any{}),
		},
		{
			name: "openid connect fields passed through",
			pubs: []KAAPublication{
				{PortalID: "p1", AuthStrategyIDs: []string{"s-oidc"}},
				{PortalID: "p2", AuthStrategyIDs: []string{"s-key"}},
			},
			link: kaaTestLink,
			want: kaaWant(kaaTestLink, []any{kaaKeyEntry("s-key", "apikey", "x-api-key")}, []any{kaaOIDCEntry()}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := KAADesiredPlugin(KAAInput{
				APIID: "api-1", Publications: tt.pubs, Strategies: kaaTestStrategies, Link: tt.link,
			})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("KAADesiredPlugin() =\n%s\nwant\n%s", kaaJSON(t, got), kaaJSON(t, tt.want))
			}
		})
	}
}

func TestKAADesiredPluginEmptyListsAreArrays(t *testing.T) {
	got, err := KAADesiredPlugin(KAAInput{
		APIID:        "api-1",
		Publications: []KAAPublication{{PortalID: "p1", AuthStrategyIDs: []string{"s-bare"}}},
		Strategies:   map[string]KAAStrategy{"s-bare": {ID: "s-bare", Type: KAAStrategyKeyAuth}},
		Link:         kaaTestLink,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"auth_type":"v2-strategies","scope":"api-1","v2_strategies":{"key_auth":[{"config":{"key_names":[]},"strategy_id":"s-bare"}],"openid_connect":[]}}`
	if s := kaaJSON(t, got.Config); s != want {
		t.Errorf("config = %s, want %s", s, want)
	}
}

func TestKAADesiredPluginDoesNotAliasStrategies(t *testing.T) {
	strategies := map[string]KAAStrategy{"s-oidc": {ID: "s-oidc", Type: KAAStrategyOpenIDConnect, OIDCConfig: map[string]any{
		"scopes": []any{"openid"},
		"labels": map[string]any{"team": "a"},
	}}}
	got, err := KAADesiredPlugin(KAAInput{
		APIID:        "api-1",
		Publications: []KAAPublication{{PortalID: "p1", AuthStrategyIDs: []string{"s-oidc"}}},
		Strategies:   strategies,
		Link:         kaaTestLink,
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := got.Config["v2_strategies"].(map[string]any)["openid_connect"].([]any)[0].(map[string]any)["config"].(map[string]any)
	cfg["scopes"].([]any)[0] = "changed"
	cfg["labels"].(map[string]any)["team"] = "changed"
	orig := strategies["s-oidc"].OIDCConfig
	if orig["scopes"].([]any)[0] != "openid" || orig["labels"].(map[string]any)["team"] != "a" {
		t.Errorf("changing the plugin config changed the strategy: %v", orig)
	}
}

func TestKAADesiredPluginErrors(t *testing.T) {
	tests := []struct {
		name       string
		strategies map[string]KAAStrategy
		wantErr    string
	}{
		{"missing strategy", map[string]KAAStrategy{}, "auth strategy s-x, which does not exist"},
		{"unknown type", map[string]KAAStrategy{"s-x": {ID: "s-x", Type: "basic_auth"}}, `type "basic_auth"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := KAADesiredPlugin(KAAInput{
				APIID:        "api-1",
				Publications: []KAAPublication{{PortalID: "p1", AuthStrategyIDs: []string{"s-x"}}},
				Strategies:   tt.strategies,
				Link:         kaaTestLink,
			})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("KAADesiredPlugin() = %v, %v; want error containing %q", got, err, tt.wantErr)
			}
		})
	}
}

// TestKAALifecycle walks an API through publish, link, edits, relink and unpublish, reconciling the
// plugins the previous step left in place against the new desired state at every step.
func TestKAALifecycle(t *testing.T) {
	link2 := &KAAServiceLink{ControlPlaneID: "cp-1", ServiceID: "svc-2"}
	keyNamesChanged := map[string]KAAStrategy{
		"s-key": {ID: "s-key", Type: KAAStrategyKeyAuth, KeyNames: []string{"x-key"}},
	}
	pubKey := []KAAPublication{{PortalID: "p1", AuthStrategyIDs: []string{"s-key"}}}
	type counts struct{ create, update, delete int }
	steps := []struct {
		name       string
		pubs       []KAAPublication
		strategies map[string]KAAStrategy
		link       *KAAServiceLink
		want       counts
		// wantOn is the service that must carry the plugin after the step; "" for none.
		wantOn string
	}{
		{name: "publish before link", pubs: pubKey},
		{name: "link", pubs: pubKey, link: kaaTestLink, want: counts{create: 1}, wantOn: "svc-1"},
		{name: "no change", pubs: pubKey, link: kaaTestLink, wantOn: "svc-1"},
		{name: "key names change", pubs: pubKey, strategies: keyNamesChanged, link: kaaTestLink, want: counts{update: 1}, wantOn: "svc-1"},
		{name: "second portal", pubs: append(pubKey[:1:1], KAAPublication{PortalID: "p2", AuthStrategyIDs: []string{"s-oidc"}}),
			link: kaaTestLink, want: counts{update: 1}, wantOn: "svc-1"},
		{name: "relink transfers", pubs: append(pubKey[:1:1], KAAPublication{PortalID: "p2", AuthStrategyIDs: []string{"s-oidc"}}),
			link: link2, want: counts{create: 1, delete: 1}, wantOn: "svc-2"},
		{name: "unlink", pubs: pubKey, want: counts{delete: 1}},
		{name: "relink", pubs: pubKey, link: link2, want: counts{create: 1}, wantOn: "svc-2"},
		{name: "null strategy only", pubs: []KAAPublication{{PortalID: "p1"}}, link: link2, want: counts{delete: 1}},
		{name: "republish", pubs: pubKey, link: link2, want: counts{create: 1}, wantOn: "svc-2"},
		{name: "unpublish all", link: link2, want: counts{delete: 1}},
	}
	var current []KAAPlugin
	nextID := 0
	for _, st := range steps {
		strategies := kaaTestStrategies
		if st.strategies != nil {
			strategies = st.strategies
		}
		desired, err := KAADesiredPlugin(KAAInput{APIID: "api-1", Publications: st.pubs, Strategies: strategies, Link: st.link})
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		var want []KAAPlugin
		if desired != nil {
			want = append(want, *desired)
		}
		plan := KAAReconcile(current, want)
		if got := (counts{len(plan.Create), len(plan.Update), len(plan.Delete)}); got != st.want {
			t.Fatalf("%s: plan %+v has %+v changes, want %+v", st.name, plan, got, st.want)
		}
		current = kaaApply(t, current, plan, &nextID)
		switch {
		case st.wantOn == "" && len(current) != 0:
			t.Fatalf("%s: plugins left: %+v", st.name, current)
		case st.wantOn != "" && (len(current) != 1 || current[0].ServiceID != st.wantOn):
			t.Fatalf("%s: plugins %+v, want one on %s", st.name, current, st.wantOn)
		case st.wantOn != "" && KAAPluginScope(current[0]) != "api-1":
			t.Fatalf("%s: scope %q, want api-1", st.name, KAAPluginScope(current[0]))
		}
		if again := KAAReconcile(current, want); !again.Empty() {
			t.Fatalf("%s: second reconcile is not empty: %+v", st.name, again)
		}
	}
}

// kaaApply plays a plan against stored plugins the way a store would, including the JSON round trip of
// the config, so the next reconcile sees what storage would return.
func kaaApply(t *testing.T, current []KAAPlugin, plan KAAPlan, nextID *int) []KAAPlugin {
	t.Helper()
	byID := map[string]KAAPlugin{}
	for _, c := range current {
		byID[c.ID] = c
	}
	for _, d := range plan.Delete {
		if _, ok := byID[d.ID]; !ok {
			t.Fatalf("plan deletes unknown plugin %s", d.ID)
		}
		delete(byID, d.ID)
	}
	for _, u := range plan.Update {
		if _, ok := byID[u.ID]; !ok {
			t.Fatalf("plan updates unknown plugin %s", u.ID)
		}
		byID[u.ID] = kaaRoundTrip(t, u)
	}
	for _, c := range plan.Create {
		if c.ID != "" {
			t.Fatalf("plan creates a plugin with id %s", c.ID)
		}
		*nextID++
		c.ID = fmt.Sprintf("plugin-%d", *nextID)
		byID[c.ID] = kaaRoundTrip(t, c)
	}
	var out []KAAPlugin
	for _, p := range byID {
		out = append(out, p)
	}
	return out
}

func kaaRoundTrip(t *testing.T, p KAAPlugin) KAAPlugin {
	t.Helper()
	var cfg map[string]any
	if err := json.Unmarshal([]byte(kaaJSON(t, p.Config)), &cfg); err != nil {
		t.Fatal(err)
	}
	p.Config = cfg
	return p
}

func kaaJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestKAAReconcile(t *testing.T) {
	desired := *kaaWant(kaaTestLink, []any{kaaKeyEntry("s-key", "apikey")}, []any{})
	withID := func(p KAAPlugin, id string) KAAPlugin { p.ID = id; return p }
	onService := func(p KAAPlugin, cp, svc string) KAAPlugin { p.ControlPlaneID, p.ServiceID = cp, svc; return p }
	disabled := withID(desired, "a")
	disabled.Enabled = false
	otherConfig := withID(*kaaWant(kaaTestLink, []any{kaaKeyEntry("s-key", "x-key")}, []any{}), "a")

	tests := []struct {
		name             string
		current, desired []KAAPlugin
		want             KAAPlan
	}{
		{name: "nothing"},
		{
			name:    "create",
			desired: []KAAPlugin{desired},
			want:    KAAPlan{Create: []KAAPlugin{desired}},
		},
		{
			name:    "create ignores a desired id",
			desired: []KAAPlugin{withID(desired, "stale")},
			want:    KAAPlan{Create: []KAAPlugin{desired}},
		},
		{
			name:    "equal",
			current: []KAAPlugin{withID(desired, "a")},
			desired: []KAAPlugin{desired},
		},
		{
			name:    "config differs",
			current: []KAAPlugin{otherConfig},
			desired: []KAAPlugin{desired},
			want:    KAAPlan{Update: []KAAPlugin{withID(desired, "a")}},
		},
		{
			name:    "disabled out of band",
			current: []KAAPlugin{disabled},
			desired: []KAAPlugin{desired},
			want:    KAAPlan{Update: []KAAPlugin{withID(desired, "a")}},
		},
		{
			name:    "same service id on another control plane is another service",
			current: []KAAPlugin{withID(onService(desired, "cp-2", "svc-1"), "a")},
			desired: []KAAPlugin{desired},
			want: KAAPlan{
				Create: []KAAPlugin{desired},
				Delete: []KAAPlugin{withID(onService(desired, "cp-2", "svc-1"), "a")},
			},
		},
		{
			name:    "duplicates on one service keep the lowest id",
			current: []KAAPlugin{withID(desired, "c"), otherConfig, withID(desired, "b")},
			desired: []KAAPlugin{desired},
			want: KAAPlan{
				Update: []KAAPlugin{withID(desired, "a")},
				Delete: []KAAPlugin{withID(desired, "b"), withID(desired, "c")},
			},
		},
		{
			name:    "one plugin per service even if two are desired",
			desired: []KAAPlugin{withID(otherConfig, ""), desired},
			want:    KAAPlan{Create: []KAAPlugin{withID(otherConfig, "")}},
		},
		{
			name:    "deletes in stable order",
			current: []KAAPlugin{withID(onService(desired, "cp-1", "svc-9"), "z"), withID(onService(desired, "cp-1", "svc-3"), "y")},
			want: KAAPlan{Delete: []KAAPlugin{
				withID(onService(desired, "cp-1", "svc-3"), "y"),
				withID(onService(desired, "cp-1", "svc-9"), "z"),
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := KAAReconcile(tt.current, tt.desired)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("KAAReconcile() =\n%+v\nwant\n%+v", got, tt.want)
			}
			if got.Empty() != (len(tt.want.Create)+len(tt.want.Update)+len(tt.want.Delete) == 0) {
				t.Errorf("Empty() = %v for %+v", got.Empty(), got)
			}
		})
	}
}

func TestKAAIsManagedPlugin(t *testing.T) {
	tests := []struct {
		name string
		tags []string
		want bool
	}{
		{"konnect-application-auth", nil, true},
		{"key-auth", []string{"team-a", "konnect-managed-plugin"}, true},
		{"key-auth", []string{"team-a"}, false},
		{"rate-limiting", nil, false},
	}
	for _, tt := range tests {
		if got := KAAIsManagedPlugin(tt.name, tt.tags); got != tt.want {
			t.Errorf("KAAIsManagedPlugin(%q, %q) = %v, want %v", tt.name, tt.tags, got, tt.want)
		}
	}
}
