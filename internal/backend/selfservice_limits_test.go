package backend_test

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// loopbackProxy makes the test client a trusted proxy, so that X-Forwarded-For names the client.
func loopbackProxy(cfg *backend.Config) {
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
}

// from sends a request as the client at address, through the trusted loopback proxy.
func from(address string) map[string]string { return map[string]string{"X-Forwarded-For": address} }

func loginBody(email, password string) string {
	return `{"username":"` + email + `","password":"` + password + `"}`
}

func TestParallelLoginsCheckNoMorePasswordsThanTheLockoutAllows(t *testing.T) {
	t.Parallel()
	e := startPortalEnvWith(t, func(cfg *backend.Config) { cfg.PasswordHashingSlots = 128 })
	pid := e.autoPortal("", "parallel")
	dev := e.developer("/portals/" + pid + "/api/v3")
	e.signUp(dev, "", pid, "p@example.com", "Pat")

	// 99 wrong passwords at once, and the right one while they are still arriving: as soon as any
	// five have been answered, the lockout must already hold, however the rest are interleaved.
	const wrong = 99
	limit := core.DefaultSelfServiceLimits.ClientLockout.MaxFailures
	statuses := make(chan int, wrong)
	var wg sync.WaitGroup
	start := make(chan struct{})
	post := func(password string) int {
		c := &http.Client{Timeout: time.Minute}
		res, err := c.Post(dev.base+"/developer/authenticate", "application/json", strings.NewReader(loginBody("p@example.com", password)))
		if err != nil {
			t.Error(err)
			return 0
		}
		if err := res.Body.Close(); err != nil {
			t.Error(err)
		}
		return res.StatusCode
	}
	for i := range wrong {
		wg.Go(func() {
			<-start
			statuses <- post(fmt.Sprintf("wrong password %d", i))
		})
	}
	close(start)
	counts := map[int]int{}
	for range limit {
		counts[<-statuses]++
	}
	right := post(testPassword)
	wg.Wait()
	close(statuses)
	for s := range statuses {
		counts[s]++
	}
	if right != http.StatusTooManyRequests {
		t.Errorf("the right password sent amid the wrong ones: %d, want 429", right)
	}
	if counts[http.StatusUnauthorized] > limit || counts[http.StatusUnauthorized]+counts[http.StatusTooManyRequests] != wrong {
		t.Errorf("answers to %d parallel wrong passwords: %v; want at most %d checked (401), the rest refused (429)", wrong, counts, limit)
	}
}

func TestStrangersCannotLockTheOwnerOut(t *testing.T) {
	t.Parallel()
	e := startPortalEnvWith(t, func(cfg *backend.Config) {
		loopbackProxy(cfg)
		cfg.Limits.AccountLockout = core.LoginThrottle{MaxFailures: 8, Window: time.Hour, LockFor: time.Hour}
	})
	pid := e.autoPortal("", "weapon")
	dev := e.developer("/portals/" + pid + "/api/v3")
	e.signUp(dev, "", pid, "o@example.com", "Owner")
	login := func(address, password string) response {
		return dev.doWith(http.MethodPost, "/developer/authenticate", loginBody("o@example.com", password), from(address))
	}

	// Five wrong passwords lock out the address that sent them, and only that one.
	for range 5 {
		login("203.0.113.1", "wrong password!").problem(t, http.StatusUnauthorized)
	}
	res := login("203.0.113.1", testPassword)
	if p := res.problem(t, http.StatusTooManyRequests); !strings.Contains(str(p["detail"]), "from your address") ||
		res.header.Get("Retry-After") == "" {
		t.Errorf("locked address: %v, Retry-After %q", p, res.header.Get("Retry-After"))
	}
	login("198.51.100.7", testPassword).must(t, http.StatusNoContent)

	// Failures spread over many addresses lock the account for everyone at the much higher
	// account threshold (eight here), whatever address tries next.
	for _, address := range []string{"203.0.113.2", "203.0.113.3", "203.0.113.4"} {
		login(address, "wrong password!").problem(t, http.StatusUnauthorized)
	}
	p := login("198.51.100.8", testPassword).problem(t, http.StatusTooManyRequests)
	if !strings.Contains(str(p["detail"]), "This account is locked") || !strings.Contains(str(p["detail"]), "forgot-password") {
		t.Errorf("locked account: %v", p)
	}

	// The lock is in the database: a restarted server still enforces it.
	e.restart()

	// The owner can still reset the password, which lifts the locks.
	dev.doWith(http.MethodPost, "/developer/forgot-password", `{"email":"o@example.com"}`, from("198.51.100.7")).must(t, http.StatusOK)
	reset := e.latestToken("", pid, "o@example.com")
	login("198.51.100.7", testPassword).problem(t, http.StatusTooManyRequests)
	dev.do(http.MethodPost, "/developer/reset-password", `{"token":"`+reset+`","password":"a new and long passphrase"}`).
		must(t, http.StatusNoContent)
	login("198.51.100.7", "a new and long passphrase").must(t, http.StatusNoContent)
	login("203.0.113.1", "a new and long passphrase").must(t, http.StatusNoContent)
}

