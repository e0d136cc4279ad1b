package store

import (
	"context"
	"fmt"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/mail"
)

// Kinds of throttle events.
const (
	EventLogin        = "login"
	EventLoginFailure = "login_failure"
	EventSignUp       = "sign_up"
	EventPasswordMail = "password_mail"
)

// ThrottleEvent is one event a limit counts.
type ThrottleEvent struct {
	PortalID, Kind, Subject string
	// AttemptID groups the events of one login attempt; empty otherwise.
	AttemptID string
	At        time.Time
	// ExpiresAt is when no limit counts the event any more.
	ExpiresAt time.Time
}

// ThrottleEvents returns the times of the portal's events of a kind and subject after since. It
// locks the kind and subject until the transaction ends, so that concurrent requests count and
// record their events one after the other and no more get through than the limit allows
// (SQLite's write transactions already run one at a time).
func (t *Tx) ThrottleEvents(ctx context.Context, portalID, kind, subject string, since time.Time) ([]time.Time, error) {
	if err := t.LockKey(ctx, "throttle:"+portalID+":"+kind+":"+subject); err != nil {
		return nil, err
	}
	return queryAll(ctx, t, "list throttle events", func(s scanner) (time.Time, error) {
		at, err := scanString(s)
		if err != nil {
			return time.Time{}, err
		}
		return parseTime(at)
	}, `SELECT at FROM throttle_events WHERE portal_id = $1 AND kind = $2 AND subject = $3 AND at > $4`,
		portalID, kind, subject, formatTime(since))
}

// RecordThrottleEvents stores events.
func (t *Tx) RecordThrottleEvents(ctx context.Context, events ...ThrottleEvent) error {
	for _, e := range events {
		if err := t.exec(ctx, "record throttle event", `INSERT INTO throttle_events
			(portal_id, kind, subject, attempt_id, at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			e.PortalID, e.Kind, e.Subject, nullString(e.AttemptID), formatTime(e.At), formatTime(e.ExpiresAt)); err != nil {
			return err
		}
	}
	return nil
}

// PruneThrottleEvents deletes the events of every portal that expired at or before now.
func (t *Tx) PruneThrottleEvents(ctx context.Context, now time.Time) error {
	return t.exec(ctx, "prune throttle events", `DELETE FROM throttle_events WHERE expires_at <= $1`, formatTime(now))
}

// WithdrawThrottleEvents deletes the events of one login attempt of a portal.
func (t *Tx) WithdrawThrottleEvents(ctx context.Context, portalID, attemptID string) error {
	return t.exec(ctx, "withdraw throttle events", `DELETE FROM throttle_events WHERE portal_id = $1 AND attempt_id = $2`,
		portalID, attemptID)
}

// ClearThrottleEvents deletes the portal's events of a kind and subject.
func (t *Tx) ClearThrottleEvents(ctx context.Context, portalID, kind, subject string) error {
	return t.exec(ctx, "clear throttle events", `DELETE FROM throttle_events WHERE portal_id = $1 AND kind = $2 AND subject = $3`,
		portalID, kind, subject)
}

// ClearThrottleEventsWithPrefix deletes the portal's events of a kind whose subject starts with prefix.
func (t *Tx) ClearThrottleEventsWithPrefix(ctx context.Context, portalID, kind, prefix string) error {
	return t.exec(ctx, "clear throttle events", `DELETE FROM throttle_events WHERE portal_id = $1 AND kind = $2
		AND substr(subject, 1, length($3)) = $3`, portalID, kind, prefix)
}

// OutboxMessage is a message kept in the outbox until ExpiresAt.
type OutboxMessage struct {
	ID        string
	Message   mail.Message
	ExpiresAt time.Time
}

// InsertOutboxMessage keeps a message, first deleting every portal's messages that expired at or
// before the message was sent and then the portal's oldest beyond capacity-1, so that the portal
// keeps at most capacity.
func (t *Tx) InsertOutboxMessage(ctx context.Context, m OutboxMessage, capacity int) error {
	msg := m.Message
	if err := t.exec(ctx, "prune outbox", `DELETE FROM outbox_messages WHERE expires_at <= $1`, formatTime(msg.SentAt)); err != nil {
		return err
	}
	if err := t.exec(ctx, "trim outbox", `DELETE FROM outbox_messages WHERE region = $1 AND portal_id = $2 AND id NOT IN (
		SELECT id FROM outbox_messages WHERE region = $1 AND portal_id = $2 ORDER BY sent_at DESC, id DESC LIMIT $3)`,
		msg.Region, msg.PortalID, max(capacity-1, 0)); err != nil {
		return err
	}
	return t.exec(ctx, "insert outbox message", `INSERT INTO outbox_messages
		(id, region, portal_id, recipient, subject, body, token, sent_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		m.ID, msg.Region, msg.PortalID, msg.To, msg.Subject, msg.Body, msg.Token, formatTime(msg.SentAt), formatTime(m.ExpiresAt))
}

// OutboxMessages returns one page of a portal's unexpired messages at now, newest first, and the total.
func (t *Tx) OutboxMessages(ctx context.Context, region, portalID string, now time.Time, page Page) ([]mail.Message, int, error) {
	w := &where{}
	w.add("region = " + w.arg(region))
	w.add("portal_id = " + w.arg(portalID))
	w.add("expires_at > " + w.arg(formatTime(now)))
	return listPage(ctx, t, "outbox messages", `region, portal_id, recipient, subject, body, token, sent_at`, "outbox_messages", w,
		` ORDER BY sent_at DESC, id DESC`, page, func(s scanner) (mail.Message, error) {
			var m mail.Message
			err := s.Scan(&m.Region, &m.PortalID, &m.To, &m.Subject, &m.Body, &m.Token, textTime{&m.SentAt})
			if err != nil {
				return m, fmt.Errorf("scan outbox message: %w", err)
			}
			return m, nil
		})
}

// DeleteOutboxToken deletes the messages that carry a token once it is used, so that the database
// keeps no copy of a spent token.
func (t *Tx) DeleteOutboxToken(ctx context.Context, token string) error {
	return t.exec(ctx, "delete outbox token", `DELETE FROM outbox_messages WHERE token = $1`, token)
}
