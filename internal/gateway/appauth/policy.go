package appauth

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// Challenges of a 401, one per kind of credential the plugin accepts.
const (
	keyChallenge          = `Key realm="devportal"`
	bearerChallenge       = `Bearer realm="devportal"`
	invalidTokenChallenge = `Bearer realm="devportal", error="invalid_token"`
)

// Statuses of registrations and developers, as the node configuration carries them.
const (
	registrationApproved = "approved"
	registrationPending  = "pending"
	registrationRejected = "rejected"
	registrationRevoked  = "revoked"
	developerApproved    = "approved"
)

// Policy is the compiled managed plugin of one service; immutable and safe for concurrent use.
type Policy struct {
	pluginID string
	// scope is the id of the API the plugin guards: registrations for it grant access.
	scope string
	// keyStrategies and oidcStrategies are the ids of the plugin's strategies by type.
	keyStrategies  map[string]bool
	oidcStrategies []*oidcStrategy
	keyNames       []keyName
	challenge      string
	issuers        *Issuers
}

// keyName is one place a key-auth strategy reads keys from: a header and a query parameter.
type keyName struct {
	header string // canonical form, to index http.Header without allocating
	query  string
}

// NewPolicy compiles a managed konnect-application-auth plugin. The error names the plugin and
// what is wrong with its configuration; a node must not serve the service without the plugin.
func NewPolicy(p client.Plugin, issuers *Issuers) (*Policy, error) {
	if !p.IsManagedApplicationAuth() {
		return nil, fmt.Errorf("plugin %s (%s) is not a managed %s plugin", p.ID, p.Name, client.ApplicationAuthPluginName)
	}
	cfg, err := p.ApplicationAuthConfig()
	if err != nil {
		return nil, err
	}
	if cfg.Scope == "" {
		return nil, fmt.Errorf("plugin %s has no config.scope: the managed plugin must name the API it guards", p.ID)
	}
	if len(cfg.V2Strategies.KeyAuth)+len(cfg.V2Strategies.OpenIDConnect) == 0 {
		return nil, fmt.Errorf("plugin %s has no strategy in config.v2_strategies: no credential could pass it", p.ID)
	}
	pol := &Policy{pluginID: p.ID, scope: cfg.Scope, keyStrategies: map[string]bool{}, issuers: issuers}
	var challenges []string
	if len(cfg.V2Strategies.KeyAuth) > 0 {
		pol.compileKeyAuth(cfg.V2Strategies.KeyAuth)
		challenges = append(challenges, keyChallenge)
	}
	for i, s := range cfg.V2Strategies.OpenIDConnect {
		o, err := compileOIDC(s)
		if err != nil {
			return nil, fmt.Errorf("plugin %s: config.v2_strategies.openid_connect[%d]: %w", p.ID, i, err)
		}
		pol.oidcStrategies = append(pol.oidcStrategies, o)
	}
	if len(pol.oidcStrategies) > 0 {
		if issuers == nil {
			return nil, fmt.Errorf("plugin %s has OpenID Connect strategies: compile it with an Issuers cache", p.ID)
		}
		challenges = append(challenges, bearerChallenge)
	}
	pol.challenge = strings.Join(challenges, ", ")
	return pol, nil
}

func (p *Policy) compileKeyAuth(strategies []client.ApplicationAuthKeyAuth) {
	seen := map[string]bool{}
	for _, s := range strategies {
		p.keyStrategies[s.StrategyID] = true
		names := s.Config.KeyNames
		if len(names) == 0 {
			names = []string{"apikey"}
		}
		for _, n := range names {
			if n == "" || seen[n] {
				continue
			}
			seen[n] = true
			p.keyNames = append(p.keyNames, keyName{header: textproto.CanonicalMIMEHeaderKey(n), query: n})
		}
	}
}

// Scope is the id of the API the plugin guards.
func (p *Policy) Scope() string { return p.scope }

// PluginID is the id of the plugin the policy enforces.
func (p *Policy) PluginID() string { return p.pluginID }

// Authorize decides a request. It removes a presented key (header or query parameter named by
// key_names) from r whatever the decision, so the upstream never sees it. A key is looked for
// before a bearer token: headers first, then query parameters, each in the order of key_names.
func (p *Policy) Authorize(ctx context.Context, t *Table, r *http.Request, now time.Time) Decision {
	if key, ok := p.takeKey(r); ok {
		return p.authorizeKey(t, key, now)
	}
	if len(p.oidcStrategies) > 0 {
		if token, ok := bearerToken(r); ok {
			return p.authorizeToken(ctx, t, token, now)
		}
	}
	return Decision{
		Status: http.StatusUnauthorized, Reason: ReasonMissingCredential, Challenge: p.challenge,
		Detail: "This API requires application credentials: " + p.credentialHint() + ".",
	}
}

func (p *Policy) credentialHint() string {
	var hints []string
	if len(p.keyNames) > 0 {
		hints = append(hints, "an API key in the "+p.keyNames[0].query+" header or query parameter")
	}
	if len(p.oidcStrategies) > 0 {
		hints = append(hints, "an access token in the Authorization header (Bearer)")
	}
	return strings.Join(hints, ", or ")
}

