package core

import (
	"fmt"
	"maps"
	"net/url"
	"strings"
	"time"
)

// Application auth strategy types.
const (
	StrategyKeyAuth       = "key_auth"
	StrategyOpenIDConnect = "openid_connect"
)

// Limits from the application-auth-strategies document.
const (
	AuthStrategyNameMax = 256
	keyNamesMax         = 10
	keyNameLengthMax    = 256
)

// DefaultKeyName is the header (or query parameter) a key-auth strategy reads when none is given.
const DefaultKeyName = "apikey"

// TTL units accepted by key-auth strategies.
var ttlUnits = []string{"days", "weeks", "years"}

// ttlMax is the largest ttl value of each unit: none is longer than MaxAPIKeyLifetimeYears.
var ttlMax = map[string]int{"days": 36500, "weeks": 5200, "years": MaxAPIKeyLifetimeYears}

// AuthStrategy is an application auth strategy: how a gateway authenticates applications.
type AuthStrategy struct {
	ID                string
	Region            string
	Name              string
	DisplayName       string
	StrategyType      string
	KeyAuth           KeyAuthConfig  // for key_auth
	OpenIDConnect     map[string]any // for openid_connect; unknown keys are kept as given
	Labels            map[string]string
	PrincipalsEnabled bool
	// OwnerPortalID is the portal that created this strategy as its default, if any.
	OwnerPortalID *string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// KeyAuthConfig is the configuration of a key_auth strategy.
type KeyAuthConfig struct {
	KeyNames []string    `json:"key_names"`
	TTL      *KeyAuthTTL `json:"ttl,omitempty"`
}

// KeyAuthTTL is the default maximum lifetime of keys issued under a key_auth strategy.
type KeyAuthTTL struct {
	Value int    `json:"value"`
	Unit  string `json:"unit"`
}

// KeyAuthInput is the key-auth part of a strategy request.
type KeyAuthInput struct {
	KeyNames Field[[]string]
	TTL      Field[KeyAuthTTL]
}

// AuthStrategyInput is the body of a create or update strategy request.
// OpenIDConnect holds the given openid-connect object; a nil value means "remove this key".
type AuthStrategyInput struct {
	Name              Field[string]
	DisplayName       Field[string]
	StrategyType      Field[string]
	Labels            Field[map[string]*string]
	PrincipalsEnabled Field[bool]
	KeyAuth           *KeyAuthInput
	OpenIDConnect     map[string]any
	// ConfigsSet tells whether the request had a configs object.
	ConfigsSet bool
}

// ValidateAuthStrategyInput checks a strategy request. For updates, current is the stored
// strategy: its type cannot change, and configs must be those of that type.
func ValidateAuthStrategyInput(in AuthStrategyInput, current *AuthStrategy) []Violation {
	var vs []Violation
	create := current == nil
	if create {
		for _, f := range []struct {
			name string
			set  bool
		}{{"name", in.Name.HasValue()}, {"display_name", in.DisplayName.HasValue()}, {"strategy_type", in.StrategyType.HasValue()}, {"configs", in.ConfigsSet}} {
			if !f.set {
				vs = append(vs, RequiredViolation(f.name))
			}
		}
	}
	if in.Name.HasValue() {
		vs = append(vs, checkNameString("name", in.Name.Value, 1, AuthStrategyNameMax)...)
	}
	if in.DisplayName.HasValue() {
		vs = append(vs, checkNameString("display_name", in.DisplayName.Value, 0, AuthStrategyNameMax)...)
	}
	if in.Labels.HasValue() {
		vs = append(vs, ValidateLabels("labels", in.Labels.Value, !create)...)
	}
	strategyType := in.StrategyType.Value
	if !create {
		// Konnect's update schema has no strategy_type: a change gets a precise reason, and
		// repeating the current type is still a property the update does not accept.
		switch {
		case in.StrategyType.Set && in.StrategyType.Value != current.StrategyType:
			return append(vs, InvalidViolation("strategy_type",
				fmt.Sprintf("the strategy type cannot be changed from %s; create a new strategy instead", current.StrategyType)))
		case in.StrategyType.Set:
			vs = append(vs, Violation{Field: "strategy_type", Rule: "unknown_property", Source: "body",
				Reason: "strategy_type is set at creation and is not part of an update; remove it"})
		}
		strategyType = current.StrategyType
	}
	if in.StrategyType.HasValue() {
		if v := checkEnum("strategy_type", in.StrategyType.Value, StrategyKeyAuth, StrategyOpenIDConnect); v != nil {
			return append(vs, v...)
		}
	}
	if !in.ConfigsSet || strategyType == "" {
		return vs
	}
	switch strategyType {
	case StrategyKeyAuth:
		if in.KeyAuth == nil {
			return append(vs, configTypeViolation(strategyType, "key-auth", create))
		}
		vs = append(vs, validateKeyAuth(*in.KeyAuth)...)
	case StrategyOpenIDConnect:
		if in.OpenIDConnect == nil {
			return append(vs, configTypeViolation(strategyType, "openid-connect", create))
		}
		vs = append(vs, validateOpenIDConnect(in.OpenIDConnect, create)...)
	}
	return vs
}

func configTypeViolation(strategyType, key string, create bool) Violation {
	if create {
		return Violation{Field: "configs." + key, Rule: "required", Source: "body",
			Reason: fmt.Sprintf("a %s strategy is configured under configs.%s", strategyType, key)}
	}
	return InvalidViolation("configs",
		fmt.Sprintf("this is a %s strategy: send its configuration under configs.%s; the strategy type cannot be changed", strategyType, key))
}

func validateKeyAuth(in KeyAuthInput) []Violation {
	var vs []Violation
	if in.KeyNames.Set {
		if in.KeyNames.Null {
			vs = append(vs, InvalidViolation("configs.key-auth.key_names", "must be a list of 1 to 10 key names"))
		} else {
			names := in.KeyNames.Value
			switch {
			case len(names) < 1:
				vs = append(vs, MinItemsViolation("configs.key-auth.key_names", 1))
			case len(names) > keyNamesMax:
				vs = append(vs, MaxItemsViolation("configs.key-auth.key_names", keyNamesMax))
			}
			for i, n := range names {
				field := fmt.Sprintf("configs.key-auth.key_names[%d]", i)
				if v := checkString(field, n, 1, keyNameLengthMax); v != nil {
					vs = append(vs, v...)
					continue
				}
				if !isHTTPToken(n) {
					vs = append(vs, Violation{Field: field, Rule: "matches_regex", Source: "body",
						Reason: "a key name travels as an HTTP header name, so it may contain only letters, digits and !#$%&'*+-.^_`|~"})
				}
			}
		}
	}
	if in.TTL.HasValue() {
		if in.TTL.Value.Value < 1 {
			min := 1
			vs = append(vs, Violation{Field: "configs.key-auth.ttl.value", Rule: "min", Minimum: &min, Source: "body", Reason: "must be at least 1"})
		}
		if max, ok := ttlMax[in.TTL.Value.Unit]; ok && in.TTL.Value.Value > max {
			vs = append(vs, Violation{Field: "configs.key-auth.ttl.value", Rule: "max", Maximum: &max, Source: "body",
				Reason: fmt.Sprintf("must be at most %d %s: keys live at most %d years", max, in.TTL.Value.Unit, MaxAPIKeyLifetimeYears)})
		}
		vs = append(vs, checkEnum("configs.key-auth.ttl.unit", in.TTL.Value.Unit, ttlUnits...)...)
	}
	return vs
}

// isHTTPToken tells whether s is a token in the sense of RFC 9110, section 5.6.2: the
// characters a header field name may have.
func isHTTPToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// openIDConnectLists are the list fields of an openid-connect config with their limits.
var openIDConnectLists = []struct {
	key              string
	maxItems, maxLen int
}{
	{"credential_claim", 10, 128},
	{"scopes", 50, 128},
	{"auth_methods", 10, 64},
}

func validateOpenIDConnect(cfg map[string]any, create bool) []Violation {
	const prefix = "configs.openid-connect."
	var vs []Violation
	if v, ok := cfg["issuer"]; ok || create {
		s, isString := v.(string)
		switch {
		case !ok:
			vs = append(vs, RequiredViolation(prefix+"issuer"))
		case !isString:
			vs = append(vs, Violation{Field: prefix + "issuer", Rule: "is_string", Reason: "must be a string", Source: "body"})
		case len(s) > 256:
			vs = append(vs, MaxLengthViolation(prefix+"issuer", 256))
		default:
			if u, err := url.Parse(s); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				vs = append(vs, InvalidViolation(prefix+"issuer", "must be an http or https URL, such as https://idp.example.com"))
			}
		}
	}
	for _, l := range openIDConnectLists {
		v, ok := cfg[l.key]
		if !ok {
			if create {
				vs = append(vs, RequiredViolation(prefix+l.key))
			}
			continue
		}
		items, isList := v.([]any)
		if !isList {
			vs = append(vs, Violation{Field: prefix + l.key, Rule: "is_array", Reason: "must be an array of strings", Source: "body"})
			continue
		}
		if len(items) > l.maxItems {
			vs = append(vs, MaxItemsViolation(prefix+l.key, l.maxItems))
		}
		for i, it := range items {
			field := fmt.Sprintf("%s%s[%d]", prefix, l.key, i)
			s, isString := it.(string)
			if !isString {
				vs = append(vs, Violation{Field: field, Rule: "is_string", Reason: "must be a string", Source: "body"})
				continue
			}
			vs = append(vs, checkString(field, s, 0, l.maxLen)...)
		}
	}
	return vs
}

