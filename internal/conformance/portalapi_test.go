package conformance

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/mail"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// TestPortalAPIConforms walks a developer through the portal's developer API, from sign-up to
// logout, with the session cookie the API sets, and fails listing every response that the
// dev-portal document rejects.
func TestPortalAPIConforms(t *testing.T) {
	specs := SpecsFromEnv(t)
	token := "spat_" + randomAlnum(t, 40)
	outbox := &mailbox{}
	srv, err := backend.New(t.Context(), backend.Config{
		DBPath: pgtest.DB(t), AdminToken: token, Mailer: outbox,
		PasswordIterations: 1000, // the cost of real hashes is irrelevant here
	})
	if err != nil {
		t.Fatalf("starting backend: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("closing backend: %v", err)
		}
	})
	h, rec := Middleware(specs, srv.Handler())
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, base: ts.URL, token: token, http: &http.Client{Jar: jar}}

	portal := c.id(c.do("POST", "/eu/v3/portals", 201, obj{"name": "conformance-dev", "auto_approve_developers": true}))
	base := "/eu/portals/" + portal + "/api/v3"
	const email, password = "dev@example.com", "Conformance-pass-1234"

	c.doRaw("POST", base+"/developer", 201, []byte(`{"email":"`+email+`","full_name":"Dev Eloper"}`), "")
	c.doRaw("POST", base+"/developer", 400, []byte(`{"email":"not-an-address","full_name":"Dev"}`), "")
	c.doRaw("POST", base+"/developer", 400, []byte(`{"email":"`+email+`"}`), "")
	verify := lastToken(t, outbox, "eu", portal)
	c.doRaw("POST", base+"/developer/verify-email", 400, []byte(`{"token":"not-a-token"}`), "")
	reset, _ := c.doRaw("POST", base+"/developer/verify-email", 202, []byte(`{"token":"`+verify+`"}`), "")["token"].(string)
	if reset == "" {
		t.Fatal("verify-email answered no reset token")
	}
	c.doRaw("POST", base+"/developer/reset-password", 204, []byte(`{"token":"`+reset+`","password":"`+password+`"}`), "")
	c.doRaw("GET", base+"/developer/me", 401, nil, "")
	c.doRaw("POST", base+"/developer/authenticate", 401, []byte(`{"username":"`+email+`","password":"wrong-`+password+`"}`), "")
	c.doRaw("POST", base+"/developer/authenticate", 400, []byte(`{"username":"`+email+`"}`), "")
	c.doRaw("POST", base+"/developer/authenticate", 204, []byte(`{"username":"`+email+`","password":"`+password+`"}`), "")
	c.doRaw("GET", base+"/developer/me", 200, nil, "")
	c.doRaw("POST", base+"/developer/logout", 204, nil, "")
	c.doRaw("GET", base+"/developer/me", 401, nil, "")
	c.doRaw("POST", base+"/developer/forgot-password", 200, []byte(`{"email":"`+email+`"}`), "")
	c.doRaw("POST", base+"/developer/forgot-password", 400, []byte(`{}`), "")
	c.doRaw("GET", "/eu/portals/00000000-0000-4000-8000-000000000000/api/v3/developer/me", 404, nil, "")
	c.doRaw("GET", "/us/portals/"+portal+"/api/v3/developer/me", 404, nil, "")

	rec.Report(t)
	if got := rec.Checked(); got != c.sent {
		t.Errorf("%d responses were checked against the documents, want all %d sent: a route was not recognised", got, c.sent)
	}
}

// lastToken returns the token of the newest message the backend mailed for the portal.
func lastToken(t *testing.T, outbox *mailbox, region, portalID string) string {
	t.Helper()
	msgs := outbox.Messages(region, portalID)
	if len(msgs) == 0 || msgs[len(msgs)-1].Token == "" {
		t.Fatalf("no message with a token was mailed for portal %s", portalID)
	}
	return msgs[len(msgs)-1].Token
}

