package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/mail"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
	"github.com/devportal-labs/terraform-provider-devportal/internal/mailpittest"
)

// story holds what the steps of the story find out and hand to the next ones.
type story struct {
	t       *testing.T
	backend *acctest.Backend
	mailpit *mailpittest.Server // nil: the messages stay in the backend's outbox
	// logs is the backend's log, at debug level; secrets are the ones the story handled, which the
	// log must never hold.
	logs     *lockedBuffer
	secrets  []string
	portal   portal
	password string

	portalID, domain string
	ordersAPIID      string
	browser          *browser
	mail             *mailbox

	applicationID, registrationID string
}

// TestBrowser_story plays the developer's whole story on a portal's website in headless Chromium,
// with the platform team's approvals made by `terraform apply` in between.
func TestBrowser_story(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("the browser tests apply Terraform configurations: they run only with TF_ACC=1")
	}
	requireChromium(t)
	s := &story{t: t, password: "amber lanterns over quiet harbours"}
	s.startBackend()
	s.portal = newPortal(s.backend.ProviderBlock())
	approvedDeveloper := s.portal
	approvedDeveloper.ApproveDeveloper = true
	approvedRegistration := approvedDeveloper
	approvedRegistration.ApproveRegistration = true

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: s.portal.HCL(),
				Check: resource.ComposeTestCheckFunc(
					s.capture,
					s.check("an anonymous visitor reads the public page and API only", s.anonymousVisit),
					s.check("a developer signs up and is refused at log-in while pending", s.signUp),
				),
			},
			{
				Config: approvedDeveloper.HCL(),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("devportal_developer.web", "status", "approved"),
					s.check("the approved developer logs in and registers an application", s.registerApplication),
				),
			},
			{
				Config: approvedRegistration.HCL(),
				ConfigVariables: config.Variables{
					"application_id":  later{&s.applicationID},
					"registration_id": later{&s.registrationID},
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("devportal_application_registration.web", "status", "approved"),
					s.check("the developer gets a key shown once and revokes it", s.keys),
				),
			},
		},
	})
}

