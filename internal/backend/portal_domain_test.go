package backend_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestSessionCookieOnPortalDomainCoversTheSite: on the portal's own domain the developer API sets
// the session cookie for the whole site, so that the website shares the session.
func TestSessionCookieOnPortalDomainCoversTheSite(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	p := e.createPortal("", `{"name":"domain-cookie","authentication_enabled":true,"auto_approve_developers":true}`)
	pid, host := str(p["id"]), str(p["default_domain"])
	e.signUp(e.developer("/portals/"+pid+"/api/v3"), "", pid, "dom@example.com", "Dom")

	onDomain := func(method, path, body, cookie string) response {
		h := map[string]string{"Host": host + ":8080", "Content-Type": "application/json"}
		if cookie != "" {
			h["Cookie"] = cookie
		}
		return e.doWith(method, path, body, h)
	}
	res := onDomain(http.MethodPost, "/api/v3/developer/authenticate", `{"username":"dom@example.com","password":"`+testPassword+`"}`, "")
	res.must(t, http.StatusNoContent)
	set := res.header.Get("Set-Cookie")
	if !strings.Contains(set, "Path=/;") && !strings.HasSuffix(set, "Path=/") {
		t.Fatalf("session cookie on the portal domain %q is not for Path=/", set)
	}
	cookie, _, _ := strings.Cut(set, ";")
	me := onDomain(http.MethodGet, "/api/v3/developer/me", "", cookie).must(t, http.StatusOK)
	if me["email"] != "dom@example.com" {
		t.Errorf("me = %v", me)
	}
	out := onDomain(http.MethodPost, "/api/v3/developer/logout", "", cookie)
	out.must(t, http.StatusNoContent)
	if c := out.header.Get("Set-Cookie"); !strings.Contains(c, "Path=/;") && !strings.HasSuffix(c, "Path=/") {
		t.Errorf("logout clears cookie %q, not the site-wide one", c)
	}
}

// TestApprovalIsMailed: a developer approved from pending gets a message saying so.
func TestApprovalIsMailed(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	pid := str(e.createPortal("", `{"name":"approval-mail","authentication_enabled":true}`)["id"])
	d := e.developer("/portals/" + pid + "/api/v3")
	e.signUp(d, "", pid, "pat@example.com", "Pat")
	devs := e.do(http.MethodGet, "/v3/portals/"+pid+"/developers", "").must(t, http.StatusOK)["data"].([]any)
	id := str(devs[0].(map[string]any)["id"])
	e.do(http.MethodPatch, "/v3/portals/"+pid+"/developers/"+id, `{"status":"approved"}`).must(t, http.StatusOK)
	box := e.do(http.MethodGet, "/v3/portals/"+pid+"/outbox", "").must(t, http.StatusOK)["data"].([]any)
	newest := box[0].(map[string]any)
	if newest["to"] != "pat@example.com" || !strings.Contains(str(newest["subject"]), "approved") ||
		!strings.Contains(str(newest["body"]), "/login") {
		t.Errorf("newest outbox message %v is not the approval", newest)
	}
	d.login("pat@example.com")
}
