package appauth

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"golang.org/x/sync/singleflight"
)

var _ error = (*issuerUnavailableError)(nil)

// IssuerOptions bounds what Issuers fetch. Zero fields take the defaults below.
type IssuerOptions struct {
	// Timeout bounds one fetch of a discovery document or key set; default 5s.
	Timeout time.Duration
	// MaxBodyBytes bounds a fetched document; default 1 MiB.
	MaxBodyBytes int64
	// MinRefetchInterval is the least time between two fetches of one issuer's keys, so that tokens
	// with unknown key ids, or an issuer that is down, cannot make the node hammer the issuer;
	// default 30s. Negative means none (tests).
	MinRefetchInterval time.Duration
	// MaxAge is how long fetched keys are used before they are refreshed; default 1h. Keys past it
	// are still used while the issuer cannot be reached.
	MaxAge time.Duration
}

// Defaults of IssuerOptions.
const (
	DefaultIssuerTimeout      = 5 * time.Second
	DefaultIssuerMaxBodyBytes = 1 << 20
	DefaultMinRefetchInterval = 30 * time.Second
	DefaultKeysMaxAge         = time.Hour
)

func (o IssuerOptions) withDefaults() IssuerOptions {
	if o.Timeout <= 0 {
		o.Timeout = DefaultIssuerTimeout
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultIssuerMaxBodyBytes
	}
	switch {
	case o.MinRefetchInterval == 0:
		o.MinRefetchInterval = DefaultMinRefetchInterval
	case o.MinRefetchInterval < 0:
		o.MinRefetchInterval = 0
	}
	if o.MaxAge <= 0 {
		o.MaxAge = DefaultKeysMaxAge
	}
	return o
}

// Issuers fetches and caches OpenID Connect discovery documents and JWKS, shared across reloads;
// safe for concurrent use. Concurrent requests that need an issuer's keys cause one fetch.
type Issuers struct {
	hc     *http.Client
	opts   IssuerOptions
	now    func() time.Time
	flight singleflight.Group

	mu    sync.Mutex
	state map[string]*issuerState
}

// issuerState is what is known of one issuer.
type issuerState struct {
	mu      sync.Mutex
	jwksURI string // from discovery; "" until discovered, and again after a failed key fetch
	keys    []jose.JSONWebKey
	// fetchedAt is the time of the last successful key fetch, zero before one.
	fetchedAt time.Time
	// attemptedAt and attempts count fetch attempts, successful or not; lastErr is the last one's.
	attemptedAt time.Time
	attempts    uint64
	lastErr     error
}

// keySnapshot is a consistent copy of an issuerState.
type keySnapshot struct {
	keys        []jose.JSONWebKey
	fetchedAt   time.Time
	attemptedAt time.Time
	attempts    uint64
	lastErr     error
}

// errUnknownKey means the issuer publishes no key with the token's key id.
var errUnknownKey = errors.New("the issuer publishes no key with the token's key id")

// issuerUnavailableError means the issuer's keys could not be fetched and none are cached.
type issuerUnavailableError struct {
	issuer string
	err    error
}

func (e *issuerUnavailableError) Error() string {
	return fmt.Sprintf("fetching the signing keys of issuer %s: %v", e.issuer, e.err)
}

func (e *issuerUnavailableError) Unwrap() error { return e.err }

// NewIssuers returns an empty cache that fetches with hc (a client without a timeout of its own
// is fine: every fetch is bounded by opts.Timeout). hc nil means http.DefaultClient.
func NewIssuers(hc *http.Client, opts IssuerOptions) *Issuers {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Issuers{hc: hc, opts: opts.withDefaults(), now: time.Now, state: map[string]*issuerState{}}
}

// CheckIssuerURL reports why the node cannot use an issuer: it must be an https URL, or an http
// URL on a loopback host (a local issuer for tests and demos).
func CheckIssuerURL(issuer string) error {
	return checkFetchURL("issuer", issuer)
}

func checkFetchURL(what, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%s %q is not a URL: %w", what, raw, err)
	}
	switch {
	case u.Host == "":
		return fmt.Errorf("%s %q has no host", what, raw)
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		return nil
	case u.Scheme == "http":
		return fmt.Errorf("%s %q uses http on a host that is not loopback; use https", what, raw)
	default:
		return fmt.Errorf("%s %q must be an https URL", what, raw)
	}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// signingKeys returns the issuer's public keys with the given key id (every key when kid is
// empty). It fetches the keys when none are cached, when they are older than MaxAge, or when none
// has the key id (the issuer may have rotated), at most once per MinRefetchInterval. Cached keys
// are used while the issuer cannot be reached. The errors are errUnknownKey and
// *issuerUnavailableError.
func (is *Issuers) signingKeys(ctx context.Context, issuer, kid string) ([]jose.JSONWebKey, error) {
	st := is.stateOf(issuer)
	snap := st.snapshot()
	found := selectKeys(snap.keys, kid)
	now := is.now()
	fresh := !snap.fetchedAt.IsZero() && now.Sub(snap.fetchedAt) < is.opts.MaxAge
	if fresh && len(found) > 0 {
		return found, nil
	}
	mayFetch := snap.attempts == 0 || now.Sub(snap.attemptedAt) >= is.opts.MinRefetchInterval
	if mayFetch {
		if err := is.refresh(ctx, issuer, st, snap.attempts); err != nil && ctx.Err() != nil {
			return nil, &issuerUnavailableError{issuer: issuer, err: err}
		}
		snap = st.snapshot()
		found = selectKeys(snap.keys, kid)
	}
	switch {
	case len(found) > 0:
		return found, nil
	case snap.fetchedAt.IsZero() || (mayFetch && snap.lastErr != nil):
		err := snap.lastErr
		if err == nil {
			err = errors.New("no successful fetch yet")
		}
		return nil, &issuerUnavailableError{issuer: issuer, err: err}
	default:
		return nil, errUnknownKey
	}
}

