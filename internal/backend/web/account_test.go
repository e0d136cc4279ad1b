package web_test

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// visitor is one browser on a portal's website: its cookies, and the form tokens of the pages it
// saw.
type visitor struct {
	t      *testing.T
	s      *site
	domain string
	client *http.Client
	// last is the latest page, whose forms the next post fills.
	last page
}

func (s *site) visitor(domain string) *visitor {
	jar, err := cookiejar.New(nil)
	if err != nil {
		s.t.Fatal(err)
	}
	return &visitor{t: s.t, s: s, domain: domain, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// open fetches a path of the website.
func (v *visitor) open(path string) page {
	v.t.Helper()
	req, err := http.NewRequest(http.MethodGet, v.s.url+path, nil)
	if err != nil {
		v.t.Fatal(err)
	}
	return v.do(req)
}

func (v *visitor) do(req *http.Request) page {
	v.t.Helper()
	req.Host = v.domain
	resp, err := v.client.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		v.t.Fatal(err)
	}
	p := page{status: resp.StatusCode, header: resp.Header, body: string(raw)}
	v.last = p
	return p
}

// csrfInput finds the CSRF token of the form with the given id on a page.
var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// post submits the form with id, as found on the latest page, with the fields given; the CSRF
// token comes from that form.
func (v *visitor) post(formID string, fields url.Values) page {
	v.t.Helper()
	start := strings.Index(v.last.body, `id="`+formID+`"`)
	if start < 0 {
		v.t.Fatalf("no form %s on the latest page:\n%s", formID, v.last.body)
	}
	form := v.last.body[start:]
	action := regexp.MustCompile(`action="([^"]+)"`).FindStringSubmatch(form)
	token := csrfInput.FindStringSubmatch(form)
	if action == nil || token == nil {
		v.t.Fatalf("form %s has no action or CSRF token", formID)
	}
	if fields == nil {
		fields = url.Values{}
	}
	fields.Set("csrf_token", html.UnescapeString(token[1]))
	for _, hidden := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(form[:formEnd(form)], -1) {
		if hidden[1] != "csrf_token" && !fields.Has(hidden[1]) {
			fields.Set(hidden[1], html.UnescapeString(hidden[2]))
		}
	}
	req, err := http.NewRequest(http.MethodPost, v.s.url+html.UnescapeString(action[1]), strings.NewReader(fields.Encode()))
	if err != nil {
		v.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return v.do(req)
}

func formEnd(form string) int {
	if i := strings.Index(form, "</form>"); i >= 0 {
		return i
	}
	return len(form)
}

// follow opens the page a redirect leads to.
func (v *visitor) follow(p page) page {
	v.t.Helper()
	if p.status != http.StatusSeeOther {
		v.t.Fatalf("status %d, want a redirect (303); page:\n%s", p.status, p.body)
	}
	return v.open(p.header.Get("Location"))
}

// cookie returns the visitor's cookie name, or nil.
func (v *visitor) cookie(name string) *http.Cookie {
	u, _ := url.Parse(v.s.url)
	for _, c := range v.client.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// mustStatus fails the test unless p has the status.
func (p page) mustStatus(t *testing.T, want int) page {
	t.Helper()
	if p.status != want {
		t.Fatalf("status %d, want %d; page:\n%s", p.status, want, p.body)
	}
	return p
}

// outboxToken returns the token of the newest outbox message to email.
func (s *site) outboxToken(portalID, email string) string {
	s.t.Helper()
	var out struct {
		Data []struct {
			To    string `json:"to"`
			Token string `json:"token"`
		} `json:"data"`
	}
	s.admin(http.MethodGet, "/v3/portals/"+portalID+"/outbox", nil, http.StatusOK, &out)
	for _, m := range out.Data {
		if m.To == email {
			return m.Token
		}
	}
	s.t.Fatalf("no outbox message to %s", email)
	return ""
}

// accountPortal creates a portal with developer accounts that approves developers itself.
func (s *site) accountPortal() (id, domain string) {
	return s.portal(map[string]any{"name": "Accounts " + strings.ToLower(s.t.Name()), "authentication_enabled": true,
		"auto_approve_developers": false})
}

// signedUp signs a developer up through the website and sets their password through the link
// of the message; the developer is pending.
func (v *visitor) signUp(portalID, email string) {
	v.t.Helper()
	v.open("/register").mustStatus(v.t, http.StatusOK)
	done := v.follow(v.post("register", url.Values{"email": {email}, "full_name": {"Ada Lovelace"}}))
	done.mustContain(v.t, `id="notice"`, email)
	v.open("/verify-email?token="+v.s.outboxToken(portalID, email)).mustStatus(v.t, http.StatusOK)
	v.follow(v.post("set-password", url.Values{"password": {testPassword}})).mustContain(v.t, "Your password is set")
}

// approve approves the developer with the address through the admin API.
func (s *site) approve(portalID, email string) {
	s.t.Helper()
	var out struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	s.admin(http.MethodGet, "/v3/portals/"+portalID+"/developers?filter[email][eq]="+url.QueryEscape(email), nil, http.StatusOK, &out)
	if len(out.Data) != 1 {
		s.t.Fatalf("%d developers with address %s, want 1", len(out.Data), email)
	}
	s.admin(http.MethodPatch, "/v3/portals/"+portalID+"/developers/"+out.Data[0].ID, map[string]any{"status": "approved"}, http.StatusOK, nil)
}

// logIn logs the visitor in and returns the page it lands on.
func (v *visitor) logIn(email string) page {
	v.t.Helper()
	v.open("/login")
	return v.follow(v.post("login", url.Values{"email": {email}, "password": {testPassword}}))
}

func TestAccountSignUpToLogin(t *testing.T) {
	s := startSite(t)
	portalID, domain := s.accountPortal()
	v := s.visitor(domain)
	const email = "ada@example.com"
	form := v.open("/register").mustStatus(t, http.StatusOK)
	form.mustContain(t, `<form id="register"`, `name="full_name"`, `name="email"`, `name="csrf_token"`)
	if got := form.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("the sign-up form's Cache-Control %q, want no-store: it carries the visitor's CSRF token", got)
	}

	// A refused sign-up keeps what was typed and says what to fix beside the field.
	refused := v.post("register", url.Values{"email": {"not-an-address"}, "full_name": {"Ada Lovelace"}})
	refused.mustStatus(t, http.StatusUnprocessableEntity)
	refused.mustContain(t, `id="register-email-error"`, `value="not-an-address"`, `value="Ada Lovelace"`, `aria-invalid="true"`)

	v.follow(v.post("register", url.Values{"email": {email}, "full_name": {"Ada Lovelace"}})).
		mustContain(t, `id="notice"`, "We sent a message to "+email)

	token := s.outboxToken(portalID, email)
	link := v.open("/verify-email?token="+token).mustStatus(t, http.StatusOK)
	if got := link.header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("verification page Referrer-Policy %q, want no-referrer", got)
	}
	if got := link.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("verification page Cache-Control %q, want no-store", got)
	}
	link.mustContain(t, `<form id="set-password"`, `action="/verify-email"`)

	// A weak password is refused after the address is confirmed: the form goes on with the
	// password link the confirmation gave.
	weak := v.post("set-password", url.Values{"password": {"short"}})
	weak.mustStatus(t, http.StatusUnprocessableEntity)
	weak.mustContain(t, `id="set-password-password-error"`, `action="/reset-password"`)
	weak.mustNotContain(t, token)
	v.follow(v.post("set-password", url.Values{"password": {testPassword}})).mustContain(t, "Your password is set", `<form id="login"`)

	// Pending: the portal's sentence, at the top of the form; the address stays, the password not.
	pending := v.post("login", url.Values{"email": {email}, "password": {testPassword}})
	pending.mustStatus(t, http.StatusUnauthorized)
	pending.mustContain(t, `id="login-error"`, "Your account is pending approval for access.", `value="`+email+`"`)
	pending.mustNotContain(t, testPassword)
	if v.cookie("portalaccesstoken") != nil {
		t.Fatal("a pending developer got a session cookie")
	}
	wrong := v.post("login", url.Values{"email": {email}, "password": {"a wrong password indeed"}})
	wrong.mustStatus(t, http.StatusUnauthorized)
	wrong.mustContain(t, `id="login-error"`, "The e-mail address or the password is wrong")

	s.approve(portalID, email)
	landed := v.post("login", url.Values{"email": {email}, "password": {testPassword}})
	landed.mustStatus(t, http.StatusSeeOther)
	cookie := landed.header.Get("Set-Cookie")
	for _, want := range []string{"portalaccesstoken=", "Path=/;", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	apps := v.follow(landed).mustStatus(t, http.StatusOK)
	apps.mustContain(t, `id="whoami"`, "Ada Lovelace", `<form id="create-app"`)
	if got := apps.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("a signed-in page's Cache-Control %q, want no-store", got)
	}

	// The session is the JSON API's too, on the same origin.
	me := v.open("/api/v3/developer/me").mustStatus(t, http.StatusOK)
	me.mustContain(t, email)

	v.open("/apps")
	out := v.follow(v.post("logout", nil))
	out.mustContain(t, "You are logged out.")
	out.mustNotContain(t, `id="whoami"`)
	v.open("/api/v3/developer/me").mustStatus(t, http.StatusUnauthorized)
}

