package appauth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestAuthorizeKey(t *testing.T) {
	past, future := now.Add(-time.Second), now.Add(time.Hour)
	tab := mustTable(t,
		app("ok", keyStrategy, withKey("k-ok", nil)),
		app("later", keyStrategy, withKey("k-later", &future)),
		app("expired", keyStrategy, withKey("k-expired", &past)),
		app("expiring-now", keyStrategy, withKey("k-now", &now)),
		app("unregistered", keyStrategy, withKey("k-unregistered", nil), withoutRegistration()),
		app("pending", keyStrategy, withKey("k-pending", nil), withRegistration("pending", "")),
		app("rejected", keyStrategy, withKey("k-rejected", nil), withRegistration("rejected", "")),
		app("revoked", keyStrategy, withKey("k-revoked", nil), withRegistration("revoked", "")),
		app("suspended", keyStrategy, withKey("k-suspended", nil), withRegistration("approved", "strategy_removed")),
		app("other-strategy", "strategy-other", withKey("k-other", nil)),
		app("dev-pending", keyStrategy, withKey("k-dev-pending", nil), withDeveloperStatus("pending")),
		app("dev-revoked", keyStrategy, withKey("k-dev-revoked", nil), withDeveloperStatus("revoked")),
	)
	pol := mustPolicy(t, plugin(t, map[string]any{"key_auth": []any{keyAuth(keyStrategy, "apikey", "x-api-key")}}), nil)
	cases := []struct {
		name   string
		key    string // presented in the apikey header; "" presents none
		status int
		reason string
		app    string
	}{
		{"approved", "k-ok", 0, ReasonAllowed, "ok"},
		{"key expiring later", "k-later", 0, ReasonAllowed, "later"},
		{"no key", "", 401, ReasonMissingCredential, ""},
		{"unknown key", "k-nobody", 401, ReasonUnknownKey, ""},
		{"expired key", "k-expired", 401, ReasonExpiredKey, "expired"},
		{"key expiring now", "k-now", 401, ReasonExpiredKey, "expiring-now"},
		{"no registration for the API", "k-unregistered", 403, ReasonNotRegistered, "unregistered"},
		{"registration pending", "k-pending", 403, ReasonRegistrationPending, "pending"},
		{"registration rejected", "k-rejected", 403, ReasonRegistrationRejected, "rejected"},
		{"registration revoked", "k-revoked", 403, ReasonRegistrationRevoked, "revoked"},
		{"registration suspended", "k-suspended", 403, ReasonSuspended, "suspended"},
		{"strategy not accepted", "k-other", 403, ReasonStrategyNotAccepted, "other-strategy"},
		{"developer pending", "k-dev-pending", 403, ReasonDeveloperNotApproved, "dev-pending"},
		{"developer revoked", "k-dev-revoked", 403, ReasonDeveloperNotApproved, "dev-revoked"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/orders", nil)
			if c.key != "" {
				r.Header.Set("apikey", c.key)
			}
			d := pol.Authorize(context.Background(), tab, r, now)
			checkDecision(t, d, c.status, c.reason)
			if c.app == "" {
				if d.App != nil {
					t.Errorf("App = %s, want none", d.App.ID)
				}
			} else if d.App == nil || d.App.ID != c.app || d.StrategyID != d.App.AuthStrategyID {
				t.Errorf("App = %+v, StrategyID %q; want application %s and its strategy", d.App, d.StrategyID, c.app)
			}
			if c.key != "" && strings.Contains(d.Detail+d.Challenge, c.key) {
				t.Errorf("the decision shows the key: %q", d.Detail)
			}
			if r.Header.Get("apikey") != "" {
				t.Errorf("the key is still in the request headers")
			}
		})
	}
}

func TestAuthorizeKeyWithoutDeveloper(t *testing.T) {
	// An application the administrator owns has no developer to approve.
	a := app("admin-app", keyStrategy, withKey("k", nil))
	a.DeveloperID, a.DeveloperStatus = "", ""
	pol := mustPolicy(t, plugin(t, map[string]any{"key_auth": []any{keyAuth(keyStrategy)}}), nil)
	r := httptest.NewRequest(http.MethodGet, "/?apikey=k", nil)
	checkDecision(t, pol.Authorize(context.Background(), mustTable(t, a), r, now), 0, ReasonAllowed)
}

