package core

import (
	"strings"
	"testing"
)

func TestCheckControlCharacters(t *testing.T) {
	tests := []struct {
		name       string
		value      string
		lineBreaks bool
		want       string // a part of the reason; "" for none
	}{
		{"plain", "Orders API", false, ""},
		{"unicode", "Bestellungen – Übersicht 注文", false, ""},
		{"empty", "", false, ""},
		{"NUL", "a\x00b", false, "character 2 is U+0000"},
		{"escape", "\x1b[31mred", false, "U+001B"},
		{"DEL", "a\x7f", false, "U+007F"},
		{"C1", "a\u0085b", false, "U+0085"},
		{"newline in a name", "a\nb", false, "must not contain control characters: character 2"},
		{"tab in a name", "a\tb", false, "U+0009"},
		{"line breaks in text", "line one\r\nline two\tend", true, ""},
		{"NUL in text", "text\x00", true, "other than tab and line breaks"},
	}
	for _, tt := range tests {
		vs := CheckControlCharacters("name", tt.value, tt.lineBreaks)
		switch {
		case tt.want == "" && len(vs) > 0:
			t.Errorf("%s: unexpected violations %+v", tt.name, vs)
		case tt.want != "" && (len(vs) != 1 || vs[0].Field != "name" || vs[0].Rule != "invalid" || !strings.Contains(vs[0].Reason, tt.want)):
			t.Errorf("%s: violations %+v, want one on name containing %q", tt.name, vs, tt.want)
		}
	}
}

func TestNamesRefuseControlCharacters(t *testing.T) {
	tests := []struct {
		name  string
		vs    []Violation
		field string
	}{
		{"portal name", ValidatePortalInput(PortalInput{Name: Val("p\x00")}, true), "name"},
		{"portal display name", ValidatePortalInput(PortalInput{Name: Val("p"), DisplayName: Val("p\n")}, true), "display_name"},
		{"portal description", ValidatePortalInput(PortalInput{Name: Val("p"), Description: Val("d\x00")}, true), "description"},
		{"API name", ValidateAPIInput(APIInput{Name: Val("a\x01")}, true), "name"},
		{"API version", ValidateAPIInput(APIInput{Name: Val("a"), Version: Val("v1\x00")}, true), "version"},
		{"control plane name", ValidateControlPlaneInput(ControlPlaneInput{Name: Val("cp\x00")}, true), "name"},
		{"application or developer name", CheckName("full_name", "Ann\x00", DeveloperNameMax), "full_name"},
		{"node hostname", ValidateNodeRegistration(Val("host\x00"), Val("3.6.0")), "hostname"},
	}
	for _, tt := range tests {
		found := false
		for _, v := range tt.vs {
			found = found || (v.Field == tt.field && v.Rule == "invalid" && strings.Contains(v.Reason, "control characters"))
		}
		if !found {
			t.Errorf("%s: violations %+v, want a control-character violation on %s", tt.name, tt.vs, tt.field)
		}
	}
}
