package backend_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// approvedDeveloper signs a developer up on an auto-approving portal and logs them in.
func (e *portalEnv) approvedDeveloper(prefix, pid, email string) *developerClient {
	e.t.Helper()
	d := e.developer(prefix + "/portals/" + pid + "/api/v3")
	e.signUp(d, prefix, pid, email, "Dev "+email)
	d.login(email)
	return d
}

func (e *portalEnv) autoPortal(prefix, name string) string {
	e.t.Helper()
	p := e.createPortal(prefix, `{"name":"`+name+`","authentication_enabled":true,`+
		`"auto_approve_developers":true,"auto_approve_applications":true}`)
	return str(p["id"])
}

func TestDeveloperCannotReachOthersObjects(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	pid := e.autoPortal("", "shared")
	apiID, _ := e.publishedAPI("", pid, "orders", false)
	a := e.approvedDeveloper("", pid, "a@example.com")
	b := e.approvedDeveloper("", pid, "b@example.com")

	app := a.do(http.MethodPost, "/applications", `{"name":"a-app"}`).must(t, http.StatusCreated)
	appPath := "/applications/" + str(app["id"])
	reg := a.do(http.MethodPost, appPath+"/registrations", `{"api_id":"`+apiID+`"}`).must(t, http.StatusCreated)
	cred := a.do(http.MethodPost, appPath+"/credentials", `{}`).must(t, http.StatusCreated)

	for _, c := range []struct{ method, path, body string }{
		{http.MethodGet, appPath, ""},
		{http.MethodPatch, appPath, `{"name":"taken over"}`},
		{http.MethodDelete, appPath, ""},
		{http.MethodGet, appPath + "/registrations", ""},
		{http.MethodPost, appPath + "/registrations", `{"api_id":"` + apiID + `"}`},
		{http.MethodGet, appPath + "/registrations/" + str(reg["id"]), ""},
		{http.MethodDelete, appPath + "/registrations/" + str(reg["id"]), ""},
		{http.MethodGet, appPath + "/credentials", ""},
		{http.MethodPost, appPath + "/credentials", `{}`},
		{http.MethodPut, appPath + "/credentials/" + str(cred["id"]), `{"display_name":"mine"}`},
		{http.MethodDelete, appPath + "/credentials/" + str(cred["id"]), ""},
	} {
		b.do(c.method, c.path, c.body).problem(t, http.StatusNotFound)
	}
	if list := b.do(http.MethodGet, "/applications", "").must(t, http.StatusOK); len(list["data"].([]any)) != 0 {
		t.Errorf("developer B lists A's applications: %v", list)
	}
	// A's objects are intact.
	a.do(http.MethodGet, appPath, "").must(t, http.StatusOK)
	a.do(http.MethodGet, appPath+"/registrations/"+str(reg["id"]), "").must(t, http.StatusOK)
	a.do(http.MethodPut, appPath+"/credentials/"+str(cred["id"]), `{"display_name":"renamed"}`).must(t, http.StatusOK)
	creds := a.do(http.MethodGet, appPath+"/credentials", "").must(t, http.StatusOK)["data"].([]any)
	if len(creds) != 1 || creds[0].(map[string]any)["display_name"] != "renamed" {
		t.Errorf("after rename: %v", creds)
	}
}

func TestAdminAndDeveloperCredentialsDoNotMix(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	pid := e.autoPortal("", "separate")
	dev := e.approvedDeveloper("", pid, "dev@example.com")
	app := dev.do(http.MethodPost, "/applications", `{"name":"app"}`).must(t, http.StatusCreated)

	admin := "/v3/portals/" + pid
	for _, path := range []string{
		admin + "/developers", admin + "/applications", admin + "/applications/" + str(app["id"]),
		admin + "/applications/" + str(app["id"]) + "/registrations", admin + "/application-registrations",
		admin + "/applications/" + str(app["id"]) + "/credentials", admin + "/outbox",
	} {
		e.doWith(http.MethodGet, path, "", nil).problem(t, http.StatusUnauthorized)
		e.doWith(http.MethodGet, path, "", map[string]string{"Authorization": "Bearer spat_not0a0valid0token0000000000"}).
			problem(t, http.StatusUnauthorized)
	}
	// A developer's session is not an admin credential either.
	withSession := &developerClient{t: t, base: e.url, c: dev.c}
	withSession.do(http.MethodGet, "/v3/portals/"+pid+"/developers", "").problem(t, http.StatusUnauthorized)
	anon := e.developer("/portals/" + pid + "/api/v3")
	for _, path := range []string{"/developer/me", "/applications", "/applications/" + str(app["id"]) + "/credentials"} {
		p := anon.doWith(http.MethodGet, path, "", map[string]string{"Authorization": "Bearer " + testToken}).
			problem(t, http.StatusUnauthorized)
		if !strings.Contains(str(p["detail"]), "admin token") {
			t.Errorf("%s with an admin token: %v", path, p)
		}
	}
}