// takeKey returns the first non-empty key the request presents and removes every key name from
// its headers and query string.
func (p *Policy) takeKey(r *http.Request) (string, bool) {
	var key string
	for _, n := range p.keyNames {
		if vals, ok := r.Header[n.header]; ok {
			if key == "" && len(vals) > 0 {
				key = strings.TrimSpace(vals[0])
			}
			delete(r.Header, n.header)
		}
	}
	if r.URL != nil && r.URL.RawQuery != "" {
		if q, ok := p.takeQueryKey(r); ok && key == "" {
			key = q
		}
	}
	return key, key != ""
}

// takeQueryKey removes the key names from the query string, keeping the order of the other
// parameters, and returns the first key found.
func (p *Policy) takeQueryKey(r *http.Request) (string, bool) {
	raw := r.URL.RawQuery
	if !p.mayHoldKey(raw) {
		return "", false
	}
	var key string
	var kept []string
	removed := false
	for part := range strings.SplitSeq(raw, "&") {
		name, value, _ := strings.Cut(part, "=")
		if n, err := url.QueryUnescape(name); err == nil && p.isKeyName(n) {
			removed = true
			if v, err := url.QueryUnescape(value); err == nil && key == "" {
				key = strings.TrimSpace(v)
			}
			continue
		}
		kept = append(kept, part)
	}
	if removed {
		r.URL.RawQuery = strings.Join(kept, "&")
		if r.RequestURI != "" {
			r.RequestURI = r.URL.RequestURI()
		}
	}
	return key, key != ""
}

// mayHoldKey is a cheap test that spares parsing query strings that cannot hold a key: it looks
// for the start of each key name, which an escaped name also keeps unless its first byte is
// escaped.
func (p *Policy) mayHoldKey(raw string) bool {
	if strings.Contains(raw, "%") {
		return true
	}
	for _, n := range p.keyNames {
		if strings.Contains(raw, n.query) {
			return true
		}
	}
	return false
}

func (p *Policy) isKeyName(s string) bool {
	for _, n := range p.keyNames {
		if n.query == s {
			return true
		}
	}
	return false
}

// authorizeKey decides a request that presented an API key.
func (p *Policy) authorizeKey(t *Table, key string, now time.Time) Decision {
	e, ok := t.lookupKey(sha256.Sum256([]byte(key)))
	if !ok {
		return Decision{Status: http.StatusUnauthorized, Reason: ReasonUnknownKey, Challenge: p.challenge,
			Detail: "The API key is not valid."}
	}
	if e.expiresAt != 0 && e.expiresAt <= now.UnixNano() {
		return Decision{Status: http.StatusUnauthorized, Reason: ReasonExpiredKey, Challenge: p.challenge,
			App: e.app, StrategyID: e.app.AuthStrategyID,
			Detail: "The API key has expired: create a new key for the application."}
	}
	return p.decideApp(e.app, p.keyStrategies)
}

// decideApp decides whether an application the credential named may call the API: its developer
// approved, its strategy one the plugin accepts for the credential, its registration approved.
func (p *Policy) decideApp(app *App, accepted map[string]bool) Decision {
	d := Decision{Status: http.StatusForbidden, App: app, StrategyID: app.AuthStrategyID}
	if app.DeveloperID != "" && app.DeveloperStatus != developerApproved {
		d.Reason = ReasonDeveloperNotApproved
		d.Detail = fmt.Sprintf("The developer account of application %q is not approved.", app.Name)
		return d
	}
	if !accepted[app.AuthStrategyID] {
		d.Reason = ReasonStrategyNotAccepted
		d.Detail = fmt.Sprintf("Application %q uses an auth strategy this API does not accept for this credential.", app.Name)
		return d
	}
	reg, ok := app.Registration(p.scope)
	switch {
	case !ok:
		d.Reason = ReasonNotRegistered
		d.Detail = fmt.Sprintf("Application %q is not registered for this API.", app.Name)
	case reg.SuspendedReason != "":
		d.Reason = ReasonSuspended
		d.Detail = fmt.Sprintf("The registration of application %q for this API is suspended: the API no longer accepts its auth strategy.", app.Name)
	case reg.Status == registrationApproved:
		return Decision{Allowed: true, Reason: ReasonAllowed, App: app, StrategyID: app.AuthStrategyID}
	case reg.Status == registrationPending:
		d.Reason = ReasonRegistrationPending
		d.Detail = fmt.Sprintf("The registration of application %q for this API is waiting for approval.", app.Name)
	case reg.Status == registrationRejected:
		d.Reason = ReasonRegistrationRejected
		d.Detail = fmt.Sprintf("The registration of application %q for this API was rejected.", app.Name)
	case reg.Status == registrationRevoked:
		d.Reason = ReasonRegistrationRevoked
		d.Detail = fmt.Sprintf("The registration of application %q for this API was revoked.", app.Name)
	default:
		d.Reason = ReasonNotRegistered
		d.Detail = fmt.Sprintf("The registration of application %q for this API has status %q, which grants no access.", app.Name, reg.Status)
	}
	return d
}

// bearerToken returns the token of an `Authorization: Bearer` header.
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}
