// Package oidctest runs a small OpenID Connect issuer on 127.0.0.1 for tests: a discovery
// document and a JWKS of RSA keys, tokens signed with the current key, key rotation, and a switch
// that makes the issuer unavailable.
package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Paths the issuer serves.
const (
	DiscoveryPath = "/.well-known/openid-configuration"
	JWKSPath      = "/jwks"
)

// Issuer is a running test issuer; safe for concurrent use.
type Issuer struct {
	t   testing.TB
	srv *httptest.Server

	mu       sync.Mutex
	current  signingKey
	old      []signingKey // keys still published after Rotate(true)
	audience []string
	down     bool
	keySeq   int

	jwksFetches      atomic.Int64
	discoveryFetches atomic.Int64
	closeOnce        sync.Once
}

type signingKey struct {
	kid string
	key *rsa.PrivateKey
}

// New starts an issuer with one RSA 2048 key; it is closed when the test ends.
func New(t testing.TB) *Issuer {
	t.Helper()
	iss := &Issuer{t: t}
	iss.current = iss.newKey()
	iss.srv = httptest.NewServer(http.HandlerFunc(iss.serve))
	t.Cleanup(iss.Close)
	return iss
}

// URL is the issuer identifier, the value of the iss claim: "http://127.0.0.1:PORT".
func (i *Issuer) URL() string { return i.srv.URL }

// Close stops the server; calling it again does nothing. Requests then fail to connect.
func (i *Issuer) Close() { i.closeOnce.Do(i.srv.Close) }

// SetDown makes the discovery document and JWKS answer 503 (true) or be served again (false).
func (i *Issuer) SetDown(down bool) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.down = down
}

// SetAudience sets the aud claim of tokens made by Token; none by default.
func (i *Issuer) SetAudience(aud ...string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.audience = aud
}

// FetchCount is the number of times the JWKS was served (answers of 503 included).
func (i *Issuer) FetchCount() int { return int(i.jwksFetches.Load()) }

// DiscoveryCount is the number of times the discovery document was served (answers of 503 included).
func (i *Issuer) DiscoveryCount() int { return int(i.discoveryFetches.Load()) }

// KeyID is the kid of the current signing key.
func (i *Issuer) KeyID() string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.current.kid
}

// Rotate makes a new current signing key. The JWKS then serves only the new key, or the new key
// and every earlier one when keepOld is true.
func (i *Issuer) Rotate(keepOld bool) {
	k := i.newKey()
	i.mu.Lock()
	defer i.mu.Unlock()
	if keepOld {
		i.old = append(i.old, i.current)
	} else {
		i.old = nil
	}
	i.current = k
}

// Sign returns a compact JWS of claims, signed with RS256 and the current key.
func (i *Issuer) Sign(claims map[string]any) string {
	i.mu.Lock()
	k := i.current
	i.mu.Unlock()
	return SignRS256(i.t, k.key, k.kid, claims)
}

// Token returns a token for clientID valid for ttl from now (a negative ttl makes an expired one):
// iss, sub and client_id, scope (space separated), iat, nbf, exp, and aud when SetAudience set one.
func (i *Issuer) Token(clientID string, scopes []string, ttl time.Duration) string {
	now := time.Now()
	claims := map[string]any{
		"iss":       i.URL(),
		"sub":       clientID,
		"client_id": clientID,
		"scope":     strings.Join(scopes, " "),
		"iat":       now.Unix(),
		"nbf":       now.Unix(),
		"exp":       now.Add(ttl).Unix(),
	}
	i.mu.Lock()
	if len(i.audience) > 0 {
		claims["aud"] = append([]string(nil), i.audience...)
	}
	i.mu.Unlock()
	return i.Sign(claims)
}

// SignRS256 signs claims with any RSA key, for tokens the issuer does not vouch for (a key it never
// published, for instance).
func SignRS256(t testing.TB, key *rsa.PrivateKey, kid string, claims map[string]any) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, opts)
	if err != nil {
		t.Fatalf("oidctest: creating a signer: %v", err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatalf("oidctest: encoding claims: %v", err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatalf("oidctest: signing: %v", err)
	}
	s, err := jws.CompactSerialize()
	if err != nil {
		t.Fatalf("oidctest: serializing: %v", err)
	}
	return s
}

// NewRSAKey returns a fresh RSA 2048 key.
func NewRSAKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("oidctest: generating an RSA key: %v", err)
	}
	return k
}

func (i *Issuer) newKey() signingKey {
	i.mu.Lock()
	i.keySeq++
	kid := fmt.Sprintf("key-%d", i.keySeq)
	i.mu.Unlock()
	return signingKey{kid: kid, key: NewRSAKey(i.t)}
}

func (i *Issuer) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case DiscoveryPath:
		i.discoveryFetches.Add(1)
	case JWKSPath:
		i.jwksFetches.Add(1)
	default:
		http.NotFound(w, r)
		return
	}
	i.mu.Lock()
	down := i.down
	keys := append([]signingKey{i.current}, i.old...)
	i.mu.Unlock()
	if down {
		http.Error(w, "issuer unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path == DiscoveryPath {
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer":                                i.URL(),
			"jwks_uri":                              i.URL() + JWKSPath,
			"token_endpoint":                        i.URL() + "/token",
			"response_types_supported":              []string{"code"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
		return
	}
	var set jose.JSONWebKeySet
	for _, k := range keys {
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: &k.key.PublicKey, KeyID: k.kid, Algorithm: string(jose.RS256), Use: "sig"})
	}
	_ = json.NewEncoder(w).Encode(set)
}
