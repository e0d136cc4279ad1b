package core

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

func TestValidateIdempotencyKey(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		rule   string // "" when valid
	}{
		{"uuid", []string{"4f1c2b8e-3a5d-4c7e-9f10-2b3c4d5e6f70"}, ""},
		{"printable ASCII with spaces", []string{"create portal #1 ~"}, ""},
		{"255 characters", []string{strings.Repeat("k", 255)}, ""},
		{"256 characters", []string{strings.Repeat("k", 256)}, "max_length"},
		{"empty", []string{""}, "min_length"},
		{"two values", []string{"a", "b"}, "invalid"},
		{"tab", []string{"a\tb"}, "matches_regex"},
		{"DEL", []string{"a\x7f"}, "matches_regex"},
		{"not ASCII", []string{"clé"}, "matches_regex"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := ValidateIdempotencyKey(tt.values)
			if tt.rule == "" {
				if len(vs) != 0 {
					t.Fatalf("violations %+v, want none", vs)
				}
				return
			}
			if len(vs) != 1 || vs[0].Rule != tt.rule || vs[0].Field != "Idempotency-Key" || vs[0].Source != "header" || vs[0].Reason == "" {
				t.Fatalf("violations %+v, want one Idempotency-Key header violation of rule %s", vs, tt.rule)
			}
		})
	}
}

func TestIdempotencyOutcomeOf(t *testing.T) {
	tests := []struct {
		status int
		want   IdempotencyOutcome
	}{
		{http.StatusOK, StoreAndCommit},
		{http.StatusCreated, StoreAndCommit},
		{http.StatusNoContent, StoreAndCommit},
		{http.StatusBadRequest, StoreAndCommit},
		{http.StatusNotFound, StoreAndCommit},
		{http.StatusConflict, StoreAndCommit},
		{http.StatusRequestEntityTooLarge, StoreAndCommit},
		{http.StatusUnauthorized, CommitOnly},
		{http.StatusForbidden, CommitOnly},
		{http.StatusRequestTimeout, CommitOnly},
		{http.StatusTooManyRequests, RollBack},
		{http.StatusInternalServerError, RollBack},
		{http.StatusServiceUnavailable, RollBack},
	}
	for _, tt := range tests {
		if got := IdempotencyOutcomeOf(tt.status); got != tt.want {
			t.Errorf("IdempotencyOutcomeOf(%d) = %d, want %d", tt.status, got, tt.want)
		}
	}
}

func TestIdempotencySecretsBelongToCredentialAndKey(t *testing.T) {
	a := DeriveIdempotencySecrets("admin:a", "key-1")
	if again := DeriveIdempotencySecrets("admin:a", "key-1"); again.LookupHash != a.LookupHash {
		t.Fatal("derivation is not deterministic")
	}
	others := map[string]IdempotencySecrets{
		"another credential": DeriveIdempotencySecrets("admin:b", "key-1"),
		"another key":        DeriveIdempotencySecrets("admin:a", "key-2"),
	}
	resp := StoredResponse{Status: 201, Header: map[string]string{"Content-Type": "application/json"},
		Body: []byte(`{"credential":"dpk_secretsecretsecret"}`)}
	sealed, err := a.Seal(resp)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("dpk_secret")) || strings.Contains(string(sealed), "key-1") {
		t.Error("the sealed response shows its body or the key")
	}
	opened, err := a.Open(sealed)
	if err != nil || opened.Status != 201 || !bytes.Equal(opened.Body, resp.Body) || opened.Header["Content-Type"] != "application/json" {
		t.Fatalf("Open = %+v, %v; want what was sealed", opened, err)
	}
	for name, o := range others {
		if o.LookupHash == a.LookupHash {
			t.Errorf("%s: same lookup hash", name)
		}
		if _, err := o.Open(sealed); err == nil {
			t.Errorf("%s opens the sealed response", name)
		}
		if o.Fingerprint("POST", "us", "/v3/portals", "", []byte("{}")) == a.Fingerprint("POST", "us", "/v3/portals", "", []byte("{}")) {
			t.Errorf("%s: same fingerprint", name)
		}
	}
	if _, err := a.Open(sealed[:len(sealed)-1]); err == nil {
		t.Error("a truncated record opens")
	}
}

func TestIdempotencyFingerprint(t *testing.T) {
	s := DeriveIdempotencySecrets("admin:a", "k")
	base := s.Fingerprint("POST", "us", "/v3/portals", "", []byte(`{"name":"a"}`))
	if !SameFingerprint(base, s.Fingerprint("POST", "us", "/v3/portals", "", []byte(`{"name":"a"}`))) {
		t.Fatal("the same request has another fingerprint")
	}
	for name, other := range map[string]string{
		"method": s.Fingerprint("PATCH", "us", "/v3/portals", "", []byte(`{"name":"a"}`)),
		"region": s.Fingerprint("POST", "eu", "/v3/portals", "", []byte(`{"name":"a"}`)),
		"path":   s.Fingerprint("POST", "us", "/v3/apis", "", []byte(`{"name":"a"}`)),
		"query":  s.Fingerprint("POST", "us", "/v3/portals", "force=true", []byte(`{"name":"a"}`)),
		"body":   s.Fingerprint("POST", "us", "/v3/portals", "", []byte(`{"name":"b"}`)),
		// Parts are delimited, so moving a character from one to the next changes the fingerprint.
		"boundary": s.Fingerprint("POST", "us", "/v3/portals", "", []byte(`{"name":"a"}`+"\x00")),
	} {
		if SameFingerprint(base, other) {
			t.Errorf("another %s gives the same fingerprint", name)
		}
	}
}
