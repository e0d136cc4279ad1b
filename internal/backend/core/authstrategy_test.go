package core

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func oidcConfig(extra string) map[string]any {
	var m map[string]any
	s := `{"issuer":"https://idp.example.com","credential_claim":["sub"],"scopes":["openid"],"auth_methods":["bearer"]` + extra + `}`
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		panic(err)
	}
	return m
}

func TestValidateAuthStrategyInput(t *testing.T) {
	keyAuth := func(k KeyAuthInput) AuthStrategyInput {
		return AuthStrategyInput{Name: Val("n"), DisplayName: Val("d"), StrategyType: Val(StrategyKeyAuth), KeyAuth: &k, ConfigsSet: true}
	}
	oidc := func(cfg map[string]any) AuthStrategyInput {
		return AuthStrategyInput{Name: Val("n"), DisplayName: Val("d"), StrategyType: Val(StrategyOpenIDConnect), OpenIDConnect: cfg, ConfigsSet: true}
	}
	keyStrategy := &AuthStrategy{StrategyType: StrategyKeyAuth}
	tests := []struct {
		name    string
		in      AuthStrategyInput
		current *AuthStrategy
		field   string
		rule    string
	}{
		{"key auth minimal", keyAuth(KeyAuthInput{}), nil, "", ""},
		{"key auth full", keyAuth(KeyAuthInput{KeyNames: Val([]string{"a", "b"}), TTL: Val(KeyAuthTTL{Value: 7, Unit: "weeks"})}), nil, "", ""},
		{"missing name", AuthStrategyInput{DisplayName: Val("d"), StrategyType: Val(StrategyKeyAuth), KeyAuth: &KeyAuthInput{}, ConfigsSet: true}, nil, "name", "required"},
		{"missing configs", AuthStrategyInput{Name: Val("n"), DisplayName: Val("d"), StrategyType: Val(StrategyKeyAuth)}, nil, "configs", "required"},
		{"empty display name allowed", AuthStrategyInput{Name: Val("n"), DisplayName: Val(""), StrategyType: Val(StrategyKeyAuth), KeyAuth: &KeyAuthInput{}, ConfigsSet: true}, nil, "", ""},
		{"name too long", AuthStrategyInput{Name: Val(strings.Repeat("n", 257)), DisplayName: Val("d"), StrategyType: Val(StrategyKeyAuth), KeyAuth: &KeyAuthInput{}, ConfigsSet: true}, nil, "name", "max_length"},
		{"unknown type", AuthStrategyInput{Name: Val("n"), DisplayName: Val("d"), StrategyType: Val("basic"), ConfigsSet: true}, nil, "strategy_type", "enum"},
		{"no key names", keyAuth(KeyAuthInput{KeyNames: Val([]string{})}), nil, "configs.key-auth.key_names", "min_items"},
		{"too many key names", keyAuth(KeyAuthInput{KeyNames: Val(strings.Split("a,b,c,d,e,f,g,h,i,j,k", ","))}), nil, "configs.key-auth.key_names", "max_items"},
		{"key name too long", keyAuth(KeyAuthInput{KeyNames: Val([]string{strings.Repeat("k", 257)})}), nil, "configs.key-auth.key_names[0]", "max_length"},
		{"key name with a space", keyAuth(KeyAuthInput{KeyNames: Val([]string{"apikey", "bad name!"})}), nil, "configs.key-auth.key_names[1]", "matches_regex"},
		{"key name with a colon", keyAuth(KeyAuthInput{KeyNames: Val([]string{"x:key"})}), nil, "configs.key-auth.key_names[0]", "matches_regex"},
		{"key name not ASCII", keyAuth(KeyAuthInput{KeyNames: Val([]string{"schlüssel"})}), nil, "configs.key-auth.key_names[0]", "matches_regex"},
		{"key name all token characters", keyAuth(KeyAuthInput{KeyNames: Val([]string{"X-Api_Key.v2", "!#$%&'*+-.^_`|~09azAZ"})}), nil, "", ""},
		{"update key name with a slash", AuthStrategyInput{KeyAuth: &KeyAuthInput{KeyNames: Val([]string{"a/b"})}, ConfigsSet: true}, keyStrategy, "configs.key-auth.key_names[0]", "matches_regex"},
		{"ttl zero", keyAuth(KeyAuthInput{TTL: Val(KeyAuthTTL{Value: 0, Unit: "days"})}), nil, "configs.key-auth.ttl.value", "min"},
		{"ttl 100 years", keyAuth(KeyAuthInput{TTL: Val(KeyAuthTTL{Value: 100, Unit: "years"})}), nil, "", ""},
		{"ttl over 100 years", keyAuth(KeyAuthInput{TTL: Val(KeyAuthTTL{Value: 101, Unit: "years"})}), nil, "configs.key-auth.ttl.value", "max"},
		{"ttl over 36500 days", keyAuth(KeyAuthInput{TTL: Val(KeyAuthTTL{Value: 36501, Unit: "days"})}), nil, "configs.key-auth.ttl.value", "max"},
		{"ttl over 5200 weeks", keyAuth(KeyAuthInput{TTL: Val(KeyAuthTTL{Value: 5201, Unit: "weeks"})}), nil, "configs.key-auth.ttl.value", "max"},
		{"name with NUL", AuthStrategyInput{Name: Val("a\x00b"), DisplayName: Val("d"), StrategyType: Val(StrategyKeyAuth), KeyAuth: &KeyAuthInput{}, ConfigsSet: true}, nil, "name", "invalid"},
		{"display name with a newline", AuthStrategyInput{Name: Val("n"), DisplayName: Val("a\nb"), StrategyType: Val(StrategyKeyAuth), KeyAuth: &KeyAuthInput{}, ConfigsSet: true}, nil, "display_name", "invalid"},
		{"ttl unit", keyAuth(KeyAuthInput{TTL: Val(KeyAuthTTL{Value: 1, Unit: "months"})}), nil, "configs.key-auth.ttl.unit", "enum"},
		{"key auth with oidc config", AuthStrategyInput{Name: Val("n"), DisplayName: Val("d"), StrategyType: Val(StrategyKeyAuth), OpenIDConnect: oidcConfig(""), ConfigsSet: true}, nil, "configs.key-auth", "required"},
		{"oidc valid with extras", oidc(oidcConfig(`,"audience":["x"],"nested":{"a":1}`)), nil, "", ""},
		{"oidc missing lists", oidc(map[string]any{"issuer": "https://i.example"}), nil, "configs.openid-connect.credential_claim", "required"},
		{"oidc issuer not a URL", oidc(oidcConfig(`,"issuer":"ftp://x"`)), nil, "configs.openid-connect.issuer", "invalid"},
		{"oidc issuer not a string", oidc(oidcConfig(`,"issuer":5`)), nil, "configs.openid-connect.issuer", "is_string"},
		{"oidc scopes not a list", oidc(oidcConfig(`,"scopes":"openid"`)), nil, "configs.openid-connect.scopes", "is_array"},
		{"oidc scope not a string", oidc(oidcConfig(`,"scopes":[1]`)), nil, "configs.openid-connect.scopes[0]", "is_string"},
		{"update nothing", AuthStrategyInput{}, keyStrategy, "", ""},
		{"update partial key auth", AuthStrategyInput{KeyAuth: &KeyAuthInput{TTL: Null[KeyAuthTTL]()}, ConfigsSet: true}, keyStrategy, "", ""},
		{"update type change", AuthStrategyInput{StrategyType: Val(StrategyOpenIDConnect)}, keyStrategy, "strategy_type", "invalid"},
		{"update same type", AuthStrategyInput{StrategyType: Val(StrategyKeyAuth)}, keyStrategy, "strategy_type", "unknown_property"},
		{"update other configs", AuthStrategyInput{OpenIDConnect: map[string]any{"scopes": []any{}}, ConfigsSet: true}, keyStrategy, "configs", "invalid"},
		{"update partial oidc", AuthStrategyInput{OpenIDConnect: map[string]any{"scopes": []any{"a"}}, ConfigsSet: true}, &AuthStrategy{StrategyType: StrategyOpenIDConnect}, "", ""},
		{"update null key names", AuthStrategyInput{KeyAuth: &KeyAuthInput{KeyNames: Null[[]string]()}, ConfigsSet: true}, keyStrategy, "configs.key-auth.key_names", "invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := ValidateAuthStrategyInput(tt.in, tt.current)
			if tt.field == "" {
				if len(vs) != 0 {
					t.Fatalf("unexpected violations %+v", vs)
				}
				return
			}
			if len(vs) == 0 || vs[0].Field != tt.field || vs[0].Rule != tt.rule {
				t.Fatalf("got %+v, want %s on %s first", vs, tt.rule, tt.field)
			}
		})
	}
}