func TestSecretsStayOutOfStorageAndLogs(t *testing.T) {
	e := startPortalEnv(t)
	pid := e.autoPortal("", "secrets")
	apiID, _ := e.publishedAPI("", pid, "ledger", true)
	dev := e.developer("/portals/" + pid + "/api/v3")
	verify, reset := e.signUp(dev, "", pid, "s@example.com", "Sam")
	res := dev.do(http.MethodPost, "/developer/authenticate", `{"username":"s@example.com","password":"`+testPassword+`"}`)
	res.must(t, http.StatusNoContent)
	session := strings.TrimPrefix(strings.Split(res.header.Get("Set-Cookie"), ";")[0], "portalaccesstoken=")
	app := dev.do(http.MethodPost, "/applications", `{"name":"app"}`).must(t, http.StatusCreated)
	appPath := "/applications/" + str(app["id"])
	dev.do(http.MethodPost, appPath+"/registrations", `{"api_id":"`+apiID+`"}`).must(t, http.StatusCreated)
	devKey := str(dev.do(http.MethodPost, appPath+"/credentials", `{}`).must(t, http.StatusCreated)["credential"])
	adminPath := "/v3/portals/" + pid + "/applications/" + str(app["id"]) + "/credentials"
	generated := e.do(http.MethodPost, adminPath, `{"display_name":"generated"}`).must(t, http.StatusCreated)
	genKey := str(generated["credential"])
	supplied := "supplied-key-0123456789abcdef"
	s := e.do(http.MethodPost, adminPath, `{"display_name":"supplied","credential":"`+supplied+`","expires_at":"2099-01-01T00:00:00Z"}`).
		must(t, http.StatusCreated)
	if _, ok := s["credential"]; ok {
		t.Errorf("a supplied key is echoed back: %v", s)
	}
	if s["expires_at"] != "2099-01-01T00:00:00.000Z" {
		t.Errorf("expires_at %v", s["expires_at"])
	}
	got := e.do(http.MethodGet, adminPath+"/"+str(generated["id"]), "").must(t, http.StatusOK)
	if _, ok := got["credential"]; ok {
		t.Errorf("reading a key shows its secret: %v", got)
	}
	// Log out and in again so that a used session and a live one both exist.
	dev.do(http.MethodPost, "/developer/logout", "").must(t, http.StatusNoContent)
	dev.login("s@example.com")

	// A secret sent in a query string must not reach the access log either.
	querySecret := "query-secret-0123456789"
	dev.do(http.MethodGet, "/developer/me?access_token="+querySecret, "").must(t, http.StatusOK)

	secrets := map[string]string{"password": testPassword, "session": session, "developer key": devKey,
		"generated key": genKey, "supplied key": supplied, "verification token": verify, "reset token": reset,
		"admin token": testToken, "query secret": querySecret}
	for name, v := range secrets {
		if v == "" {
			t.Fatalf("%s is empty", name)
		}
	}
	for _, path := range []string{adminPath, "/v3/portals/" + pid + "/developers", "/v3/portals/" + pid + "/application-registrations"} {
		res := e.do(http.MethodGet, path, "")
		res.must(t, http.StatusOK)
		raw := res.raw
		for name, v := range secrets {
			if bytes.Contains(raw, []byte(v)) {
				t.Errorf("GET %s shows the %s", path, name)
			}
		}
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "level=DEBUG") {
		t.Fatalf("no debug logs captured:\n%s", logs)
	}
	access := "level=INFO msg=request method=GET path=/portals/" + pid + "/api/v3/developer/me status=200 duration="
	if !strings.Contains(logs, access) || !strings.Contains(logs, "region=us") {
		t.Errorf("no access log entry like %q with the region:\n%s", access, logs)
	}
	e.stop()
	for _, file := range []string{e.dbPath, e.dbPath + "-wal", e.dbPath + "-shm"} {
		data, err := os.ReadFile(file)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for name, v := range secrets {
			if bytes.Contains(data, []byte(v)) {
				t.Errorf("%s holds the %s", file, name)
			}
		}
	}
	for name, v := range secrets {
		if strings.Contains(logs, v) {
			t.Errorf("debug logs show the %s", name)
		}
	}
}

