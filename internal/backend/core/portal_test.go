package core

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestValidatePortalInput(t *testing.T) {
	tests := []struct {
		name   string
		in     PortalInput
		create bool
		field  string
		rule   string
	}{
		{"minimal create", PortalInput{Name: Val("p")}, true, "", ""},
		{"create needs name", PortalInput{}, true, "name", "required"},
		{"update needs nothing", PortalInput{}, false, "", ""},
		{"empty name", PortalInput{Name: Val("")}, false, "name", "min_length"},
		{"name at limit", PortalInput{Name: Val(strings.Repeat("é", 255))}, true, "", ""},
		{"name over limit", PortalInput{Name: Val(strings.Repeat("n", 256))}, true, "name", "max_length"},
		{"empty display name", PortalInput{Name: Val("p"), DisplayName: Val("")}, true, "display_name", "min_length"},
		{"empty description", PortalInput{Name: Val("p"), Description: Val("")}, true, "", ""},
		{"description over limit", PortalInput{Description: Val(strings.Repeat("d", 513))}, false, "description", "max_length"},
		{"null description", PortalInput{Description: Null[string]()}, false, "", ""},
		{"bad api visibility", PortalInput{DefaultAPIVisibility: Val("hidden")}, false, "default_api_visibility", "enum"},
		{"bad page visibility", PortalInput{DefaultPageVisibility: Val("Public")}, false, "default_page_visibility", "enum"},
		{"strategy not a uuid", PortalInput{DefaultApplicationAuthStrategyID: Val("x")}, false, "default_application_auth_strategy_id", "is_uuid"},
		{"strategy null", PortalInput{DefaultApplicationAuthStrategyID: Null[string]()}, false, "", ""},
		{"label null on create", PortalInput{Name: Val("p"), Labels: Val(map[string]*string{"a": nil})}, true, "", ""},
		{"bad label on create", PortalInput{Name: Val("p"), Labels: Val(map[string]*string{"_a": ptr("v")})}, true, "labels._a", "is_label"},
		{"label null on update", PortalInput{Labels: Val(map[string]*string{"a": nil})}, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := ValidatePortalInput(tt.in, tt.create)
			if tt.field == "" {
				if len(vs) != 0 {
					t.Fatalf("unexpected violations %+v", vs)
				}
				return
			}
			if len(vs) != 1 || vs[0].Field != tt.field || vs[0].Rule != tt.rule {
				t.Fatalf("got %+v, want one violation of %s on %s", vs, tt.rule, tt.field)
			}
		})
	}
}

func TestNewPortalDefaults(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p := NewPortal(PortalInput{Name: Val("Team Portal")}, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "eu", now)
	if p.DisplayName != "Team Portal" || !p.AuthenticationEnabled || p.RBACEnabled || p.SIPREnabled ||
		p.AutoApproveDevelopers || p.AutoApproveApplications || p.NotificationsDeveloperPIIVisibilityEnabled {
		t.Errorf("defaults not applied: %+v", p)
	}
	if p.DefaultAPIVisibility != VisibilityPrivate || p.DefaultPageVisibility != VisibilityPrivate {
		t.Errorf("visibility defaults: %s %s", p.DefaultAPIVisibility, p.DefaultPageVisibility)
	}
	if p.Description != nil || p.DefaultApplicationAuthStrategyID != nil || p.Labels == nil {
		t.Errorf("nullable defaults: %+v", p)
	}
	if p.DefaultDomain != "team-portal-0f1e2d3c.eu.portal.localhost" || p.CanonicalDomain() != p.DefaultDomain {
		t.Errorf("domain %q", p.DefaultDomain)
	}
	if !p.CreatedAt.Equal(now) || !p.UpdatedAt.Equal(now) {
		t.Errorf("timestamps %v %v", p.CreatedAt, p.UpdatedAt)
	}

	q := NewPortal(PortalInput{Name: Val("x"), DisplayName: Val("Shown"), AuthenticationEnabled: Val(false)}, "id", "us", now)
	if q.DisplayName != "Shown" || q.AuthenticationEnabled {
		t.Errorf("explicit values lost: %+v", q)
	}
}

