package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/mail"
)

// SMTPURLEnv and SMTPFromEnv name the environment variables that supply --smtp-url and
// --smtp-from when the flags are not given. The environment is the better place for a URL that
// holds a password: a flag shows in the process list.
const (
	SMTPURLEnv  = "DEVPORTAL_SMTP_URL"
	SMTPFromEnv = "DEVPORTAL_SMTP_FROM"
)

// smtpFlags are the flags that send the messages to developers through a mail server.
type smtpFlags struct {
	url, from string
}

func (f *smtpFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.url, "smtp-url", "", "mail server `URL` for the messages to developers, smtp://user:password@host:port "+
		"(STARTTLS when offered; port 587 by default) or smtps://… (TLS from the start; port 465); default $"+SMTPURLEnv+
		", else none: messages stay in each portal's outbox")
	fs.StringVar(&f.from, "smtp-from", "", "sender `address` of the messages, such as \"Developer Portal <portal@example.com>\"; "+
		"default $"+SMTPFromEnv+"; required with --smtp-url")
}

// config returns the mail server settings, nil when none is configured.
func (f *smtpFlags) config() (*mail.SMTPConfig, error) {
	if env, ok := os.LookupEnv(SMTPURLEnv); ok && f.url == "" {
		f.url = env
	}
	if env, ok := os.LookupEnv(SMTPFromEnv); ok && f.from == "" {
		f.from = env
	}
	if f.url == "" {
		if f.from != "" {
			return nil, errors.New("--smtp-from needs a mail server: give --smtp-url (or $" + SMTPURLEnv + ") too")
		}
		return nil, nil
	}
	cfg, err := mail.ParseSMTPURL(f.url, f.from)
	if err != nil {
		return nil, fmt.Errorf("invalid --smtp-url or --smtp-from (or $%s, $%s): %w", SMTPURLEnv, SMTPFromEnv, err)
	}
	return &cfg, nil
}