func TestAPIKeyLimit(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	pid := e.autoPortal("", "limit")
	dev := e.approvedDeveloper("", pid, "many@example.com")
	app := dev.do(http.MethodPost, "/applications", `{"name":"busy"}`).must(t, http.StatusCreated)
	path := "/applications/" + str(app["id"]) + "/credentials"
	for i := range 20 {
		dev.do(http.MethodPost, path, fmt.Sprintf(`{"display_name":"key %d"}`, i)).must(t, http.StatusCreated)
	}
	p := dev.do(http.MethodPost, path, `{}`).problem(t, http.StatusForbidden)
	if p["detail"] != "Maximum number of Credentials exceeded. Max Allowed: 20" {
		t.Errorf("21st key: %v", p)
	}
	e.do(http.MethodPost, "/v3/portals/"+pid+"/applications/"+str(app["id"])+"/credentials", `{}`).problem(t, http.StatusForbidden)
	list := dev.do(http.MethodGet, path+"?page[size]=100", "").must(t, http.StatusOK)
	if n := len(list["data"].([]any)); n != 20 {
		t.Errorf("%d keys listed, want 20", n)
	}
}

func TestLoginLockout(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	pid := e.autoPortal("", "lockout")
	dev := e.developer("/portals/" + pid + "/api/v3")
	e.signUp(dev, "", pid, "l@example.com", "Lee")
	for range 5 {
		p := dev.do(http.MethodPost, "/developer/authenticate", `{"username":"l@example.com","password":"wrong password!"}`).
			problem(t, http.StatusUnauthorized)
		if p["title"] != "Invalid Credentials" {
			t.Fatalf("wrong password: %v", p)
		}
	}
	res := dev.do(http.MethodPost, "/developer/authenticate", `{"username":"l@example.com","password":"`+testPassword+`"}`)
	res.problem(t, http.StatusTooManyRequests)
	if res.header.Get("Retry-After") == "" {
		t.Error("locked login has no Retry-After")
	}
	// Unknown addresses answer exactly like wrong passwords.
	p := dev.do(http.MethodPost, "/developer/authenticate", `{"username":"nobody@example.com","password":"`+testPassword+`"}`).
		problem(t, http.StatusUnauthorized)
	if p["title"] != "Invalid Credentials" || p["detail"] != "You have entered an invalid email or password." {
		t.Errorf("unknown account: %v", p)
	}
	p = dev.do(http.MethodPost, "/developer/authenticate", `{"username":"not an address","password":"`+testPassword+`"}`).
		problem(t, http.StatusUnauthorized)
	if p["title"] != "Invalid Credentials" {
		t.Errorf("malformed address: %v", p)
	}
	// Another account is not affected.
	other := e.developer("/portals/" + pid + "/api/v3")
	e.signUp(other, "", pid, "m@example.com", "Max")
	other.login("m@example.com")
}

func TestPortalWithoutAuthenticationHasNoApplications(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	p := e.createPortal("", `{"name":"open","authentication_enabled":false}`)
	pid := str(p["id"])
	dev := e.developer("/portals/" + pid + "/api/v3")
	dev.do(http.MethodGet, "/apis", "").must(t, http.StatusOK)
	for _, c := range []struct{ method, path, body string }{
		{http.MethodPost, "/developer", `{"email":"x@example.com","full_name":"X"}`},
		{http.MethodPost, "/developer/authenticate", `{"username":"x@example.com","password":"` + testPassword + `"}`},
		{http.MethodGet, "/applications", ""},
		{http.MethodPost, "/applications", `{"name":"app"}`},
		{http.MethodGet, "/applications/00000000-0000-4000-8000-000000000000/credentials", ""},
	} {
		dev.do(c.method, c.path, c.body).problem(t, http.StatusNotFound)
	}
}

