package mail_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/mail"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
	"github.com/devportal-labs/terraform-provider-devportal/internal/mailpittest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// fastRetries retries often, so that a test sees several attempts within a second.
var fastRetries = mail.RetryPolicy{MaxAttempts: 1000, FirstDelay: 20 * time.Millisecond, MaxDelay: 100 * time.Millisecond, Timeout: 5 * time.Second}

const waitLimit = 20 * time.Second

type queueEnv struct {
	t      *testing.T
	store  *store.Store
	portal core.Portal
}

func newQueueEnv(t *testing.T) *queueEnv {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	p := core.NewPortal(core.PortalInput{Name: core.Val("acme")}, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", core.DefaultRegion, time.Now())
	if err := st.WithTx(ctx, func(tx *store.Tx) error { return tx.InsertPortal(ctx, p) }); err != nil {
		t.Fatal(err)
	}
	return &queueEnv{t: t, store: st, portal: p}
}

// enqueue queues a token message to the address, as an operation does in its transaction.
func (e *queueEnv) enqueue(id, to string) mail.Message {
	e.t.Helper()
	tm := mail.TokenMessage{Name: "Ada <b>Lovelace</b>", Intro: "Confirm the address of your developer account.", Token: "tok-" + id,
		PortalName: "Acme", PortalURL: "http://acme.us.portal.localhost:8080",
		Link: "http://acme.us.portal.localhost:8080/verify-email?token=tok-" + id, ValidUntil: "tomorrow"}
	m := mail.Message{Region: e.portal.Region, PortalID: e.portal.ID, To: to, Subject: "Verify your e-mail address for Acme",
		Body: tm.Body(), HTML: tm.HTML(), Link: tm.Link, Token: tm.Token, SentAt: time.Now()}
	ctx := context.Background()
	if err := e.store.WithTx(ctx, func(tx *store.Tx) error { return tx.EnqueueMail(ctx, id, m) }); err != nil {
		e.t.Fatal(err)
	}
	return m
}

// run runs a sender until the test ends, and returns the function that stops it and waits.
func (e *queueEnv) run(tr mail.Transport, policy mail.RetryPolicy) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		mail.NewSender(e.store, tr, policy, slog.New(slog.DiscardHandler)).Run(ctx)
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case <-done:
			case <-time.After(waitLimit):
				e.t.Error("the sender did not stop")
			}
		})
	}
	e.t.Cleanup(stop)
	return stop
}

