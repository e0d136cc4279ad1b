package appauth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/oidctest"
)

const oidcStrategyID = "strategy-oidc"

func oidcStrategyConfig(id, issuer string, extra map[string]any) map[string]any {
	cfg := map[string]any{
		"issuer":           issuer,
		"credential_claim": []string{"client_id"},
		"scopes":           []string{"orders:read"},
		"auth_methods":     []string{"client_credentials", "bearer"},
	}
	for k, v := range extra {
		cfg[k] = v
	}
	return map[string]any{"strategy_id": id, "config": cfg}
}

// oidcSetup is a test issuer, a policy with one OpenID Connect strategy of that issuer (and a
// key-auth strategy), and a table with application "ok" (client id "client-ok").
type oidcSetup struct {
	iss     *oidctest.Issuer
	issuers *Issuers
	pol     *Policy
	tab     *Table
}

func newOIDCSetup(t *testing.T, extra map[string]any) *oidcSetup {
	t.Helper()
	iss := oidctest.New(t)
	issuers := NewIssuers(nil, IssuerOptions{MinRefetchInterval: -1})
	pol := mustPolicy(t, plugin(t, map[string]any{
		"key_auth":       []any{keyAuth(keyStrategy, "apikey")},
		"openid_connect": []any{oidcStrategyConfig(oidcStrategyID, iss.URL(), extra)},
	}), issuers)
	tab := mustTable(t,
		app("ok", oidcStrategyID, withClientID("client-ok")),
		app("pending", oidcStrategyID, withClientID("client-pending"), withRegistration("pending", "")),
		app("key-app", keyStrategy, withClientID("client-key-app")),
	)
	return &oidcSetup{iss: iss, issuers: issuers, pol: pol, tab: tab}
}

func (s *oidcSetup) authorize(t *testing.T, token string) Decision {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "/orders", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	d := s.pol.Authorize(context.Background(), s.tab, r, time.Now())
	if token != "" && strings.Contains(d.Detail, token) {
		t.Errorf("the decision shows the token")
	}
	return d
}

// claims are valid claims for client-ok; mods change them.
func (s *oidcSetup) claims(mods map[string]any) map[string]any {
	n := time.Now()
	c := map[string]any{
		"iss": s.iss.URL(), "sub": "client-ok", "client_id": "client-ok", "scope": "openid orders:read",
		"iat": n.Unix(), "nbf": n.Unix(), "exp": n.Add(5 * time.Minute).Unix(),
	}
	for k, v := range mods {
		if v == nil {
			delete(c, k)
			continue
		}
		c[k] = v
	}
	return c
}

