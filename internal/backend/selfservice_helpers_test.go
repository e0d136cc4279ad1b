package backend_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/conformance"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// lockedBuffer collects log output from concurrent requests.
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

// portalEnv is a backend with cheap password hashing and debug logs captured, plus the admin's
// helpers for the self-service story.
type portalEnv struct {
	*testServer
	logs    *lockedBuffer
	cfg     backend.Config
	handler *swappableHandler
}

// testLimits are the production limits with the per-client-address rate limits raised: every
// test client comes from 127.0.0.1.
func testLimits() core.SelfServiceLimits {
	l := core.DefaultSelfServiceLimits
	l.LoginsPerAddress.Max, l.SignUpsPerAddress.Max, l.ResetsPerAddress.Max = 10_000, 10_000, 10_000
	return l
}

// startPortalEnv starts the backend like startServer, logging at debug level into a buffer. When
// the Konnect documents are available, responses are checked against them.
func startPortalEnv(t *testing.T) *portalEnv {
	t.Helper()
	return startPortalEnvWith(t, func(*backend.Config) {})
}

// startPortalEnvWith is startPortalEnv with the configuration changed by configure, which starts
// from testLimits and cheap hashing.
func startPortalEnvWith(t *testing.T, configure func(*backend.Config)) *portalEnv {
	t.Helper()
	dbPath := pgtest.DB(t)
	logs := &lockedBuffer{}
	limits := testLimits()
	cfg := backend.Config{
		DBPath: dbPath, AdminToken: testToken, PasswordIterations: 1000, Limits: &limits, PasswordHashingSlots: 8,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	configure(&cfg)
	srv, err := backend.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("backend.New: %v", err)
	}
	current := &swappableHandler{}
	current.set(srv.Handler())
	var h http.Handler = current
	if dir, err := conformance.SpecsDir(); err == nil {
		specs, err := conformance.LoadCached(dir)
		if err != nil {
			t.Fatalf("loading Konnect documents: %v", err)
		}
		var rec *conformance.Recorder
		h, rec = conformance.Middleware(specs, h)
		t.Cleanup(func() { rec.Report(t) })
	}
	hs := httptest.NewServer(h)
	ts := &testServer{t: t, url: hs.URL, dbPath: dbPath, srv: srv, http: hs}
	t.Cleanup(ts.stop)
	return &portalEnv{testServer: ts, logs: logs, cfg: cfg, handler: current}
}

// swappableHandler serves through the handler set last, so that a restarted backend keeps the
// address of the one before.
type swappableHandler struct{ h atomic.Pointer[http.Handler] }

func (s *swappableHandler) set(h http.Handler) { s.h.Store(&h) }
func (s *swappableHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*s.h.Load()).ServeHTTP(w, r)
}

// restart closes the backend and starts it again on the same database, at the same address.
func (e *portalEnv) restart() {
	e.t.Helper()
	if err := e.srv.Close(); err != nil {
		e.t.Fatalf("closing backend: %v", err)
	}
	srv, err := backend.New(context.Background(), e.cfg)
	if err != nil {
		e.t.Fatalf("restarting backend: %v", err)
	}
	e.srv = srv
	e.handler.set(srv.Handler())
}

// developerClient is a browser of one developer: its own cookie jar, never an admin token.
type developerClient struct {
	t    *testing.T
	base string // the portal API base URL, ending in /api/v3
	c    *http.Client
}

func (e *portalEnv) developer(portalBase string) *developerClient {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return &developerClient{t: e.t, base: e.url + portalBase, c: &http.Client{Jar: jar}}
}

func (d *developerClient) do(method, path, body string) response {
	d.t.Helper()
	return d.doWith(method, path, body, nil)
}

func (d *developerClient) doWith(method, path, body string, headers map[string]string) response {
	d.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, d.base+path, rd)
	if err != nil {
		d.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := d.c.Do(req)
	if err != nil {
		d.t.Fatalf("%s %s: %v", method, path, err)
	}
	raw, err := io.ReadAll(res.Body)
	if err := errors.Join(err, res.Body.Close()); err != nil {
		d.t.Fatal(err)
	}
	r := response{status: res.StatusCode, header: res.Header, raw: raw}
	if len(bytes.TrimSpace(raw)) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			d.t.Fatalf("%s %s: body is not JSON: %v\n%s", method, path, err, raw)
		}
	}
	return r
}