func (is *Issuers) stateOf(issuer string) *issuerState {
	is.mu.Lock()
	defer is.mu.Unlock()
	st, ok := is.state[issuer]
	if !ok {
		st = &issuerState{}
		is.state[issuer] = st
	}
	return st
}

func (st *issuerState) snapshot() keySnapshot {
	st.mu.Lock()
	defer st.mu.Unlock()
	return keySnapshot{keys: st.keys, fetchedAt: st.fetchedAt, attemptedAt: st.attemptedAt, attempts: st.attempts, lastErr: st.lastErr}
}

// refresh fetches the issuer's keys once for all concurrent callers. seen is the attempt count
// the caller based its decision on: when another attempt finished since, its result stands.
// The fetch outlives a caller that gives up waiting, bounded by the fetch timeout.
func (is *Issuers) refresh(ctx context.Context, issuer string, st *issuerState, seen uint64) error {
	ch := is.flight.DoChan(issuer, func() (any, error) {
		if st.snapshot().attempts != seen {
			return nil, nil
		}
		fetchCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), is.opts.Timeout)
		defer cancel()
		return nil, is.fetch(fetchCtx, issuer, st)
	})
	select {
	case res := <-ch:
		return res.Err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fetch reads the discovery document (unless its jwks_uri is known) and the key set, and records
// the outcome in st.
func (is *Issuers) fetch(ctx context.Context, issuer string, st *issuerState) error {
	st.mu.Lock()
	jwksURI := st.jwksURI
	st.mu.Unlock()
	var err error
	if jwksURI == "" {
		jwksURI, err = is.discover(ctx, issuer)
	}
	var keys []jose.JSONWebKey
	if err == nil {
		keys, err = is.fetchKeys(ctx, jwksURI)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.attempts++
	st.attemptedAt = is.now()
	st.lastErr = err
	if err != nil {
		// The discovery document may have moved the key set: read it again next time.
		st.jwksURI = ""
		return err
	}
	st.jwksURI, st.keys, st.fetchedAt = jwksURI, keys, st.attemptedAt
	return nil
}

// discover returns the jwks_uri of an issuer's discovery document.
func (is *Issuers) discover(ctx context.Context, issuer string) (string, error) {
	if err := CheckIssuerURL(issuer); err != nil {
		return "", err
	}
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	discoveryURL := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
	if err := is.getJSON(ctx, discoveryURL, &doc); err != nil {
		return "", err
	}
	if doc.Issuer != issuer {
		return "", fmt.Errorf("discovery document %s names issuer %q, want %q", discoveryURL, doc.Issuer, issuer)
	}
	if doc.JWKSURI == "" {
		return "", fmt.Errorf("discovery document %s has no jwks_uri", discoveryURL)
	}
	if err := checkFetchURL("jwks_uri", doc.JWKSURI); err != nil {
		return "", fmt.Errorf("discovery document %s: %w", discoveryURL, err)
	}
	return doc.JWKSURI, nil
}

// fetchKeys returns the public signing keys of a JWKS. Keys of types the node cannot verify with,
// symmetric keys and encryption keys are left out rather than failing the whole set.
func (is *Issuers) fetchKeys(ctx context.Context, jwksURI string) ([]jose.JSONWebKey, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := is.getJSON(ctx, jwksURI, &set); err != nil {
		return nil, err
	}
	var keys []jose.JSONWebKey
	for _, raw := range set.Keys {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(raw); err != nil || k.Use == "enc" {
			continue
		}
		switch k.Key.(type) {
		case *rsa.PublicKey, *ecdsa.PublicKey:
		case *rsa.PrivateKey, *ecdsa.PrivateKey:
			k = k.Public()
		default:
			continue
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("key set %s has no RSA or EC signing key", jwksURI)
	}
	return keys, nil
}

// getJSON decodes the JSON document at u, refusing answers other than 200 and bodies over
// MaxBodyBytes.
func (is *Issuers) getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := is.hc.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d, want 200", u, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, is.opts.MaxBodyBytes+1))
	if err != nil {
		return fmt.Errorf("GET %s: reading the body: %w", u, err)
	}
	if int64(len(body)) > is.opts.MaxBodyBytes {
		return fmt.Errorf("GET %s: body larger than %d bytes", u, is.opts.MaxBodyBytes)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("GET %s: decoding the JSON body: %w", u, err)
	}
	return nil
}

func selectKeys(keys []jose.JSONWebKey, kid string) []jose.JSONWebKey {
	if kid == "" {
		return keys
	}
	for i := range keys {
		if keys[i].KeyID == kid {
			// Several keys may share a kid (one per algorithm); return them all.
			var out []jose.JSONWebKey
			for _, k := range keys[i:] {
				if k.KeyID == kid {
					out = append(out, k)
				}
			}
			return out
		}
	}
	return nil
}
