package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/mailpittest"
)

// Bounds of the wait for a message: generous for a busy machine.
const (
	mailTimeout      = 30 * time.Second
	mailPollInterval = 100 * time.Millisecond
)

// mailbox reads the messages the backend sent to a portal's developers: from the inbox of the
// Mailpit it sends them to, or from its outbox when it has no mail server.
type mailbox struct {
	t        *testing.T
	backend  *acctest.Backend
	mailpit  *mailpittest.Server
	portalID string
	origin   string // the portal website's origin, for outbox messages that carry only a token
	http     *http.Client
}

func newMailbox(t *testing.T, b *acctest.Backend, mailpit *mailpittest.Server, portalID, origin string) *mailbox {
	return &mailbox{t: t, backend: b, mailpit: mailpit, portalID: portalID, origin: origin, http: &http.Client{Timeout: 10 * time.Second}}
}

// link waits for the latest message to the address and returns the link it carries to path of
// the portal's website.
func (m *mailbox) link(to, path string) string {
	m.t.Helper()
	if m.mailpit != nil {
		msg := m.mailpit.Client.WaitForMessageTo(m.t, to, mailTimeout)
		link, ok := msg.LinkTo(path)
		if !ok {
			m.t.Fatalf("the newest message to %s has no link to %s: %v", to, path, msg.Links())
		}
		if !strings.HasPrefix(link, m.origin+path+"?") {
			m.t.Fatalf("the message's link %s does not lead to the portal's website %s", link, m.origin)
		}
		m.t.Logf("following the link of the message %q that Mailpit received", msg.Subject)
		return link
	}
	deadline := time.Now().Add(mailTimeout)
	for {
		link, err := m.outboxLink(to, path)
		if err != nil {
			m.t.Fatalf("reading the outbox of portal %s: %v", m.portalID, err)
		}
		if link != "" {
			return link
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("no message to %s with a link to %s arrived within %s", to, path, mailTimeout)
		}
		time.Sleep(mailPollInterval)
	}
}

// approvalLink waits for the message that tells the developer their account is approved, the
// second one they receive, and returns its link to the login page; "" without a mail server,
// as the outbox keeps only messages that carry a token.
func (m *mailbox) approvalLink(to string) string {
	m.t.Helper()
	if m.mailpit == nil {
		return ""
	}
	msgs := m.mailpit.Client.WaitForMessagesTo(m.t, to, 2, mailTimeout)
	link, ok := msgs[0].LinkTo("/login")
	if !ok {
		m.t.Fatalf("the newest message to %s (%q) has no link to the login page: %v", to, msgs[0].Subject, msgs[0].Links())
	}
	return link
}

// outboxMessage is a message of the admin API's outbox.
type outboxMessage struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Token   string `json:"token"`
	Link    string `json:"link"`
}

// tokenSubjects tell, for an outbox message without a link, which page its token is for.
var tokenSubjects = map[string]string{"/verify-email": "Verify", "/reset-password": "Reset"}

// outboxLink returns the link to path of the newest outbox message to the address, or "".
func (m *mailbox) outboxLink(to, path string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		m.backend.URL+"/v3/portals/"+m.portalID+"/outbox?page[size]=100", nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+m.backend.Token)
	resp, err := m.http.Do(req)
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET outbox answered %s", resp.Status)
	}
	var page struct {
		Data []outboxMessage `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		return "", err
	}
	// The outbox lists the newest first.
	for _, msg := range page.Data {
		switch {
		case !strings.EqualFold(msg.To, to):
		case strings.Contains(msg.Link, path+"?"):
			return msg.Link, nil
		case msg.Link == "" && msg.Token != "" && strings.Contains(msg.Subject, tokenSubjects[path]):
			return m.origin + path + "?token=" + url.QueryEscape(msg.Token), nil
		}
	}
	return "", nil
}
