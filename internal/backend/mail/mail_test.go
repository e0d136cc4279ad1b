package mail

import (
	"strings"
	"testing"
	"time"
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

func TestTokenMessageCarriesTheLinkInBothParts(t *testing.T) {
	m := TokenMessage{
		Name: `Ada <script>alert(1)</script> & "friends"`, Intro: "Confirm the address of your developer account.",
		Token: "tok-1", PortalName: "Acme <b>Portal</b>", PortalURL: "http://acme.us.portal.localhost:8080",
		Link: "http://acme.us.portal.localhost:8080/verify-email?token=tok-1&x=<y>", ValidUntil: "2026-01-02T03:04:05Z",
	}
	text := m.Body()
	for _, want := range []string{"Open this link: " + m.Link + "\n", "on the developer portal Acme <b>Portal</b>.",
		"Token: tok-1\n", "The link is valid until 2026-01-02T03:04:05Z."} {
		if !strings.Contains(text, want) {
			t.Errorf("plain-text part lacks %q:\n%s", want, text)
		}
	}
	html := m.HTML()
	for _, want := range []string{
		`href="http://acme.us.portal.localhost:8080/verify-email?token=tok-1&amp;x=%3cy%3e"`,
		`named &#34;Ada &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;friends&#39;&#34;`,
		`Acme &lt;b&gt;Portal&lt;/b&gt;`, `<code style="font-size:15px">tok-1</code>`,
		`The link is valid until 2026-01-02T03:04:05Z.`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML part lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(html, "<script>") || strings.Contains(html, "<b>") {
		t.Errorf("HTML part lets the developer's or portal's text through as markup:\n%s", html)
	}
}

func TestTokenMessageWithOnlyALink(t *testing.T) {
	m := TokenMessage{Name: "Ada", Intro: "Your developer account is approved: you can log in.", PortalName: "Acme",
		PortalURL: "https://acme.example", Link: "https://acme.example/login"}
	text, html := m.Body(), m.HTML()
	if strings.Contains(text, "Token:") || strings.Contains(html, "Token:") || strings.Contains(text, "valid until") {
		t.Errorf("a message without a token speaks of one:\n%s\n%s", text, html)
	}
	if !strings.Contains(text, "Open this link: https://acme.example/login\n") || !strings.Contains(html, `href="https://acme.example/login"`) {
		t.Errorf("the link is missing:\n%s\n%s", text, html)
	}
}

func TestBackoffDoublesUpToTheMaximum(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 10, FirstDelay: 30 * time.Second, MaxDelay: 5 * time.Minute}
	tests := []struct {
		failed int
		want   time.Duration
	}{
		{0, 30 * time.Second}, {1, 30 * time.Second}, {2, time.Minute}, {3, 2 * time.Minute}, {4, 4 * time.Minute},
		{5, 5 * time.Minute}, {9, 5 * time.Minute}, {1000, 5 * time.Minute},
	}
	for _, tt := range tests {
		if got := p.Backoff(tt.failed); got != tt.want {
			t.Errorf("Backoff(%d) = %s, want %s", tt.failed, got, tt.want)
		}
	}
	if got := DefaultRetryPolicy.Backoff(DefaultRetryPolicy.MaxAttempts); got != DefaultRetryPolicy.MaxDelay {
		t.Errorf("the default policy's last wait is %s", got)
	}
	if DefaultRetryPolicy.lease() <= DefaultRetryPolicy.Timeout {
		t.Errorf("an attempt's hold (%s) must outlast its timeout (%s)", DefaultRetryPolicy.lease(), DefaultRetryPolicy.Timeout)
	}
}

func TestParseSMTPURL(t *testing.T) {
	const from = "Acme Portal <portal@acme.example>"
	tests := []struct {
		name, url, from string
		want            SMTPConfig
		wantErr         string
	}{
		{name: "STARTTLS with credentials", url: "smtp://user:p%40ss@mail.example:2525", from: from,
			want: SMTPConfig{Host: "mail.example", Port: 2525, Username: "user", Password: "p@ss"}},
		{name: "default submission port", url: "smtp://mail.example", from: "portal@acme.example",
			want: SMTPConfig{Host: "mail.example", Port: 587}},
		{name: "implicit TLS", url: "smtps://u:p@mail.example", from: from,
			want: SMTPConfig{Host: "mail.example", Port: 465, Username: "u", Password: "p", ImplicitTLS: true}},
		{name: "IPv6 loopback", url: "smtp://[::1]:1025", from: from, want: SMTPConfig{Host: "::1", Port: 1025}},
		{name: "other scheme", url: "http://mail.example", from: from, wantErr: `scheme "http": use smtp://`},
		{name: "no scheme", url: "mail.example:25", from: from, wantErr: `scheme "mail.example"`},
		{name: "no host", url: "smtp://:25", from: from, wantErr: "has no host"},
		{name: "bad port", url: "smtp://mail.example:99999", from: from, wantErr: `port "99999"`},
		{name: "path", url: "smtp://mail.example/x", from: from, wantErr: "path, query or fragment"},
		{name: "password without user", url: "smtp://:secret@mail.example", from: from, wantErr: "no user name"},
		{name: "no sender", url: "smtp://mail.example", from: " ", wantErr: "no sender address"},
		{name: "bad sender", url: "smtp://mail.example", from: "portal at acme", wantErr: `"portal at acme" is not an e-mail address`},
		{name: "unparsable URL keeps the password out of the error", url: "smtp://user:sec ret%zz@mail.example", from: from,
			wantErr: "not a valid URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSMTPURL(tt.url, tt.from)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "sec ret") || strings.Contains(err.Error(), "p%40ss") {
					t.Fatalf("the error repeats the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.From == nil || !strings.HasSuffix(got.From.Address, "@acme.example") {
				t.Fatalf("sender = %v", got.From)
			}
			got.From = nil
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestSMTPConfigRedactedHidesThePassword(t *testing.T) {
	cfg, err := ParseSMTPURL("smtps://user:secret@mail.example:465", "p@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Redacted(); got != "smtps://user@mail.example:465" {
		t.Errorf("Redacted() = %q", got)
	}
}

func TestTextHTML(t *testing.T) {
	const link = "https://acme.example/login?x=1&y=2"
	tests := []struct{ name, text, want string }{
		{"paragraphs and lines", "Hello,\n\nLine one\nLine two\n", "<p>Hello,</p>\n<p>Line one<br>Line two</p>"},
		{"link becomes a hyperlink", "Log in: " + link + "\n",
			`<p>Log in: <a href="https://acme.example/login?x=1&amp;y=2" style="color:#0b57d0">https://acme.example/login?x=1&amp;y=2</a></p>`},
		{"markup is escaped", `named "<script>x</script>"`, "<p>named &#34;&lt;script&gt;x&lt;/script&gt;&#34;</p>"},
		{"other addresses stay text", "See https://evil.example", "<p>See https://evil.example</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TextHTML(tt.text, link); !strings.Contains(got, tt.want) {
				t.Errorf("TextHTML(%q) =\n%s\nwant it to contain\n%s", tt.text, got, tt.want)
			}
		})
	}
}