// startBackend starts the story's own backend, whose messages reach the developer through a real
// Mailpit when one is installed (through the outbox otherwise; under CI, which installs Mailpit,
// a missing one fails the test), with links to the portals' websites on the backend's port.
func (s *story) startBackend() {
	if _, err := mailpittest.Binary(); err == nil || os.Getenv("CI") != "" {
		s.mailpit = mailpittest.Start(s.t)
	} else {
		s.t.Logf("the messages are read from the backend's outbox: %v", err)
	}
	s.logs = &lockedBuffer{}
	s.t.Cleanup(s.checkLogs)
	s.backend = acctest.StartBackend(s.t, func(cfg *backend.Config, baseURL string) {
		u, err := url.Parse(baseURL)
		if err != nil {
			s.t.Fatal(err)
		}
		cfg.PortalURL = "http://{domain}:" + u.Port()
		cfg.Logger = slog.New(slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		if s.mailpit != nil {
			smtp, err := mail.ParseSMTPURL(s.mailpit.SMTPURL(), "Acme Developer Portal <portal@example.com>")
			if err != nil {
				s.t.Fatal(err)
			}
			cfg.SMTP = &smtp
		}
	})
}

// checkLogs fails the test when the backend's log holds a secret of the story: a password, the
// token of a link, a session, an API key.
func (s *story) checkLogs() {
	logs := s.logs.String()
	if !strings.Contains(logs, "developer logged in") && !s.t.Failed() {
		s.t.Error("the backend's debug log does not show the log-in: the check of its secrets would prove nothing")
	}
	for _, secret := range append(s.secrets, s.password) {
		if secret != "" && strings.Contains(logs, secret) {
			s.t.Errorf("the backend's log holds a secret (%.8s…)", secret)
		}
	}
}

// lockedBuffer collects the log lines of concurrent requests.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// check wraps a part of the story as a Check function; the part fails the test itself.
func (s *story) check(what string, part func()) resource.TestCheckFunc {
	return func(*terraform.State) error {
		s.t.Log(what)
		part()
		return nil
	}
}

// capture reads the portal's id and domain and the Orders API's id from the state, and opens the
// browser on the portal's website.
func (s *story) capture(st *terraform.State) error {
	p, ok := st.RootModule().Resources["devportal_portal.web"]
	if !ok {
		return fmt.Errorf("devportal_portal.web is not in the state")
	}
	api, ok := st.RootModule().Resources["devportal_api.orders"]
	if !ok {
		return fmt.Errorf("devportal_api.orders is not in the state")
	}
	s.portalID, s.domain = p.Primary.ID, p.Primary.Attributes["default_domain"]
	s.ordersAPIID = api.Primary.ID
	if s.domain == "" {
		return fmt.Errorf("the portal %s has no default_domain", s.portalID)
	}
	base, err := url.Parse(s.backend.URL)
	if err != nil {
		return err
	}
	s.addContent()
	origin := "http://" + s.domain + ":" + base.Port()
	s.browser = newBrowser(s.t, origin)
	s.mail = newMailbox(s.t, s.backend, s.mailpit, s.portalID, origin)
	return nil
}

// Content of the story's portal that the configuration does not hold: a public and a private
// page, and the Orders API's specification.
const (
	publicPageText  = "Everything you need to place your first order."
	privatePageText = "Rate limits for partners are negotiated per contract."
	ordersSpec      = `openapi: 3.0.3
info:
  title: Orders
  version: 1.0.0
paths:
  /orders:
    get:
      summary: List orders
      parameters:
        - name: status
          in: query
          schema: {type: string, enum: [open, shipped]}
      responses:
        "200":
          description: The orders
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/Order"}
    post:
      summary: Place an order
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Order"}
      responses:
        "201": {description: Placed}
  /orders/{id}:
    get:
      summary: Get an order
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: The order}
        "404": {description: No such order}
components:
  schemas:
    Order:
      type: object
      required: [item, quantity]
      properties:
        id: {type: string, readOnly: true}
        item: {type: string}
        quantity: {type: integer, minimum: 1}
`
)

// addContent adds the pages and the specification through the admin API.
func (s *story) addContent() {
	s.admin(http.MethodPost, "/v3/portals/"+s.portalID+"/pages", map[string]any{"slug": "getting-started", "title": "Getting started",
		"content": "# Getting started\n\n" + publicPageText, "visibility": "public", "status": "published"})
	s.admin(http.MethodPost, "/v3/portals/"+s.portalID+"/pages", map[string]any{"slug": "partners", "title": "Partners",
		"content": "# Partners\n\n" + privatePageText, "visibility": "private", "status": "published"})
	s.admin(http.MethodPost, "/v3/apis/"+s.ordersAPIID+"/versions", map[string]any{"version": "1.0.0",
		"spec": map[string]any{"content": ordersSpec}})
}

// admin sends a request to the admin API of the story's backend and fails the test unless it
// succeeds.
func (s *story) admin(method, path string, body any) {
	s.t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		s.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, s.backend.URL+path, bytes.NewReader(raw))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.backend.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode >= 300 {
		answer, _ := io.ReadAll(resp.Body)
		s.t.Fatalf("%s %s: %s: %s", method, path, resp.Status, answer)
	}
}

