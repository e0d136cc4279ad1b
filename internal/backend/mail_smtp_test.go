package backend_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/mail"
	"github.com/devportal-labs/terraform-provider-devportal/internal/mailpittest"
)

// mailWait bounds how long a test waits for a message to arrive.
const mailWait = 20 * time.Second

// withSMTP configures the backend to mail through mp, retrying quickly.
func withSMTP(t *testing.T, mp *mailpittest.Server) func(*backend.Config) {
	cfg, err := mail.ParseSMTPURL(mp.SMTPURL(), "Developer Portal <portal@devportal.test>")
	if err != nil {
		t.Fatal(err)
	}
	return func(c *backend.Config) {
		c.SMTP = &cfg
		c.MailRetry = mail.RetryPolicy{MaxAttempts: 1000, FirstDelay: 20 * time.Millisecond, MaxDelay: 200 * time.Millisecond, Timeout: 5 * time.Second}
		c.PortalURL = "http://{domain}:8080"
	}
}

// TestSignUpIsMailedThroughSMTP: with SMTP configured, sign-up sends a message with a plain-text
// and an HTML part, each with the absolute link to the portal's verification page, whose token
// verifies the address; approval is mailed too. The outbox is off.
func TestSignUpIsMailedThroughSMTP(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t)
	e := startPortalEnvWith(t, withSMTP(t, mp))
	p := e.createPortal("", `{"name":"smtp-signup","display_name":"Smtp <Portal>","authentication_enabled":true}`)
	pid, domain := str(p["id"]), str(p["default_domain"])
	dev := e.developer("/portals/" + pid + "/api/v3")
	dev.do(http.MethodPost, "/developer", `{"email":"ada@example.com","full_name":"Ada <i>Lovelace</i>"}`).must(t, http.StatusCreated)

	m := mp.Client.WaitForMessageTo(t, "ada@example.com", mailWait)
	if m.From.Address != "portal@devportal.test" || !strings.Contains(m.Subject, "Smtp <Portal>") {
		t.Errorf("from %+v, subject %q", m.From, m.Subject)
	}
	link, ok := m.LinkTo("/verify-email")
	if !ok {
		t.Fatalf("no link to /verify-email in the message:\n%s\n%s", m.Text, m.HTML)
	}
	u, err := url.Parse(link)
	if err != nil || u.Host != domain+":8080" || u.Query().Get("token") == "" {
		t.Fatalf("verification link %q is not on the portal's website %s", link, domain)
	}
	if !strings.Contains(m.Text, link) || !strings.Contains(m.HTML, strings.ReplaceAll(link, "&", "&amp;")) {
		t.Errorf("the link is not in both parts:\n%s\n%s", m.Text, m.HTML)
	}
	if !strings.Contains(m.HTML, "Ada &lt;i&gt;Lovelace&lt;/i&gt;") || !strings.Contains(m.HTML, "Smtp &lt;Portal&gt;") {
		t.Errorf("the HTML part does not escape the names:\n%s", m.HTML)
	}
	dev.do(http.MethodPost, "/developer/verify-email", `{"token":"`+u.Query().Get("token")+`"}`).must(t, http.StatusAccepted)

	res := e.do(http.MethodGet, "/v3/portals/"+pid+"/outbox", "")
	if res.status != http.StatusNotFound {
		t.Errorf("outbox with SMTP configured: status %d, want 404", res.status)
	}

	devs := e.do(http.MethodGet, "/v3/portals/"+pid+"/developers", "").must(t, http.StatusOK)["data"].([]any)
	id := str(devs[0].(map[string]any)["id"])
	e.do(http.MethodPatch, "/v3/portals/"+pid+"/developers/"+id, `{"status":"approved"}`).must(t, http.StatusOK)
	msgs := mp.Client.WaitForMessagesTo(t, "ada@example.com", 2, mailWait)
	approval := msgs[0]
	if login, ok := approval.LinkTo("/login"); !ok || !strings.HasPrefix(login, "http://"+domain+":8080/") || approval.HTML == "" {
		t.Errorf("approval message without its link in both parts:\n%s\n%s", approval.Text, approval.HTML)
	}
}

// TestQueuedMailSurvivesARestartWhileTheMailServerIsDown: a message queued while the mail server
// is down stays queued across a restart of the backend and is delivered once when the server
// comes up.
func TestQueuedMailSurvivesARestartWhileTheMailServerIsDown(t *testing.T) {
	t.Parallel()
	mp := mailpittest.New(t) // its ports are chosen; it is down
	e := startPortalEnvWith(t, withSMTP(t, mp))
	pid := str(e.createPortal("", `{"name":"smtp-restart","authentication_enabled":true}`)["id"])
	dev := e.developer("/portals/" + pid + "/api/v3")
	dev.do(http.MethodPost, "/developer", `{"email":"bob@example.com","full_name":"Bob"}`).must(t, http.StatusCreated)

	e.waitLog("mail delivery failed; will try again")
	e.restart()
	mp.Start()
	mp.Client.WaitForMessageTo(t, "bob@example.com", mailWait)
	// Once the delivery is recorded the message has left the queue: no attempt can follow.
	e.waitLog("mail delivered")
	msgs, err := mp.Client.MessagesTo(context.Background(), "bob@example.com")
	if err != nil || len(msgs) != 1 {
		t.Fatalf("delivered %d times (%v), want once", len(msgs), err)
	}
	if n := strings.Count(e.logs.String(), "mail delivered"); n != 1 {
		t.Errorf("%d deliveries logged, want 1:\n%s", n, e.logs)
	}
	if strings.Contains(e.logs.String(), "token=") {
		t.Errorf("a link with its token reached the log:\n%s", e.logs)
	}
}

// waitLog waits until the backend's log has a line with text.
func (e *portalEnv) waitLog(text string) {
	e.t.Helper()
	deadline := time.Now().Add(mailWait)
	for !strings.Contains(e.logs.String(), text) {
		if time.Now().After(deadline) {
			e.t.Fatalf("no log line with %q within %s:\n%s", text, mailWait, e.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