func TestAccountPagesNeedLogin(t *testing.T) {
	s := startSite(t)
	_, domain := s.accountPortal()
	v := s.visitor(domain)
	for _, path := range []string{"/apps", "/apps/0b5b1c3e-51d4-4bde-8b4b-0d84b2a8b1b1"} {
		p := v.open(path).mustStatus(t, http.StatusSeeOther)
		if got, want := p.header.Get("Location"), "/login?next="+url.QueryEscape(path); got != want {
			t.Errorf("%s leads to %s, want %s", path, got, want)
		}
		v.follow(p).mustContain(t, `<form id="login"`, `id="notice"`, "Please log in", `name="next" value="`+path+`"`)
	}
}

func TestAccountPagesWithoutAuthentication(t *testing.T) {
	s := startSite(t)
	_, domain := s.portal(map[string]any{"name": "Open Portal", "authentication_enabled": false})
	v := s.visitor(domain)
	for _, path := range []string{"/register", "/login", "/forgot-password", "/apps", "/verify-email?token=x"} {
		p := v.open(path).mustStatus(t, http.StatusNotFound)
		p.mustContain(t, "This portal has no developer accounts")
	}
	home := v.open("/").mustStatus(t, http.StatusOK)
	home.mustNotContain(t, `href="/register"`, `href="/login"`)
}