// anonymousVisit: the home page and the catalogue show the public API and not the private one,
// whose page is not shown either; the account pages ask to log in.
func (s *story) anonymousVisit() {
	b := s.browser
	if status := b.open("/"); status != 200 {
		b.t.Fatalf("the home page answered %d", status)
	}
	b.expectText("#site-nav", "APIs")
	b.screenshot("home")

	if status := b.open("/getting-started"); status != 200 {
		b.t.Fatalf("the public page answered %d", status)
	}
	b.expectText("main", publicPageText)
	b.open("/partners")
	if strings.Contains(b.html(), privatePageText) {
		b.t.Fatal("an anonymous visitor reads the private page")
	}

	if status := b.open("/apis"); status != 200 {
		b.t.Fatalf("the catalogue answered %d", status)
	}
	if !b.has(fmt.Sprintf(`#api-list li[data-slug=%q]`, s.portal.OrdersSlug())) {
		b.t.Fatalf("the catalogue does not list the public API %s", s.portal.OrdersSlug())
	}
	b.expectAbsent(fmt.Sprintf(`#api-list li[data-slug=%q]`, s.portal.LedgerSlug()), "an anonymous visitor sees the private API in the catalogue")
	b.screenshot("catalogue")

	if status := b.open("/apis/" + s.portal.OrdersSlug()); status != 200 {
		b.t.Fatalf("the public API's page answered %d", status)
	}
	b.expectText("h1", "Orders")
	for _, op := range []string{`[data-method="GET"][data-path="/orders"]`, `[data-method="POST"][data-path="/orders"]`,
		`[data-method="GET"][data-path="/orders/{id}"]`} {
		if !b.has("#reference section.operation" + op) {
			b.t.Fatalf("the API's reference lacks the operation %s", op)
		}
	}
	b.screenshot("api")

	b.open("/apis/" + s.portal.LedgerSlug())
	if strings.Contains(b.html(), "The books, for approved developers only.") {
		b.t.Fatal("an anonymous visitor reads the private API's page")
	}

	// The applications are for signed-in developers: the login form comes with a notice.
	b.open("/apps")
	b.do("waiting for the login form instead of the applications", chromedp.WaitVisible(chromedp.ID("login")))
	b.expectText("#notice", "log in")
}

// signUp: the developer signs up, follows the verification link of the e-mail, sets a password, and
// is refused at log-in with the portal's sentence while the account is pending.
func (s *story) signUp() {
	b := s.browser
	b.open("/register")
	b.screenshot("register")
	b.submit("register", field{"email", s.portal.DeveloperEmail}, field{"full_name", s.portal.DeveloperName})
	b.expectText("#notice", s.portal.DeveloperEmail)

	link := s.mail.link(s.portal.DeveloperEmail, "/verify-email")
	if u, err := url.Parse(link); err == nil {
		s.secrets = append(s.secrets, u.Query().Get("token"))
	}
	if status := b.openURL(link); status != 200 {
		b.t.Fatalf("the verification link answered %d", status)
	}
	b.submit("set-password", field{"password", s.password})
	b.do("waiting for the login form after setting the password", chromedp.WaitVisible(chromedp.ID("login")))

	// A wrong password is refused at the top of the form; the address stays typed, the password not.
	b.submit("login", field{"email", s.portal.DeveloperEmail}, field{"password", "not the password at all 1"})
	b.expectText("#login-error", "The e-mail address or the password is wrong")
	if got := b.value(`#login [name="email"]`); got != s.portal.DeveloperEmail {
		b.t.Fatalf("after a refused log-in the e-mail field holds %q, want what was typed", got)
	}
	if got := b.value(`#login [name="password"]`); got != "" {
		b.t.Fatal("after a refused log-in the password field still holds the password")
	}

	_, refusal := core.DeveloperCanLogIn(core.DeveloperPending)
	b.submit("login", field{"email", s.portal.DeveloperEmail}, field{"password", s.password})
	b.expectText("#login-error", refusal.Detail)
	b.screenshot("login")
	b.expectAbsent("#whoami", "a pending developer is signed in")
}

