package cli

import (
	"io"
	"strings"
	"testing"
)

func TestSMTPFlags(t *testing.T) {
	tests := []struct {
		name            string
		args            []string
		envURL, envFrom string
		wantServer      string // SMTPConfig.Redacted(); "" for none
		wantErr         string
	}{
		{name: "none: the outbox"},
		{name: "flags", args: []string{"--smtp-url", "smtp://u:p@mail.example:2525", "--smtp-from", "Portal <p@example.com>"},
			wantServer: "smtp://u@mail.example:2525"},
		{name: "environment", envURL: "smtps://u:p@mail.example", envFrom: "p@example.com", wantServer: "smtps://u@mail.example:465"},
		{name: "flag over environment", args: []string{"--smtp-url", "smtp://127.0.0.1:1025"}, envURL: "smtp://other.example",
			envFrom: "p@example.com", wantServer: "smtp://127.0.0.1:1025"},
		{name: "no sender", args: []string{"--smtp-url", "smtp://mail.example"}, wantErr: "no sender address"},
		{name: "sender without server", args: []string{"--smtp-from", "p@example.com"}, wantErr: "--smtp-from needs a mail server"},
		{name: "bad scheme, password kept out", args: []string{"--smtp-url", "http://u:hunter2@mail.example", "--smtp-from", "p@example.com"},
			wantErr: `invalid --smtp-url or --smtp-from`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(SMTPURLEnv, tt.envURL)
			t.Setenv(SMTPFromEnv, tt.envFrom)
			o, err := parseFlags(append([]string{"--db", t.TempDir() + "/d.db"}, tt.args...), io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "hunter2") {
					t.Fatalf("error = %v, want one containing %q and no password", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if o.smtp != nil {
				got = o.smtp.Redacted()
			}
			if got != tt.wantServer {
				t.Fatalf("server = %q, want %q", got, tt.wantServer)
			}
		})
	}
}
