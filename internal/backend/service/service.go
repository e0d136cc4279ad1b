package service

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/mail"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// Service runs the developer self-service operations over one store. It is safe for concurrent use.
type Service struct {
	store  *store.Store
	log    *slog.Logger
	now    func() time.Time
	mailer mail.Mailer // nil: messages go to the database outbox
	hasher core.PasswordHasher
	limits core.SelfServiceLimits
	// hashing bounds how many password hashes are computed at once, so that logins cannot take every
	// CPU from the rest of the server; an operation that finds it full is refused as TooManyRequests.
	hashing chan struct{}
	// portalURL is the address template of a portal's website, "{domain}" standing for its domain.
	portalURL string
	// mailQueue queues messages for the SMTP sender instead of the outbox (WithMailQueue).
	mailQueue bool
}

// Option configures a Service.
type Option func(*Service)

// WithMailer sends sign-up and password messages through m instead of the database outbox, which
// is then unavailable.
func WithMailer(m mail.Mailer) Option {
	return func(s *Service) {
		if m != nil {
			s.mailer = m
		}
	}
}

// WithPasswordIterations sets the PBKDF2 cost of new password hashes; zero keeps the default.
// Only tests should lower it.
func WithPasswordIterations(n int) Option {
	return func(s *Service) { s.hasher = core.PasswordHasher{Iterations: n} }
}

// WithLimits replaces the sign-up and login limits (core.DefaultSelfServiceLimits).
func WithLimits(l core.SelfServiceLimits) Option {
	return func(s *Service) { s.limits = l }
}

// WithPasswordHashingSlots sets how many password hashes may be computed at once; zero or less keeps
// the default, DefaultPasswordHashingSlots.
func WithPasswordHashingSlots(n int) Option {
	return func(s *Service) {
		if n > 0 {
			s.hashing = make(chan struct{}, n)
		}
	}
}

// WithPortalURL sets the address template of the portals' websites, such as
// "http://{domain}:8080"; "{domain}" is replaced by a portal's domain. Empty keeps
// DefaultPortalURL.
func WithPortalURL(template string) Option {
	return func(s *Service) {
		if template != "" {
			s.portalURL = template
		}
	}
}

// WithClock replaces the clock, for tests that need time to pass.
func WithClock(now func() time.Time) Option {
	return func(s *Service) {
		if now != nil {
			s.now = now
		}
	}
}

// DefaultPortalURL is the portals' address when none is configured: their domain over HTTPS.
const DefaultPortalURL = "https://{domain}"

// DefaultPasswordHashingSlots is half the CPUs Go may use, at least one: logins can never take the
// whole machine from the admin API.
func DefaultPasswordHashingSlots() int { return max(1, runtime.GOMAXPROCS(0)/2) }

// New returns the service over st; log nil discards.
func New(st *store.Store, log *slog.Logger, opts ...Option) *Service {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Service{store: st, log: log, now: func() time.Time { return time.Now().UTC() },
		limits: core.DefaultSelfServiceLimits, hashing: make(chan struct{}, DefaultPasswordHashingSlots()),
		portalURL: DefaultPortalURL}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Now returns the service's current time, so that front ends show times on the same clock.
func (s *Service) Now() time.Time { return s.now() }

// MailerConfigured reports whether messages go through a mailer or the mail queue rather than the
// outbox.
func (s *Service) MailerConfigured() bool { return s.mailer != nil || s.mailQueue }

// PortalURL returns the absolute address of p's website, without a trailing slash.
func (s *Service) PortalURL(p core.Portal) string {
	return strings.TrimSuffix(strings.ReplaceAll(s.portalURL, "{domain}", p.DefaultDomain), "/")
}

// PortalByDomain returns the portal whose domain is host (its port, if any, ignored); NotFound when
// no portal has it.
func (s *Service) PortalByDomain(ctx context.Context, host string) (core.Portal, error) {
	host = strings.ToLower(hostOnly(host))
	var p core.Portal
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		p, err = tx.GetPortalByDomain(ctx, host)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return core.Portal{}, Errorf(NotFound, "No portal is served at %s.", host)
	}
	return p, err
}

// Portal returns the portal with id in region; NotFound when it does not exist.
func (s *Service) Portal(ctx context.Context, region, id string) (core.Portal, error) {
	var p core.Portal
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		p, err = getPortal(ctx, tx, region, id)
		return err
	})
	return p, err
}

// CheckAccounts refuses, as NotFound, the developer account operations of a portal without user
// authentication.
func CheckAccounts(p core.Portal) error {
	if p.AuthenticationEnabled {
		return nil
	}
	return Errorf(NotFound,
		"Portal %s does not have user authentication enabled, so it offers no developer accounts, applications or keys.", p.ID)
}