// TestSelfServiceConforms follows an application from a developer's sign-in to an approved
// registration with an API key, through both the developer API and the admin API.
func TestSelfServiceConforms(t *testing.T) {
	specs := SpecsFromEnv(t)
	token := "spat_" + randomAlnum(t, 40)
	outbox := &mailbox{}
	srv, err := backend.New(t.Context(), backend.Config{
		DBPath: pgtest.DB(t), AdminToken: token, Mailer: outbox, PasswordIterations: 1000,
	})
	if err != nil {
		t.Fatalf("starting backend: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("closing backend: %v", err)
		}
	})
	h, rec := Middleware(specs, srv.Handler())
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, base: ts.URL, token: token, http: &http.Client{Jar: jar}}
	const missing = "00000000-0000-4000-8000-000000000000"

	// An API published with key auth, linked to a service on a 3.9 gateway.
	portal := c.id(c.do("POST", "/v3/portals", 201, obj{"name": "conformance-self-service", "auto_approve_developers": true}))
	strategy := c.id(c.do("POST", "/v2/application-auth-strategies", 201, obj{
		"name": "conformance-self-service-key", "display_name": "Key", "strategy_type": "key_auth",
		"configs": obj{"key-auth": obj{"key_names": []string{"apikey"}}},
	}))
	cp := c.id(c.do("POST", "/v2/control-planes", 201, obj{"name": "conformance-self-service-cp"}))
	c.do("POST", "/v2/control-planes/"+cp+"/nodes", 201, obj{"hostname": "dp-1", "version": "3.9.0"})
	svc := c.id(c.do("POST", "/v2/control-planes/"+cp+"/core-entities/services", 201, obj{"name": "payments", "host": "payments.internal"}))
	api := c.id(c.do("POST", "/v3/apis", 201, obj{"name": "Payments", "version": "2.0.0"}))
	c.do("POST", "/v3/apis/"+api+"/implementations", 201, obj{"service": obj{"control_plane_id": cp, "id": svc}})
	c.do("PUT", "/v3/apis/"+api+"/publications/"+portal, 200, obj{"auth_strategy_ids": []string{strategy}, "visibility": "public"})

	// The developer's side.
	base := "/portals/" + portal + "/api/v3"
	signIn(t, c, outbox, "us", portal, base, "app-dev@example.com", "Conformance-pass-5678")
	c.doRaw("GET", base+"/apis", 200, nil, "")
	c.doRaw("GET", base+"/apis/"+api, 200, nil, "")
	c.doRaw("GET", base+"/apis/"+missing, 404, nil, "")
	app := c.id(c.doRaw("POST", base+"/applications", 201, []byte(`{"name":"checkout","description":"Checkout service","auth_strategy_id":"`+strategy+`"}`), ""))
	c.doRaw("POST", base+"/applications", 400, []byte(`{"description":"no name"}`), "")
	c.doRaw("GET", base+"/applications", 200, nil, "")
	c.doRaw("GET", base+"/applications/"+app, 200, nil, "")
	c.doRaw("GET", base+"/applications/"+missing, 404, nil, "")
	c.doRaw("PATCH", base+"/applications/"+app, 200, []byte(`{"description":"Checkout, v2"}`), "")
	reg := c.id(c.doRaw("POST", base+"/applications/"+app+"/registrations", 201, []byte(`{"api_id":"`+api+`"}`), ""))
	c.doRaw("POST", base+"/applications/"+app+"/registrations", 409, []byte(`{"api_id":"`+api+`"}`), "")
	c.doRaw("GET", base+"/applications/"+app+"/registrations", 200, nil, "")
	c.doRaw("GET", base+"/applications/"+app+"/registrations/"+reg, 200, nil, "")
	cred := c.id(c.doRaw("POST", base+"/applications/"+app+"/credentials", 201, []byte(`{"display_name":"laptop"}`), ""))
	c.doRaw("GET", base+"/applications/"+app+"/credentials", 200, nil, "")
	c.doRaw("PUT", base+"/applications/"+app+"/credentials/"+cred, 200, []byte(`{"display_name":"desk"}`), "")

	// The administrator's side.
	pp := "/v3/portals/" + portal
	devs := c.do("GET", pp+"/developers", 200, nil)
	dev := firstID(t, devs)
	c.do("GET", pp+"/developers/"+dev, 200, nil)
	c.do("PATCH", pp+"/developers/"+dev, 200, obj{"status": "approved"})
	c.do("PATCH", pp+"/developers/"+dev, 400, obj{"status": "asleep"})
	c.do("GET", pp+"/developers/"+missing, 404, nil)
	c.do("GET", pp+"/applications", 200, nil)
	c.do("GET", pp+"/applications/"+app, 200, nil)
	c.do("GET", pp+"/applications/"+app+"/registrations", 200, nil)
	c.do("GET", pp+"/applications/"+app+"/registrations/"+reg, 200, nil)
	c.do("PATCH", pp+"/applications/"+app+"/registrations/"+reg, 200, obj{"status": "approved"})
	c.do("GET", pp+"/application-registrations", 200, nil)
	c.do("GET", pp+"/applications/"+app+"/credentials", 200, nil)

	// An application of an OpenID Connect strategy has the document's client-credentials shape.
	oidc := c.id(c.do("POST", "/v2/application-auth-strategies", 201, obj{
		"name": "conformance-oidc", "display_name": "Partner tokens", "strategy_type": "openid_connect",
		"configs": obj{"openid-connect": obj{"issuer": "https://idp.example.com", "credential_claim": []string{"client_id"},
			"scopes": []string{"orders"}, "auth_methods": []string{"bearer"}}},
	}))
	oidcApp := c.id(c.do("POST", pp+"/applications", 201, obj{"name": "token-app", "auth_strategy_id": oidc,
		"client_id": "conformance-token-app", "owner": obj{"type": "developer", "id": dev}}))
	c.do("GET", pp+"/applications/"+oidcApp, 200, nil)
	c.do("GET", pp+"/applications", 200, nil)
	c.do("DELETE", pp+"/applications/"+oidcApp, 204, nil)

	// Teardown, developer first.
	c.doRaw("DELETE", base+"/applications/"+app+"/credentials/"+cred, 204, nil, "")
	c.doRaw("DELETE", base+"/applications/"+app+"/registrations/"+reg, 204, nil, "")
	c.doRaw("DELETE", base+"/applications/"+app, 204, nil, "")
	c.doRaw("DELETE", base+"/applications/"+app, 404, nil, "")
	c.do("DELETE", pp+"/developers/"+dev, 204, nil)
	c.do("DELETE", pp+"/developers/"+dev, 404, nil)

	rec.Report(t)
}

