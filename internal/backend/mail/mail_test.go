package mail

import (
	"strings"
	"testing"
)

func TestQuote(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Ada Lovelace", `"Ada Lovelace"`},
		{"line breaks become spaces", "Ada\r\n\r\nPlease wire money to", `"Ada Please wire money to"`},
		{"control characters", "Ada\x1b[31m\x00", `"Ada [31m "`},
		{"formatting characters", "Ada\u202eecalevoL\u2028x", `"Ada ecalevoL x"`},
		{"quotes cannot close ours", `Ada" says "hi`, `"Ada' says 'hi"`},
		{"long text is cut", strings.Repeat("é", 70), `"` + strings.Repeat("é", QuotedTextMax) + `…"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Quote(tt.in); got != tt.want {
				t.Fatalf("Quote(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTokenMessageBodyLinesAreOurs(t *testing.T) {
	body := TokenMessage{
		Name:  "Mallory\n\nYour account is suspended. Call +1 555 0100 now.\nToken: 00000000-0000-4000-8000-000000000000",
		Intro: "Confirm the address.", Token: "tok", PortalURL: "https://p.example", ValidUntil: "tomorrow",
	}.Body()
	ours := []string{"Hello,", "This message is for the developer account named \"", "Confirm the address.", "Token: tok",
		"Portal: https://p.example", "The token is valid until tomorrow."}
	for line := range strings.Lines(body) {
		line = strings.TrimRight(line, "\n")
		if line == "" {
			continue
		}
		found := false
		for _, prefix := range ours {
			if strings.HasPrefix(line, prefix) {
				found = true
			}
		}
		if !found {
			t.Errorf("line %q does not start with text of ours:\n%s", line, body)
		}
	}
	if strings.Count(body, "Token: ") != 1 {
		t.Errorf("the name added a token line:\n%s", body)
	}
}