func TestAuthorizeToken(t *testing.T) {
	s := newOIDCSetup(t, nil)
	otherKey := oidctest.NewRSAKey(t)
	n := time.Now()
	cases := []struct {
		name   string
		token  func() string
		status int
		reason string
		detail string // part of the detail, when several checks could refuse the token
	}{
		{"valid token", func() string { return s.iss.Token("client-ok", []string{"orders:read"}, time.Minute) }, 0, ReasonAllowed, ""},
		{"scope in scp array", func() string {
			return s.iss.Sign(s.claims(map[string]any{"scope": nil, "scp": []string{"orders:read"}}))
		}, 0, ReasonAllowed, ""},
		{"expired token", func() string { return s.iss.Token("client-ok", []string{"orders:read"}, -2*time.Minute) }, 401, ReasonInvalidToken, "expired"},
		{"expired within the leeway", func() string {
			return s.iss.Sign(s.claims(map[string]any{"exp": n.Add(-30 * time.Second).Unix()}))
		}, 0, ReasonAllowed, ""},
		{"no exp", func() string { return s.iss.Sign(s.claims(map[string]any{"exp": nil})) }, 401, ReasonInvalidToken, "no expiry"},
		{"nbf in the future", func() string {
			return s.iss.Sign(s.claims(map[string]any{"nbf": n.Add(5 * time.Minute).Unix()}))
		}, 401, ReasonInvalidToken, "nbf"},
		{"iat in the future", func() string {
			return s.iss.Sign(s.claims(map[string]any{"iat": n.Add(5 * time.Minute).Unix()}))
		}, 401, ReasonInvalidToken, "iat"},
		{"wrong iss", func() string {
			return s.iss.Sign(s.claims(map[string]any{"iss": "https://other.example.com"}))
		}, 401, ReasonInvalidToken, "issuer"},
		{"missing scope", func() string { return s.iss.Token("client-ok", []string{"orders:write"}, time.Minute) }, 401, ReasonInvalidToken, "orders:read"},
		{"alg none", func() string { return unsignedToken(s.claims(nil)) }, 401, ReasonInvalidToken, "RS256"},
		{"HS256 with the public key as secret", func() string { return hs256Token(t, s.claims(nil), s.iss.KeyID()) }, 401, ReasonInvalidToken, "RS256"},
		{"signed by an unknown key", func() string {
			return oidctest.SignRS256(t, otherKey, "not-published", s.claims(nil))
		}, 401, ReasonInvalidToken, "does not publish"},
		{"signed by another key under a published kid", func() string {
			return oidctest.SignRS256(t, otherKey, s.iss.KeyID(), s.claims(nil))
		}, 401, ReasonInvalidToken, "signature"},
		{"not a JWT", func() string { return "not-a-token" }, 401, ReasonInvalidToken, ""},
		{"no credential claim", func() string { return s.iss.Sign(s.claims(map[string]any{"client_id": nil})) }, 401, ReasonInvalidToken, "names the application"},
		{"unknown client", func() string { return s.iss.Token("client-nobody", []string{"orders:read"}, time.Minute) }, 401, ReasonUnknownClient, ""},
		{"registration pending", func() string { return s.iss.Token("client-pending", []string{"orders:read"}, time.Minute) }, 403, ReasonRegistrationPending, ""},
		{"application of a key-auth strategy", func() string {
			return s.iss.Token("client-key-app", []string{"orders:read"}, time.Minute)
		}, 403, ReasonStrategyNotAccepted, ""},
		{"empty bearer", func() string { return "" }, 401, ReasonMissingCredential, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := s.authorize(t, c.token())
			checkDecision(t, d, c.status, c.reason)
			if !strings.Contains(d.Detail, c.detail) {
				t.Errorf("detail %q does not mention %q", d.Detail, c.detail)
			}
			if c.reason == ReasonAllowed && (d.App == nil || d.App.ID != "ok" || d.StrategyID != oidcStrategyID) {
				t.Errorf("App = %+v, StrategyID %q; want application ok of %s", d.App, d.StrategyID, oidcStrategyID)
			}
		})
	}
}

func TestAuthorizeTokenAudience(t *testing.T) {
	s := newOIDCSetup(t, map[string]any{"audience": []string{"orders-api", "legacy"}})
	s.iss.SetAudience("legacy")
	checkDecision(t, s.authorize(t, s.iss.Token("client-ok", []string{"orders:read"}, time.Minute)), 0, ReasonAllowed)
	s.iss.SetAudience("billing-api")
	checkDecision(t, s.authorize(t, s.iss.Token("client-ok", []string{"orders:read"}, time.Minute)), 401, ReasonInvalidToken)
	s.iss.SetAudience()
	checkDecision(t, s.authorize(t, s.iss.Token("client-ok", []string{"orders:read"}, time.Minute)), 401, ReasonInvalidToken)
	checkDecision(t, s.authorize(t, s.iss.Sign(s.claims(map[string]any{"aud": "orders-api"}))), 0, ReasonAllowed)
}