func TestNewAndApplyAuthStrategy(t *testing.T) {
	now := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
	s := NewAuthStrategy(AuthStrategyInput{Name: Val("k"), DisplayName: Val("K"), StrategyType: Val(StrategyKeyAuth),
		KeyAuth: &KeyAuthInput{TTL: Val(KeyAuthTTL{Value: 1, Unit: "years"})}, ConfigsSet: true}, "id", "me", now)
	if fmt.Sprint(s.KeyAuth.KeyNames) != "[apikey]" || s.KeyAuth.TTL == nil || s.Region != "me" || s.Labels == nil {
		t.Fatalf("new key auth = %+v", s)
	}
	cleared := ApplyAuthStrategyInput(s, AuthStrategyInput{KeyAuth: &KeyAuthInput{TTL: Null[KeyAuthTTL]()}}, now.Add(time.Minute))
	if cleared.KeyAuth.TTL != nil || fmt.Sprint(cleared.KeyAuth.KeyNames) != "[apikey]" || !cleared.UpdatedAt.After(cleared.CreatedAt) {
		t.Errorf("after ttl null = %+v", cleared)
	}

	o := NewAuthStrategy(AuthStrategyInput{Name: Val("o"), StrategyType: Val(StrategyOpenIDConnect), OpenIDConnect: oidcConfig(`,"leeway":5`), ConfigsSet: true}, "id2", "us", now)
	patched := ApplyAuthStrategyInput(o, AuthStrategyInput{OpenIDConnect: map[string]any{"leeway": nil, "scopes": []any{"a", "b"}}}, now)
	if _, has := patched.OpenIDConnect["leeway"]; has || fmt.Sprint(patched.OpenIDConnect["scopes"]) != "[a b]" || patched.OpenIDConnect["issuer"] != "https://idp.example.com" {
		t.Errorf("patched oidc = %v", patched.OpenIDConnect)
	}
	if _, has := o.OpenIDConnect["leeway"]; !has {
		t.Error("the input strategy was modified")
	}

	m := ManagedKeyAuthStrategyInput("Dev Portal")
	if vs := ValidateAuthStrategyInput(m, nil); len(vs) != 0 {
		t.Errorf("managed strategy input is invalid: %+v", vs)
	}
	ms := NewAuthStrategy(m, "id3", "us", now)
	if ms.Name != "Dev Portal-key-auth" || ms.DisplayName != "Key Auth" || fmt.Sprint(ms.KeyAuth.KeyNames) != "[apikey]" || len(ms.Labels) != 0 {
		t.Errorf("managed strategy = %+v", ms)
	}
}