func TestApplyPortalInput(t *testing.T) {
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	later := created.Add(time.Hour)
	desc, strategyID := "d", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	base := Portal{Name: "n", DisplayName: "D", Description: &desc, DefaultApplicationAuthStrategyID: &strategyID,
		AuthenticationEnabled: true, Labels: map[string]string{"a": "1"}, DefaultDomain: "n-1.us.portal.localhost", CreatedAt: created}

	kept := ApplyPortalInput(base, PortalInput{}, later)
	if kept.Name != "n" || kept.Description == nil || kept.DefaultApplicationAuthStrategyID == nil || kept.Labels["a"] != "1" || !kept.AuthenticationEnabled {
		t.Errorf("absent fields changed: %+v", kept)
	}
	if !kept.UpdatedAt.Equal(later) || !kept.CreatedAt.Equal(created) {
		t.Errorf("timestamps: %+v", kept)
	}

	cleared := ApplyPortalInput(base, PortalInput{Description: Null[string](), DefaultApplicationAuthStrategyID: Null[string](), Labels: Null[map[string]*string]()}, later)
	if cleared.Description != nil || cleared.DefaultApplicationAuthStrategyID != nil || len(cleared.Labels) != 0 {
		t.Errorf("null did not clear: %+v", cleared)
	}

	renamed := ApplyPortalInput(base, PortalInput{Name: Val("m"), AuthenticationEnabled: Val(false)}, later)
	if renamed.Name != "m" || renamed.AuthenticationEnabled || renamed.DefaultDomain != base.DefaultDomain {
		t.Errorf("rename: %+v", renamed)
	}
	if base.Labels["a"] != "1" || *base.Description != "d" {
		t.Error("the input portal was modified")
	}
}

func TestValidatePortal(t *testing.T) {
	tests := []struct {
		name           string
		auth, rbac     bool
		wantViolations int
	}{
		{"auth and rbac", true, true, 0},
		{"auth only", true, false, 0},
		{"neither", false, false, 0},
		{"rbac without auth", false, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := ValidatePortal(Portal{AuthenticationEnabled: tt.auth, RBACEnabled: tt.rbac})
			if len(vs) != tt.wantViolations {
				t.Fatalf("got %+v", vs)
			}
			if len(vs) == 1 && vs[0].Field != "rbac_enabled" {
				t.Errorf("field %s", vs[0].Field)
			}
		})
	}
}

