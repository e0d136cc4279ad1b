package appauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var _ json.Unmarshaler = (*stringList)(nil)

// tokenAlgorithms are the signature algorithms a token may use: asymmetric ones only, so that a
// public key can never serve as an HMAC secret, and never "none".
var tokenAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.PS256}

// clockLeeway is how far the node's clock and the issuer's may disagree on exp, nbf and iat.
const clockLeeway = 60 * time.Second

// oidcStrategy is an OpenID Connect strategy of the plugin.
type oidcStrategy struct {
	id       string
	issuer   string
	claims   []string // credential claims, in order of preference
	scopes   []string
	audience []string
	// unusable says why the node cannot verify this issuer's tokens; "" when it can.
	unusable string
}

// oidcConfig is the part of an openid_connect strategy's config the node enforces.
type oidcConfig struct {
	Issuer          string     `json:"issuer"`
	CredentialClaim stringList `json:"credential_claim"`
	Scopes          stringList `json:"scopes"`
	AuthMethods     stringList `json:"auth_methods"`
	Audience        stringList `json:"audience"`
}

// stringList decodes a JSON string or array of strings.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*l = nil
		return nil
	}
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = stringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("must be a string or an array of strings")
	}
	*l = many
	return nil
}

func compileOIDC(s client.ApplicationAuthOIDC) (*oidcStrategy, error) {
	var cfg oidcConfig
	if err := json.Unmarshal(s.Config, &cfg); err != nil {
		return nil, fmt.Errorf("strategy %s: decoding config: %w", s.StrategyID, err)
	}
	if cfg.Issuer == "" {
		return nil, fmt.Errorf("strategy %s: config.issuer is empty: the node needs the issuer to verify tokens", s.StrategyID)
	}
	o := &oidcStrategy{id: s.StrategyID, issuer: cfg.Issuer, claims: cfg.CredentialClaim, scopes: cfg.Scopes, audience: cfg.Audience}
	if len(o.claims) == 0 {
		o.claims = []string{"sub"}
	}
	if err := CheckIssuerURL(cfg.Issuer); err != nil {
		o.unusable = err.Error()
	}
	if len(cfg.AuthMethods) > 0 && !slices.Contains(cfg.AuthMethods, "bearer") {
		o.unusable = fmt.Sprintf("strategy %s accepts %s but not bearer tokens, the only method this gateway verifies",
			s.StrategyID, strings.Join(cfg.AuthMethods, ", "))
	}
	return o, nil
}

// verifiedToken is a token whose signature, issuer and times were checked.
type verifiedToken struct {
	claims map[string]any
	// strategies are those of the token's issuer whose audience and scopes the token satisfies.
	strategies []*oidcStrategy
	// failed holds, by strategy id, why the token does not satisfy the other strategies of its issuer.
	failed map[string]string
}

// authorizeToken decides a request that presented a bearer token.
func (p *Policy) authorizeToken(ctx context.Context, t *Table, token string, now time.Time) Decision {
	v, deny := p.verifyToken(ctx, token, now)
	if deny != nil {
		return *deny
	}
	clientID := credentialClaim(v.claims, v.strategies)
	if clientID == "" {
		return invalidToken("The token has no claim that names the application (" + strings.Join(v.strategies[0].claims, ", ") + ").")
	}
	app := t.lookupClient(clientID)
	if app == nil {
		return Decision{Status: http.StatusUnauthorized, Reason: ReasonUnknownClient, Challenge: invalidTokenChallenge,
			Detail: "The token names a client that is not a known application."}
	}
	if why, ok := v.failed[app.AuthStrategyID]; ok {
		d := invalidToken(why)
		d.App, d.StrategyID = app, app.AuthStrategyID
		return d
	}
	accepted := make(map[string]bool, len(v.strategies))
	for _, s := range v.strategies {
		accepted[s.id] = true
	}
	return p.decideApp(app, accepted)
}

// verifyToken checks a token's signature, issuer and times, and which strategies it satisfies.
func (p *Policy) verifyToken(ctx context.Context, token string, now time.Time) (*verifiedToken, *Decision) {
	jws, err := jose.ParseSignedCompact(token, tokenAlgorithms)
	if err != nil || len(jws.Signatures) != 1 {
		return nil, deny(invalidToken("The bearer token is not a JWT signed with one of RS256, RS384, RS512, ES256, ES384 or PS256."))
	}
	unverified, err := decodeClaims(jws.UnsafePayloadWithoutVerification())
	if err != nil {
		return nil, deny(invalidToken("The token's claims are not a JSON object."))
	}
	iss, _ := unverified["iss"].(string)
	candidates := p.strategiesOf(iss)
	if len(candidates) == 0 {
		return nil, deny(invalidToken("The token's issuer is not one this API accepts."))
	}
	usable := slices.DeleteFunc(slices.Clone(candidates), func(s *oidcStrategy) bool { return s.unusable != "" })
	if len(usable) == 0 {
		return nil, deny(Decision{Status: http.StatusServiceUnavailable, Reason: ReasonIssuerUnavailable,
			Detail: "The gateway cannot verify tokens of this issuer: " + candidates[0].unusable + "."})
	}
	payload, d := p.verifySignature(ctx, jws, iss)
	if d != nil {
		return nil, d
	}
	claims, err := decodeClaims(payload)
	if err != nil {
		return nil, deny(invalidToken("The token's claims are not a JSON object."))
	}
	if why := checkTimes(claims, now); why != "" {
		return nil, deny(invalidToken(why))
	}
	v := &verifiedToken{claims: claims, failed: map[string]string{}}
	for _, s := range usable {
		if why := s.check(claims); why != "" {
			v.failed[s.id] = why
			continue
		}
		v.strategies = append(v.strategies, s)
	}
	if len(v.strategies) == 0 {
		return nil, deny(invalidToken(v.failed[usable[0].id]))
	}
	return v, nil
}

