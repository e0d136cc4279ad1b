package provider_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// portalFixture is a portal, made through the API, with one API published to it and linked to a
// gateway service, so that applications can register.
type portalFixture struct {
	PortalID       string
	StrategyID     string // the portal's default key-auth strategy
	APIID          string
	ControlPlaneID string
}

// fixtureOptions chooses the approval settings of a portalFixture.
type fixtureOptions struct {
	autoApproveDevelopers   bool
	autoApproveApplications bool
	autoApproveRegistration bool // on the publication
	withoutAPI              bool
}

// newPortalFixture creates the objects of a portalFixture in the default region and removes
// them when the test ends.
func newPortalFixture(t *testing.T, opts fixtureOptions) portalFixture {
	t.Helper()
	ctx := context.Background()
	c := acctest.Client(t)
	name := acctest.RandomName("ss")

	p, err := c.CreatePortal(ctx, client.CreatePortalRequest{
		Name:                    name,
		AutoApproveDevelopers:   &opts.autoApproveDevelopers,
		AutoApproveApplications: &opts.autoApproveApplications,
	})
	if err != nil {
		t.Fatalf("creating portal %s: %v", name, err)
	}
	t.Cleanup(func() { _ = c.DeletePortal(ctx, p.ID, true) })
	f := portalFixture{PortalID: p.ID}
	if p.DefaultApplicationAuthStrategyID != nil {
		f.StrategyID = *p.DefaultApplicationAuthStrategyID
	}
	if opts.withoutAPI {
		return f
	}

	f.APIID, f.ControlPlaneID = publishedAPI(t, p.ID, opts.autoApproveRegistration)
	return f
}

// publishedAPI creates an API linked to a new gateway service and publishes it to the portal
// with the portal's default strategy, returning the API and control plane ids.
func publishedAPI(t *testing.T, portalID string, autoApprove bool) (apiID, controlPlaneID string) {
	t.Helper()
	ctx := context.Background()
	c := acctest.Client(t)
	name := acctest.RandomName("api")
	api, err := c.CreateAPI(ctx, client.CreateAPIRequest{Name: name})
	if err != nil {
		t.Fatalf("creating API %s: %v", name, err)
	}
	cp, err := c.CreateControlPlane(ctx, client.CreateControlPlaneRequest{Name: name})
	if err != nil {
		_ = c.DeleteAPI(ctx, api.ID)
		t.Fatalf("creating control plane %s: %v", name, err)
	}
	// Best effort, in dependency order; the test database goes away with the backend anyway.
	t.Cleanup(func() {
		_ = c.UnpublishAPI(ctx, api.ID, portalID)
		_ = c.DeleteAPI(ctx, api.ID)
		_ = c.DeleteControlPlane(ctx, cp.ID)
	})
	svc, err := c.CreateGatewayService(ctx, cp.ID, client.GatewayServiceRequest{Name: &name, Host: "upstream.example"})
	if err != nil {
		t.Fatalf("creating gateway service %s: %v", name, err)
	}
	if _, err := c.CreateImplementation(ctx, api.ID, cp.ID, svc.ID); err != nil {
		t.Fatalf("linking API %s to service %s: %v", api.ID, svc.ID, err)
	}
	if _, err := c.PublishAPI(ctx, api.ID, portalID, client.PublishRequest{
		Visibility:               client.VisibilityPrivate,
		AutoApproveRegistrations: &autoApprove,
	}); err != nil {
		t.Fatalf("publishing API %s to portal %s: %v", api.ID, portalID, err)
	}
	return api.ID, cp.ID
}

// baseURL is the backend's root URL, without the region.
func baseURL() string { return strings.TrimSuffix(acctest.ServerURL(), "/"+client.RegionPlaceholder) }

// httpResult is a response of the backend, with its JSON object body decoded when it has one.
type httpResult struct {
	Status int
	Header http.Header
	Raw    []byte
	Body   map[string]any
}

// send makes one request to the backend; bearer, when set, is sent as the admin token.
func send(t *testing.T, hc *http.Client, method, url, bearer string, body any) httpResult {
	t.Helper()
	var rd io.Reader
	if body != nil {
		buf, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	raw, err := io.ReadAll(resp.Body)
	if err := errors.Join(err, resp.Body.Close()); err != nil {
		t.Fatal(err)
	}
	r := httpResult{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		if err := json.Unmarshal(raw, &r.Body); err != nil {
			t.Fatalf("%s %s: body is not JSON: %v\n%s", method, url, err, raw)
		}
	}
	return r
}

// expect fails the test unless the response has the wanted status.
func (r httpResult) expect(t *testing.T, what string, status int) httpResult {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, r.Status, status, r.Raw)
	}
	return r
}