func TestWantsManagedKeyAuthStrategy(t *testing.T) {
	id := "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	tests := []struct {
		name string
		in   PortalInput
		want bool
	}{
		{"defaults", PortalInput{Name: Val("p")}, true},
		{"authentication on explicitly", PortalInput{AuthenticationEnabled: Val(true)}, true},
		{"authentication off", PortalInput{AuthenticationEnabled: Val(false)}, false},
		{"explicit strategy", PortalInput{DefaultApplicationAuthStrategyID: Val(id)}, false},
		{"explicit null", PortalInput{DefaultApplicationAuthStrategyID: Null[string]()}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := WantsManagedKeyAuthStrategy(tt.in); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestManagedKeyAuthStrategyName(t *testing.T) {
	tests := []struct {
		portal string
		want   string
	}{
		{"dev", "dev-key-auth"},
		{strings.Repeat("a", 255), strings.Repeat("a", 247) + "-key-auth"},
		{strings.Repeat("ü", 255), strings.Repeat("ü", 247) + "-key-auth"},
	}
	for _, tt := range tests {
		got := ManagedKeyAuthStrategyName(tt.portal)
		if got != tt.want {
			t.Errorf("ManagedKeyAuthStrategyName(%.10q...) = %.20q...", tt.portal, got)
		}
		if n := utf8.RuneCountInString(got); n > AuthStrategyNameMax {
			t.Errorf("%d characters", n)
		}
	}
}

func TestPortalDefaultDomain(t *testing.T) {
	const id = "ABCDEF12-3456-4789-8abc-def012345678"
	tests := []struct {
		name, region, want string
	}{
		{"dev", "us", "dev-abcdef12.us.portal.localhost"},
		{"My  Portal!", "eu", "my-portal-abcdef12.eu.portal.localhost"},
		{"--édge__", "au", "dge-abcdef12.au.portal.localhost"},
		{"!!!", "sg", "portal-abcdef12.sg.portal.localhost"},
		{strings.Repeat("ab ", 30), "in", strings.Repeat("ab-", 13) + "a-abcdef12.in.portal.localhost"},
	}
	for _, tt := range tests {
		if got := PortalDefaultDomain(tt.name, id, tt.region); got != tt.want {
			t.Errorf("PortalDefaultDomain(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestManagedStrategiesToRetire(t *testing.T) {
	const owned, other = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "1f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	portal := func(auth bool, def *string) Portal {
		return Portal{AuthenticationEnabled: auth, DefaultApplicationAuthStrategyID: def}
	}
	tests := []struct {
		name  string
		after Portal
		in    PortalInput
		owned []string
		want  []string
	}{
		{"rename only", portal(false, nil), PortalInput{Name: Val("q")}, []string{owned}, nil},
		{"still the default", portal(true, ptr(owned)), PortalInput{AuthenticationEnabled: Val(true)}, []string{owned}, nil},
		{"replaced by another strategy", portal(true, ptr(other)), PortalInput{DefaultApplicationAuthStrategyID: Val(other)}, []string{owned}, []string{owned}},
		{"default cleared", portal(true, nil), PortalInput{DefaultApplicationAuthStrategyID: Null[string]()}, []string{owned}, []string{owned}},
		{"authentication off", portal(false, ptr(owned)), PortalInput{AuthenticationEnabled: Val(false)}, []string{owned}, []string{owned}},
		{"authentication off, named as default", portal(false, ptr(owned)),
			PortalInput{AuthenticationEnabled: Val(false), DefaultApplicationAuthStrategyID: Val(owned)}, []string{owned}, nil},
		{"authentication on, left over from earlier", portal(true, ptr(other)), PortalInput{AuthenticationEnabled: Val(true)}, []string{owned}, []string{owned}},
		{"nothing owned", portal(false, ptr(other)), PortalInput{AuthenticationEnabled: Val(false)}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ManagedStrategiesToRetire(tt.after, tt.in, tt.owned); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPortalDeletionRefusal(t *testing.T) {
	many := make([]string, 12)
	for i := range many {
		many[i] = fmt.Sprintf("%q (id-%d)", "api", i)
	}
	tests := []struct {
		name  string
		c     PortalContents
		force bool
		want  []string // fragments of the refusal; nil: allowed
	}{
		{"empty", PortalContents{}, false, nil},
		{"forced", PortalContents{Developers: 1, Applications: 1, PublishedAPIs: []string{`"Orders" (a)`}}, true, nil},
		{"developers", PortalContents{Developers: 2}, false,
			[]string{"2 developers and 0 applications (with 0 registrations and 0 API keys)", "force_destroy = true", "?force=true"}},
		{"applications", PortalContents{Developers: 1, Applications: 1, Registrations: 1, APIKeys: 3}, false,
			[]string{"1 developer and 1 application (with 1 registration and 3 API keys)"}},
		{"publications", PortalContents{PublishedAPIs: []string{`"Orders" version "v1" (a)`, `"Billing" (b)`}}, false,
			[]string{`2 APIs published to it: "Orders" version "v1" (a), "Billing" (b)`, "force_destroy = true", "unpublish"}},
		{"both", PortalContents{Developers: 1, PublishedAPIs: []string{`"Orders" (a)`}}, false,
			[]string{"1 developer and 0 applications", `; and 1 API published to it: "Orders" (a)`}},
		{"many publications", PortalContents{PublishedAPIs: many}, false, []string{`"api" (id-9), and 2 more`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PortalDeletionRefusal("p", "pid", tt.c, tt.force)
			if tt.want == nil {
				if got != "" {
					t.Fatalf("refused: %s", got)
				}
				return
			}
			if !strings.HasPrefix(got, `Portal "p" (pid) still has `) {
				t.Errorf("refusal does not name the portal: %s", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("refusal lacks %q: %s", w, got)
				}
			}
		})
	}
}
