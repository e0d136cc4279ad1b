package web

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
)

func TestRefuse(t *testing.T) {
	tests := []struct {
		name       string
		form       string
		err        error
		status     int
		at         string // where the sentence shows; "" is the top of the form
		contains   string
		retryAfter int
	}{
		{"pending developer: the portal's sentence", "login",
			&service.Error{Kind: service.Unauthenticated, Title: "Approval Required", Detail: "Your account is pending approval for access."},
			http.StatusUnauthorized, "", "Your account is pending approval for access.", 0},
		{"wrong password names neither field", "login",
			&service.Error{Kind: service.Unauthenticated, Title: "Invalid Credentials", Detail: "You have entered an invalid email or password."},
			http.StatusUnauthorized, "", "The e-mail address or the password is wrong", 0},
		{"lockout points at the website's reset", "login",
			&service.Error{Kind: service.TooManyRequests, RetryAfter: 90 * time.Second,
				Detail: "This account is locked after too many failed logins: try again after 2026-01-01T00:00:00.000Z, or reset the password with POST /api/v3/developer/forgot-password."},
			http.StatusTooManyRequests, "", "try again after 00:00 UTC on 1 January 2026, or choose a new password with “Forgot your password?”.", 90},
		{"used link", "set-password", &service.Error{Kind: service.NotFound, Field: "token", Detail: "not found"},
			http.StatusNotFound, "", "This link was used already", 0},
		{"expired link", "set-password", &service.Error{Kind: service.Gone, Field: "token", Detail: "expired"},
			http.StatusGone, "", "This link has expired", 0},
		{"strategy mismatch beside the choice", "create-app",
			core.Invalid(core.Violation{Field: "auth_strategy_id", Rule: "invalid", Reason: "no API of this portal uses this auth strategy (see GET /api/v3/apis)"}),
			http.StatusUnprocessableEntity, "auth_strategy_id", "Choose how the application authenticates", 0},
		{"registration refused beside the API", "register-api",
			core.Invalid(core.InvalidViolation("api_id", "the API does not take application registrations at the moment")),
			http.StatusUnprocessableEntity, "api_id", "The API does not take application registrations at the moment.", 0},
		{"API not available", "register-api", &service.Error{Kind: service.NotFound, Field: "api_id", Detail: "API x is not available on this portal."},
			http.StatusNotFound, "api_id", "This API is not available", 0},
		{"already registered", "register-api", &service.Error{Kind: service.Conflict, Field: "api_id", Detail: "Application a is already registered"},
			http.StatusConflict, "api_id", "already registered with this API", 0},
		{"key limit", "create-key", &service.Error{Kind: service.Forbidden, Detail: "Maximum number of Credentials exceeded. Max Allowed: 20"},
			http.StatusForbidden, "", "already has 20 keys", 0},
		{"application limit", "create-app",
			&service.Error{Kind: service.Conflict, Detail: "Developer d already owns 100 applications, the most one developer may own: delete one."},
			http.StatusConflict, "", "You already have 100 applications", 0},
		{"login's username is the email input", "login", core.Invalid(core.RequiredViolation("username")),
			http.StatusUnprocessableEntity, "email", "Enter your e-mail address.", 0},
		{"key name is the name input", "create-key", core.Invalid(core.MaxLengthViolation("display_name", 100)),
			http.StatusUnprocessableEntity, "name", "Must not have more than 100 characters.", 0},
		{"password policy", "set-password", core.Invalid(core.InvalidViolation("password", "password does not meet the policy: use at least 12 characters")),
			http.StatusUnprocessableEntity, "password", "Password does not meet the policy: use at least 12 characters.", 0},
		{"any other refusal at the top", "rename-app", &service.Error{Kind: service.Forbidden, Detail: "Not yours."},
			http.StatusForbidden, "", "Not yours.", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := refuse(tt.form, tt.err)
			if !ok {
				t.Fatal("refuse did not take the error")
			}
			if r.status != tt.status {
				t.Errorf("status %d, want %d", r.status, tt.status)
			}
			if r.retryAfter != tt.retryAfter {
				t.Errorf("retryAfter %d, want %d", r.retryAfter, tt.retryAfter)
			}
			got, found := r.sentences[tt.at]
			if !found || !strings.Contains(got, tt.contains) {
				t.Errorf("sentences %q, want at %q one containing %q", r.sentences, tt.at, tt.contains)
			}
			if len(r.sentences) != 1 {
				t.Errorf("%d sentences, want 1: %q", len(r.sentences), r.sentences)
			}
			if strings.Contains(got, "/api/v3") {
				t.Errorf("the sentence %q points at the JSON API", got)
			}
		})
	}
}

func TestRefuseLeavesInternalFailures(t *testing.T) {
	for _, err := range []error{errors.New("disk full"), &service.Error{Kind: service.Internal, Detail: "x"}} {
		if _, ok := refuse("login", err); ok {
			t.Errorf("refuse took %v, an internal failure, as a refusal", err)
		}
	}
}

func TestLocalPath(t *testing.T) {
	tests := map[string]string{
		"/apps":                    "/apps",
		"/apps/123?x=1":            "/apps/123?x=1",
		"":                         "",
		"apps":                     "",
		"//evil.example/apps":      "",
		"/\\evil.example":          "",
		"https://evil.example/":    "",
		"/api/v3/developer/me":     "",
		"/logout":                  "",
		"/apps\r\nSet-Cookie: x=1": "",
	}
	for in, want := range tests {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}