func TestReplaceAuthStrategy(t *testing.T) {
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	now := created.Add(time.Hour)
	owner := "portal-1"
	ttl := &KeyAuthTTL{Value: 30, Unit: "days"}
	keys := AuthStrategy{ID: "s1", Region: "eu", Name: "keys", DisplayName: "Keys", StrategyType: StrategyKeyAuth,
		KeyAuth: KeyAuthConfig{KeyNames: []string{"x-key", "y-key"}, TTL: ttl}, Labels: map[string]string{"team": "a"},
		PrincipalsEnabled: true, OwnerPortalID: &owner, CreatedAt: created, UpdatedAt: created}
	oidc := AuthStrategy{ID: "s2", Region: "us", Name: "idp", StrategyType: StrategyOpenIDConnect,
		OpenIDConnect: oidcConfig(`,"extra":true`), CreatedAt: created}

	tests := []struct {
		name    string
		current AuthStrategy
		in      AuthStrategyInput
		want    func(AuthStrategy) AuthStrategy // from the current strategy; nil when refused
	}{
		{"omitted fields take creation defaults", keys,
			AuthStrategyInput{Name: Val("renamed"), DisplayName: Val("Renamed"), StrategyType: Val(StrategyKeyAuth), KeyAuth: &KeyAuthInput{}, ConfigsSet: true},
			func(s AuthStrategy) AuthStrategy {
				s.Name, s.DisplayName, s.UpdatedAt = "renamed", "Renamed", now
				s.KeyAuth, s.Labels, s.PrincipalsEnabled = KeyAuthConfig{KeyNames: []string{DefaultKeyName}}, map[string]string{}, false
				return s
			}},
		{"given fields replace", keys,
			AuthStrategyInput{Name: Val("keys"), DisplayName: Val("Keys"), StrategyType: Val(StrategyKeyAuth),
				Labels:  Val(map[string]*string{"env": new("prod")}),
				KeyAuth: &KeyAuthInput{KeyNames: Val([]string{"z-key"}), TTL: Val(KeyAuthTTL{Value: 1, Unit: "weeks"})}, ConfigsSet: true},
			func(s AuthStrategy) AuthStrategy {
				s.UpdatedAt, s.Labels, s.PrincipalsEnabled = now, map[string]string{"env": "prod"}, false
				s.KeyAuth = KeyAuthConfig{KeyNames: []string{"z-key"}, TTL: &KeyAuthTTL{Value: 1, Unit: "weeks"}}
				return s
			}},
		{"openid-connect config replaced whole", oidc,
			AuthStrategyInput{Name: Val("idp"), DisplayName: Val(""), StrategyType: Val(StrategyOpenIDConnect), OpenIDConnect: oidcConfig(""), ConfigsSet: true},
			func(s AuthStrategy) AuthStrategy {
				s.OpenIDConnect, s.Labels, s.UpdatedAt = oidcConfig(""), map[string]string{}, now
				return s
			}},
		{"type cannot change", keys,
			AuthStrategyInput{Name: Val("keys"), DisplayName: Val("Keys"), StrategyType: Val(StrategyOpenIDConnect), OpenIDConnect: oidcConfig(""), ConfigsSet: true},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReplaceAuthStrategy(tt.current, tt.in, now)
			if tt.want == nil {
				var ve *ValidationError
				if !errors.As(err, &ve) || len(ve.Violations) != 1 || ve.Violations[0].Field != "strategy_type" {
					t.Fatalf("got %v, want a strategy_type violation", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := tt.want(tt.current); !reflect.DeepEqual(got, want) {
				t.Errorf("got  %#v\nwant %#v", got, want)
			}
		})
	}
}

func TestIsHTTPToken(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"apikey", true},
		{"X-API-Key", true},
		{"!#$%&'*+-.^_`|~", true},
		{"", false},
		{"bad name!", false},
		{"tab\tkey", false},
		{`quoted"key`, false},
		{"a(b)", false},
		{"a,b", false},
		{"a;b", false},
		{"a=b", false},
		{"a@b", false},
		{"a[b]", false},
		{"a{b}", false},
		{"a\\b", false},
		{"del\x7f", false},
		{"ключ", false},
	}
	for _, tt := range tests {
		if got := isHTTPToken(tt.s); got != tt.want {
			t.Errorf("isHTTPToken(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}
