package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/mail"
)

// Mail queue statuses: a queued message waits for its next attempt, a failed one will not be
// attempted again.
const (
	MailQueued = "queued"
	MailFailed = "failed"
)

// FailedMailKept is how long a failed message's record (recipient, subject, reason) is kept.
const FailedMailKept = 30 * 24 * time.Hour

// EnqueueMail queues m for delivery in the caller's transaction, so that the message exists if
// and only if the change that caused it commits. It first forgets failed messages older than
// FailedMailKept.
func (t *Tx) EnqueueMail(ctx context.Context, id string, m mail.Message) error {
	if err := t.exec(ctx, "prune failed mail", `DELETE FROM mail_queue WHERE status = $1 AND failed_at <= $2`,
		MailFailed, formatTime(m.SentAt.Add(-FailedMailKept))); err != nil {
		return err
	}
	return t.exec(ctx, "queue mail", `INSERT INTO mail_queue
		(id, region, portal_id, recipient, subject, body_text, body_html, link, token, created_at, status, next_attempt_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10)`,
		id, m.Region, m.PortalID, m.To, m.Subject, m.Body, m.HTML, m.Link, m.Token, formatTime(m.SentAt), MailQueued)
}

// QueuedMail is a row of the mail queue as an operator sees it: never the body or the token.
type QueuedMail struct {
	ID, Region, PortalID, To, Subject, Status, LastError string
	Attempts                                             int
	CreatedAt, NextAttemptAt                             time.Time
}

// MailQueue lists a portal's queued and failed messages, oldest first.
func (t *Tx) MailQueue(ctx context.Context, region, portalID string) ([]QueuedMail, error) {
	return queryAll(ctx, t, "list mail queue", func(s scanner) (QueuedMail, error) {
		var q QueuedMail
		if err := s.Scan(&q.ID, &q.Region, &q.PortalID, &q.To, &q.Subject, &q.Status, &q.LastError, &q.Attempts,
			textTime{&q.CreatedAt}, textTime{&q.NextAttemptAt}); err != nil {
			return q, fmt.Errorf("scan mail queue: %w", err)
		}
		return q, nil
	}, `SELECT id, region, portal_id, recipient, subject, status, last_error, attempts, created_at, next_attempt_at
		FROM mail_queue WHERE region = $1 AND portal_id = $2 ORDER BY created_at, id`, region, portalID)
}

// The methods below make *Store the mail.Queue of the sender. Each is one bookkeeping
// transaction: delivering mail changes nothing that a Changed watcher reads, and must not wake
// the sender itself.

var _ mail.Queue = (*Store)(nil)

// ClaimMail holds the oldest message due at now until now+lease for the attempt named claim. A
// message whose previous hold lapsed (its sender died) is due again. Senders of several replicas
// claim side by side on PostgreSQL: each skips the messages another is claiming.
func (s *Store) ClaimMail(ctx context.Context, now time.Time, claim string, lease time.Duration) (mail.Queued, bool, error) {
	var q mail.Queued
	at := formatTime(now)
	// The sender looks after every committed change: a read first, so that it takes the write
	// lock only when there is a message to claim.
	var due int
	if err := s.View(ctx, func(tx *Tx) error {
		var err error
		due, err = tx.count(ctx, "look for due mail", `SELECT COUNT(*) FROM (SELECT 1 FROM mail_queue `+dueMail+` LIMIT 1) AS due`,
			MailQueued, at)
		return err
	}); err != nil || due == 0 {
		return q, false, err
	}
	found := false
	err := s.WithBookkeepingTx(ctx, func(tx *Tx) error {
		var err error
		q, err = queryOne(ctx, tx, scanQueued, `SELECT id, region, portal_id, recipient, subject, body_text, body_html,
			link, token, created_at, attempts FROM mail_queue `+dueMail+` ORDER BY next_attempt_at, id LIMIT 1`+
			tx.d.skipLocked(), MailQueued, at)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		found, q.Claim = true, claim
		return tx.execOne(ctx, "claim mail", `UPDATE mail_queue SET claim_id = $1, claimed_until = $2 WHERE id = $3`,
			claim, formatTime(now.Add(lease)), q.ID)
	})
	return q, found, err
}

// dueMail selects the queued messages ($1) due at $2 that no attempt holds.
const dueMail = `WHERE status = $1 AND next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until <= $2)`

func scanQueued(s scanner) (mail.Queued, error) {
	var q mail.Queued
	m := &q.Message
	err := s.Scan(&q.ID, &m.Region, &m.PortalID, &m.To, &m.Subject, &m.Body, &m.HTML, &m.Link, &m.Token,
		textTime{&m.SentAt}, &q.Attempts)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		err = fmt.Errorf("scan queued mail: %w", err)
	}
	return q, err
}

// ErrMailClaimLost is returned when an attempt's outcome is recorded after its hold on the
// message lapsed and another attempt took it (or the portal, and its messages, were deleted).
var ErrMailClaimLost = errors.New("store: the mail queue no longer holds this message for this attempt")

// MailSent removes a delivered message.
func (s *Store) MailSent(ctx context.Context, q mail.Queued) error {
	return s.updateClaimed(ctx, "remove sent mail", `DELETE FROM mail_queue WHERE id = $1 AND claim_id = $2`, q.ID, q.Claim)
}

// RetryMail releases the message for another attempt at next.
func (s *Store) RetryMail(ctx context.Context, q mail.Queued, next time.Time, reason string) error {
	return s.updateClaimed(ctx, "reschedule mail", `UPDATE mail_queue SET attempts = $3, next_attempt_at = $4,
		last_error = $5, claim_id = NULL, claimed_until = NULL WHERE id = $1 AND claim_id = $2`,
		q.ID, q.Claim, q.Attempts+1, formatTime(next), reason)
}

// FailMail keeps the message as failed, with the reason, and erases its body, link and token:
// nobody will receive them, so the database should not keep them.
func (s *Store) FailMail(ctx context.Context, q mail.Queued, now time.Time, reason string) error {
	return s.updateClaimed(ctx, "fail mail", `UPDATE mail_queue SET status = $3, attempts = $4, failed_at = $5,
		last_error = $6, body_text = '', body_html = '', link = '', token = '', claim_id = NULL, claimed_until = NULL
		WHERE id = $1 AND claim_id = $2`, q.ID, q.Claim, MailFailed, q.Attempts+1, formatTime(now), reason)
}

func (s *Store) updateClaimed(ctx context.Context, what, query string, args ...any) error {
	return s.WithBookkeepingTx(ctx, func(tx *Tx) error {
		err := tx.execOne(ctx, what, query, args...)
		if errors.Is(err, ErrNotFound) {
			return ErrMailClaimLost
		}
		return err
	})
}

// NextMailAttempt returns when the next queued message becomes due: its next attempt, or the end
// of the hold on it when that is later.
func (s *Store) NextMailAttempt(ctx context.Context) (time.Time, bool, error) {
	var at sql.NullString
	err := s.View(ctx, func(tx *Tx) error {
		return tx.q.QueryRowContext(ctx, `SELECT MIN(CASE WHEN claimed_until IS NOT NULL AND claimed_until > next_attempt_at
			THEN claimed_until ELSE next_attempt_at END) FROM mail_queue WHERE status = $1`, MailQueued).Scan(&at)
	})
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: next mail attempt: %w", err)
	}
	if !at.Valid {
		return time.Time{}, false, nil
	}
	t, err := parseTime(at.String)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: next mail attempt: %w", err)
	}
	return t, true, nil
}
