package mailpittest

import (
	"net/smtp"
	"testing"
	"time"
)

func TestMessageLinkTo(t *testing.T) {
	m := Message{
		HTML: `<p><a href="http://acme.localhost:8080/">Acme</a> <a href="http://acme.localhost:8080/verify-email?token=a&amp;b=c">Open</a></p>`,
		Text: "Open this link: http://acme.localhost:8080/reset-password?token=r.\nPortal: http://acme.localhost:8080\n",
	}
	tests := []struct {
		path, want string
		ok         bool
	}{
		{"/verify-email", "http://acme.localhost:8080/verify-email?token=a&b=c", true},
		{"/reset-password", "http://acme.localhost:8080/reset-password?token=r", true},
		{"/", "http://acme.localhost:8080/", true},
		{"/login", "", false},
	}
	for _, tt := range tests {
		got, ok := m.LinkTo(tt.path)
		if got != tt.want || ok != tt.ok {
			t.Errorf("LinkTo(%q) = %q, %v; want %q, %v", tt.path, got, ok, tt.want, tt.ok)
		}
	}
}

func TestServerKeepsMessagesAcrossARestart(t *testing.T) {
	s := Start(t)
	if got := s.SMTPURL(); got != "smtp://"+s.SMTPAddr() {
		t.Fatalf("SMTPURL() = %q", got)
	}
	msg := "From: a@example.com\r\nTo: b@example.com\r\nSubject: kept\r\n\r\nSee http://p.localhost/x\r\n"
	if err := smtp.SendMail(s.SMTPAddr(), nil, "a@example.com", []string{"b@example.com"}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	s.Stop()
	s.Stop() // stopping a stopped server is harmless
	s.Start()
	if link := s.Client.WaitForLinkTo(t, "b@example.com", "/x", 10*time.Second); link != "http://p.localhost/x" {
		t.Errorf("WaitForLinkTo = %q", link)
	}
	got := s.Client.WaitForMessageTo(t, "b@example.com", 10*time.Second)
	if link, ok := got.LinkTo("/x"); got.Subject != "kept" || !ok || link != "http://p.localhost/x" {
		t.Errorf("after a restart: %+v", got)
	}
}
