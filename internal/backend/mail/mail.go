// Package mail composes the messages of the developer sign-up flow and defines how they are
// delivered. Without a Mailer, the server keeps them in its database as the portal's outbox.
package mail

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Message is one e-mail to a developer of a portal.
type Message struct {
	Region   string
	PortalID string
	To       string
	Subject  string
	Body     string // the plain-text part
	HTML     string // the HTML part; empty sends plain text only
	// Link is the absolute address on the portal's website that the message asks the developer to
	// open (verification, password reset, log-in), kept apart like Token.
	Link string
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

// QuotedTextMax bounds, in characters, how much of a developer's own text a message repeats.
const QuotedTextMax = 60

// Quote renders text that a developer wrote (such as their name) for a message of ours: on one line,
// inside double quotes, at most QuotedTextMax characters, with line breaks, control and formatting
// characters and quotes replaced, so that it can never pass for a line or a sentence of the portal's.
func Quote(text string) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.Join(strings.Fields(text), " ") {
		if n == QuotedTextMax {
			b.WriteString("…")
			break
		}
		switch {
		case unicode.IsControl(r), unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp):
			r = ' '
		case r == '"' || r == '“' || r == '”':
			r = '\''
		}
		b.WriteRune(r)
		n++
	}
	return `"` + b.String() + `"`
}

// TokenMessage is a message that carries a one-time token.
type TokenMessage struct {
	// Name is the developer's name as they gave it; it is quoted, never trusted.
	Name string
	// Intro is the portal's sentence saying what the token is for.
	Intro string
	Token string
	// PortalName is the portal's display name, for the subject and greeting.
	PortalName string
	// PortalURL is the absolute address of the portal's website.
	PortalURL string
	// Link is the absolute address the developer opens to use the token; empty where the message
	// only carries the token.
	Link       string
	ValidUntil string
}

// Body renders the message. Every line starts with text of ours; the developer's name appears once,
// quoted, inside the greeting line.
func (m TokenMessage) Body() string {
	return fmt.Sprintf("Hello,\n\nThis message is for the developer account named %s.\n%s\n\nToken: %s\nPortal: %s\nThe token is valid until %s.\n",
		Quote(m.Name), m.Intro, m.Token, m.PortalURL, m.ValidUntil)
}