func TestAuthorizeTokenRotation(t *testing.T) {
	s := newOIDCSetup(t, nil)
	checkDecision(t, s.authorize(t, s.iss.Token("client-ok", []string{"orders:read"}, time.Minute)), 0, ReasonAllowed)
	checkDecision(t, s.authorize(t, s.iss.Token("client-ok", []string{"orders:read"}, time.Minute)), 0, ReasonAllowed)
	if n := s.iss.FetchCount(); n != 1 {
		t.Fatalf("JWKS fetched %d times for two tokens of one key, want 1", n)
	}
	oldToken := s.iss.Token("client-ok", []string{"orders:read"}, time.Minute)
	s.iss.Rotate(false)
	checkDecision(t, s.authorize(t, s.iss.Token("client-ok", []string{"orders:read"}, time.Minute)), 0, ReasonAllowed)
	if n := s.iss.FetchCount(); n != 2 {
		t.Fatalf("JWKS fetched %d times after a rotation, want 2 (one refetch)", n)
	}
	// The old key is gone from the JWKS; its tokens no longer verify.
	checkDecision(t, s.authorize(t, oldToken), 401, ReasonInvalidToken)
}

func TestAuthorizeTokenUnknownKidOneFetchForConcurrentRequests(t *testing.T) {
	s := newOIDCSetup(t, nil)
	checkDecision(t, s.authorize(t, s.iss.Token("client-ok", []string{"orders:read"}, time.Minute)), 0, ReasonAllowed)
	s.iss.Rotate(true)
	token := s.iss.Token("client-ok", []string{"orders:read"}, time.Minute)
	var wg sync.WaitGroup
	decisions := make([]Decision, 20)
	for i := range decisions {
		wg.Go(func() {
			r := httptest.NewRequest(http.MethodGet, "/orders", nil)
			r.Header.Set("Authorization", "Bearer "+token)
			decisions[i] = s.pol.Authorize(context.Background(), s.tab, r, time.Now())
		})
	}
	wg.Wait()
	for i, d := range decisions {
		if !d.Allowed {
			t.Errorf("request %d: %+v", i, d)
		}
	}
	if n := s.iss.FetchCount(); n != 2 {
		t.Errorf("JWKS fetched %d times, want 2: the first use and one refetch for all concurrent requests", n)
	}
}

func TestAuthorizeTokenMinRefetchInterval(t *testing.T) {
	s := newOIDCSetup(t, nil)
	s.issuers = NewIssuers(nil, IssuerOptions{MinRefetchInterval: time.Hour})
	s.pol.issuers = s.issuers
	checkDecision(t, s.authorize(t, s.iss.Token("client-ok", []string{"orders:read"}, time.Minute)), 0, ReasonAllowed)
	other := oidctest.NewRSAKey(t)
	for range 5 {
		checkDecision(t, s.authorize(t, oidctest.SignRS256(t, other, "random-kid", s.claims(nil))), 401, ReasonInvalidToken)
	}
	if n := s.iss.FetchCount(); n != 1 {
		t.Errorf("JWKS fetched %d times, want 1: unknown key ids must not refetch within the interval", n)
	}
}

func TestAuthorizeTokenIssuerDown(t *testing.T) {
	t.Run("on first use", func(t *testing.T) {
		s := newOIDCSetup(t, nil)
		token := s.iss.Token("client-ok", []string{"orders:read"}, time.Minute)
		s.iss.SetDown(true)
		checkDecision(t, s.authorize(t, token), 503, ReasonIssuerUnavailable)
		s.iss.SetDown(false)
		checkDecision(t, s.authorize(t, token), 0, ReasonAllowed)
	})
	t.Run("closed on first use", func(t *testing.T) {
		s := newOIDCSetup(t, nil)
		token := s.iss.Token("client-ok", []string{"orders:read"}, time.Minute)
		s.iss.Close()
		checkDecision(t, s.authorize(t, token), 503, ReasonIssuerUnavailable)
	})
	t.Run("after keys were cached", func(t *testing.T) {
		s := newOIDCSetup(t, nil)
		checkDecision(t, s.authorize(t, s.iss.Token("client-ok", []string{"orders:read"}, time.Minute)), 0, ReasonAllowed)
		token := s.iss.Token("client-ok", []string{"orders:read"}, time.Minute)
		s.iss.Close()
		checkDecision(t, s.authorize(t, token), 0, ReasonAllowed)
	})
	t.Run("after keys went stale", func(t *testing.T) {
		s := newOIDCSetup(t, nil)
		checkDecision(t, s.authorize(t, s.iss.Token("client-ok", []string{"orders:read"}, time.Minute)), 0, ReasonAllowed)
		token := s.iss.Token("client-ok", []string{"orders:read"}, time.Minute)
		s.issuers.now = func() time.Time { return time.Now().Add(2 * DefaultKeysMaxAge) }
		s.iss.SetDown(true)
		checkDecision(t, s.authorize(t, token), 0, ReasonAllowed)
		if n := s.iss.FetchCount(); n != 2 {
			t.Errorf("JWKS fetched %d times, want 2: stale keys are refreshed, and kept when that fails", n)
		}
	})
}