// NewAuthStrategy builds a strategy from a validated create request. A key_auth strategy
// without key_names reads the key from "apikey".
func NewAuthStrategy(in AuthStrategyInput, id, region string, now time.Time) AuthStrategy {
	s := AuthStrategy{
		ID:           id,
		Region:       region,
		StrategyType: in.StrategyType.Value,
		Labels:       map[string]string{},
		CreatedAt:    now,
	}
	if in.Labels.HasValue() {
		s.Labels = CreateLabels(in.Labels.Value)
	}
	switch s.StrategyType {
	case StrategyKeyAuth:
		s.KeyAuth = KeyAuthConfig{KeyNames: []string{DefaultKeyName}}
	case StrategyOpenIDConnect:
		s.OpenIDConnect = map[string]any{}
	}
	return applyAuthStrategyFields(s, in, now)
}

// ApplyAuthStrategyInput applies an update with merge semantics. Inside configs, given keys
// replace stored ones; a null ttl removes the key-auth TTL and a null openid-connect key removes
// that key.
func ApplyAuthStrategyInput(s AuthStrategy, in AuthStrategyInput, now time.Time) AuthStrategy {
	s.Labels = applyLabels(s.Labels, in.Labels)
	s.OpenIDConnect = maps.Clone(s.OpenIDConnect)
	return applyAuthStrategyFields(s, in, now)
}