// verifySignature checks the token's signature with its issuer's keys and returns the payload.
func (p *Policy) verifySignature(ctx context.Context, jws *jose.JSONWebSignature, iss string) ([]byte, *Decision) {
	hdr := jws.Signatures[0].Header
	keys, err := p.issuers.signingKeys(ctx, iss, hdr.KeyID)
	var unavailable *issuerUnavailableError
	switch {
	case errors.As(err, &unavailable):
		return nil, deny(Decision{Status: http.StatusServiceUnavailable, Reason: ReasonIssuerUnavailable,
			Detail: "The token's issuer cannot be reached to fetch its signing keys; try again later."})
	case err != nil:
		return nil, deny(invalidToken("The token is signed with a key its issuer does not publish."))
	}
	for _, k := range keys {
		if k.Algorithm != "" && k.Algorithm != hdr.Algorithm {
			continue
		}
		if payload, err := jws.Verify(k.Key); err == nil {
			return payload, nil
		}
	}
	return nil, deny(invalidToken("The token's signature does not verify with its issuer's keys."))
}

func (p *Policy) strategiesOf(iss string) []*oidcStrategy {
	var out []*oidcStrategy
	for _, s := range p.oidcStrategies {
		if iss != "" && s.issuer == iss {
			out = append(out, s)
		}
	}
	return out
}

// check returns why the token does not satisfy the strategy's audience and scopes, "" when it does.
func (s *oidcStrategy) check(claims map[string]any) string {
	if len(s.audience) > 0 {
		aud := claimStrings(claims["aud"], false)
		if !slices.ContainsFunc(s.audience, func(a string) bool { return slices.Contains(aud, a) }) {
			return "The token's audience (aud) is not one this API accepts."
		}
	}
	if len(s.scopes) > 0 {
		granted := append(claimStrings(claims["scope"], true), claimStrings(claims["scp"], true)...)
		for _, want := range s.scopes {
			if !slices.Contains(granted, want) {
				return fmt.Sprintf("The token lacks the scope %q this API requires.", want)
			}
		}
	}
	return ""
}

// checkTimes returns why the token is not valid at now, "" when it is: exp is required, nbf and
// iat are checked when present, all with clockLeeway.
func checkTimes(claims map[string]any, now time.Time) string {
	exp, ok := numericDate(claims["exp"])
	if !ok {
		return "The token has no expiry (exp)."
	}
	if !now.Before(exp.Add(clockLeeway)) {
		return "The token has expired."
	}
	if v, present := claims["nbf"]; present {
		nbf, ok := numericDate(v)
		if !ok || now.Add(clockLeeway).Before(nbf) {
			return "The token is not valid yet (nbf)."
		}
	}
	if v, present := claims["iat"]; present {
		iat, ok := numericDate(v)
		if !ok || now.Add(clockLeeway).Before(iat) {
			return "The token was issued in the future (iat)."
		}
	}
	return ""
}

// credentialClaim returns the client id: the first credential claim of the strategies, in their
// order, that the token holds as a non-empty string.
func credentialClaim(claims map[string]any, strategies []*oidcStrategy) string {
	for _, s := range strategies {
		for _, c := range s.claims {
			if v, ok := claims[c].(string); ok && v != "" {
				return v
			}
		}
	}
	return ""
}

func decodeClaims(payload []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var claims map[string]any
	if err := dec.Decode(&claims); err != nil {
		return nil, err
	}
	if claims == nil {
		return nil, errors.New("claims are null")
	}
	return claims, nil
}

// maxNumericDate keeps NumericDates within what int64 seconds hold with room to spare.
const maxNumericDate = 1e15

// numericDate reads a JWT NumericDate: seconds since the epoch, possibly with a fraction.
func numericDate(v any) (time.Time, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}, false
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || math.Abs(f) > maxNumericDate {
		return time.Time{}, false
	}
	sec := math.Floor(f)
	return time.Unix(int64(sec), int64((f-sec)*float64(time.Second))), true
}

// claimStrings reads a claim that is a string or an array of strings; split separates a string's
// space-separated values (scope).
func claimStrings(v any, split bool) []string {
	switch v := v.(type) {
	case string:
		if split {
			return strings.Fields(v)
		}
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func invalidToken(detail string) Decision {
	return Decision{Status: http.StatusUnauthorized, Reason: ReasonInvalidToken, Challenge: invalidTokenChallenge, Detail: detail}
}

func deny(d Decision) *Decision { return &d }
