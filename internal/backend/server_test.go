package backend_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

func TestAuthentication(t *testing.T) {
	ts := startServer(t, "")
	cases := map[string]map[string]string{
		"no header":    {},
		"wrong token":  {"Authorization": "Bearer spat_notthetokennotthetokennotthetoken"},
		"wrong scheme": {"Authorization": "Basic " + testToken},
		"empty bearer": {"Authorization": "Bearer "},
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			b := ts.doWith(http.MethodGet, "/v3/portals", "", h).problem(t, http.StatusUnauthorized)
			if b["title"] != "Unauthorized" {
				t.Errorf("title = %v", b["title"])
			}
		})
	}
	ts.doWith(http.MethodGet, "/eu/v2/application-auth-strategies", "", map[string]string{}).problem(t, http.StatusUnauthorized)
	ts.do(http.MethodGet, "/v3/portals", "").must(t, http.StatusOK)
}

func TestHealthz(t *testing.T) {
	ts := startServer(t, "")
	res := ts.doWith(http.MethodGet, "/healthz", "", nil)
	if res.status != http.StatusOK {
		t.Fatalf("status %d", res.status)
	}
}

func TestProtocolErrors(t *testing.T) {
	ts := startServer(t, "")
	auth := map[string]string{"Authorization": "Bearer " + testToken}

	t.Run("415 for a non-JSON body", func(t *testing.T) {
		h := map[string]string{"Authorization": "Bearer " + testToken, "Content-Type": "text/plain"}
		ts.doWith(http.MethodPost, "/v3/portals", `{"name":"x"}`, h).problem(t, http.StatusUnsupportedMediaType)
		ts.doWith(http.MethodPost, "/v2/application-auth-strategies", `{"name":"x"}`, auth).problem(t, http.StatusUnsupportedMediaType)
	})
	t.Run("JSON with parameters is accepted", func(t *testing.T) {
		h := map[string]string{"Authorization": "Bearer " + testToken, "Content-Type": "application/json; charset=utf-8"}
		ts.doWith(http.MethodPost, "/v3/portals", `{"name":"charset"}`, h).must(t, http.StatusCreated)
	})
	t.Run("400 for a missing body", func(t *testing.T) {
		ts.do(http.MethodPost, "/v3/portals", "").invalidParam(t, "body", "required")
	})
	t.Run("405 for a wrong method", func(t *testing.T) {
		r := ts.do(http.MethodPut, "/v3/portals", `{}`)
		r.problem(t, http.StatusMethodNotAllowed)
		if allow := r.header.Get("Allow"); allow != "GET, POST" {
			t.Errorf("Allow = %q", allow)
		}
		ts.do(http.MethodPost, "/v3/portals/9a7b6c5d-1234-4abc-8def-0123456789ab", `{}`).problem(t, http.StatusMethodNotAllowed)
	})
	t.Run("404 for an unknown path", func(t *testing.T) {
		ts.do(http.MethodGet, "/v3/nothing", "").problem(t, http.StatusNotFound)
		ts.do(http.MethodGet, "/xx/v3/portals", "").problem(t, http.StatusNotFound)
	})
}

func TestDataSurvivesRestart(t *testing.T) {
	ts := startServer(t, "")
	p := ts.createPortal("", `{"name":"durable","description":"kept"}`)
	s := ts.createKeyAuthStrategy("/sg", "sg-keys")
	path := "/v3/portals/" + str(p["id"]) + "/authentication-settings"
	ts.do(http.MethodPatch, path, `{"konnect_mapping_enabled":true}`).must(t, http.StatusOK)
	ts.stop()

	again := startServer(t, ts.dbPath)
	got := again.do(http.MethodGet, "/v3/portals/"+str(p["id"]), "").must(t, http.StatusOK)
	if got["description"] != "kept" || got["updated_at"] != p["updated_at"] || got["default_application_auth_strategy_id"] != p["default_application_auth_strategy_id"] {
		t.Errorf("after restart = %v\nbefore = %v", got, p)
	}
	if b := again.do(http.MethodGet, path, "").must(t, http.StatusOK); b["konnect_mapping_enabled"] != true {
		t.Errorf("auth settings after restart = %v", b)
	}
	again.do(http.MethodGet, "/sg/v2/application-auth-strategies/"+str(s["id"]), "").must(t, http.StatusOK)
}

func TestNewValidatesConfig(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]backend.Config{
		"missing token":  {DBPath: dir + "/a.db"},
		"bad prefix":     {DBPath: dir + "/a.db", AdminToken: "xyz_0123456789abcdefghij0123"},
		"short token":    {DBPath: dir + "/a.db", AdminToken: "spat_short"},
		"unknown region": {DBPath: dir + "/a.db", AdminToken: testToken, DefaultRegion: "mars"},
		"no database":    {AdminToken: testToken},
	}
	for name, cfg := range cases {
		t.Run(name, func(t *testing.T) {
			if srv, err := backend.New(context.Background(), cfg); err == nil {
				if err := srv.Close(); err != nil {
					t.Error(err)
				}
				t.Fatal("New accepted an invalid configuration")
			}
		})
	}
}

func TestDefaultRegionAndTokenRotation(t *testing.T) {
	dbPath := pgtest.DB(t)
	srv, err := backend.New(context.Background(), backend.Config{DBPath: dbPath, AdminToken: testToken, DefaultRegion: "eu"})
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{t: t, srv: srv, dbPath: dbPath}
	hs := httptest.NewServer(srv.Handler())
	ts.url, ts.http = hs.URL, hs
	t.Cleanup(ts.stop)

	p := ts.createPortal("", `{"name":"in-eu"}`)
	if !strings.HasSuffix(str(p["default_domain"]), ".eu.portal.localhost") {
		t.Errorf("default region portal domain = %v", p["default_domain"])
	}
	ts.do(http.MethodGet, "/eu/v3/portals/"+str(p["id"]), "").must(t, http.StatusOK)
	ts.do(http.MethodGet, "/us/v3/portals/"+str(p["id"]), "").problem(t, http.StatusNotFound)
	ts.stop()

	// A new bootstrap token replaces the previous one.
	const next = "kpat_abcdefghijklmnopqrstuvwxyz0123456789"
	srv2, err := backend.New(context.Background(), backend.Config{DBPath: dbPath, AdminToken: next})
	if err != nil {
		t.Fatal(err)
	}
	hs2 := httptest.NewServer(srv2.Handler())
	ts2 := &testServer{t: t, url: hs2.URL, srv: srv2, http: hs2}
	defer ts2.stop()
	ts2.do(http.MethodGet, "/v3/portals", "").problem(t, http.StatusUnauthorized)
	ts2.doWith(http.MethodGet, "/eu/v3/portals", "", map[string]string{"Authorization": "Bearer " + next}).must(t, http.StatusOK)
}