// ReplaceAuthStrategy returns current with every mutable field taken from a validated create
// request, as a full replacement: fields the request leaves out get their creation defaults.
// The id, region, owner portal and creation time stay; the type cannot change.
func ReplaceAuthStrategy(current AuthStrategy, in AuthStrategyInput, now time.Time) (AuthStrategy, error) {
	if in.StrategyType.Value != current.StrategyType {
		return current, Invalid(InvalidViolation("strategy_type",
			fmt.Sprintf("the strategy type cannot be changed from %s; create a new strategy instead", current.StrategyType)))
	}
	s := NewAuthStrategy(in, current.ID, current.Region, now)
	s.OwnerPortalID = current.OwnerPortalID
	s.CreatedAt = current.CreatedAt
	return s, nil
}

func applyAuthStrategyFields(s AuthStrategy, in AuthStrategyInput, now time.Time) AuthStrategy {
	setValue(&s.Name, in.Name)
	setValue(&s.DisplayName, in.DisplayName)
	setValue(&s.PrincipalsEnabled, in.PrincipalsEnabled)
	if in.KeyAuth != nil && s.StrategyType == StrategyKeyAuth {
		setValue(&s.KeyAuth.KeyNames, in.KeyAuth.KeyNames)
		setNullable(&s.KeyAuth.TTL, in.KeyAuth.TTL)
	}
	if in.OpenIDConnect != nil && s.StrategyType == StrategyOpenIDConnect {
		for k, v := range in.OpenIDConnect {
			if v == nil {
				delete(s.OpenIDConnect, k)
			} else {
				s.OpenIDConnect[k] = v
			}
		}
	}
	s.UpdatedAt = now
	return s
}

// ManagedKeyAuthStrategyInput is the request the backend makes on a portal's behalf when the
// portal is created without a default strategy: see WantsManagedKeyAuthStrategy.
func ManagedKeyAuthStrategyInput(portalName string) AuthStrategyInput {
	return AuthStrategyInput{
		Name:         Val(ManagedKeyAuthStrategyName(portalName)),
		DisplayName:  Val("Key Auth"),
		StrategyType: Val(StrategyKeyAuth),
		KeyAuth:      &KeyAuthInput{KeyNames: Val([]string{DefaultKeyName})},
		ConfigsSet:   true,
	}
}