func TestSelfServiceObjectsStayInTheirRegion(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	pid := e.autoPortal("/eu", "regional")
	apiID, cpID := e.publishedAPI("/eu", pid, "eu-api", true)
	dev := e.approvedDeveloper("/eu", pid, "eu@example.com")
	app := dev.do(http.MethodPost, "/applications", `{"name":"eu-app"}`).must(t, http.StatusCreated)
	appID := str(app["id"])
	dev.do(http.MethodPost, "/applications/"+appID+"/registrations", `{"api_id":"`+apiID+`"}`).must(t, http.StatusCreated)
	dev.do(http.MethodPost, "/applications/"+appID+"/credentials", `{}`).must(t, http.StatusCreated)

	e.do(http.MethodGet, "/eu/v3/portals/"+pid+"/applications/"+appID, "").must(t, http.StatusOK)
	for _, prefix := range []string{"", "/us", "/au"} {
		e.do(http.MethodGet, prefix+"/v3/portals/"+pid+"/applications/"+appID, "").problem(t, http.StatusNotFound)
		e.do(http.MethodGet, prefix+"/v3/portals/"+pid+"/applications/"+appID+"/credentials", "").problem(t, http.StatusNotFound)
		e.do(http.MethodGet, prefix+"/v2/control-planes/"+cpID+"/application-auth-data", "").problem(t, http.StatusNotFound)
		elsewhere := e.developer(prefix + "/portals/" + pid + "/api/v3")
		elsewhere.do(http.MethodGet, "/apis", "").problem(t, http.StatusNotFound)
	}
	// The session cookie is scoped to the region's path, and the portal does not exist elsewhere anyway.
	us := &developerClient{t: t, base: e.url + "/portals/" + pid + "/api/v3", c: dev.c}
	us.do(http.MethodGet, "/applications/"+appID, "").problem(t, http.StatusNotFound)
	if apps := e.gatewayApps("/eu", cpID); len(apps) != 1 || len(strSlice(apps[0]["key_hashes"])) != 1 {
		t.Errorf("eu gateway data: %v", apps)
	}
}

