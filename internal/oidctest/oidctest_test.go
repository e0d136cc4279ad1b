package oidctest

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode
}

func kids(t *testing.T, iss *Issuer) []string {
	t.Helper()
	var set jose.JSONWebKeySet
	if status := getJSON(t, iss.URL()+JWKSPath, &set); status != http.StatusOK {
		t.Fatalf("JWKS: status %d", status)
	}
	var out []string
	for _, k := range set.Keys {
		if !k.IsPublic() {
			t.Fatalf("the JWKS serves a private key")
		}
		out = append(out, k.KeyID)
	}
	return out
}

func TestIssuer(t *testing.T) {
	iss := New(t)
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if status := getJSON(t, iss.URL()+DiscoveryPath, &doc); status != http.StatusOK || doc.Issuer != iss.URL() || doc.JWKSURI != iss.URL()+JWKSPath {
		t.Fatalf("discovery: status %d, %+v", status, doc)
	}
	first := iss.KeyID()
	if got := kids(t, iss); len(got) != 1 || got[0] != first {
		t.Fatalf("JWKS kids %v, want [%s]", got, first)
	}

	token := iss.Token("client-1", []string{"a", "b"}, time.Minute)
	jws, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	if jws.Signatures[0].Header.KeyID != first {
		t.Errorf("token kid %q, want %q", jws.Signatures[0].Header.KeyID, first)
	}
	var claims map[string]any
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &claims); err != nil {
		t.Fatal(err)
	}
	if claims["iss"] != iss.URL() || claims["client_id"] != "client-1" || claims["scope"] != "a b" || claims["aud"] != nil {
		t.Errorf("claims %v", claims)
	}

	iss.Rotate(true)
	if got := kids(t, iss); len(got) != 2 || got[0] == first || got[1] != first {
		t.Errorf("after Rotate(true): kids %v, want the new key and %s", got, first)
	}
	iss.Rotate(false)
	if got := kids(t, iss); len(got) != 1 || got[0] != iss.KeyID() {
		t.Errorf("after Rotate(false): kids %v, want only %s", got, iss.KeyID())
	}

	iss.SetDown(true)
	if status := getJSON(t, iss.URL()+JWKSPath, nil); status != http.StatusServiceUnavailable {
		t.Errorf("down: status %d, want 503", status)
	}
	if n := iss.FetchCount(); n != 4 {
		t.Errorf("FetchCount = %d, want 4", n)
	}
}
