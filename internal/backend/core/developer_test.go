package core

import (
	"errors"
	"strings"
	"testing"
)

func TestParseDeveloperStatus(t *testing.T) {
	for _, s := range []string{"approved", "pending", "rejected", "revoked"} {
		got, err := ParseDeveloperStatus(s)
		if err != nil || string(got) != s {
			t.Errorf("ParseDeveloperStatus(%q) = %q, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "active", "Pending"} {
		if got, err := ParseDeveloperStatus(s); err == nil {
			t.Errorf("ParseDeveloperStatus(%q) = %q, want an error", s, got)
		} else if !strings.Contains(err.Error(), "approved, pending, rejected, revoked") {
			t.Errorf("error %q does not list the valid statuses", err)
		}
	}
}

func TestInitialDeveloperStatus(t *testing.T) {
	if got := InitialDeveloperStatus(false); got != DeveloperPending {
		t.Errorf("InitialDeveloperStatus(false) = %q, want pending", got)
	}
	if got := InitialDeveloperStatus(true); got != DeveloperApproved {
		t.Errorf("InitialDeveloperStatus(true) = %q, want approved", got)
	}
}

func TestDeveloperCanLogIn(t *testing.T) {
	tests := []struct {
		status     DeveloperStatus
		want       bool
		wantTitle  string
		wantDetail string
	}{
		{DeveloperApproved, true, "", ""},
		{DeveloperPending, false, "Approval Required", "pending approval"},
		{DeveloperRejected, false, "Approval Required", "rejected"},
		{DeveloperRevoked, false, "Approval Required", "revoked"},
		{"unknown", false, "Unauthorized", "cannot log in"},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			ok, refusal := DeveloperCanLogIn(tt.status)
			if ok != tt.want {
				t.Fatalf("DeveloperCanLogIn(%q) = %v, want %v", tt.status, ok, tt.want)
			}
			if refusal.Title != tt.wantTitle || !strings.Contains(refusal.Detail, tt.wantDetail) {
				t.Errorf("refusal = %+v, want title %q and detail containing %q", refusal, tt.wantTitle, tt.wantDetail)
			}
		})
	}
}

func TestNormalizeDeveloperEmail(t *testing.T) {
	local64 := strings.Repeat("a", 64)
	tests := []struct {
		in, want string
	}{
		{"dev@example.com", "dev@example.com"},
		{"  Dev.Smith+portal@Example.COM\n", "dev.smith+portal@example.com"},
		{local64 + "@example.com", local64 + "@example.com"},
		{"dev@localhost", "dev@localhost"},
		{"d@" + strings.Repeat("b", 240) + ".com", "d@" + strings.Repeat("b", 240) + ".com"},
	}
	for _, tt := range tests {
		got, err := NormalizeDeveloperEmail(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("NormalizeDeveloperEmail(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestNormalizeDeveloperEmailRejects(t *testing.T) {
	for _, in := range []string{
		"",
		"   ",
		"dev",
		"dev@",
		"@example.com",
		"dev@@example.com",
		"dev smith@example.com",
		"Dev Smith <dev@example.com>",
		"<dev@example.com>",
		"dev@example.com, other@example.com",
		"dev@example.com (work)",
		strings.Repeat("a", 65) + "@example.com",
		"d@" + strings.Repeat("b", 249) + ".com",
	} {
		got, err := NormalizeDeveloperEmail(in)
		if err == nil {
			t.Errorf("NormalizeDeveloperEmail(%q) = %q, want an error", in, got)
			continue
		}
		if !errors.Is(err, ErrDeveloperEmailInvalid) {
			t.Errorf("error %v does not wrap ErrDeveloperEmailInvalid", err)
		}
	}
}

func TestCheckPersonName(t *testing.T) {
	tests := []struct {
		name, value string
		wantRule    string
	}{
		{"plain", "Ada Lovelace", ""},
		{"accents and scripts", "Zoë Ωmega 李", ""},
		{"empty", "", "min_length"},
		{"line feed", "Ada\nPlease wire money to", "invalid"},
		{"carriage return", "Ada\r", "invalid"},
		{"tab", "Ada\tLovelace", "invalid"},
		{"escape", "Ada\x1b[31m", "invalid"},
		{"unicode line separator", "Ada\u2028Lovelace", "invalid"},
		{"bidirectional override", "Ada\u202eecalevoL", "invalid"},
		{"too long", strings.Repeat("a", 256), "max_length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := CheckPersonName("full_name", tt.value, DeveloperNameMax)
			switch {
			case tt.wantRule == "" && len(vs) > 0:
				t.Fatalf("violations %v, want none", vs)
			case tt.wantRule != "" && (len(vs) != 1 || vs[0].Rule != tt.wantRule || vs[0].Field != "full_name"):
				t.Fatalf("violations %v, want one full_name %s", vs, tt.wantRule)
			}
		})
	}
}
