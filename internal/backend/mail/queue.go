package mail

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"time"
)

// Queued is a message taken from the queue for one delivery attempt.
type Queued struct {
	ID      string
	Message Message
	// Attempts counts the attempts made before this one.
	Attempts int
	// Claim identifies this attempt's hold on the message; the queue accepts the attempt's outcome
	// only with it, so that a sender whose hold expired cannot overwrite another's.
	Claim string
}

// Queue is the database's queue of outgoing messages, as the Sender uses it.
type Queue interface {
	// ClaimMail holds the oldest message due at now for one attempt until now+lease; ok is false
	// when none is due.
	ClaimMail(ctx context.Context, now time.Time, claim string, lease time.Duration) (q Queued, ok bool, err error)
	// MailSent removes a delivered message.
	MailSent(ctx context.Context, q Queued) error
	// RetryMail releases the message for another attempt at next, recording why this one failed.
	RetryMail(ctx context.Context, q Queued, next time.Time, reason string) error
	// FailMail keeps the message as failed, without its body, with the reason.
	FailMail(ctx context.Context, q Queued, now time.Time, reason string) error
	// NextMailAttempt returns when the next queued message becomes due; ok is false when the
	// queue holds none.
	NextMailAttempt(ctx context.Context) (at time.Time, ok bool, err error)
	// Changed returns a channel closed by the next committed change, which may queue a message.
	Changed() <-chan struct{}
}

// Transport hands one message to a mail server. messageID is the same on every attempt at a
// message, so that a receiver can recognise a message delivered twice.
type Transport interface {
	Deliver(ctx context.Context, m Message, messageID string) error
}

// PermanentError marks a refusal that another attempt cannot change, such as a mail server's
// 5xx answer to the recipient: the message fails without further attempts.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// RetryPolicy says how often and how far apart a message is attempted.
type RetryPolicy struct {
	// MaxAttempts is how many attempts a message gets before it is kept as failed.
	MaxAttempts int
	// FirstDelay is the wait after the first failed attempt; each later wait doubles, up to MaxDelay.
	FirstDelay, MaxDelay time.Duration
	// Timeout bounds one attempt, connection included.
	Timeout time.Duration
}

// DefaultRetryPolicy spreads ten attempts over about four hours (30 s, 1 min, 2 min … then hourly),
// long enough to ride out a mail server's restart or a short outage, and within the validity of
// the links the messages carry.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 10, FirstDelay: 30 * time.Second, MaxDelay: time.Hour, Timeout: 30 * time.Second}

// Backoff returns the wait after the given number of failed attempts (1 for the first): FirstDelay
// doubled for each attempt after the first, at most MaxDelay.
func (p RetryPolicy) Backoff(failed int) time.Duration {
	d := p.FirstDelay
	for i := 1; i < failed && d < p.MaxDelay; i++ {
		d *= 2
	}
	return min(d, p.MaxDelay)
}

// lease is how long an attempt holds its message: beyond the attempt's timeout, so that the hold
// never lapses while the attempt is still running, yet short enough that a message held by a
// sender that died is attempted again soon after a restart.
func (p RetryPolicy) lease() time.Duration { return 2*p.Timeout + 30*time.Second }

// pollInterval bounds how long the sender sleeps without looking at the queue, in case a message
// was queued by a change it was not told about (another process sharing the database).
const pollInterval = time.Minute

// recordTimeout bounds the write that records an attempt's outcome; the database's own busy
// timeout (10 s) is the usual wait.
const recordTimeout = 30 * time.Second

// Sender delivers queued messages, one at a time, until its context ends.
type Sender struct {
	queue     Queue
	transport Transport
	policy    RetryPolicy
	log       *slog.Logger
	now       func() time.Time
}

// NewSender returns a sender of q's messages through t. A zero policy means DefaultRetryPolicy;
// a nil log discards.
func NewSender(q Queue, t Transport, policy RetryPolicy, log *slog.Logger) *Sender {
	if policy == (RetryPolicy{}) {
		policy = DefaultRetryPolicy
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sender{queue: q, transport: t, policy: policy, log: log, now: time.Now}
}

// Run delivers messages as they become due until ctx ends. An attempt under way when ctx ends is
// finished (within the policy's timeout) and its outcome recorded, so that stopping neither loses
// nor repeats a message.
func (s *Sender) Run(ctx context.Context) {
	for ctx.Err() == nil {
		// Taken before looking at the queue, so that a message queued meanwhile is not missed.
		changed := s.queue.Changed()
		attempted, err := s.attemptNext(ctx)
		if err != nil {
			s.log.Error("mail queue", "error", err)
		}
		if attempted && err == nil {
			continue
		}
		s.wait(ctx, changed, err != nil)
	}
}

// wait sleeps until the next message is due, the database changes or ctx ends. After an error
// of the queue itself it sleeps the policy's first delay, so that a broken database is not
// hammered.
func (s *Sender) wait(ctx context.Context, changed <-chan struct{}, queueFailed bool) {
	sleep := pollInterval
	if queueFailed {
		sleep = min(sleep, s.policy.FirstDelay)
	} else if at, ok, err := s.queue.NextMailAttempt(ctx); err != nil {
		s.log.Error("mail queue", "error", err)
		sleep = min(sleep, s.policy.FirstDelay)
	} else if ok {
		sleep = min(sleep, max(at.Sub(s.now()), 0))
	}
	if sleep == 0 {
		return
	}
	t := time.NewTimer(sleep)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-changed:
	case <-t.C:
	}
}

// attemptNext attempts the next due message, if any, and records the outcome; attempted reports
// whether there was one.
func (s *Sender) attemptNext(ctx context.Context) (attempted bool, err error) {
	q, ok, err := s.queue.ClaimMail(ctx, s.now(), rand.Text(), s.policy.lease())
	if err != nil || !ok {
		return false, err
	}
	// The attempt and its record outlive ctx: cut short, the server may have taken the message
	// without our knowing, and it would be delivered again after a restart. The record has a
	// deadline of its own, so that an attempt that used all of its time can still be recorded.
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.policy.Timeout)
	defer cancel()
	derr := s.transport.Deliver(actx, q.Message, q.ID)
	rctx, cancelRecord := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancelRecord()
	attempt := q.Attempts + 1
	log := s.log.With("message_id", q.ID, "region", q.Message.Region, "portal_id", q.Message.PortalID, "attempt", attempt)
	var permanent *PermanentError
	switch {
	case derr == nil:
		log.Info("mail delivered")
		return true, s.queue.MailSent(rctx, q)
	case errors.As(derr, &permanent) || attempt >= s.policy.MaxAttempts:
		log.Error("mail delivery failed; the message is kept as failed", "error", derr)
		return true, s.queue.FailMail(rctx, q, s.now(), derr.Error())
	default:
		next := s.now().Add(s.policy.Backoff(attempt))
		log.Warn("mail delivery failed; will try again", "error", derr, "next_attempt_at", next)
		return true, s.queue.RetryMail(rctx, q, next, derr.Error())
	}
}