func TestAuthorizeRemovesKeys(t *testing.T) {
	tab := mustTable(t, app("ok", keyStrategy, withKey("good", nil)))
	pol := mustPolicy(t, plugin(t, map[string]any{"key_auth": []any{
		keyAuth(keyStrategy, "apikey", "X-API-Key"), keyAuth("strategy-2", "token"),
	}}), nil)
	cases := []struct {
		name      string
		target    string
		headers   map[string]string
		reason    string
		wantQuery string
	}{
		{"header", "/o?a=1", map[string]string{"Apikey": "good"}, ReasonAllowed, "a=1"},
		{"header, other case", "/o", map[string]string{"x-api-key": "good"}, ReasonAllowed, ""},
		{"query", "/o?a=1&apikey=good&b=2", nil, ReasonAllowed, "a=1&b=2"},
		{"query, escaped name and value", "/o?a=1&api%6Bey=go%6Fd", nil, ReasonAllowed, "a=1"},
		{"every name removed, header wins", "/o?token=bad&apikey=bad&c=3", map[string]string{"X-Api-Key": "good", "Token": "bad"},
			ReasonAllowed, "c=3"},
		{"removed when refused", "/o?apikey=bad", nil, ReasonUnknownKey, ""},
		{"empty key is no key", "/o?apikey=", nil, ReasonMissingCredential, ""},
		{"names are exact in the query", "/o?APIKEY=good", nil, ReasonMissingCredential, "APIKEY=good"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, c.target, nil)
			for k, v := range c.headers {
				r.Header.Set(k, v)
			}
			d := pol.Authorize(context.Background(), tab, r, now)
			if d.Reason != c.reason {
				t.Fatalf("reason %q (%s), want %q", d.Reason, d.Detail, c.reason)
			}
			for _, h := range []string{"Apikey", "X-Api-Key", "Token"} {
				if _, ok := r.Header[h]; ok {
					t.Errorf("header %s still present", h)
				}
			}
			if r.URL.RawQuery != c.wantQuery {
				t.Errorf("query = %q, want %q", r.URL.RawQuery, c.wantQuery)
			}
			if strings.Contains(r.RequestURI, "good") && c.wantQuery != "APIKEY=good" {
				t.Errorf("RequestURI still holds the key: %q", r.RequestURI)
			}
		})
	}
}

func TestNewPolicyErrors(t *testing.T) {
	good := plugin(t, map[string]any{"key_auth": []any{keyAuth(keyStrategy)}})
	unmanaged := good
	unmanaged.Tags = nil
	noScope := good
	noScope.Config = []byte(`{"v2_strategies":{"key_auth":[{"strategy_id":"s","config":{"key_names":["k"]}}]}}`)
	empty := plugin(t, map[string]any{"key_auth": []any{}, "openid_connect": []any{}})
	badOIDC := plugin(t, map[string]any{"openid_connect": []any{map[string]any{"strategy_id": "s-oidc", "config": map[string]any{"scopes": []string{"a"}}}}})
	oidcWithoutIssuers := plugin(t, map[string]any{"openid_connect": []any{oidcStrategyConfig("s-oidc", "https://idp.example.com", nil)}})
	cases := []struct {
		name    string
		p       client.Plugin
		is      *Issuers
		mention string
	}{
		{"not managed", unmanaged, nil, "not a managed"},
		{"no scope", noScope, nil, "scope"},
		{"no strategies", empty, nil, "no strategy"},
		{"openid connect without issuer", badOIDC, NewIssuers(nil, IssuerOptions{}), "issuer"},
		{"openid connect without Issuers", oidcWithoutIssuers, nil, "Issuers"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewPolicy(c.p, c.is)
			if err == nil {
				t.Fatal("NewPolicy accepted the plugin")
			}
			if !strings.Contains(err.Error(), "plugin-1") || !strings.Contains(err.Error(), c.mention) {
				t.Errorf("error %q should name plugin-1 and mention %q", err, c.mention)
			}
		})
	}
}

// BenchmarkAuthorizeKey is the fast path: a known key in a header, approved.
func BenchmarkAuthorizeKey(b *testing.B) {
	tab, err := NewTable(manyApps(10_000))
	if err != nil {
		b.Fatal(err)
	}
	pol := mustPolicy(b, plugin(b, map[string]any{"key_auth": []any{keyAuth(keyStrategy, "apikey")}}), nil)
	r := httptest.NewRequest(http.MethodGet, "/orders?page=2", nil)
	ctx := context.Background()
	key := []string{"key-1234"}
	b.ReportAllocs()
	for b.Loop() {
		r.Header["Apikey"] = key
		if d := pol.Authorize(ctx, tab, r, now); !d.Allowed {
			b.Fatalf("%+v", d)
		}
	}
}