// testPassword passes the password policy: long, not a common password, no test's address in it.
const testPassword = "lantern harbour quill 47"

// signUp runs the developer side of sign-up: register, read the verification token from the
// outbox (as the mail would carry it), verify and set the password. It returns the e-mail's
// verification and reset tokens.
func (e *portalEnv) signUp(d *developerClient, prefix, portalID, email, name string) (verify, reset string) {
	e.t.Helper()
	d.do(http.MethodPost, "/developer", `{"email":"`+email+`","full_name":"`+name+`"}`).must(e.t, http.StatusCreated)
	verify = e.latestToken(prefix, portalID, email)
	b := d.do(http.MethodPost, "/developer/verify-email", `{"token":"`+verify+`"}`).must(e.t, http.StatusAccepted)
	if b["email"] != strings.ToLower(email) {
		e.t.Fatalf("verify-email answered email %v, want %s", b["email"], email)
	}
	reset = str(b["token"])
	d.do(http.MethodPost, "/developer/reset-password", `{"token":"`+reset+`","password":"`+testPassword+`"}`).
		must(e.t, http.StatusNoContent)
	return verify, reset
}

// latestToken returns the token of the newest outbox message to email.
func (e *portalEnv) latestToken(prefix, portalID, email string) string {
	e.t.Helper()
	b := e.do(http.MethodGet, prefix+"/v3/portals/"+portalID+"/outbox", "").must(e.t, http.StatusOK)
	for _, m := range b["data"].([]any) {
		msg := m.(map[string]any)
		if msg["to"] == strings.ToLower(email) {
			if !strings.Contains(str(msg["body"]), str(msg["token"])) {
				e.t.Fatalf("outbox message body does not carry its token: %v", msg)
			}
			return str(msg["token"])
		}
	}
	e.t.Fatalf("no outbox message to %s in %s", email, b)
	return ""
}

func (d *developerClient) login(email string) {
	d.t.Helper()
	res := d.do(http.MethodPost, "/developer/authenticate", `{"username":"`+email+`","password":"`+testPassword+`"}`)
	res.must(d.t, http.StatusNoContent)
	c := res.header.Get("Set-Cookie")
	for _, want := range []string{"portalaccesstoken=", "HttpOnly", "SameSite=Lax", "Path=", "Expires="} {
		if !strings.Contains(c, want) {
			d.t.Errorf("session cookie %q lacks %s", c, want)
		}
	}
}

// publishedAPI creates an API linked to a new gateway service and publishes it to the portal
// with its default strategy, returning the API and control plane ids.
func (e *portalEnv) publishedAPI(prefix, portalID, name string, autoApprove bool) (apiID, cpID string) {
	e.t.Helper()
	api := e.do(http.MethodPost, prefix+"/v3/apis", `{"name":"`+name+`","version":"v1"}`).must(e.t, http.StatusCreated)
	apiID = str(api["id"])
	cp := e.do(http.MethodPost, prefix+"/v2/control-planes", `{"name":"cp-`+name+`"}`).must(e.t, http.StatusCreated)
	cpID = str(cp["id"])
	svc := e.do(http.MethodPost, prefix+"/v2/control-planes/"+cpID+"/core-entities/services",
		`{"name":"svc-`+name+`","host":"upstream.example","port":443,"protocol":"https"}`).must(e.t, http.StatusCreated)
	e.do(http.MethodPost, prefix+"/v3/apis/"+apiID+"/implementations",
		`{"service":{"control_plane_id":"`+cpID+`","id":"`+str(svc["id"])+`"}}`).must(e.t, http.StatusCreated)
	auto := "false"
	if autoApprove {
		auto = "true"
	}
	e.do(http.MethodPut, prefix+"/v3/apis/"+apiID+"/publications/"+portalID,
		`{"visibility":"private","auto_approve_registrations":`+auto+`}`).must(e.t, http.StatusOK)
	return apiID, cpID
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
