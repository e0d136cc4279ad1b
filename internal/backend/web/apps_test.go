package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// publishAPI creates an API with the slug, publishes it to the portal with the portal's default
// strategy and, when linked, links it to a new gateway service; it returns the API's id.
func (s *site) publishAPI(portalID, slug string, linked bool) string {
	s.t.Helper()
	var api struct {
		ID string `json:"id"`
	}
	s.admin(http.MethodPost, "/v3/apis", map[string]any{"name": "API " + slug, "slug": slug}, http.StatusCreated, &api)
	if linked {
		var cp, svc struct {
			ID string `json:"id"`
		}
		s.admin(http.MethodPost, "/v2/control-planes", map[string]any{"name": "cp-" + slug}, http.StatusCreated, &cp)
		s.admin(http.MethodPost, "/v2/control-planes/"+cp.ID+"/core-entities/services",
			map[string]any{"name": "svc-" + slug, "host": "upstream.example", "port": 443, "protocol": "https"}, http.StatusCreated, &svc)
		s.admin(http.MethodPost, "/v3/apis/"+api.ID+"/implementations",
			map[string]any{"service": map[string]any{"control_plane_id": cp.ID, "id": svc.ID}}, http.StatusCreated, nil)
	}
	s.admin(http.MethodPut, "/v3/apis/"+api.ID+"/publications/"+portalID, map[string]any{"visibility": "public"}, http.StatusOK, nil)
	return api.ID
}

// approvedDeveloper signs a developer up on the portal's website, approves them and logs them in.
func (s *site) approvedDeveloper(portalID, domain, email string) *visitor {
	s.t.Helper()
	v := s.visitor(domain)
	v.signUp(portalID, email)
	s.approve(portalID, email)
	v.logIn(email).mustStatus(s.t, http.StatusOK)
	return v
}

var appLocation = regexp.MustCompile(`^/apps/([0-9a-f-]{36})$`)

// createApp creates an application through the list page's form and returns its id.
func (v *visitor) createApp(name string) string {
	v.t.Helper()
	v.open("/apps")
	created := v.post("create-app", url.Values{"name": {name}})
	m := appLocation.FindStringSubmatch(created.header.Get("Location"))
	if created.status != http.StatusSeeOther || m == nil {
		v.t.Fatalf("creating an application: status %d, Location %q; page:\n%s", created.status, created.header.Get("Location"), created.body)
	}
	v.follow(created).mustContain(v.t, "<h1>"+name+"</h1>", "The application is created.")
	return m[1]
}