// adminGet reads an admin endpoint of the default region that the client does not cover.
func adminGet(t *testing.T, path string) httpResult {
	t.Helper()
	return send(t, http.DefaultClient, http.MethodGet, baseURL()+path, acctest.Token(), nil)
}

// developerSession is a developer's browser on one portal: its own cookie jar, never an admin token.
type developerSession struct {
	t      *testing.T
	portal string
	email  string
	hc     *http.Client
}

const developerPassword = "lantern harbour quill 47"

func newDeveloperSession(t *testing.T, portalID, email string) *developerSession {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &developerSession{t: t, portal: portalID, email: email, hc: &http.Client{Jar: jar}}
}

// do calls the portal's developer API; path is relative to /api/v3.
func (d *developerSession) do(method, path string, body any) httpResult {
	d.t.Helper()
	return send(d.t, d.hc, method, baseURL()+"/portals/"+d.portal+"/api/v3"+path, "", body)
}

// signUp registers, verifies the address with the token the outbox holds and sets a password.
func (d *developerSession) signUp(fullName string) {
	d.t.Helper()
	d.do(http.MethodPost, "/developer", map[string]string{"email": d.email, "full_name": fullName}).
		expect(d.t, "sign up", http.StatusCreated)
	token := outboxToken(d.t, d.portal, d.email)
	res := d.do(http.MethodPost, "/developer/verify-email", map[string]string{"token": token}).
		expect(d.t, "verify e-mail", http.StatusAccepted)
	reset, _ := res.Body["token"].(string)
	d.do(http.MethodPost, "/developer/reset-password", map[string]string{"token": reset, "password": developerPassword}).
		expect(d.t, "set password", http.StatusNoContent)
}

// login signs in and returns the status the portal answered.
func (d *developerSession) login() int {
	d.t.Helper()
	return d.do(http.MethodPost, "/developer/authenticate", map[string]string{"username": d.email, "password": developerPassword}).Status
}

// me returns the signed-in developer's id.
func (d *developerSession) me() string {
	d.t.Helper()
	res := d.do(http.MethodGet, "/developer/me", nil).expect(d.t, "me", http.StatusOK)
	id, _ := res.Body["id"].(string)
	return id
}

// outboxToken returns the token of the newest message the backend kept for email.
func outboxToken(t *testing.T, portalID, email string) string {
	t.Helper()
	res := adminGet(t, "/v3/portals/"+portalID+"/outbox").expect(t, "outbox", http.StatusOK)
	items, _ := res.Body["data"].([]any)
	for _, it := range items {
		m, _ := it.(map[string]any)
		if m["to"] == email {
			token, _ := m["token"].(string)
			return token
		}
	}
	t.Fatalf("no message to %s in the outbox of portal %s", email, portalID)
	return ""
}

// randomEmail returns an address unique to one test run.
func randomEmail(prefix string) string {
	return strings.TrimPrefix(acctest.RandomName(prefix), "tf-acc-") + "@example.com"
}

// gatewayKeyHashes returns, per application id, the key hashes a gateway of the control plane honours.
func gatewayKeyHashes(t *testing.T, controlPlaneID string) map[string][]string {
	t.Helper()
	res := adminGet(t, "/v2/control-planes/"+controlPlaneID+"/application-auth-data").expect(t, "gateway data", http.StatusOK)
	out := map[string][]string{}
	apps, _ := res.Body["applications"].([]any)
	for _, a := range apps {
		m, _ := a.(map[string]any)
		id, _ := m["id"].(string)
		hashes, _ := m["key_hashes"].([]any)
		out[id] = []string{}
		for _, h := range hashes {
			s, _ := h.(string)
			out[id] = append(out[id], s)
		}
	}
	return out
}

// fixtureLocals hands the fixture's ids to a configuration as locals.
func fixtureLocals(f portalFixture) string {
	return fmt.Sprintf("locals {\n  portal_id   = %q\n  api_id      = %q\n  strategy_id = %q\n}\n", f.PortalID, f.APIID, f.StrategyID)
}

// sameID returns a check that an id attribute still holds *id, the value an earlier step saw:
// the object was updated in place, not replaced.
func sameID(id *string) func(string) error {
	return func(v string) error {
		if v != *id {
			return fmt.Errorf("id changed from %s to %s: the object was replaced", *id, v)
		}
		return nil
	}
}