func TestIssuerURLs(t *testing.T) {
	for _, u := range []string{"https://idp.example.com", "http://127.0.0.1:8080", "http://localhost/realms/x", "http://[::1]:9000"} {
		if err := CheckIssuerURL(u); err != nil {
			t.Errorf("CheckIssuerURL(%q) = %v, want nil", u, err)
		}
	}
	for _, u := range []string{"http://idp.example.com", "ftp://idp.example.com", "https://", "::"} {
		if err := CheckIssuerURL(u); err == nil {
			t.Errorf("CheckIssuerURL(%q) = nil, want an error", u)
		}
	}
	// A strategy whose issuer the node may not fetch answers 503 without any request.
	pol := mustPolicy(t, plugin(t, map[string]any{"openid_connect": []any{
		oidcStrategyConfig(oidcStrategyID, "http://idp.example.com", nil),
	}}), NewIssuers(nil, IssuerOptions{}))
	claims := map[string]any{"iss": "http://idp.example.com", "client_id": "c", "exp": time.Now().Add(time.Minute).Unix()}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Authorization", "Bearer "+oidctest.SignRS256(t, oidctest.NewRSAKey(t), "k", claims))
	d := pol.Authorize(context.Background(), mustTable(t), r, time.Now())
	checkDecision(t, d, 503, ReasonIssuerUnavailable)
	if !strings.Contains(d.Detail, "https") {
		t.Errorf("detail %q should say to use https", d.Detail)
	}
}

func TestIssuerFetchLimits(t *testing.T) {
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"issuer":"` + strings.Repeat("x", 2<<20) + `"}`))
	}))
	t.Cleanup(big.Close)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	t.Cleanup(slow.Close)
	is := NewIssuers(nil, IssuerOptions{MinRefetchInterval: -1})
	_, err := is.signingKeys(context.Background(), big.URL, "k")
	if err == nil || !strings.Contains(err.Error(), "larger than 1048576 bytes") {
		t.Errorf("oversized discovery document: err = %v, want a body size error", err)
	}
	// The fetch timeout bounds an issuer that never answers.
	is = NewIssuers(nil, IssuerOptions{Timeout: 100 * time.Millisecond, MinRefetchInterval: -1})
	_, err = is.signingKeys(context.Background(), slow.URL, "k")
	if err == nil || !strings.Contains(err.Error(), slow.URL) {
		t.Errorf("issuer that never answers: err = %v, want an error naming it", err)
	}
}

func unsignedToken(claims map[string]any) string {
	return segment(map[string]any{"alg": "none", "typ": "JWT"}) + "." + segment(claims) + "."
}

// hs256Token signs with HMAC: whatever the secret (an attacker would try the issuer's public key),
// HS256 must be refused before any key is looked at.
func hs256Token(t *testing.T, claims map[string]any, kid string) string {
	t.Helper()
	input := segment(map[string]any{"alg": "HS256", "typ": "JWT", "kid": kid}) + "." + segment(claims)
	mac := hmac.New(sha256.New, []byte("secret-"+kid))
	mac.Write([]byte(input))
	return input + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

func segment(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}
