package service

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/mail"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// testPassword passes the password policy.
const testPassword = "lantern harbour quill 47"

// testClient is the network address the operations' limits count.
const testClient = "192.0.2.10"

// sentMail keeps the messages a service sends, in order.
type sentMail struct {
	mu   sync.Mutex
	msgs []mail.Message
}

func (m *sentMail) Send(_ context.Context, msg mail.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs, msg)
	return nil
}

// last returns the newest message to, failing the test when there is none.
func (m *sentMail) last(t *testing.T, to string) mail.Message {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.msgs) - 1; i >= 0; i-- {
		if m.msgs[i].To == to {
			return m.msgs[i]
		}
	}
	t.Fatalf("no message to %s among %d", to, len(m.msgs))
	return mail.Message{}
}

func (m *sentMail) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.msgs)
}

// newTestService returns a service over a fresh database with cheap hashing.
func newTestService(t *testing.T, opts ...Option) (*Service, *store.Store) {
	t.Helper()
	st, err := store.Open(context.Background(), pgtest.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	opts = append([]Option{WithPasswordIterations(1000), WithPortalURL("http://{domain}:8080")}, opts...)
	return New(st, nil, opts...), st
}

// newTestPortal stores a portal with user authentication; autoApprove approves its developers at sign-up.
func newTestPortal(t *testing.T, st *store.Store, autoApprove bool) core.Portal {
	t.Helper()
	now := time.Now().UTC()
	id := uuid.NewString()
	p := core.Portal{ID: id, Region: core.DefaultRegion, Name: "p-" + id[:8], DisplayName: "Pets portal", AuthenticationEnabled: true,
		DefaultAPIVisibility: "public", DefaultPageVisibility: "public", AutoApproveDevelopers: autoApprove,
		DefaultDomain: "pets-" + id[:8] + ".us.portal.localhost", CreatedAt: now, UpdatedAt: now}
	if err := st.WithTx(context.Background(), func(tx *store.Tx) error { return tx.InsertPortal(context.Background(), p) }); err != nil {
		t.Fatal(err)
	}
	return p
}

// tokenOf returns the token query parameter of a message's link, checking the link's page.
func tokenOf(t *testing.T, m mail.Message, p core.Portal, page string) string {
	t.Helper()
	prefix := "http://" + p.DefaultDomain + ":8080" + page + "?token="
	if !strings.HasPrefix(m.Link, prefix) || m.Token == "" || m.Link != prefix+m.Token {
		t.Fatalf("message link %q, token %q: want %s<token>", m.Link, m.Token, prefix)
	}
	return m.Token
}

// wantKind fails the test unless err is an *Error of kind k, and returns a copy of it.
func wantKind(t *testing.T, what string, err error, k Kind) Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Kind != k {
		t.Fatalf("%s: %v (%T), want an *Error of kind %d", what, err, err, k)
	}
	return *e
}

// TestDeveloperAccountStory plays sign-up, verification, a pending developer's refused login,
// approval by an administrator (which mails the developer), login, the session and logout.
func TestDeveloperAccountStory(t *testing.T) {
	ctx := context.Background()
	sent := &sentMail{}
	s, st := newTestService(t, WithMailer(sent))
	p := newTestPortal(t, st, false)
	const email = "Ada@Example.com"

	if err := s.SignUp(ctx, p, testClient, email, "Ada Lovelace"); err != nil {
		t.Fatal(err)
	}
	verify := tokenOf(t, sent.last(t, "ada@example.com"), p, "/verify-email")
	v, err := s.VerifyEmail(ctx, p, verify)
	if err != nil || v.Email != "ada@example.com" || v.ResetToken == "" {
		t.Fatalf("VerifyEmail = %+v, %v", v, err)
	}
	wantKind(t, "a used verification token", func() error { _, err := s.VerifyEmail(ctx, p, verify); return err }(), NotFound)
	if err := s.ResetPassword(ctx, p, v.ResetToken, testPassword); err != nil {
		t.Fatal(err)
	}

	_, err = s.Login(ctx, p, testClient, email, testPassword)
	if e := wantKind(t, "login while pending", err, Unauthenticated); e.Title != "Approval Required" ||
		!strings.Contains(e.Detail, "pending approval") {
		t.Errorf("pending refusal: %+v", e)
	}
	_, err = s.Login(ctx, p, testClient, email, "wrong "+testPassword)
	if e := wantKind(t, "wrong password", err, Unauthenticated); e.Title != "Invalid Credentials" {
		t.Errorf("wrong password refusal: %+v", e)
	}

	devs, _, err := s.Developers(ctx, p.Region, p.ID, DeveloperFilter{}, store.Page{Size: 10, Number: 1})
	if err != nil || len(devs) != 1 {
		t.Fatalf("Developers = %v, %v", devs, err)
	}
	before := sent.count()
	if _, err := s.UpdateDeveloper(ctx, p.Region, p.ID, devs[0].ID, DeveloperChange{Status: core.DeveloperApproved}); err != nil {
		t.Fatal(err)
	}
	approval := sent.last(t, "ada@example.com")
	if sent.count() != before+1 || approval.Link != "http://"+p.DefaultDomain+":8080/login" || approval.Token != "" ||
		!strings.Contains(approval.Body, approval.Link) || !strings.Contains(approval.Subject, "approved") {
		t.Errorf("approval message: %+v", approval)
	}
	// Approving again sends nothing more.
	if _, err := s.UpdateDeveloper(ctx, p.Region, p.ID, devs[0].ID, DeveloperChange{Status: core.DeveloperApproved}); err != nil {
		t.Fatal(err)
	}
	if sent.count() != before+1 {
		t.Errorf("a second approval sent another message")
	}

	sess, err := s.Login(ctx, p, testClient, email, testPassword)
	if err != nil || sess.Token == "" || sess.Developer.Email != "ada@example.com" || !sess.Expires.After(time.Now()) {
		t.Fatalf("Login = %+v, %v", sess, err)
	}
	d, err := s.SessionDeveloper(ctx, p, sess.Token)
	if err != nil || d == nil || d.ID != devs[0].ID {
		t.Fatalf("SessionDeveloper = %v, %v", d, err)
	}
	if d, err := s.SessionDeveloper(ctx, p, ""); d != nil || err != nil {
		t.Errorf("anonymous SessionDeveloper = %v, %v", d, err)
	}
	if err := s.Logout(ctx, p, sess.Token); err != nil {
		t.Fatal(err)
	}
	if d, err := s.SessionDeveloper(ctx, p, sess.Token); d != nil || err != nil {
		t.Errorf("SessionDeveloper after logout = %v, %v", d, err)
	}
}

