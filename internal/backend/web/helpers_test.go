package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

const testToken = "spat_0123456789abcdefghijABCDEFGHIJ0123456789"

// site is the real backend behind httptest on loopback, with its own database file.
type site struct {
	t   *testing.T
	url string
	srv *backend.Server
}

func startSite(t testing.TB) *site {
	t.Helper()
	srv, err := backend.New(context.Background(), backend.Config{DBPath: pgtest.DB(t),
		AdminToken: testToken, PasswordIterations: 1000})
	if err != nil {
		t.Fatalf("backend.New: %v", err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		if err := srv.Close(); err != nil {
			t.Errorf("closing backend: %v", err)
		}
	})
	return &site{t: t.(*testing.T), url: hs.URL, srv: srv}
}

// admin sends a JSON request to the admin API with the admin token and decodes the answer into
// out (when not nil), failing the test unless the status is want.
func (s *site) admin(method, path string, body any, want int, out any) {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.url+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		s.t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			s.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// portal creates a portal and returns its id and domain.
func (s *site) portal(fields map[string]any) (id, domain string) {
	s.t.Helper()
	var out struct {
		ID            string `json:"id"`
		DefaultDomain string `json:"default_domain"`
	}
	s.admin(http.MethodPost, "/v3/portals", fields, http.StatusCreated, &out)
	return out.ID, out.DefaultDomain
}

// page is a website response.
type page struct {
	status int
	header http.Header
	body   string
}

// get fetches path from the website of the portal at domain, sending cookies when given.
func (s *site) get(domain, path string, cookies ...*http.Cookie) page {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.url+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Host = domain
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return s.send(req)
}

func (s *site) send(req *http.Request) page {
	s.t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return page{status: resp.StatusCode, header: resp.Header, body: string(raw)}
}

// mustContain fails the test unless the page contains every one of wants.
func (p page) mustContain(t *testing.T, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(p.body, w) {
			t.Errorf("page lacks %q; page:\n%s", w, p.body)
		}
	}
}

// mustNotContain fails the test if the page contains any of unwanted.
func (p page) mustNotContain(t *testing.T, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(p.body, u) {
			t.Errorf("page contains %q; page:\n%s", u, p.body)
		}
	}
}

// api creates an API and publishes it to the portal with the visibility given; it returns the id.
func (s *site) publishedAPI(portalID, name, slug, description, visibility string) string {
	s.t.Helper()
	var out struct {
		ID string `json:"id"`
	}
	s.admin(http.MethodPost, "/v3/apis", map[string]any{"name": name, "slug": slug, "description": description}, http.StatusCreated, &out)
	s.admin(http.MethodPut, "/v3/apis/"+out.ID+"/publications/"+portalID, map[string]any{"visibility": visibility}, http.StatusOK, nil)
	return out.ID
}

// pageOf creates a page of the portal and returns its id.
func (s *site) pageOf(portalID string, fields map[string]any) string {
	s.t.Helper()
	var out struct {
		ID string `json:"id"`
	}
	s.admin(http.MethodPost, "/v3/portals/"+portalID+"/pages", fields, http.StatusCreated, &out)
	return out.ID
}

// developerJSON sends a request to the developer JSON API on the portal's domain.
func (s *site) developerJSON(domain, method, path string, body any, cookie *http.Cookie) (int, map[string]any, http.Header) {
	s.t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		s.t.Fatal(err)
	}
	req, err := http.NewRequest(method, s.url+"/api/v3"+path, bytes.NewReader(b))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Host = domain
	req.Header.Set("Content-Type", "application/json")
	if cookie != nil {
		req.AddCookie(cookie)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out, resp.Header
}

const testPassword = "lantern harbour quill 47"

// signedIn signs a developer up on a portal that approves developers automatically, through the
// developer JSON API and the outbox, logs them in and returns the session cookie.
func (s *site) signedIn(portalID, domain, email string) *http.Cookie {
	s.t.Helper()
	if st, body, _ := s.developerJSON(domain, http.MethodPost, "/developer", map[string]any{"email": email, "full_name": "Ada Lovelace"}, nil); st != http.StatusCreated {
		s.t.Fatalf("sign-up: status %d: %v", st, body)
	}
	var outbox struct {
		Data []struct {
			To    string `json:"to"`
			Token string `json:"token"`
		} `json:"data"`
	}
	s.admin(http.MethodGet, "/v3/portals/"+portalID+"/outbox", nil, http.StatusOK, &outbox)
	var verify string
	for _, m := range outbox.Data {
		if m.To == email {
			verify = m.Token
		}
	}
	st, body, _ := s.developerJSON(domain, http.MethodPost, "/developer/verify-email", map[string]any{"token": verify}, nil)
	if st != http.StatusAccepted {
		s.t.Fatalf("verify-email: status %d: %v", st, body)
	}
	reset, _ := body["token"].(string)
	if st, body, _ := s.developerJSON(domain, http.MethodPost, "/developer/reset-password", map[string]any{"token": reset, "password": testPassword}, nil); st != http.StatusNoContent {
		s.t.Fatalf("reset-password: status %d: %v", st, body)
	}
	st, body, header := s.developerJSON(domain, http.MethodPost, "/developer/authenticate", map[string]any{"username": email, "password": testPassword}, nil)
	if st != http.StatusNoContent {
		s.t.Fatalf("authenticate: status %d: %v", st, body)
	}
	for _, c := range (&http.Response{Header: header}).Cookies() {
		if c.Name == "portalaccesstoken" {
			return &http.Cookie{Name: c.Name, Value: c.Value}
		}
	}
	s.t.Fatalf("authenticate set no session cookie: %v", header)
	return nil
}
