package core

import (
	"strings"
	"testing"
	"time"
)

func TestAPIKeyStatus(t *testing.T) {
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		expires time.Time
		want    string
	}{
		{"never expires", time.Time{}, APIKeyStatusActive},
		{"expires later", now.Add(time.Second), APIKeyStatusActive},
		{"expires now", now, APIKeyStatusExpired},
		{"expired", now.Add(-time.Hour), APIKeyStatusExpired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := (APIKey{ExpiresAt: tc.expires}).Status(now); got != tc.want {
				t.Errorf("Status = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCheckName(t *testing.T) {
	for _, tc := range []struct {
		value string
		rule  string
	}{
		{"", "min_length"},
		{"a", ""},
		{strings.Repeat("é", ApplicationNameMax), ""},
		{strings.Repeat("x", ApplicationNameMax+1), "max_length"},
	} {
		vs := CheckName("name", tc.value, ApplicationNameMax)
		switch {
		case tc.rule == "" && len(vs) != 0:
			t.Errorf("CheckName(%d chars) = %v, want none", len([]rune(tc.value)), vs)
		case tc.rule != "" && (len(vs) != 1 || vs[0].Rule != tc.rule || vs[0].Field != "name"):
			t.Errorf("CheckName(%d chars) = %v, want rule %s", len([]rune(tc.value)), vs, tc.rule)
		}
	}
	if vs := CheckOptionalText("description", "", ApplicationDescriptionMax); len(vs) != 0 {
		t.Errorf("empty optional text: %v", vs)
	}
}

func TestCheckClientIDUnchanged(t *testing.T) {
	tests := []struct {
		name  string
		in    Field[string]
		wantV bool
	}{
		{"absent", Field[string]{}, false},
		{"same value", Val("abc"), false},
		{"other value", Val("xyz"), true},
		{"null", Null[string](), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := CheckClientIDUnchanged("abc", tt.in)
			if (len(vs) > 0) != tt.wantV {
				t.Fatalf("violations %+v, want some: %v", vs, tt.wantV)
			}
			if tt.wantV && (vs[0].Field != "client_id" || !strings.Contains(vs[0].Reason, `"abc"`)) {
				t.Errorf("violation %+v does not name client_id and its value", vs[0])
			}
		})
	}
}
