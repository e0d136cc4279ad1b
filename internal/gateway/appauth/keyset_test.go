package appauth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// TestAuthorizeTokenECKeyInMixedKeySet verifies an ES256 token against a key set that also holds
// keys the node must ignore: a symmetric key, an encryption key and a key type it cannot parse.
func TestAuthorizeTokenECKeyInMixedKeySet(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			_ = json.NewEncoder(w).Encode(map[string]string{"issuer": srv.URL, "jwks_uri": srv.URL + "/keys"})
		case "/keys":
			sig, _ := json.Marshal(jose.JSONWebKey{Key: &ec.PublicKey, KeyID: "ec-1", Algorithm: "ES256", Use: "sig"})
			enc, _ := json.Marshal(jose.JSONWebKey{Key: &ec.PublicKey, KeyID: "ec-enc", Use: "enc"})
			oct, _ := json.Marshal(jose.JSONWebKey{Key: []byte("0123456789abcdef0123456789abcdef"), KeyID: "oct-1", Algorithm: "HS256"})
			_ = json.NewEncoder(w).Encode(map[string]any{"keys": []json.RawMessage{
				json.RawMessage(`{"kty":"OKP-unknown","kid":"x"}`), oct, enc, sig,
			}})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)

	is := NewIssuers(nil, IssuerOptions{MinRefetchInterval: -1})
	keys, err := is.signingKeys(context.Background(), srv.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0].KeyID != "ec-1" {
		t.Fatalf("usable keys %v, want only ec-1", keys)
	}

	pol := mustPolicy(t, plugin(t, map[string]any{"openid_connect": []any{oidcStrategyConfig(oidcStrategyID, srv.URL, nil)}}), is)
	tab := mustTable(t, app("ok", oidcStrategyID, withClientID("client-ok")))
	claims, _ := json.Marshal(map[string]any{
		"iss": srv.URL, "client_id": "client-ok", "scope": "orders:read", "exp": time.Now().Add(time.Minute).Unix(),
	})
	for _, kid := range []string{"ec-1", ""} {
		opts := &jose.SignerOptions{}
		if kid != "" {
			opts = opts.WithHeader("kid", kid)
		}
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: ec}, opts)
		if err != nil {
			t.Fatal(err)
		}
		jws, err := signer.Sign(claims)
		if err != nil {
			t.Fatal(err)
		}
		token, _ := jws.CompactSerialize()
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Authorization", "Bearer "+token)
		checkDecision(t, pol.Authorize(context.Background(), tab, r, time.Now()), 0, ReasonAllowed)
	}
}
