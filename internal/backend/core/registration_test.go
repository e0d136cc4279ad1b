package core

import (
	"errors"
	"strings"
	"testing"
)

func TestParseRegistrationStatus(t *testing.T) {
	for _, s := range []string{"approved", "pending", "rejected", "revoked"} {
		got, err := ParseRegistrationStatus(s)
		if err != nil || string(got) != s {
			t.Errorf("ParseRegistrationStatus(%q) = %q, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "Approved", "active", " approved"} {
		if got, err := ParseRegistrationStatus(s); err == nil {
			t.Errorf("ParseRegistrationStatus(%q) = %q, want an error", s, got)
		} else if !strings.Contains(err.Error(), "approved, pending, rejected, revoked") {
			t.Errorf("error %q does not list the valid statuses", err)
		}
	}
}

func TestInitialRegistrationStatus(t *testing.T) {
	tests := []struct {
		name string
		in   RegistrationApprovalInput
		want RegistrationStatus
	}{
		{"admin approval by default", RegistrationApprovalInput{}, RegistrationPending},
		{"portal auto-approves", RegistrationApprovalInput{PortalAutoApproveApplications: true}, RegistrationApproved},
		{"publication auto-approves", RegistrationApprovalInput{PublicationAutoApproveRegistrations: true}, RegistrationApproved},
		{"both auto-approve", RegistrationApprovalInput{PortalAutoApproveApplications: true, PublicationAutoApproveRegistrations: true}, RegistrationApproved},
		{"explicit pending beats auto-approval", RegistrationApprovalInput{
			Explicit: RegistrationPending, PortalAutoApproveApplications: true, PublicationAutoApproveRegistrations: true,
		}, RegistrationPending},
		{"explicit approved without auto-approval", RegistrationApprovalInput{Explicit: RegistrationApproved}, RegistrationApproved},
		{"explicit rejected", RegistrationApprovalInput{Explicit: RegistrationRejected, PortalAutoApproveApplications: true}, RegistrationRejected},
		{"explicit revoked", RegistrationApprovalInput{Explicit: RegistrationRevoked}, RegistrationRevoked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := InitialRegistrationStatus(tt.in); got != tt.want {
				t.Errorf("InitialRegistrationStatus(%+v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRegistrationAllowsTraffic(t *testing.T) {
	for st, want := range map[RegistrationStatus]bool{
		RegistrationApproved: true, RegistrationPending: false, RegistrationRejected: false,
		RegistrationRevoked: false, "": false, "APPROVED": false,
	} {
		if got := RegistrationAllowsTraffic(st, ""); got != want {
			t.Errorf("RegistrationAllowsTraffic(%q) = %v, want %v", st, got, want)
		}
	}
	if RegistrationAllowsTraffic(RegistrationApproved, "strategy changed") {
		t.Error("a suspended approved registration lets traffic through")
	}
}

func TestRegistrationSuspendedReason(t *testing.T) {
	const keys, oidc = "key-auth-id", "oidc-id"
	tests := []struct {
		name        string
		application string
		publication []string
		want        string // fragment of the reason; "" for not suspended
	}{
		{"strategy accepted", keys, []string{keys}, ""},
		{"one of several accepted", keys, []string{oidc, keys}, ""},
		{"strategy changed", keys, []string{oidc}, "uses auth strategy key-auth-id but the API's publication on this portal accepts only auth strategy oidc-id"},
		{"application auth dropped", keys, nil, "is published without application auth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RegistrationSuspendedReason(tt.application, tt.publication)
			if tt.want == "" {
				if got != "" {
					t.Fatalf("suspended: %s", got)
				}
				return
			}
			if !strings.Contains(got, tt.want) || !strings.Contains(got, "once the publication accepts that strategy") {
				t.Errorf("reason %q lacks %q or the way back", got, tt.want)
			}
		})
	}
}

func TestCheckRegistrationEligibility(t *testing.T) {
	eligible := RegistrationEligibilityInput{
		PortalAuthenticationEnabled: true,
		Published:                   true,
		PublicationAuthStrategyIDs:  []string{"s-key"},
		ApplicationAuthStrategyID:   "s-key",
	}
	with := func(f func(*RegistrationEligibilityInput)) RegistrationEligibilityInput {
		in := eligible
		f(&in)
		return in
	}
	tests := []struct {
		name       string
		in         RegistrationEligibilityInput
		want       RegistrationRefusal
		wantDetail string
	}{
		{name: "eligible", in: eligible},
		{name: "one of several strategies", in: with(func(in *RegistrationEligibilityInput) {
			in.PublicationAuthStrategyIDs = []string{"s-oidc", "s-key"}
		})},
		{
			name:       "authentication off",
			in:         with(func(in *RegistrationEligibilityInput) { in.PortalAuthenticationEnabled = false; in.Published = false }),
			want:       RegistrationAuthenticationDisabled,
			wantDetail: "authentication_enabled",
		},
		{
			name:       "not published",
			in:         with(func(in *RegistrationEligibilityInput) { in.Published = false }),
			want:       RegistrationNotPublished,
			wantDetail: "not published to this portal",
		},
		{
			name:       "published without strategy",
			in:         with(func(in *RegistrationEligibilityInput) { in.PublicationAuthStrategyIDs = nil }),
			want:       RegistrationNoAuthStrategy,
			wantDetail: "auth_strategy_ids",
		},
		{
			name:       "other strategy",
			in:         with(func(in *RegistrationEligibilityInput) { in.ApplicationAuthStrategyID = "s-other" }),
			want:       RegistrationStrategyMismatch,
			wantDetail: `auth strategy "s-other" but the API's publication on this portal accepts s-key`,
		},
		{
			name: "application without strategy",
			in:   with(func(in *RegistrationEligibilityInput) { in.ApplicationAuthStrategyID = "" }),
			want: RegistrationStrategyMismatch,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckRegistrationEligibility(tt.in)
			if tt.want == 0 {
				if err != nil {
					t.Fatalf("CheckRegistrationEligibility() = %v, want nil", err)
				}
				return
			}
			var refused *RegistrationRefusedError
			if !errors.As(err, &refused) {
				t.Fatalf("CheckRegistrationEligibility() = %v, want a *RegistrationRefusedError", err)
			}
			if refused.Reason != tt.want {
				t.Errorf("reason = %d, want %d", refused.Reason, tt.want)
			}
			if !strings.Contains(err.Error(), tt.wantDetail) {
				t.Errorf("message %q does not contain %q", err, tt.wantDetail)
			}
		})
	}
}
