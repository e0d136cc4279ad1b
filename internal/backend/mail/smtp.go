package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	gomail "github.com/wneessen/go-mail"
)

// SMTPConfig says how to reach a mail server and whom messages come from.
type SMTPConfig struct {
	Host string
	Port int
	// Username and Password authenticate to the server when Username is set, with the strongest
	// mechanism it offers. The password is never sent in the clear over a connection that is not
	// encrypted, except to a loopback server.
	Username, Password string
	// ImplicitTLS connects with TLS from the start (smtps://, port 465); otherwise the connection
	// is upgraded with STARTTLS when the server offers it.
	ImplicitTLS bool
	// From is the sender of every message.
	From *netmail.Address
	// TLS overrides the TLS settings (trusted roots, server name); nil verifies the server's
	// certificate against the system's roots.
	TLS *tls.Config
	// Timeout bounds the connection and each command; zero means DefaultRetryPolicy.Timeout.
	Timeout time.Duration
}

// ParseSMTPURL reads the address of a mail server, smtp://user:password@host:port (port 587 by
// default) or smtps://user:password@host:port for implicit TLS (port 465 by default), and the
// sender address, "Name <address>" or a bare address. The errors name what to fix and never
// repeat the password.
func ParseSMTPURL(rawURL, from string) (SMTPConfig, error) {
	var cfg SMTPConfig
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Parse's error repeats the whole URL, password included.
		return cfg, errors.New("the SMTP URL is not a valid URL: write it as smtp://user:password@host:port, percent-encoding special characters in the user and password")
	}
	switch u.Scheme {
	case "smtp":
		cfg.Port = 587
	case "smtps":
		cfg.ImplicitTLS, cfg.Port = true, 465
	default:
		return cfg, fmt.Errorf("the SMTP URL has scheme %q: use smtp:// (STARTTLS when the server offers it) or smtps:// (TLS from the start)", u.Scheme)
	}
	cfg.Host = u.Hostname()
	if cfg.Host == "" {
		return cfg, errors.New("the SMTP URL has no host: write it as smtp://user:password@host:port")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return cfg, fmt.Errorf("the SMTP URL has port %q: use a number from 1 to 65535", p)
		}
		cfg.Port = n
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return cfg, errors.New("the SMTP URL has a path, query or fragment: write only smtp://user:password@host:port")
	}
	if u.User != nil {
		cfg.Username = u.User.Username()
		cfg.Password, _ = u.User.Password()
		if cfg.Username == "" {
			return cfg, errors.New("the SMTP URL has a password but no user name: write smtp://user:password@host:port")
		}
	}
	if strings.TrimSpace(from) == "" {
		return cfg, errors.New("no sender address: give the address messages come from, such as \"Developer Portal <portal@example.com>\"")
	}
	cfg.From, err = netmail.ParseAddress(from)
	if err != nil {
		return cfg, fmt.Errorf("the sender address %q is not an e-mail address: give one such as \"Developer Portal <portal@example.com>\"", from)
	}
	return cfg, nil
}

// Redacted returns the server's address for logs, without the password.
func (c SMTPConfig) Redacted() string {
	u := url.URL{Scheme: "smtp", Host: c.Host + ":" + strconv.Itoa(c.Port)}
	if c.ImplicitTLS {
		u.Scheme = "smtps"
	}
	if c.Username != "" {
		u.User = url.User(c.Username)
	}
	return u.String()
}

// SMTP delivers messages to a mail server, one connection per message.
type SMTP struct {
	client *gomail.Client
	from   *netmail.Address
	// idDomain is the right-hand side of the Message-IDs: the sender's domain.
	idDomain string
}

var _ Transport = (*SMTP)(nil)

// NewSMTP returns a transport to the server cfg names. It does not connect.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.From == nil {
		return nil, errors.New("mail: no sender address")
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultRetryPolicy.Timeout
	}
	opts := []gomail.Option{gomail.WithPort(cfg.Port), gomail.WithTimeout(timeout)}
	if cfg.ImplicitTLS {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if cfg.TLS != nil {
		tlsConfig := cfg.TLS.Clone()
		if tlsConfig.ServerName == "" {
			tlsConfig.ServerName = cfg.Host
		}
		opts = append(opts, gomail.WithTLSConfig(tlsConfig))
	}
	if cfg.Username != "" {
		// The strongest mechanism the server offers. PLAIN and LOGIN refuse to send the password
		// over a connection without TLS, except to a loopback server (a local relay or Mailpit).
		opts = append(opts, gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256PLUS, gomail.SMTPAuthSCRAMSHA256,
			gomail.SMTPAuthSCRAMSHA1PLUS, gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthCramMD5, gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	client, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: SMTP client: %w", err)
	}
	_, domain, _ := strings.Cut(cfg.From.Address, "@")
	return &SMTP{client: client, from: cfg.From, idDomain: domain}, nil
}

// Deliver sends m as a multipart/alternative message (plain text, then HTML when m has it). A
// 5xx answer, or a recipient address that cannot be written, is a *PermanentError; anything
// else (no connection, a 4xx answer, a broken connection) is worth another attempt.
func (s *SMTP) Deliver(ctx context.Context, m Message, messageID string) error {
	msg := gomail.NewMsg()
	msg.FromMailAddress(s.from)
	if err := msg.To(m.To); err != nil {
		return &PermanentError{Err: fmt.Errorf("recipient %q: %w", m.To, err)}
	}
	// One line, whatever the subject quotes (a portal's name): a line break would start a header
	// of its own.
	msg.Subject(strings.Join(strings.FieldsFunc(m.Subject, unicode.IsControl), " "))
	msg.SetDateWithValue(m.SentAt)
	msg.SetMessageIDWithValue(messageID + "@" + s.idDomain)
	// RFC 3834: an automatic message, so that out-of-office replies are not sent back to it.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	err := s.client.DialAndSendWithContext(ctx, msg)
	if err == nil {
		return nil
	}
	var sendErr *gomail.SendError
	if errors.As(err, &sendErr) && sendErr.ErrorCode() >= 500 && sendErr.ErrorCode() < 600 {
		return &PermanentError{Err: err}
	}
	return err
}
