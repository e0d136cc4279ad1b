// Package backend is the bundled devportal server, stored in an embedded SQLite database: a
// Konnect-compatible admin API (portals, security, auth strategies, APIs, gateways, publications),
// each portal's developer API under /portals/{portalId}/api/v3 (sign-up, applications,
// registrations, keys), and the application auth data gateway nodes read from
// /v2/control-planes/{controlPlaneId}/application-auth-data. Regions us, eu, au, me, in and sg are
// served under "/{region}/", the default region also at "/". See docs/guides/bundled-backend.md
// for the endpoints and their behaviour.
package backend

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/httpapi"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/mail"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/web"
)

// Config configures a Server.
type Config struct {
	DBPath        string       // SQLite file, created if missing, or postgres:// URL (see store.Open)
	DefaultRegion string       // region also served at "/"; "" means "us"
	AdminToken    string       // bootstrap admin token (plaintext in memory only; stored hashed); required
	Logger        *slog.Logger // nil discards
	// Mailer delivers developer sign-up and password messages; nil keeps them in the database
	// outbox that admins read at /v3/portals/{portalId}/outbox.
	Mailer mail.Mailer
	// SMTP, when set instead of Mailer, sends the messages through this mail server from a queue
	// kept in the database, written with the change that causes each message.
	SMTP *mail.SMTPConfig
	// MailRetry is how the queue retries a message; zero means mail.DefaultRetryPolicy. Only tests
	// should change it.
	MailRetry mail.RetryPolicy
	// PasswordIterations is the PBKDF2 cost of new developer password hashes; zero means
	// core.DefaultPasswordIterations. Only tests should lower it.
	PasswordIterations int
	// Limits are the sign-up and login limits of the developer API; nil means
	// core.DefaultSelfServiceLimits, what a production portal wants.
	Limits *core.SelfServiceLimits
	// PasswordHashingSlots bounds how many developer passwords are hashed at once; zero means
	// service.DefaultPasswordHashingSlots (half the CPUs).
	PasswordHashingSlots int
	// PortalURL is the address of each portal's website, the links of the messages to developers
	// start with it: a template such as "http://{domain}:8080", where "{domain}" stands for the
	// portal's domain. Empty means service.DefaultPortalURL.
	PortalURL string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto headers
	// are believed.
	TrustedProxies []netip.Prefix
}

// Server is the backend: an HTTP handler over an open database.
type Server struct {
	store   *store.Store
	handler http.Handler
	// stopMail stops the mail sender and waits for it; nil without SMTP.
	stopMail func()
}

// New opens the database, applies migrations and stores the hash of the admin token, replacing
// the token of the previous start.
func New(ctx context.Context, cfg Config) (*Server, error) {
	region := cfg.DefaultRegion
	if region == "" {
		region = core.DefaultRegion
	}
	if !core.IsRegion(region) {
		return nil, fmt.Errorf("backend: unknown default region %q: use one of %v", region, core.Regions)
	}
	if err := core.ValidateAdminToken(cfg.AdminToken); err != nil {
		return nil, fmt.Errorf("backend: %w", err)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Mailer != nil && cfg.SMTP != nil {
		return nil, errors.New("backend: configure either a Mailer or SMTP, not both")
	}
	var smtp *mail.SMTP
	if cfg.SMTP != nil {
		var err error
		if smtp, err = mail.NewSMTP(*cfg.SMTP); err != nil {
			return nil, fmt.Errorf("backend: %w", err)
		}
	}
	st, err := store.Open(ctx, cfg.DBPath)
	if err != nil {
		return nil, fmt.Errorf("backend: %w", err)
	}
	// Every replica signs the website's form tokens with the key stored first, so that a form
	// one of them served is accepted by the others and after a restart.
	candidate := make([]byte, 32)
	if _, err := rand.Read(candidate); err != nil {
		return nil, errors.Join(fmt.Errorf("backend: %w", err), st.Close())
	}
	var csrfKey []byte
	if err := st.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.PutBootstrapAdminToken(ctx, core.HashToken(cfg.AdminToken)); err != nil {
			return err
		}
		var err error
		csrfKey, err = tx.SiteKey(ctx, "website-forms", candidate, time.Now())
		return err
	}); err != nil {
		return nil, errors.Join(fmt.Errorf("backend: %w", err), st.Close())
	}
	opts := []service.Option{service.WithMailer(cfg.Mailer), service.WithPasswordIterations(cfg.PasswordIterations),
		service.WithPasswordHashingSlots(cfg.PasswordHashingSlots), service.WithPortalURL(cfg.PortalURL)}
	if cfg.Limits != nil {
		opts = append(opts, service.WithLimits(*cfg.Limits))
	}
	if smtp != nil {
		opts = append(opts, service.WithMailQueue())
	}
	svc := service.New(st, log, opts...)
	api := httpapi.New(st, svc, region, log, httpapi.WithTrustedProxies(cfg.TrustedProxies))
	site := web.New(svc, log, web.WithTrustedProxies(cfg.TrustedProxies), web.WithCSRFKey(csrfKey))
	srv := &Server{store: st, handler: portalHosts(site, api)}
	if smtp != nil {
		log.Info("mail to developers goes out through SMTP", "server", cfg.SMTP.Redacted(), "from", cfg.SMTP.From.String())
		srv.stopMail = startSender(mail.NewSender(st, smtp, cfg.MailRetry, log.With("component", "mail")))
	}
	return srv, nil
}

// portalHosts sends a request whose Host is a portal's domain to the portal's website, unless
// it addresses the developer JSON API (/api/v3), and every other request to api.
func portalHosts(site *web.Site, api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !site.Serve(w, r) {
			api.ServeHTTP(w, r)
		}
	})
}

// startSender runs the sender until the returned function is called; that function waits for
// the sender to finish its attempt under way.
func startSender(s *mail.Sender) (stop func()) {
	// The sender outlives the context of New, which may be a request's or a test's: it runs until
	// Close.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

// Handler returns the HTTP handler serving every region and /healthz.
func (s *Server) Handler() http.Handler { return s.handler }

// Listener wraps ln, the listener Handler is served on, so that the few malformed requests
// net/http answers itself before any handler runs (bad percent-encoding in the path, a malformed
// Host header or method, headers over the size limit) are answered as problem+json like every
// other error.
func Listener(ln net.Listener) net.Listener { return httpapi.ProblemListener(ln) }

// Close stops the mail sender, once its attempt under way is recorded, then flushes the
// write-ahead log into the database file and closes it. Stop serving requests first.
func (s *Server) Close() error {
	if s.stopMail != nil {
		s.stopMail()
	}
	return s.store.Close()
}
