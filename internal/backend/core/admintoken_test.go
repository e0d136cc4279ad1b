package core

import (
	"strings"
	"testing"
)

func TestValidateAdminToken(t *testing.T) {
	tests := []struct {
		token string
		ok    bool
	}{
		{"spat_" + strings.Repeat("a", 20), true},
		{"kpat_" + strings.Repeat("Z9_", 15), true},
		{"spat_" + strings.Repeat("a", 19), false},
		{"", false},
		{"token_" + strings.Repeat("a", 30), false},
		{"SPAT_" + strings.Repeat("a", 30), false},
		{"spat_" + strings.Repeat("a", 20) + "-x", false},
		{"spat_" + strings.Repeat("a", 20) + " ", false},
		{"spat_" + strings.Repeat("a", 300), false},
	}
	for _, tt := range tests {
		err := ValidateAdminToken(tt.token)
		if (err == nil) != tt.ok {
			t.Errorf("ValidateAdminToken(%.12q...) = %v, want ok=%v", tt.token, err, tt.ok)
		}
		if err != nil && strings.Contains(err.Error(), tt.token) && tt.token != "" {
			t.Errorf("error %q repeats the token", err)
		}
	}
}

func TestGenerateAdminToken(t *testing.T) {
	a, err := GenerateAdminToken()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := GenerateAdminToken()
	if err := ValidateAdminToken(a); err != nil {
		t.Errorf("generated token is invalid: %v", err)
	}
	if a == b {
		t.Error("two generated tokens are equal")
	}
	if h := HashToken(a); h != HashToken(a) || h == HashToken(b) || len(h) != 64 {
		t.Error("HashToken is not a stable SHA-256 hex digest")
	}
}