func TestAppsRegistrationAndKeys(t *testing.T) {
	s := startSite(t)
	portalID, domain := s.accountPortal()
	linkedID := s.publishAPI(portalID, "orders", true)
	unlinkedID := s.publishAPI(portalID, "ledger", false)
	v := s.approvedDeveloper(portalID, domain, "dev@example.com")

	list := v.open("/apps").mustStatus(t, http.StatusOK)
	list.mustContain(t, `<ul id="app-list"`)
	list.mustNotContain(t, `<select id="create-app-auth_strategy_id"`)

	// A nameless application is refused beside the name.
	v.post("create-app", url.Values{"description": {"kept"}}).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, `id="create-app-name-error"`, "Enter a name.", `value="kept"`)

	appID := v.createApp("Shop")
	v.open("/apps").mustContain(t, `<li data-app-id="`+appID+`">`)

	// The API without a gateway service takes no registrations: the refusal shows beside the
	// choice of API.
	page := v.open("/apps/" + appID)
	page.mustContain(t, `<option value="`+linkedID+`"`, `<option value="`+unlinkedID+`"`)
	refused := v.post("register-api", url.Values{"api_id": {unlinkedID}})
	refused.mustStatus(t, http.StatusUnprocessableEntity)
	refused.mustContain(t, `id="register-api-api_id-error"`, "does not take application registrations at the moment")

	registered := v.follow(v.post("register-api", url.Values{"api_id": {linkedID}}))
	registered.mustContain(t, `<tr data-api-slug="orders">`, `<td class="status status-pending">pending</td>`, "The application is registered with API orders.")
	registered.mustNotContain(t, `<option value="`+linkedID+`"`)

	// A key: shown once, on the answer to the post, which no cache keeps.
	created := v.post("create-key", url.Values{"name": {"laptop"}})
	created.mustStatus(t, http.StatusCreated)
	secret := regexp.MustCompile(`<code id="new-key">([^<]+)</code>`).FindStringSubmatch(created.body)
	if secret == nil {
		t.Fatalf("the new key is not shown; page:\n%s", created.body)
	}
	created.mustContain(t, `<button id="copy-key" type="button" data-copy="new-key">`)
	if got := created.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("the new key's page Cache-Control %q, want no-store", got)
	}
	if loc := created.header.Get("Location"); loc != "" {
		t.Errorf("the new key's page redirects to %s", loc)
	}
	again := v.open("/apps/" + appID)
	again.mustNotContain(t, secret[1], `id="new-key"`)
	keyRow := regexp.MustCompile(`<tr data-key-id="([0-9a-f-]{36})">\s*<td>laptop</td>`).FindStringSubmatch(again.body)
	if keyRow == nil {
		t.Fatalf("the key is not listed by name; page:\n%s", again.body)
	}

	// The key works with the developer JSON API's view of keys too: one key, same id.
	v.open("/api/v3/applications/"+appID+"/credentials").mustStatus(t, http.StatusOK).mustContain(t, keyRow[1])

	v.open("/apps/" + appID)
	revoked := v.follow(v.post("revoke-key-"+keyRow[1], nil))
	revoked.mustContain(t, "The key laptop is revoked")
	revoked.mustNotContain(t, `data-key-id="`+keyRow[1]+`"`)

	renamed := v.follow(v.post("rename-app", url.Values{"name": {"Shop 2"}, "description": {"The new shop"}}))
	renamed.mustContain(t, "<h1>Shop 2</h1>", "The new shop")

	deleted := v.follow(v.post("delete-app", nil))
	deleted.mustContain(t, "The application Shop 2 is deleted")
	deleted.mustNotContain(t, appID)
	v.open("/apps/"+appID).mustStatus(t, http.StatusNotFound)
}

func TestAppsOfAnotherDeveloperAreNotFound(t *testing.T) {
	s := startSite(t)
	portalID, domain := s.accountPortal()
	s.publishAPI(portalID, "orders", true)
	owner := s.approvedDeveloper(portalID, domain, "owner@example.com")
	appID := owner.createApp("Mine")
	other := s.approvedDeveloper(portalID, domain, "other@example.com")
	other.open("/apps/"+appID).mustStatus(t, http.StatusNotFound)
	other.open("/apps")
	// A form posted to another developer's application changes nothing.
	other.last.body = strings.Replace(other.last.body, `action="/apps"`, `action="/apps/`+appID+`"`, 1)
	other.post("create-app", url.Values{"action": {"delete"}}).mustStatus(t, http.StatusNotFound)
	owner.open("/apps/"+appID).mustStatus(t, http.StatusOK)
}

func TestKeyLimitShowsAtTheKeyForm(t *testing.T) {
	s := startSite(t)
	portalID, domain := s.accountPortal()
	s.publishAPI(portalID, "orders", true)
	v := s.approvedDeveloper(portalID, domain, "keys@example.com")
	appID := v.createApp("Many keys")
	for i := 0; i < 20; i++ {
		v.open("/apps/" + appID)
		v.post("create-key", nil).mustStatus(t, http.StatusCreated)
	}
	v.open("/apps/" + appID)
	full := v.post("create-key", url.Values{"name": {"one more"}})
	full.mustStatus(t, http.StatusForbidden)
	full.mustContain(t, `id="create-key-error"`, "already has 20 keys", `value="one more"`)
}