func (e *queueEnv) queue() []store.QueuedMail {
	e.t.Helper()
	ctx := context.Background()
	var rows []store.QueuedMail
	err := e.store.View(ctx, func(tx *store.Tx) error {
		var err error
		rows, err = tx.MailQueue(ctx, e.portal.Region, e.portal.ID)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return rows
}

// waitQueue waits until the queue satisfies ok.
func (e *queueEnv) waitQueue(what string, ok func([]store.QueuedMail) bool) []store.QueuedMail {
	e.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		rows := e.queue()
		if ok(rows) {
			return rows
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("the queue never %s: %+v", what, rows)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func smtpTo(t *testing.T, mp *mailpittest.Server, userinfo string) *mail.SMTP {
	t.Helper()
	u := mp.SMTPURL()
	if userinfo != "" {
		u = strings.Replace(u, "smtp://", "smtp://"+userinfo+"@", 1)
	}
	cfg, err := mail.ParseSMTPURL(u, "Acme Developer Portal <portal@acme.example>")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestSenderDeliversQueuedMessageWithBothPartsToMailpit(t *testing.T) {
	mp := mailpittest.Start(t)
	e := newQueueEnv(t)
	sent := e.enqueue("m1", "ada@example.com")
	e.run(smtpTo(t, mp, "portal:s3cret"), fastRetries)

	got := mp.Client.WaitForMessageTo(t, "ada@example.com", waitLimit)
	if got.Subject != sent.Subject || got.From.Address != "portal@acme.example" || got.From.Name != "Acme Developer Portal" {
		t.Errorf("subject %q from %+v", got.Subject, got.From)
	}
	if got.MessageID != "m1@acme.example" {
		t.Errorf("Message-ID = %q, want the queue id at the sender's domain", got.MessageID)
	}
	if !strings.Contains(got.Text, "Open this link: "+sent.Link) || !strings.Contains(got.Text, `named "Ada <b>Lovelace</b>"`) {
		t.Errorf("plain-text part:\n%s", got.Text)
	}
	if !strings.Contains(got.HTML, "Ada &lt;b&gt;Lovelace&lt;/b&gt;") || strings.Contains(got.HTML, "<b>Lovelace") {
		t.Errorf("HTML part does not escape the name:\n%s", got.HTML)
	}
	if link, ok := got.LinkTo("/verify-email"); !ok || link != sent.Link {
		t.Errorf("link to /verify-email = %q, %v; want %q", link, ok, sent.Link)
	}
	e.waitQueue("emptied", func(rows []store.QueuedMail) bool { return len(rows) == 0 })
}

func TestSenderRetriesUntilTheMailServerIsUp(t *testing.T) {
	mp := mailpittest.New(t) // ports chosen, server down
	e := newQueueEnv(t)
	e.enqueue("m1", "ada@example.com")
	e.run(smtpTo(t, mp, ""), fastRetries)

	rows := e.waitQueue("recorded two failed attempts", func(rows []store.QueuedMail) bool {
		return len(rows) == 1 && rows[0].Attempts >= 2
	})
	if rows[0].Status != store.MailQueued || !strings.Contains(rows[0].LastError, "connection refused") {
		t.Errorf("queued row while the server is down: %+v", rows[0])
	}
	mp.Start()
	mp.Client.WaitForMessageTo(t, "ada@example.com", waitLimit)
	e.waitQueue("emptied", func(rows []store.QueuedMail) bool { return len(rows) == 0 })
	if msgs, err := mp.Client.MessagesTo(context.Background(), "ada@example.com"); err != nil || len(msgs) != 1 {
		t.Errorf("delivered %d times (%v), want once", len(msgs), err)
	}
}

func TestSenderKeepsMessageAsFailedAfterItsLastAttempt(t *testing.T) {
	mp := mailpittest.New(t) // never started
	e := newQueueEnv(t)
	e.enqueue("m1", "ada@example.com")
	policy := fastRetries
	policy.MaxAttempts = 3
	e.run(smtpTo(t, mp, ""), policy)

	rows := e.waitQueue("kept the message as failed", func(rows []store.QueuedMail) bool {
		return len(rows) == 1 && rows[0].Status == store.MailFailed
	})
	if rows[0].Attempts != 3 || rows[0].LastError == "" {
		t.Errorf("failed row: %+v", rows[0])
	}
}

// scriptedTransport answers each attempt with the next of its errors (nil: delivered), and
// records the attempts.
type scriptedTransport struct {
	mu       sync.Mutex
	answers  []error
	attempts []string
	// block, when set, holds each attempt until it is closed.
	block chan struct{}
	// started receives a value when an attempt starts.
	started chan struct{}
}

func (s *scriptedTransport) Deliver(ctx context.Context, m mail.Message, messageID string) error {
	if s.started != nil {
		s.started <- struct{}{}
	}
	if s.block != nil {
		<-s.block
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts = append(s.attempts, messageID)
	if len(s.answers) == 0 {
		return nil
	}
	err := s.answers[0]
	s.answers = s.answers[1:]
	return err
}

func (s *scriptedTransport) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.attempts)
}

func TestSenderStopsRetryingAPermanentRefusal(t *testing.T) {
	e := newQueueEnv(t)
	e.enqueue("m1", "nobody@example.com")
	tr := &scriptedTransport{answers: []error{
		errors.New("421 try later"),
		&mail.PermanentError{Err: errors.New("550 5.1.1 no such user")},
	}}
	e.run(tr, fastRetries)
	rows := e.waitQueue("failed the message", func(rows []store.QueuedMail) bool {
		return len(rows) == 1 && rows[0].Status == store.MailFailed
	})
	if rows[0].Attempts != 2 || rows[0].LastError != "550 5.1.1 no such user" || tr.count() != 2 {
		t.Errorf("row %+v after %d attempts", rows[0], tr.count())
	}
}

func TestSenderFinishesTheAttemptUnderWayWhenStopped(t *testing.T) {
	e := newQueueEnv(t)
	e.enqueue("m1", "ada@example.com")
	tr := &scriptedTransport{block: make(chan struct{}), started: make(chan struct{}, 1)}
	stop := e.run(tr, fastRetries)
	select {
	case <-tr.started:
	case <-time.After(waitLimit):
		t.Fatal("no attempt started")
	}
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	select {
	case <-stopped:
		t.Fatal("the sender stopped in the middle of an attempt")
	case <-time.After(50 * time.Millisecond):
	}
	close(tr.block)
	select {
	case <-stopped:
	case <-time.After(waitLimit):
		t.Fatal("the sender did not stop after its attempt")
	}
	if rows := e.queue(); len(rows) != 0 || tr.count() != 1 {
		t.Errorf("after stopping: queue %+v, %d attempts; want the message recorded as sent once", rows, tr.count())
	}
}

func TestSenderWakesForAMessageQueuedWhileItWaits(t *testing.T) {
	e := newQueueEnv(t)
	tr := &scriptedTransport{}
	e.run(tr, mail.RetryPolicy{MaxAttempts: 3, FirstDelay: time.Hour, MaxDelay: time.Hour, Timeout: time.Second})
	time.Sleep(20 * time.Millisecond) // let it go to sleep on an empty queue
	e.enqueue("m1", "ada@example.com")
	e.waitQueue("emptied", func(rows []store.QueuedMail) bool { return len(rows) == 0 })
	if tr.count() != 1 {
		t.Errorf("%d attempts, want 1", tr.count())
	}
}
