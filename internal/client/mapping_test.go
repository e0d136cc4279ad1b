package client

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestNullableJSON(t *testing.T) {
	type body struct {
		A Nullable[string] `json:"a,omitzero"`
	}
	tests := []struct {
		name string
		in   body
		want string
	}{
		{"absent", body{}, `{}`},
		{"null", body{A: Null[string]()}, `{"a":null}`},
		{"value", body{A: Value("x")}, `{"a":"x"}`},
		{"nil pointer", body{A: FromPointer[string](nil)}, `{"a":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Marshal = %s, want %s", got, tt.want)
			}
			var back body
			if err := json.Unmarshal(got, &back); err != nil {
				t.Fatal(err)
			}
			if back != tt.in && (tt.name != "nil pointer" || !back.A.IsNull()) {
				t.Errorf("round trip = %+v, want %+v", back, tt.in)
			}
		})
	}
	if p := Value("x").Pointer(); p == nil || *p != "x" {
		t.Error("Pointer of a value")
	}
	if Null[string]().Pointer() != nil {
		t.Error("Pointer of null")
	}
}

func TestOpenIDConnectConfigJSON(t *testing.T) {
	in := `{"issuer":"https://idp.example.com","credential_claim":["sub"],"scopes":["openid"],"auth_methods":["bearer"],"audience":["api"],"leeway":5}`
	var c OpenIDConnectConfig
	if err := json.Unmarshal([]byte(in), &c); err != nil {
		t.Fatal(err)
	}
	want := OpenIDConnectConfig{
		Issuer:          "https://idp.example.com",
		CredentialClaim: []string{"sub"},
		Scopes:          []string{"openid"},
		AuthMethods:     []string{"bearer"},
		AdditionalProperties: map[string]json.RawMessage{
			"audience": json.RawMessage(`["api"]`),
			"leeway":   json.RawMessage(`5`),
		},
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("Unmarshal = %+v, want %+v", c, want)
	}
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	_ = json.Unmarshal([]byte(in), &a)
	_ = json.Unmarshal(out, &b)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("Marshal = %s, want %s", out, in)
	}
}

func TestOpenIDConnectNamedPropertiesWin(t *testing.T) {
	c := OpenIDConnectConfig{Issuer: "https://a", AdditionalProperties: map[string]json.RawMessage{"issuer": json.RawMessage(`"https://b"`)}}
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"auth_methods":[],"credential_claim":[],"issuer":"https://a","scopes":[]}` {
		t.Errorf("Marshal = %s", out)
	}
}

func TestLabelsPatch(t *testing.T) {
	v := func(s string) *string { return &s }
	tests := []struct {
		name     string
		old, new map[string]string
		want     map[string]*string
	}{
		{"no change", map[string]string{"a": "1"}, map[string]string{"a": "1"}, nil},
		{"both empty", nil, nil, nil},
		{"add and change", map[string]string{"a": "1"}, map[string]string{"a": "2", "b": "3"}, map[string]*string{"a": v("2"), "b": v("3")}},
		{"remove", map[string]string{"a": "1", "b": "2"}, map[string]string{"b": "2"}, map[string]*string{"a": nil}},
		{"remove all", map[string]string{"a": "1"}, nil, map[string]*string{"a": nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LabelsPatch(tt.old, tt.new); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("LabelsPatch = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStrategyRequestBodies(t *testing.T) {
	body, err := json.Marshal(UpdateAuthStrategyRequest{Configs: &UpdateAuthStrategyConfigs{KeyAuth: &UpdateKeyAuthConfig{KeyNames: []string{"k"}, TTL: Null[KeyTTL]()}}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"configs":{"key-auth":{"key_names":["k"],"ttl":null}}}`; string(body) != want {
		t.Errorf("update body = %s, want %s", body, want)
	}
	if err := (AuthStrategyConfigs{KeyAuth: &KeyAuthConfig{}}).check(StrategyTypeOpenIDConnect); err == nil {
		t.Error("mismatched configuration accepted")
	}
}