// signIn signs a developer up, verifies the address, sets the password and logs in, leaving the
// session cookie in c's jar.
func signIn(t *testing.T, c *client, outbox *mailbox, region, portal, base, email, password string) {
	t.Helper()
	c.doRaw("POST", base+"/developer", 201, []byte(`{"email":"`+email+`","full_name":"App Developer"}`), "")
	verify := lastToken(t, outbox, region, portal)
	reset, _ := c.doRaw("POST", base+"/developer/verify-email", 202, []byte(`{"token":"`+verify+`"}`), "")["token"].(string)
	if reset == "" {
		t.Fatal("verify-email answered no reset token")
	}
	c.doRaw("POST", base+"/developer/reset-password", 204, []byte(`{"token":"`+reset+`","password":"`+password+`"}`), "")
	c.doRaw("POST", base+"/developer/authenticate", 204, []byte(`{"username":"`+email+`","password":"`+password+`"}`), "")
}

// firstID returns the id of the first item of a list response.
func firstID(t *testing.T, list map[string]any) string {
	t.Helper()
	data, _ := list["data"].([]any)
	if len(data) > 0 {
		if m, _ := data[0].(map[string]any); m != nil {
			if id, _ := m["id"].(string); id != "" {
				return id
			}
		}
	}
	t.Fatalf("list has no item with an id: %v", list)
	return ""
}

// mailbox is the mailer of these tests: it keeps what the backend sends, for reading tokens.
type mailbox struct {
	mu   sync.Mutex
	msgs []mail.Message
}

func (m *mailbox) Send(_ context.Context, msg mail.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs, msg)
	return nil
}

// Messages returns the messages of a portal, newest first.
func (m *mailbox) Messages(region, portalID string) []mail.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []mail.Message
	for i := len(m.msgs) - 1; i >= 0; i-- {
		if m.msgs[i].Region == region && m.msgs[i].PortalID == portalID {
			out = append(out, m.msgs[i])
		}
	}
	return out
}
