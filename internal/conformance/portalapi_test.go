package conformance

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/mail"
)

// TestPortalAPIConforms walks a developer through the portal's developer API, from sign-up to
// logout, with the session cookie the API sets, and fails listing every response that the
// dev-portal document rejects.
func TestPortalAPIConforms(t *testing.T) {
	specs := SpecsFromEnv(t)
	token := "spat_" + randomAlnum(t, 40)
	outbox := mail.NewOutbox()
	srv, err := backend.New(t.Context(), backend.Config{
		DBPath: filepath.Join(t.TempDir(), "db"), AdminToken: token, Mailer: outbox,
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
func lastToken(t *testing.T, outbox *mail.Outbox, region, portalID string) string {
	t.Helper()
	msgs := outbox.Messages(region, portalID)
	if len(msgs) == 0 || msgs[len(msgs)-1].Token == "" {
		t.Fatalf("no message with a token was mailed for portal %s", portalID)
	}
	return msgs[len(msgs)-1].Token
}