func TestAppsChooseAmongTheStrategiesOfThePortalsAPIs(t *testing.T) {
	s := startSite(t)
	portalID, domain := s.accountPortal()
	s.publishAPI(portalID, "orders", true)
	var partner struct {
		ID string `json:"id"`
	}
	s.admin(http.MethodPost, "/v2/application-auth-strategies", map[string]any{"name": "partner", "display_name": "Partner keys",
		"strategy_type": "key_auth", "configs": map[string]any{"key-auth": map[string]any{"key_names": []string{"x-partner-key"}}}},
		http.StatusCreated, &partner)
	partnerAPI := s.publishAPI(portalID, "partners", true)
	s.admin(http.MethodPut, "/v3/apis/"+partnerAPI+"/publications/"+portalID,
		map[string]any{"visibility": "public", "auth_strategy_ids": []string{partner.ID}}, http.StatusOK, nil)
	v := s.approvedDeveloper(portalID, domain, "chooser@example.com")

	list := v.open("/apps")
	list.mustContain(t, `<select id="create-app-auth_strategy_id" name="auth_strategy_id"`, `<option value="`+partner.ID+`"`, "Partner keys (API keys)")

	// A strategy that no API of the portal uses is refused beside the choice, keeping the name.
	refused := v.post("create-app", url.Values{"name": {"Partner app"}, "auth_strategy_id": {"0b5b1c3e-51d4-4bde-8b4b-0d84b2a8b1b1"}})
	refused.mustStatus(t, http.StatusUnprocessableEntity)
	refused.mustContain(t, `id="create-app-auth_strategy_id-error"`, "Choose how the application authenticates", `value="Partner app"`)

	created := v.post("create-app", url.Values{"name": {"Partner app"}, "auth_strategy_id": {partner.ID}})
	app := v.follow(created)
	// Only the API of the application's strategy is offered; the other is counted.
	app.mustContain(t, `<option value="`+partnerAPI+`"`, "1 API of this portal accepts another way of authenticating")
	if strings.Count(app.body, "<option ") != 1 {
		t.Errorf("the register form offers %d APIs, want 1; page:\n%s", strings.Count(app.body, "<option "), app.body)
	}
	key := v.post("create-key", nil).mustStatus(t, http.StatusCreated)
	key.mustContain(t, "in the header <code>x-partner-key</code>")
}

func TestKeyFormSentAgainCreatesNoSecondKey(t *testing.T) {
	s := startSite(t)
	portalID, domain := s.accountPortal()
	s.publishAPI(portalID, "orders", true)
	v := s.approvedDeveloper(portalID, domain, "reload@example.com")
	appID := v.createApp("Reloaded")
	form := v.open("/apps/" + appID)
	v.post("create-key", url.Values{"name": {"first"}}).mustStatus(t, http.StatusCreated)
	// The same post again, as a reload of the page that showed the key sends it.
	v.last = form
	again := v.post("create-key", url.Values{"name": {"first"}})
	again.mustStatus(t, http.StatusConflict)
	again.mustContain(t, `id="create-key-error"`, "A key was created from this form already")
	again.mustNotContain(t, `id="new-key"`)
	if n := strings.Count(again.body, "<tr data-key-id="); n != 1 {
		t.Errorf("%d keys listed, want 1", n)
	}
	// From the page as it is now, another key can be created.
	v.post("create-key", url.Values{"name": {"second"}}).mustStatus(t, http.StatusCreated)
}

func TestRevokedDeveloperLosesTheApplicationsAtOnce(t *testing.T) {
	s := startSite(t)
	portalID, domain := s.accountPortal()
	v := s.approvedDeveloper(portalID, domain, "revoked@example.com")
	v.open("/apps").mustStatus(t, http.StatusOK)
	var out struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	s.admin(http.MethodGet, "/v3/portals/"+portalID+"/developers", nil, http.StatusOK, &out)
	s.admin(http.MethodPatch, "/v3/portals/"+portalID+"/developers/"+out.Data[0].ID, map[string]any{"status": "revoked"}, http.StatusOK, nil)
	v.follow(v.open("/apps")).mustContain(t, `<form id="login"`, "Please log in")
	refused := v.post("login", url.Values{"email": {"revoked@example.com"}, "password": {testPassword}})
	refused.mustStatus(t, http.StatusUnauthorized)
	refused.mustContain(t, `id="login-error"`, "Your access to this portal has been revoked.")
}
