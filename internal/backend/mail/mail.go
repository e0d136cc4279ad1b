// Package mail composes the messages to developers and delivers them.
//
// With SMTP configured, an operation queues each message in the database, in the transaction of
// the change that causes it, and a Sender delivers it from there: a message exists if and only
// if its change committed, survives restarts, and is retried with backoff. A message is
// delivered once unless the process dies between the mail server's acceptance and the record of
// it; it is then delivered again with the same Message-ID, so that a receiver can tell. Without
// SMTP, the server keeps the messages in its database as the portal's outbox, or hands them to a
// Mailer.
package mail

import (
	"context"
	_ "embed" // the HTML part's template
	"fmt"
	"html/template"
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

// TokenMessage is a message that carries a one-time token, a link to the portal's website, or
// both.
type TokenMessage struct {
	// Name is the developer's name as they gave it; it is quoted, never trusted.
	Name string
	// Intro is the portal's sentence saying what the token is for.
	Intro string
	// Token is empty where the message only carries a link.
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

// Body renders the plain-text part. Every line starts with text of ours; the developer's name
// appears once, quoted, inside the greeting line.
func (m TokenMessage) Body() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello,\n\nThis message is for the developer account named %s%s.\n%s\n", Quote(m.Name), m.onPortal(), m.Intro)
	if m.Link != "" {
		fmt.Fprintf(&b, "\nOpen this link: %s\n", m.Link)
	}
	if m.Token != "" {
		fmt.Fprintf(&b, "\nToken: %s\n", m.Token)
	}
	if m.Link == "" && m.Token == "" {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Portal: %s\n", m.PortalURL)
	if m.ValidUntil != "" {
		fmt.Fprintf(&b, "The %s is valid until %s.\n", m.carries(), m.ValidUntil)
	}
	return b.String()
}

// onPortal names the portal after the developer's name, when it has a name.
func (m TokenMessage) onPortal() string {
	name := strings.Join(strings.Fields(m.PortalName), " ")
	if name == "" {
		return ""
	}
	return " on the developer portal " + name
}

// carries names what ValidUntil applies to.
func (m TokenMessage) carries() string {
	if m.Link != "" {
		return "link"
	}
	return "token"
}

//go:embed token.html
var tokenHTMLSource string

var tokenHTML = template.Must(template.New("token.html").Parse(tokenHTMLSource))

// HTML renders the HTML part: the plain-text part's sentences, with the link as a button. Every
// value is escaped by html/template; the developer's name is also quoted as in Body.
func (m TokenMessage) HTML() string {
	var b strings.Builder
	data := struct {
		TokenMessage
		QuotedName, PortalTitle, Carries string
	}{m, Quote(m.Name), strings.Join(strings.Fields(m.PortalName), " "), m.carries()}
	if err := tokenHTML.Execute(&b, data); err != nil {
		// The template is fixed and its data are strings: an error is a bug, and the plain-text
		// part still carries the message.
		return ""
	}
	return b.String()
}

//go:embed text.html
var textHTMLSource string

var textHTML = template.Must(template.New("text.html").Parse(textHTMLSource))

// TextHTML renders a plain-text part as an HTML part, for a message composed as text only: each
// paragraph (lines separated by a blank one) a <p> with its lines kept, and every occurrence of
// link (the message's absolute link) a hyperlink. Everything else is escaped.
func TextHTML(text, link string) string {
	type segment struct{ Text, Link string }
	var paragraphs [][][]segment // paragraph → line → segments
	for para := range strings.SplitSeq(strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n")), "\n\n") {
		var lines [][]segment
		for line := range strings.SplitSeq(strings.TrimSpace(para), "\n") {
			var segs []segment
			for link != "" {
				before, after, found := strings.Cut(line, link)
				if !found {
					break
				}
				segs = append(segs, segment{Text: before}, segment{Link: link})
				line = after
			}
			lines = append(lines, append(segs, segment{Text: line}))
		}
		paragraphs = append(paragraphs, lines)
	}
	var b strings.Builder
	if err := textHTML.Execute(&b, paragraphs); err != nil {
		return "" // fixed template over strings: cannot fail; the plain-text part carries the message
	}
	return b.String()
}