// TestSessionOfRevokedDeveloperIsRefused: a developer whose access is revoked loses the session at
// once; a session still found for a developer who may not log in is refused with the portal's sentence.
func TestSessionOfRevokedDeveloperIsRefused(t *testing.T) {
	ctx := context.Background()
	s, st := newTestService(t, WithMailer(&sentMail{}))
	p := newTestPortal(t, st, true)
	d, err := s.CreateDeveloper(ctx, p.Region, p.ID, NewDeveloper{Email: "bo@example.com", FullName: "Bo"})
	if err != nil {
		t.Fatal(err)
	}
	setPassword(t, s, st, p, d)
	sess, err := s.Login(ctx, p, testClient, "bo@example.com", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	// Set the status behind the service's back, as a session could outlive it in a race.
	d.Status = core.DeveloperRevoked
	if err := st.WithTx(ctx, func(tx *store.Tx) error { return tx.UpdateDeveloper(ctx, d) }); err != nil {
		t.Fatal(err)
	}
	_, err = s.SessionDeveloper(ctx, p, sess.Token)
	if e := wantKind(t, "session of a revoked developer", err, Unauthenticated); !strings.Contains(e.Detail, "revoked") {
		t.Errorf("refusal: %+v", e)
	}
}

// setPassword gives d the test password through the reset flow.
func setPassword(t *testing.T, s *Service, st *store.Store, p core.Portal, d core.Developer) {
	t.Helper()
	ctx := context.Background()
	token := uuid.NewString()
	err := st.WithTx(ctx, func(tx *store.Tx) error {
		return tx.InsertDeveloperToken(ctx, core.HashToken(token), d.ID, store.TokenResetPassword, time.Now().Add(time.Hour))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ResetPassword(ctx, p, token, testPassword); err != nil {
		t.Fatal(err)
	}
}

func TestInvitationCarriesSetPasswordLink(t *testing.T) {
	ctx := context.Background()
	s, st := newTestService(t) // no mailer: the outbox keeps the messages
	p := newTestPortal(t, st, true)
	if _, err := s.CreateDeveloper(ctx, p.Region, p.ID, NewDeveloper{Email: "cy@example.com", FullName: "Cy", Invite: true}); err != nil {
		t.Fatal(err)
	}
	msgs, total, err := s.Outbox(ctx, p.Region, p.ID, store.Page{Size: 10, Number: 1})
	if err != nil || total != 1 {
		t.Fatalf("Outbox = %v, %d, %v", msgs, total, err)
	}
	if err := s.ResetPassword(ctx, p, msgs[0].Token, testPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(ctx, p, testClient, "cy@example.com", testPassword); err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateDeveloper(ctx, p.Region, p.ID, NewDeveloper{Email: "CY@example.com", FullName: "Cy again"})
	if e := wantKind(t, "second developer with the address", err, Conflict); e.Field != "email" {
		t.Errorf("conflict names field %q, want email", e.Field)
	}
}

func TestInvitationMessageLink(t *testing.T) {
	ctx := context.Background()
	sent := &sentMail{}
	s, st := newTestService(t, WithMailer(sent))
	p := newTestPortal(t, st, true)
	if _, err := s.CreateDeveloper(ctx, p.Region, p.ID, NewDeveloper{Email: "di@example.com", FullName: "Di", Invite: true}); err != nil {
		t.Fatal(err)
	}
	tokenOf(t, sent.last(t, "di@example.com"), p, "/reset-password")
	if _, _, err := s.Outbox(ctx, p.Region, p.ID, store.Page{Size: 10, Number: 1}); KindOf(err) != NotFound {
		t.Errorf("outbox with a mailer: %v, want NotFound", err)
	}
}

func TestForgotPasswordLinkAndSilence(t *testing.T) {
	ctx := context.Background()
	sent := &sentMail{}
	s, st := newTestService(t, WithMailer(sent))
	p := newTestPortal(t, st, true)
	if err := s.ForgotPassword(ctx, p, testClient, "nobody@example.com"); err != nil || sent.count() != 0 {
		t.Fatalf("forgot password of an unknown address: %v, %d messages", err, sent.count())
	}
	if _, err := s.CreateDeveloper(ctx, p.Region, p.ID, NewDeveloper{Email: "ed@example.com", FullName: "Ed"}); err != nil {
		t.Fatal(err)
	}
	if err := s.ForgotPassword(ctx, p, testClient, "ED@example.com"); err != nil {
		t.Fatal(err)
	}
	token := tokenOf(t, sent.last(t, "ed@example.com"), p, "/reset-password")
	err := s.ResetPassword(ctx, p, token, "short")
	if e := (*core.ValidationError)(nil); !errors.As(err, &e) || len(e.Violations) != 1 || e.Violations[0].Field != "password" {
		t.Errorf("a weak password: %v", err)
	}
	if err := s.ResetPassword(ctx, p, token, testPassword); err != nil {
		t.Fatal(err)
	}
}

func TestLoginRefusedWhileHashingIsFull(t *testing.T) {
	s, st := newTestService(t, WithPasswordHashingSlots(1))
	p := newTestPortal(t, st, true)
	s.hashing <- struct{}{} // another login holds the only slot
	_, err := s.Login(context.Background(), p, testClient, "nobody@example.com", testPassword)
	<-s.hashing
	if e := wantKind(t, "login while hashing is full", err, TooManyRequests); e.RetryAfter != time.Second || e.Title != "Too Many Requests" {
		t.Errorf("refusal: %+v", e)
	}
	_, err = s.Login(context.Background(), p, testClient, "nobody@example.com", testPassword)
	wantKind(t, "login once a slot is free", err, Unauthenticated)
}

func TestSignUpLimitPerClient(t *testing.T) {
	limits := core.DefaultSelfServiceLimits
	limits.SignUpsPerAddress = core.RateLimit{Max: 1, Window: time.Hour}
	s, st := newTestService(t, WithMailer(&sentMail{}), WithLimits(limits))
	p := newTestPortal(t, st, true)
	ctx := context.Background()
	if err := s.SignUp(ctx, p, testClient, "fay@example.com", "Fay"); err != nil {
		t.Fatal(err)
	}
	err := s.SignUp(ctx, p, testClient, "gus@example.com", "Gus")
	if e := wantKind(t, "second sign-up from the client", err, TooManyRequests); e.RetryAfter <= 0 {
		t.Errorf("refusal without RetryAfter: %+v", e)
	}
	if err := s.SignUp(ctx, p, "198.51.100.1", "gus@example.com", "Gus"); err != nil {
		t.Errorf("sign-up from another client: %v", err)
	}
}

func TestPortalByDomain(t *testing.T) {
	s, st := newTestService(t)
	p := newTestPortal(t, st, true)
	for _, host := range []string{p.DefaultDomain, strings.ToUpper(p.DefaultDomain) + ":8080"} {
		got, err := s.PortalByDomain(context.Background(), host)
		if err != nil || got.ID != p.ID {
			t.Errorf("PortalByDomain(%q) = %s, %v", host, got.ID, err)
		}
	}
	if _, err := s.PortalByDomain(context.Background(), "elsewhere.example:8080"); KindOf(err) != NotFound {
		t.Errorf("unknown domain: %v", err)
	}
}

func TestAccountsNeedAuthentication(t *testing.T) {
	s, st := newTestService(t)
	p := newTestPortal(t, st, true)
	p.AuthenticationEnabled = false
	if err := s.SignUp(context.Background(), p, testClient, "hal@example.com", "Hal"); KindOf(err) != NotFound {
		t.Errorf("sign-up on a portal without accounts: %v", err)
	}
}

func TestPortalURL(t *testing.T) {
	p := core.Portal{DefaultDomain: "pets.us.portal.localhost"}
	tests := []struct {
		template, want string
	}{
		{"", "https://pets.us.portal.localhost"},
		{"http://{domain}:8080", "http://pets.us.portal.localhost:8080"},
		{"https://{domain}/", "https://pets.us.portal.localhost"},
	}
	for _, tt := range tests {
		if got := New(nil, nil, WithPortalURL(tt.template)).PortalURL(p); got != tt.want {
			t.Errorf("PortalURL with %q = %q, want %q", tt.template, got, tt.want)
		}
	}
}