func TestAccountFormsNeedCSRFToken(t *testing.T) {
	s := startSite(t)
	_, domain := s.accountPortal()
	v := s.visitor(domain)
	v.open("/register")
	req, err := http.NewRequest(http.MethodPost, s.url+"/register", strings.NewReader("email=a%40example.com&full_name=A"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	v.do(req).mustStatus(t, http.StatusForbidden)
}

func TestForgotPasswordSaysTheSameForEveryAddress(t *testing.T) {
	s := startSite(t)
	portalID, domain := s.accountPortal()
	v := s.visitor(domain)
	v.signUp(portalID, "known@example.com")
	for _, email := range []string{"known@example.com", "unknown@example.com"} {
		v.open("/forgot-password")
		v.follow(v.post("forgot-password", url.Values{"email": {email}})).
			mustContain(t, "If "+email+" has an account here, we sent it a link")
	}
	token := s.outboxToken(portalID, "known@example.com")
	v.open("/reset-password?token="+token).mustContain(t, `action="/reset-password"`)
	v.follow(v.post("set-password", url.Values{"password": {"violet tramway under seven lamps"}})).mustContain(t, "Your password is set")
	v.open("/reset-password?token=" + token)
	used := v.post("set-password", url.Values{"password": {"copper kettles sing at dawn"}})
	used.mustStatus(t, http.StatusNotFound)
	used.mustContain(t, `id="set-password-error"`, "This link was used already")
}

func TestLoginLockoutShowsWhenToTryAgain(t *testing.T) {
	s := startSite(t)
	portalID, domain := s.accountPortal()
	v := s.visitor(domain)
	v.signUp(portalID, "locked@example.com")
	s.approve(portalID, "locked@example.com")
	v.open("/login")
	var last page
	for range 20 {
		last = v.post("login", url.Values{"email": {"locked@example.com"}, "password": {"not the right passphrase"}})
		if last.status == http.StatusTooManyRequests {
			break
		}
	}
	last.mustStatus(t, http.StatusTooManyRequests)
	last.mustContain(t, `id="login-error"`, "try again after", "choose a new password with “Forgot your password?”", `value="locked@example.com"`)
	last.mustNotContain(t, "/api/v3")
	if last.header.Get("Retry-After") == "" {
		t.Error("the lockout's page has no Retry-After")
	}
}
