package appauth

import (
	"net/http"
	"time"
)

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

// Issuers fetches and caches OpenID Connect discovery documents and JWKS, shared across reloads;
// safe for concurrent use.
type Issuers struct {
	hc   *http.Client
	opts IssuerOptions
}

// NewIssuers returns an empty cache that fetches with hc (http.DefaultClient when nil).
func NewIssuers(hc *http.Client, opts IssuerOptions) *Issuers {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Issuers{hc: hc, opts: opts}
}