func TestForwardedForCountsOnlyFromTrustedProxies(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	pid := e.autoPortal("", "untrusted")
	dev := e.developer("/portals/" + pid + "/api/v3")
	e.signUp(dev, "", pid, "u@example.com", "U")
	for i := range 5 {
		dev.doWith(http.MethodPost, "/developer/authenticate", loginBody("u@example.com", "wrong password!"),
			from("203.0.113."+string(rune('1'+i)))).problem(t, http.StatusUnauthorized)
	}
	// Every attempt came from 127.0.0.1, whatever the header claimed.
	dev.doWith(http.MethodPost, "/developer/authenticate", loginBody("u@example.com", testPassword), from("198.51.100.7")).
		problem(t, http.StatusTooManyRequests)
}

func TestLockoutEnds(t *testing.T) {
	t.Parallel()
	e := startPortalEnvWith(t, func(cfg *backend.Config) {
		cfg.Limits.ClientLockout = core.LoginThrottle{MaxFailures: 2, Window: time.Minute, LockFor: 300 * time.Millisecond}
	})
	pid := e.autoPortal("", "ends")
	dev := e.developer("/portals/" + pid + "/api/v3")
	e.signUp(dev, "", pid, "end@example.com", "E")
	for range 2 {
		dev.do(http.MethodPost, "/developer/authenticate", loginBody("end@example.com", "wrong password!")).problem(t, http.StatusUnauthorized)
	}
	dev.do(http.MethodPost, "/developer/authenticate", loginBody("end@example.com", testPassword)).problem(t, http.StatusTooManyRequests)
	// Refused attempts do not extend the lock, so polling ends it.
	for i := 0; ; i++ {
		res := dev.do(http.MethodPost, "/developer/authenticate", loginBody("end@example.com", testPassword))
		if res.status == http.StatusNoContent {
			break
		}
		if res.status != http.StatusTooManyRequests || i == 100 {
			t.Fatalf("login after the lock: %d %s", res.status, res.raw)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestLoginRateLimits(t *testing.T) {
	t.Parallel()
	e := startPortalEnvWith(t, func(cfg *backend.Config) {
		loopbackProxy(cfg)
		cfg.Limits.LoginsPerAddress = core.RateLimit{Max: 3, Window: time.Hour}
		cfg.Limits.LoginsPerAccount = core.RateLimit{Max: 4, Window: time.Hour}
	})
	pid := e.autoPortal("", "rates")
	dev := e.developer("/portals/" + pid + "/api/v3")
	e.signUp(dev, "", pid, "r@example.com", "R")
	login := func(address, email string) response {
		return dev.doWith(http.MethodPost, "/developer/authenticate", loginBody(email, testPassword), from(address))
	}
	// Per client address, whatever the account (and for addresses that have none).
	login("203.0.113.1", "r@example.com").must(t, http.StatusNoContent)
	login("203.0.113.1", "x@example.com").problem(t, http.StatusUnauthorized)
	login("203.0.113.1", "not an address").problem(t, http.StatusUnauthorized)
	res := login("203.0.113.1", "r@example.com")
	if p := res.problem(t, http.StatusTooManyRequests); !strings.Contains(str(p["detail"]), "from your address") || res.header.Get("Retry-After") == "" {
		t.Errorf("address over its limit: %v", p)
	}
	// Per account, whatever the address.
	login("203.0.113.2", "r@example.com").must(t, http.StatusNoContent)
	login("203.0.113.3", "r@example.com").must(t, http.StatusNoContent)
	login("203.0.113.4", "r@example.com").must(t, http.StatusNoContent)
	if p := login("203.0.113.5", "r@example.com").problem(t, http.StatusTooManyRequests); !strings.Contains(str(p["detail"]), "for this account") {
		t.Errorf("account over its limit: %v", p)
	}
}

func TestPasswordPolicyAtReset(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	pid := e.autoPortal("", "policy")
	dev := e.developer("/portals/" + pid + "/api/v3")
	dev.do(http.MethodPost, "/developer", `{"email":"grace.hopper@example.com","full_name":"Grace"}`).must(t, http.StatusCreated)
	verify := e.latestToken("", pid, "grace.hopper@example.com")
	reset := str(dev.do(http.MethodPost, "/developer/verify-email", `{"token":"`+verify+`"}`).must(t, http.StatusAccepted)["token"])
	for password, want := range map[string]string{
		"short pw":                   "at least 12",
		"password1234":               "most commonly used",
		"Sunshine2026!":              "digits or symbols added",
		"abcdefghijklmn":             "consecutive",
		"i am grace.hopper, really":  "e-mail address",
		"grace.hopper@example.com!!": "e-mail address",
	} {
		res := dev.do(http.MethodPost, "/developer/reset-password", `{"token":"`+reset+`","password":"`+password+`"}`)
		if reason := str(res.invalidParam(t, "password", "invalid")["reason"]); !strings.Contains(reason, want) {
			t.Errorf("password %q: reason %q, want it to say %q", password, reason, want)
		}
	}
	// Refusals do not use the token up.
	dev.do(http.MethodPost, "/developer/reset-password", `{"token":"`+reset+`","password":"`+testPassword+`"}`).must(t, http.StatusNoContent)
}

func TestNamesCannotInjectMail(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	pid := e.autoPortal("", "names")
	dev := e.developer("/portals/" + pid + "/api/v3")
	for _, name := range []string{"Mallory\n\nYour account is suspended.", "Mallory\r", "Mallory\u2028x", "Mallory\u202e"} {
		body, err := jsonMarshal(map[string]string{"email": "victim@example.com", "full_name": name})
		if err != nil {
			t.Fatal(err)
		}
		reason := str(dev.do(http.MethodPost, "/developer", string(body)).invalidParam(t, "full_name", "invalid")["reason"])
		if !strings.Contains(reason, "single line") {
			t.Errorf("name %q: %s", name, reason)
		}
		e.do(http.MethodPost, "/v3/portals/"+pid+"/developers", string(body)).invalidParam(t, "full_name", "invalid")
	}
	// A name that is allowed is quoted on a line of ours, never a line of its own.
	name := `Mallory" Token: 00000000-0000-4000-8000-000000000000 "` + strings.Repeat("x", 100)
	body, err := jsonMarshal(map[string]string{"email": "victim@example.com", "full_name": name})
	if err != nil {
		t.Fatal(err)
	}
	dev.do(http.MethodPost, "/developer", string(body)).must(t, http.StatusCreated)
	box := e.do(http.MethodGet, "/v3/portals/"+pid+"/outbox", "").must(t, http.StatusOK)
	mail := str(box["data"].([]any)[0].(map[string]any)["body"])
	for line := range strings.Lines(mail) {
		if strings.HasPrefix(line, "Mallory") || strings.HasPrefix(line, "Token: 0000") {
			t.Errorf("the name starts a line of the mail:\n%s", mail)
		}
	}
	if strings.Contains(mail, strings.Repeat("x", 100)) || !strings.Contains(mail, `named "Mallory' Token:`) {
		t.Errorf("the name is not quoted and cut short:\n%s", mail)
	}
}

func TestSignUpAndForgotPasswordAreRateLimited(t *testing.T) {
	t.Parallel()
	e := startPortalEnvWith(t, func(cfg *backend.Config) {
		loopbackProxy(cfg)
		cfg.Limits.SignUpsPerAddress = core.RateLimit{Max: 3, Window: time.Hour}
		cfg.Limits.SignUpsPerEmail = core.RateLimit{Max: 2, Window: time.Hour}
		cfg.Limits.ResetsPerAddress = core.RateLimit{Max: 3, Window: time.Hour}
		cfg.Limits.ResetsPerEmail = core.RateLimit{Max: 2, Window: time.Hour}
	})
	pid := e.autoPortal("", "flood")
	dev := e.developer("/portals/" + pid + "/api/v3")
	signUp := func(address, email string) response {
		return dev.doWith(http.MethodPost, "/developer", `{"email":"`+email+`","full_name":"F"}`, from(address))
	}
	forgot := func(address, email string) response {
		return dev.doWith(http.MethodPost, "/developer/forgot-password", `{"email":"`+email+`"}`, from(address))
	}
	for _, c := range []struct {
		name string
		send func(address, email string) response
	}{{"sign-up", signUp}, {"forgot-password", forgot}} {
		// Per client address, whatever the e-mail address.
		for i := range 3 {
			c.send("203.0.113.1", fmt.Sprintf("%s-%d@example.com", c.name, i)).must(t, map[string]int{"sign-up": 201, "forgot-password": 200}[c.name])
		}
		res := c.send("203.0.113.1", c.name+"-3@example.com")
		if p := res.problem(t, http.StatusTooManyRequests); !strings.Contains(str(p["detail"]), "from your address") || res.header.Get("Retry-After") == "" {
			t.Errorf("%s over the address limit: %v, Retry-After %q", c.name, p, res.header.Get("Retry-After"))
		}
		// Per e-mail address, whatever the client address.
		c.send("203.0.113.2", c.name+"-0@example.com")
		res = c.send("203.0.113.3", c.name+"-0@example.com")
		if p := res.problem(t, http.StatusTooManyRequests); !strings.Contains(str(p["detail"]), "for this e-mail address") {
			t.Errorf("%s over the e-mail limit: %v", c.name, p)
		}
	}
	box := e.do(http.MethodGet, "/v3/portals/"+pid+"/outbox", "").must(t, http.StatusOK)
	if n := len(box["data"].([]any)); n != 4 {
		t.Errorf("%d messages sent, want 4 (3 sign-ups, one repeated)", n)
	}
}

func TestEarlierResetLinksStayValid(t *testing.T) {
	t.Parallel()
	e := startPortalEnvWith(t, func(cfg *backend.Config) { cfg.Limits.ResetsPerEmail.Max = 100 })
	pid := e.autoPortal("", "links")
	dev := e.developer("/portals/" + pid + "/api/v3")
	e.signUp(dev, "", pid, "k@example.com", "K")
	var tokens []string
	for range 4 {
		dev.do(http.MethodPost, "/developer/forgot-password", `{"email":"k@example.com"}`).must(t, http.StatusOK)
		tokens = append(tokens, e.latestToken("", pid, "k@example.com"))
	}
	// Three links stay valid at a time: the first was replaced by the fourth, the second still works
	// although two were requested after it.
	dev.do(http.MethodPost, "/developer/reset-password", `{"token":"`+tokens[0]+`","password":"`+testPassword+`"}`).problem(t, http.StatusNotFound)
	dev.do(http.MethodPost, "/developer/reset-password", `{"token":"`+tokens[1]+`","password":"`+testPassword+`"}`).must(t, http.StatusNoContent)
	// A reset spends the other links, and the outbox forgets the spent ones.
	dev.do(http.MethodPost, "/developer/reset-password", `{"token":"`+tokens[3]+`","password":"`+testPassword+`"}`).problem(t, http.StatusNotFound)
	box := e.do(http.MethodGet, "/v3/portals/"+pid+"/outbox", "")
	box.must(t, http.StatusOK)
	if strings.Contains(string(box.raw), tokens[1]) {
		t.Errorf("the outbox still shows a spent token: %s", box.raw)
	}
}

func TestUnverifiedAccountsArePurged(t *testing.T) {
	t.Parallel()
	e := startPortalEnvWith(t, func(cfg *backend.Config) { cfg.Limits.UnverifiedAccountLifetime = time.Nanosecond })
	pid := e.autoPortal("", "purge")
	verified := e.developer("/portals/" + pid + "/api/v3")
	e.signUp(verified, "", pid, "kept@example.com", "Kept")
	dev := e.developer("/portals/" + pid + "/api/v3")
	dev.do(http.MethodPost, "/developer", `{"email":"stale@example.com","full_name":"Stale"}`).must(t, http.StatusCreated)
	dev.do(http.MethodPost, "/developer", `{"email":"next@example.com","full_name":"Next"}`).must(t, http.StatusCreated)
	list := e.do(http.MethodGet, "/v3/portals/"+pid+"/developers", "").must(t, http.StatusOK)
	var emails []string
	for _, d := range list["data"].([]any) {
		emails = append(emails, str(d.(map[string]any)["email"]))
	}
	if strings.Join(emails, ",") != "kept@example.com,next@example.com" {
		t.Errorf("developers after a sign-up purged the stale ones: %v", emails)
	}
}

func TestOutboxSurvivesARestart(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	pid := e.autoPortal("", "outbox")
	dev := e.developer("/portals/" + pid + "/api/v3")
	dev.do(http.MethodPost, "/developer", `{"email":"later@example.com","full_name":"Later"}`).must(t, http.StatusCreated)
	e.restart()
	token := e.latestToken("", pid, "later@example.com")
	dev.do(http.MethodPost, "/developer/verify-email", `{"token":"`+token+`"}`).must(t, http.StatusAccepted)
}

func TestSessionCookieIsSecureBehindATrustedProxy(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		trusted bool
		secure  bool
	}{{"trusted proxy", true, true}, {"anybody else", false, false}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := startPortalEnvWith(t, func(cfg *backend.Config) {
				if c.trusted {
					loopbackProxy(cfg)
				}
			})
			pid := e.autoPortal("", "proxied")
			dev := e.developer("/portals/" + pid + "/api/v3")
			e.signUp(dev, "", pid, "px@example.com", "P")
			res := dev.doWith(http.MethodPost, "/developer/authenticate", loginBody("px@example.com", testPassword),
				map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.1"})
			res.must(t, http.StatusNoContent)
			if got := strings.Contains(res.header.Get("Set-Cookie"), "; Secure"); got != c.secure {
				t.Errorf("cookie %q: Secure %v, want %v", res.header.Get("Set-Cookie"), got, c.secure)
			}
		})
	}
}

func TestCookieWritesFromOtherSitesAreRefused(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	pid := e.autoPortal("", "csrf")
	dev := e.approvedDeveloper("", pid, "c@example.com")
	for name, headers := range map[string]map[string]string{
		"Sec-Fetch-Site":      {"Sec-Fetch-Site": "cross-site"},
		"Origin":              {"Origin": "https://evil.example"},
		"Origin of a sibling": {"Origin": "http://other." + strings.TrimPrefix(e.url, "http://")},
		"opaque Origin":       {"Origin": "null"},
	} {
		res := dev.doWith(http.MethodPost, "/applications", `{"name":"forged"}`, headers)
		if p := res.problem(t, http.StatusForbidden); !strings.Contains(str(p["detail"]), "Cross-site") {
			t.Errorf("%s: %v", name, p)
		}
	}
	dev.doWith(http.MethodPost, "/developer/logout", "", map[string]string{"Origin": "https://evil.example"}).problem(t, http.StatusForbidden)
	// Reading is not refused, nor are writes from the portal's own pages or from clients that are
	// not browsers.
	dev.doWith(http.MethodGet, "/applications", "", map[string]string{"Sec-Fetch-Site": "cross-site"}).must(t, http.StatusOK)
	dev.doWith(http.MethodPost, "/applications", `{"name":"same-origin"}`,
		map[string]string{"Origin": e.url, "Sec-Fetch-Site": "same-origin"}).must(t, http.StatusCreated)
	dev.do(http.MethodPost, "/applications", `{"name":"no-browser"}`).must(t, http.StatusCreated)
}

func TestResponsesWithSecretsAreNotStored(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	pid := e.autoPortal("", "no-store")
	e.publishedAPI("", pid, "stored", true)
	dev := e.developer("/portals/" + pid + "/api/v3")
	dev.do(http.MethodPost, "/developer", `{"email":"ns@example.com","full_name":"N"}`).must(t, http.StatusCreated)
	outbox := e.do(http.MethodGet, "/v3/portals/"+pid+"/outbox", "")
	verify := dev.do(http.MethodPost, "/developer/verify-email", `{"token":"`+e.latestToken("", pid, "ns@example.com")+`"}`)
	dev.do(http.MethodPost, "/developer/reset-password", `{"token":"`+str(verify.body["token"])+`","password":"`+testPassword+`"}`).
		must(t, http.StatusNoContent)
	login := dev.do(http.MethodPost, "/developer/authenticate", loginBody("ns@example.com", testPassword))
	app := dev.do(http.MethodPost, "/applications", `{"name":"keys"}`).must(t, http.StatusCreated)
	key := dev.do(http.MethodPost, "/applications/"+str(app["id"])+"/credentials", `{}`)
	for name, res := range map[string]response{"admin outbox": outbox, "verify-email": verify, "authenticate": login, "new API key": key} {
		if res.status >= 300 || res.header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: status %d, Cache-Control %q", name, res.status, res.header.Get("Cache-Control"))
		}
	}
}
