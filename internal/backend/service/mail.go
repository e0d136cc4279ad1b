package service

import (
	"context"
	"net/url"
	"time"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/mail"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// OutboxCapacity bounds the messages the outbox keeps per portal. Messages leave it when their token
// expires; with the default sign-up and forgot-password limits, one client address can add at most
// 20 an hour, so only a flood from more than 50 addresses within a day could push out a message
// before its token expires, and then the oldest go first.
const OutboxCapacity = 1000

// outboxLifetime is how long the outbox keeps a message that carries no token.
const outboxLifetime = 7 * 24 * time.Hour

// WithMailQueue queues every message in the database, in the transaction of the operation that
// causes it, for a mail.Sender to deliver over SMTP; the outbox is then unavailable.
func WithMailQueue() Option {
	return func(s *Service) { s.mailQueue = true }
}

// deliver sends m: into the mail queue within tx when SMTP is configured, through the mailer when
// one is configured, else into the portal's outbox within tx. Every message of the service goes
// out here. keepUntil is when the message stops being worth reading (its token's expiry): the
// outbox drops it then.
func (s *Service) deliver(ctx context.Context, tx *store.Tx, m mail.Message, keepUntil time.Time) error {
	if m.HTML == "" {
		m.HTML = mail.TextHTML(m.Body, m.Link)
	}
	switch {
	case s.mailQueue:
		return tx.EnqueueMail(ctx, uuid.NewString(), m)
	case s.mailer != nil:
		return s.mailer.Send(ctx, m)
	}
	// Messages to one portal's outbox from several replicas take turns, so that each trims the
	// outbox to its capacity counting the others'.
	if err := tx.LockKey(ctx, "outbox:"+m.PortalID); err != nil {
		return err
	}
	return tx.InsertOutboxMessage(ctx, store.OutboxMessage{ID: uuid.NewString(), Message: m, ExpiresAt: keepUntil}, OutboxCapacity)
}

// tokenMail describes a message that carries a one-time token.
type tokenMail struct {
	purpose  string // store.TokenVerifyEmail or store.TokenResetPassword
	lifetime time.Duration
	subject  string
	intro    string
	// path is the page of the portal's website that takes the token, such as "/reset-password".
	path string
}

// mailToken issues a one-time token to d and mails it. Earlier unexpired tokens of the purpose stay
// valid, up to the configured number, so that asking for another message cannot cancel the one a
// developer is about to use.
func (s *Service) mailToken(ctx context.Context, tx *store.Tx, p core.Portal, d core.Developer, tm tokenMail) error {
	now := s.now()
	if err := tx.KeepDeveloperTokens(ctx, d.ID, tm.purpose, s.limits.ResetLinksKept-1, now); err != nil {
		return err
	}
	token := uuid.NewString()
	expires := now.Add(tm.lifetime)
	if err := tx.InsertDeveloperToken(ctx, core.HashToken(token), d.ID, tm.purpose, expires); err != nil {
		return err
	}
	portalURL := s.PortalURL(p)
	link := portalURL + tm.path + "?token=" + url.QueryEscape(token)
	msg := mail.TokenMessage{Name: d.FullName, Intro: tm.intro, Token: token, PortalName: p.DisplayName, PortalURL: portalURL,
		Link: link, ValidUntil: FormatTime(expires)}
	m := mail.Message{
		Region: p.Region, PortalID: p.ID, To: d.Email, Subject: tm.subject, Token: token, Link: link, SentAt: now,
		Body: msg.Body(), HTML: msg.HTML(),
	}
	return s.deliver(ctx, tx, m, expires)
}

// limitedSubject is one subject of a rate limit, with the start of the sentence that refuses it.
type limitedSubject struct {
	subject string
	limit   core.RateLimit
	refusal string
}

// limitMail refuses an event of kind that would exceed the limit of one of the subjects, and
// otherwise records it for each of them. It runs in the write transaction of the operation, so that
// concurrent requests are counted one after the other.
func (s *Service) limitMail(ctx context.Context, tx *store.Tx, portalID, kind string, now time.Time, subjects []limitedSubject) error {
	if err := tx.PruneThrottleEvents(ctx, now); err != nil {
		return err
	}
	var events []store.ThrottleEvent
	for _, sub := range subjects {
		if sub.limit.Max <= 0 {
			continue
		}
		if err := checkRate(ctx, tx, portalID, kind, sub, now); err != nil {
			return err
		}
		events = append(events, store.ThrottleEvent{PortalID: portalID, Kind: kind, Subject: sub.subject, At: now,
			ExpiresAt: now.Add(sub.limit.Window)})
	}
	return tx.RecordThrottleEvents(ctx, events...)
}

// checkRate refuses, as TooManyRequests, one more event of kind for sub when it would exceed its limit.
func checkRate(ctx context.Context, tx *store.Tx, portalID, kind string, sub limitedSubject, now time.Time) error {
	if sub.limit.Max <= 0 {
		return nil
	}
	events, err := tx.ThrottleEvents(ctx, portalID, kind, sub.subject, now.Add(-sub.limit.Window))
	if err != nil {
		return err
	}
	if wait := sub.limit.Check(events, now); wait > 0 {
		return tooManyRequests(wait, sub.refusal+": try again after "+FormatTime(now.Add(wait))+".")
	}
	return nil
}
