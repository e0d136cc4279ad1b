package core

import (
	"strings"
	"testing"
)

func TestNodeTokenAllows(t *testing.T) {
	const cp = "11111111-1111-4111-8111-111111111111"
	const other = "22222222-2222-4222-8222-222222222222"
	base := "/v2/control-planes/" + cp
	tests := []struct {
		method, path string
		want         bool
	}{
		{"GET", base + "/node-config", true},
		{"GET", base + "/expected-config-hash", true},
		{"GET", base + "/nodes", true},
		{"GET", base + "/nodes/n1", true},
		{"PUT", base + "/nodes/n1", true},
		{"DELETE", base + "/nodes/n1", false},
		{"POST", base + "/nodes", false},
		{"POST", base + "/node-config", false},
		{"GET", base + "/nodes/", false},
		{"GET", base + "/nodes/n1/extra", false},
		{"GET", base, false},
		{"GET", base + "/node-tokens", false},
		{"GET", base + "/core-entities/services", false},
		{"GET", "/v2/control-planes/" + other + "/node-config", false},
		{"GET", "/v2/control-planes/" + cp + "x/node-config", false},
		{"GET", "/v3/portals", false},
	}
	for _, tt := range tests {
		if got := NodeTokenAllows(cp, tt.method, tt.path); got != tt.want {
			t.Errorf("NodeTokenAllows(%s %s) = %v, want %v", tt.method, tt.path, got, tt.want)
		}
	}
}

func TestGenerateNodeToken(t *testing.T) {
	a, err := GenerateNodeToken()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := GenerateNodeToken()
	if a == b || !strings.HasPrefix(a, NodeTokenPrefix) || len(a) != len(NodeTokenPrefix)+43 {
		t.Fatalf("tokens %q and %q: want distinct dpn_ tokens of 32 random bytes", a, b)
	}
}

func TestValidateConfigHash(t *testing.T) {
	good := strings.Repeat("ab", 32)
	for _, h := range []string{"", good} {
		if vs := ValidateConfigHash(h); len(vs) != 0 {
			t.Errorf("ValidateConfigHash(%q) = %v, want none", h, vs)
		}
	}
	for _, h := range []string{"abc", strings.ToUpper(good), good + "0", strings.Repeat("zz", 32)} {
		if vs := ValidateConfigHash(h); len(vs) != 1 || vs[0].Field != "config_hash" {
			t.Errorf("ValidateConfigHash(%q) = %v, want one violation of config_hash", h, vs)
		}
	}
}