func TestPortalAPIOnPortalDomain(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	p := e.createPortal("/sg", `{"name":"hosted","authentication_enabled":true,"auto_approve_developers":true}`)
	req, err := http.NewRequest(http.MethodPost, e.url+"/api/v3/developer", strings.NewReader(`{"email":"h@example.com","full_name":"H"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = str(p["default_domain"])
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Body.Close(); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("sign-up on the portal domain: %d", res.StatusCode)
	}
	if tok := e.latestToken("/sg", str(p["id"]), "h@example.com"); tok == "" {
		t.Fatal("no verification message")
	}
	// Without the portal's Host, /api/v3 is not a developer API.
	e.doWith(http.MethodGet, "/api/v3/apis", "", nil).problem(t, http.StatusUnauthorized)
}

func TestRegistrationRules(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	p := e.createPortal("", `{"name":"rules","authentication_enabled":true,"auto_approve_developers":true}`)
	pid := str(p["id"])
	apiID, _ := e.publishedAPI("", pid, "auto", true)
	manualID, _ := e.publishedAPI("", pid, "manual", false)
	dev := e.approvedDeveloper("", pid, "r@example.com")

	// A publication's auto-approval approves; otherwise registrations wait.
	app := dev.do(http.MethodPost, "/applications", `{"name":"keyed"}`).must(t, http.StatusCreated)
	appPath := "/applications/" + str(app["id"])
	if r := dev.do(http.MethodPost, appPath+"/registrations", `{"api_id":"`+apiID+`"}`).must(t, http.StatusCreated); r["status"] != "approved" {
		t.Errorf("registration with auto-approving publication: %v", r["status"])
	}
	if r := dev.do(http.MethodPost, appPath+"/registrations", `{"api_id":"`+manualID+`"}`).must(t, http.StatusCreated); r["status"] != "pending" {
		t.Errorf("registration without auto-approval: %v", r["status"])
	}
	dev.do(http.MethodPost, appPath+"/registrations", `{"api_id":"`+apiID+`"}`).problem(t, http.StatusConflict)

	// An explicit admin status wins over auto-approval.
	admin := "/v3/portals/" + pid + "/applications"
	devs := e.do(http.MethodGet, "/v3/portals/"+pid+"/developers", "").must(t, http.StatusOK)["data"].([]any)
	owner := str(devs[0].(map[string]any)["id"])
	app2 := e.do(http.MethodPost, admin, `{"name":"admin-made","owner":{"type":"developer","id":"`+owner+`"}}`).must(t, http.StatusCreated)
	r := e.do(http.MethodPost, admin+"/"+str(app2["id"])+"/registrations", `{"api_id":"`+apiID+`","status":"pending"}`).
		must(t, http.StatusCreated)
	if r["status"] != "pending" || r["api"].(map[string]any)["name"] != "auto" {
		t.Errorf("admin registration with explicit status: %v", r)
	}
	filtered := e.do(http.MethodGet, "/v3/portals/"+pid+"/application-registrations?filter[status]=pending", "").must(t, http.StatusOK)
	if n := len(filtered["data"].([]any)); n != 2 {
		t.Errorf("%d pending registrations, want 2: %v", n, filtered)
	}
	byDev := e.do(http.MethodGet, "/v3/portals/"+pid+"/application-registrations?filter[developer_id][eq]="+owner, "").must(t, http.StatusOK)
	if n := len(byDev["data"].([]any)); n != 3 {
		t.Errorf("%d registrations of the developer, want 3", n)
	}

	// A developer can only pick a strategy that an API of their portal uses, and is not told more
	// about the others than that.
	other := e.createKeyAuthStrategy("", "other-keys")
	refused := dev.do(http.MethodPost, "/applications", `{"name":"other","auth_strategy_id":"`+str(other["id"])+`"}`)
	if reason := str(refused.invalidParam(t, "auth_strategy_id", "invalid")["reason"]); !strings.Contains(reason, "no API of this portal") ||
		strings.Contains(reason, str(other["id"])) {
		t.Errorf("strategy of no publication: %s", refused.raw)
	}
	// An application an administrator gave another strategy cannot register; the developer is told
	// why without the strategies' ids or the publication's fields.
	mismatch := e.do(http.MethodPost, "/v3/portals/"+pid+"/applications",
		`{"name":"other","auth_strategy_id":"`+str(other["id"])+`","owner":{"type":"developer","id":"`+owner+`"}}`).
		must(t, http.StatusCreated)
	bad := dev.do(http.MethodPost, "/applications/"+str(mismatch["id"])+"/registrations", `{"api_id":"`+apiID+`"}`)
	reason := str(bad.invalidParam(t, "api_id", "invalid")["reason"])
	if !strings.Contains(reason, "auth strategy") || strings.Contains(reason, str(other["id"])) || strings.Contains(reason, "auth_strategy_ids") {
		t.Errorf("strategy mismatch: %s", bad.raw)
	}
	adminBad := e.do(http.MethodPost, "/v3/portals/"+pid+"/applications/"+str(mismatch["id"])+"/registrations", `{"api_id":"`+apiID+`"}`)
	if !strings.Contains(str(adminBad.invalidParam(t, "api_id", "invalid")["reason"]), str(other["id"])) {
		t.Errorf("the admin API does not name the strategy: %s", adminBad.raw)
	}
	// An API not published to the portal is unknown to it.
	unpublished := e.do(http.MethodPost, "/v3/apis", `{"name":"hidden"}`).must(t, http.StatusCreated)
	dev.do(http.MethodPost, appPath+"/registrations", `{"api_id":"`+str(unpublished["id"])+`"}`).problem(t, http.StatusNotFound)

	// Deleting the developer deletes their applications, registrations and keys.
	dev.do(http.MethodPost, appPath+"/credentials", `{}`).must(t, http.StatusCreated)
	e.do(http.MethodDelete, "/v3/portals/"+pid+"/developers/"+owner, "").must(t, http.StatusNoContent)
	e.do(http.MethodDelete, "/v3/portals/"+pid+"/developers/"+owner, "").problem(t, http.StatusNotFound)
	e.do(http.MethodGet, admin+"/"+str(app["id"]), "").problem(t, http.StatusNotFound)
	left := e.do(http.MethodGet, "/v3/portals/"+pid+"/application-registrations", "").must(t, http.StatusOK)
	if n := len(left["data"].([]any)); n != 0 {
		t.Errorf("%d registrations survive their developer", n)
	}
	dev.do(http.MethodGet, "/developer/me", "").problem(t, http.StatusUnauthorized)
}

func TestRegistrationNeedsAnEnforcingGateway(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	pid := e.autoPortal("", "gateways")
	apiID, cpID := e.publishedAPI("", pid, "guarded", true)
	unlinked := str(e.do(http.MethodPost, "/v3/apis", `{"name":"unlinked"}`).must(t, http.StatusCreated)["id"])
	e.do(http.MethodPut, "/v3/apis/"+unlinked+"/publications/"+pid, `{}`).must(t, http.StatusOK)
	dev := e.approvedDeveloper("", pid, "g@example.com")
	appPath := "/applications/" + str(dev.do(http.MethodPost, "/applications", `{"name":"app"}`).must(t, http.StatusCreated)["id"])

	// Developers learn that the API cannot take registrations, never about services or nodes; the
	// admin API says which.
	res := dev.do(http.MethodPost, appPath+"/registrations", `{"api_id":"`+unlinked+`"}`)
	if reason := str(res.invalidParam(t, "api_id", "invalid")["reason"]); !strings.Contains(reason, "does not take application registrations") ||
		strings.Contains(reason, "service") {
		t.Errorf("unlinked API: %s", reason)
	}
	appID := strings.TrimPrefix(appPath, "/applications/")
	adminPath := "/v3/portals/" + pid + "/applications/" + appID + "/registrations"
	res = e.do(http.MethodPost, adminPath, `{"api_id":"`+unlinked+`"}`)
	if reason := str(res.invalidParam(t, "api_id", "invalid")["reason"]); !strings.Contains(reason, "not linked to a gateway service") {
		t.Errorf("unlinked API, admin API: %s", reason)
	}
	node := e.do(http.MethodPost, "/v2/control-planes/"+cpID+"/nodes", `{"hostname":"old-dp","version":"3.4.3.12"}`).
		must(t, http.StatusCreated)
	res = dev.do(http.MethodPost, appPath+"/registrations", `{"api_id":"`+apiID+`"}`)
	if reason := str(res.invalidParam(t, "api_id", "invalid")["reason"]); strings.Contains(reason, "old-dp") || strings.Contains(reason, str(node["id"])) ||
		strings.Contains(reason, "3.4.3.12") {
		t.Errorf("outdated node named to a developer: %s", reason)
	}
	res = e.do(http.MethodPost, adminPath, `{"api_id":"`+apiID+`"}`)
	if reason := str(res.invalidParam(t, "api_id", "invalid")["reason"]); !strings.Contains(reason, "old-dp") || !strings.Contains(reason, "3.4.3.12") {
		t.Errorf("outdated node, admin API: %s", reason)
	}
	e.do(http.MethodDelete, "/v2/control-planes/"+cpID+"/nodes/"+str(node["id"]), "").must(t, http.StatusNoContent)
	e.do(http.MethodPost, "/v2/control-planes/"+cpID+"/nodes", `{"hostname":"new-dp","version":"3.9.1"}`).must(t, http.StatusCreated)
	dev.do(http.MethodPost, appPath+"/registrations", `{"api_id":"`+apiID+`"}`).must(t, http.StatusCreated)
}

func TestSessionCookieIsSecureOverTLS(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	pid := e.autoPortal("", "tls")
	dev := e.developer("/portals/" + pid + "/api/v3")
	e.signUp(dev, "", pid, "tls@example.com", "T")
	tlsServer := httptest.NewTLSServer(e.srv.Handler())
	defer tlsServer.Close()
	res, err := tlsServer.Client().Post(tlsServer.URL+"/portals/"+pid+"/api/v3/developer/authenticate", "application/json",
		strings.NewReader(`{"username":"tls@example.com","password":"`+testPassword+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Body.Close(); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("login over TLS: %d", res.StatusCode)
	}
	c := res.Header.Get("Set-Cookie")
	for _, want := range []string{"; Secure", "; HttpOnly", "Path=/portals/" + pid + "/api/v3"} {
		if !strings.Contains(c, want) {
			t.Errorf("cookie %q lacks %q", c, want)
		}
	}
}
