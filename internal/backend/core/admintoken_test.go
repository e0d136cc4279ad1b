package core

import (
	"crypto/rand"
	"encoding/hex"
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

func TestCheckAdminTokenStrength(t *testing.T) {
	tests := []struct {
		name  string
		token string
		ok    bool
	}{
		{"openssl rand -hex 32", "spat_1f0c9a7be35d4c2e8b6a0d9f7e1c3b5a2d4f6e8c0b1a3d5f7e9c2b4a6d8f0e1c", true},
		{"48 random letters and digits", "spat_FwyO23WYvYXJiYU4z5OA4M6jJa2LqU5MHdqBlnz5nXtiMwD6", true},
		{"40 random letters and digits", "kpat_q7Rk2XwPz9LmT4vBn8HcJ5sYd3FgA6eUo1Ni", true},
		{"one character repeated", "spat_" + strings.Repeat("a", 40), false},
		{"a short pattern repeated", "kpat_" + strings.Repeat("Z9_", 15), false},
		{"runs of digits and letters", "spat_0123456789abcdefghijklmnopqrstuvwxyz", false},
		{"a word repeated", "spat_" + strings.Repeat("password", 5), false},
		{"20 random characters", "spat_q7Rk2XwPz9LmT4vBn8Hc", false},
		{"malformed", "secret", false},
	}
	for _, tt := range tests {
		err := CheckAdminTokenStrength(tt.token)
		if (err == nil) != tt.ok {
			t.Errorf("%s: CheckAdminTokenStrength = %v, want ok=%v (estimate %.0f bits)", tt.name, err, tt.ok, EstimateSecretBits(tt.token[min(5, len(tt.token)):]))
		}
		if err != nil && tt.name != "malformed" && !strings.Contains(err.Error(), "openssl rand -hex 32") {
			t.Errorf("%s: error %q does not say how to make a good token", tt.name, err)
		}
	}
	// Tokens made the recommended ways always pass.
	for range 200 {
		tok, err := GenerateAdminToken()
		if err != nil {
			t.Fatal(err)
		}
		if err := CheckAdminTokenStrength(tok); err != nil {
			t.Fatalf("generated token refused: %v", err)
		}
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			t.Fatal(err)
		}
		if err := CheckAdminTokenStrength("spat_" + hex.EncodeToString(b[:])); err != nil {
			t.Fatalf("openssl-style hex token refused: %v", err)
		}
	}
}