// registerApplication: once Terraform approved the developer, they follow the link of the message
// that says so (or open the login page without a mail server), log in, create an application
// and register it with the Orders API, which waits for approval.
func (s *story) registerApplication() {
	b := s.browser
	if link := s.mail.approvalLink(s.portal.DeveloperEmail); link != "" {
		b.openURL(link)
	} else {
		b.open("/login")
	}
	// With the keyboard alone: the address, Tab, the password, Enter.
	b.typeIn("login", s.portal.DeveloperEmail, s.password)
	b.expectText("#whoami", s.portal.DeveloperName)

	// Signed in and approved, the developer reads the private page and sees the private API.
	b.open("/partners")
	b.expectText("main", privatePageText)
	b.open("/apis")
	if !b.has(fmt.Sprintf(`#api-list li[data-slug=%q]`, s.portal.LedgerSlug())) {
		b.t.Fatal("the catalogue does not list the private API to an approved developer")
	}

	b.open("/apps")
	// The portal's APIs use one strategy, so the form has no choice to offer.
	b.expectAbsent(`#create-app select[name="auth_strategy_id"]`, "the create form asks for a strategy though there is one")
	b.submit("create-app", field{"name", "Order sync"}, field{"description", "Sends the shop's orders to Acme."})
	loc, err := url.Parse(b.location())
	if err != nil {
		b.t.Fatal(err)
	}
	id, ok := strings.CutPrefix(loc.Path, "/apps/")
	if !ok || id == "" {
		b.t.Fatalf("creating an application led to %s, want /apps/<id>", loc.Path)
	}
	s.applicationID = id
	b.expectText("h1", "Order sync")

	b.submit("register-api", field{"api_id", s.ordersAPIID})
	row := fmt.Sprintf(`#registrations tr[data-api-slug=%q]`, s.portal.OrdersSlug())
	b.expectText(row+" .status", "pending")

	regs, err := s.backend.Client(s.t).ListAllPortalRegistrations(context.Background(), s.portalID,
		client.RegistrationListOptions{ApplicationID: s.applicationID})
	if err != nil || len(regs) != 1 {
		b.t.Fatalf("listing the application's registrations: %v (%d found, want 1)", err, len(regs))
	}
	s.registrationID = regs[0].ID

	b.open("/apps")
	if !b.has(fmt.Sprintf(`#app-list li[data-app-id=%q]`, s.applicationID)) {
		b.t.Fatal("the application list does not show the new application")
	}
	b.screenshot("apps")
}

// keys: with the registration approved, the developer creates a key, sees it once with a copy
// button, no more after opening the page again, and revokes it.
func (s *story) keys() {
	b := s.browser
	b.open("/apps/" + s.applicationID)
	row := fmt.Sprintf(`#registrations tr[data-api-slug=%q]`, s.portal.OrdersSlug())
	b.expectText(row+" .status", "approved")

	b.submit("create-key", field{"name", "laptop"})
	secret := b.text("#new-key")
	s.secrets = append(s.secrets, secret)
	if len(secret) < 20 {
		b.t.Fatalf("the new key shows as %q, want the secret", secret)
	}
	if strings.Contains(b.location(), secret) {
		b.t.Fatal("the new key is in the page's address")
	}
	b.screenshot("app-new-key")
	if got := b.copyWith("button#copy-key"); got != secret {
		b.t.Fatalf("the copy button put %q on the clipboard, want the new key", got)
	}

	// Reloading sends the form again (Chromium here does not ask first): no second key, no
	// secret. Opening the page again shows it without the key as well.
	b.navigating("reloading the page of the new key", chromedp.Reload())
	b.expectAbsent("#new-key", "the key shows again after a reload")
	b.expectText("#create-key-error", "shown only once")
	b.open("/apps/" + s.applicationID)
	b.expectAbsent("#new-key", "the key shows again after the page is opened again")
	if strings.Contains(b.html(), secret) {
		b.t.Fatal("the key's secret is in the application's page after it was shown once")
	}
	creds, err := s.backend.Client(s.t).ListAllCredentials(context.Background(), s.portalID, s.applicationID)
	if err != nil || len(creds) != 1 {
		b.t.Fatalf("listing the application's keys: %v (%d found, want 1)", err, len(creds))
	}
	keyRow := fmt.Sprintf(`#keys tr[data-key-id=%q]`, creds[0].ID)
	b.expectText(keyRow, "laptop")

	b.submit("revoke-key-" + creds[0].ID)
	b.expectAbsent(keyRow, "the revoked key is still listed")
	b.expectText("#notice", "revoked")

	b.submit("logout")
	b.expectAbsent("#whoami", "the developer is still signed in after logging out")
}
