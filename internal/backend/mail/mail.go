// Package mail sends the messages of the developer sign-up flow. The default Mailer, Outbox, keeps
// them in memory for administrators to read instead of delivering them.
package mail

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Message is one e-mail to a developer of a portal.
type Message struct {
	Region   string
	PortalID string
	To       string
	Subject  string
	Body     string
	// Token is the one-time token the body carries, kept apart so that tools reading the outbox
	// need not parse the body.
	Token  string
	SentAt time.Time
}

// Mailer delivers messages. Send is called inside the request that caused the message; an error
// fails that request.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

var _ Mailer = (*Outbox)(nil)

// OutboxCapacity bounds the messages kept per portal; older ones are dropped first.
const OutboxCapacity = 200

// Outbox is a Mailer that keeps the latest messages of each portal in memory only, so that the
// tokens they carry never reach the database. It is safe for concurrent use.
type Outbox struct {
	mu       sync.Mutex
	byPortal map[string][]Message
}

// NewOutbox returns an empty outbox.
func NewOutbox() *Outbox { return &Outbox{byPortal: map[string][]Message{}} }

// Send keeps m.
func (o *Outbox) Send(_ context.Context, m Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	key := m.Region + "/" + m.PortalID
	o.byPortal[key] = append(o.byPortal[key], m)
	if msgs := o.byPortal[key]; len(msgs) > OutboxCapacity {
		// A copy lets the dropped messages' backing array be collected.
		o.byPortal[key] = slices.Clone(msgs[len(msgs)-OutboxCapacity:])
	}
	return nil
}

// Messages returns the messages of a portal, newest first.
func (o *Outbox) Messages(region, portalID string) []Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	msgs := slices.Clone(o.byPortal[region+"/"+portalID])
	slices.Reverse(msgs)
	return msgs
}
