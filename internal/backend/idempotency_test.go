package backend_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

const keyAuthStrategyBody = `{"name":"keys","display_name":"Keys","strategy_type":"key_auth","configs":{"key-auth":{"key_names":["x-key"]}}}`

// doKeyed sends an admin request with an Idempotency-Key.
func (ts *testServer) doKeyed(method, path, body, key string) response {
	ts.t.Helper()
	return ts.doWith(method, path, body, map[string]string{
		"Authorization": "Bearer " + testToken, "Content-Type": "application/json", "Idempotency-Key": key,
	})
}

// countStrategies returns how many auth strategies the region of prefix lists.
func (ts *testServer) countStrategies(prefix string) int {
	ts.t.Helper()
	return len(list(ts.t, ts.do(http.MethodGet, prefix+"/v2/application-auth-strategies?page[size]=100", "").must(ts.t, http.StatusOK)))
}

func replayed(r response) bool { return r.header.Get("Idempotent-Replayed") == "true" }

func TestIdempotencyReplaysTheFirstAnswer(t *testing.T) {
	ts := startServer(t, "")

	first := ts.doKeyed(http.MethodPost, "/v2/application-auth-strategies", keyAuthStrategyBody, "create-keys-1")
	first.must(t, http.StatusCreated)
	if replayed(first) {
		t.Error("the first answer is marked as replayed")
	}
	again := ts.doKeyed(http.MethodPost, "/v2/application-auth-strategies", keyAuthStrategyBody, "create-keys-1")
	again.must(t, http.StatusCreated)
	if !replayed(again) || !bytes.Equal(again.raw, first.raw) || again.header.Get("Content-Type") != "application/json" {
		t.Errorf("repeat: replayed %q, content type %q, body\n%s\nwant the first body\n%s",
			again.header.Get("Idempotent-Replayed"), again.header.Get("Content-Type"), again.raw, first.raw)
	}
	if n := ts.countStrategies(""); n != 1 {
		t.Errorf("%d strategies after a repeated create, want 1", n)
	}
	// A new key is a new request.
	ts.doKeyed(http.MethodPost, "/v2/application-auth-strategies", keyAuthStrategyBody, "create-keys-2").must(t, http.StatusCreated)
	if n := ts.countStrategies(""); n != 2 {
		t.Errorf("%d strategies after a create with a new key, want 2", n)
	}

	// A repeated PATCH answers what the first did, and a repeated DELETE 204 instead of 404.
	id := str(first.body["id"])
	patch := ts.doKeyed(http.MethodPatch, "/v2/application-auth-strategies/"+id, `{"display_name":"Renamed"}`, "rename-1")
	patch.must(t, http.StatusOK)
	if r := ts.doKeyed(http.MethodPatch, "/v2/application-auth-strategies/"+id, `{"display_name":"Renamed"}`, "rename-1"); !replayed(r) || !bytes.Equal(r.raw, patch.raw) {
		t.Errorf("repeated PATCH: %d %s", r.status, r.raw)
	}
	ts.doKeyed(http.MethodDelete, "/v2/application-auth-strategies/"+id, "", "delete-1").must(t, http.StatusNoContent)
	if r := ts.doKeyed(http.MethodDelete, "/v2/application-auth-strategies/"+id, "", "delete-1"); r.status != http.StatusNoContent || !replayed(r) {
		t.Errorf("repeated DELETE: %d replayed %v, want the first 204", r.status, replayed(r))
	}
	if r := ts.do(http.MethodDelete, "/v2/application-auth-strategies/"+id, ""); r.status != http.StatusNotFound {
		t.Errorf("DELETE without a key after the delete: %d, want 404", r.status)
	}

	// A client error is an answer too: the repeat gets it again without running.
	bad := ts.doKeyed(http.MethodPost, "/v2/application-auth-strategies", `{"name":"keys"}`, "invalid-1")
	bad.problem(t, http.StatusBadRequest)
	if r := ts.doKeyed(http.MethodPost, "/v2/application-auth-strategies", `{"name":"keys"}`, "invalid-1"); !replayed(r) || !bytes.Equal(r.raw, bad.raw) {
		t.Errorf("repeated invalid request: %d replayed %v", r.status, replayed(r))
	}

	// Reads ignore the header.
	if r := ts.doKeyed(http.MethodGet, "/v2/application-auth-strategies", "", "create-keys-1"); r.status != http.StatusOK || replayed(r) {
		t.Errorf("GET with a used key: %d replayed %v", r.status, replayed(r))
	}
}

func TestIdempotencyKeyOfAnotherRequest(t *testing.T) {
	ts := startServer(t, "")
	ts.doKeyed(http.MethodPost, "/v2/application-auth-strategies", keyAuthStrategyBody, "k1").must(t, http.StatusCreated)
	other := strings.Replace(keyAuthStrategyBody, `"keys"`, `"other"`, 1)
	for _, tt := range []struct{ name, method, path, body string }{
		{"another body", http.MethodPost, "/v2/application-auth-strategies", other},
		{"another region", http.MethodPost, "/eu/v2/application-auth-strategies", keyAuthStrategyBody},
		{"another path", http.MethodPost, "/v3/portals", `{"name":"p"}`},
		{"another query", http.MethodPost, "/v2/application-auth-strategies?x=1", keyAuthStrategyBody},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := ts.doKeyed(tt.method, tt.path, tt.body, "k1").problem(t, http.StatusConflict)
			if d := str(p["detail"]); !strings.Contains(d, "Idempotency-Key") || !strings.Contains(d, "different request") {
				t.Errorf("detail %q does not say that the key was used for a different request", d)
			}
		})
	}
	if n := ts.countStrategies(""); n != 1 {
		t.Errorf("%d strategies, want 1", n)
	}
	if n := ts.countStrategies("/eu"); n != 0 {
		t.Errorf("%d strategies in eu, want 0", n)
	}
}

func TestIdempotencyKeyValidation(t *testing.T) {
	ts := startServer(t, "")
	for _, tt := range []struct{ name, key, rule string }{
		{"too long", strings.Repeat("k", 256), "max_length"},
		{"not ASCII", "clé", "matches_regex"},
		{"control character", "a\tb", "matches_regex"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts.doKeyed(http.MethodPost, "/v2/application-auth-strategies", keyAuthStrategyBody, tt.key).
				invalidParam(t, "Idempotency-Key", tt.rule)
		})
	}
	t.Run("two values", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodPost, ts.url+"/v2/application-auth-strategies", strings.NewReader(keyAuthStrategyBody))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Add("Idempotency-Key", "a")
		req.Header.Add("Idempotency-Key", "b")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("status %d, want 400", res.StatusCode)
		}
	})
	ts.doKeyed(http.MethodPost, "/v2/application-auth-strategies", keyAuthStrategyBody, strings.Repeat("k", 255)).must(t, http.StatusCreated)
	if n := ts.countStrategies(""); n != 1 {
		t.Errorf("%d strategies, want only the one with a valid key", n)
	}
}

func TestIdempotencyConcurrentRepeats(t *testing.T) {
	// Repeats that arrive while the first is running wait for it and replay its answer.
	ts := startServer(t, "")
	const n = 8
	answers := make([]response, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			answers[i] = ts.doKeyed(http.MethodPost, "/v2/application-auth-strategies", keyAuthStrategyBody, "concurrent")
		})
	}
	wg.Wait()
	fresh := 0
	for _, a := range answers {
		a.must(t, http.StatusCreated)
		if !bytes.Equal(a.raw, answers[0].raw) {
			t.Errorf("answers differ:\n%s\n%s", a.raw, answers[0].raw)
		}
		if !replayed(a) {
			fresh++
		}
	}
	if fresh != 1 {
		t.Errorf("%d answers were not replays, want 1", fresh)
	}
	if got := ts.countStrategies(""); got != 1 {
		t.Errorf("%d strategies after %d concurrent repeats, want 1", got, n)
	}
}

// startServerWithToken is startServer with another admin token, on an existing database.
func startServerWithToken(t *testing.T, dbPath, token string) (*httptest.Server, func()) {
	t.Helper()
	srv, err := backend.New(context.Background(), backend.Config{DBPath: dbPath, AdminToken: token})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	return hs, func() {
		hs.Close()
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
	}
}

func TestIdempotencyRecordsOutliveARestartAndBelongToOneCredential(t *testing.T) {
	dbPath := pgtest.DB(t)
	ts := startServer(t, dbPath)
	first := ts.doKeyed(http.MethodPost, "/v2/application-auth-strategies", keyAuthStrategyBody, "shared-key")
	first.must(t, http.StatusCreated)
	ts.stop()

	// The answer is in the database, not in memory: a restarted server replays it.
	ts = startServer(t, dbPath)
	if r := ts.doKeyed(http.MethodPost, "/v2/application-auth-strategies", keyAuthStrategyBody, "shared-key"); !replayed(r) || !bytes.Equal(r.raw, first.raw) {
		t.Errorf("after a restart: %d replayed %v", r.status, replayed(r))
	}
	ts.stop()

	// Another admin token presenting the same key and request runs it: keys belong to a credential.
	const otherToken = "spat_9876543210zyxwvutsrqZYXWVUTSRQ9876543210"
	hs, stop := startServerWithToken(t, dbPath, otherToken)
	defer stop()
	other := &testServer{t: t, url: hs.URL}
	r := other.doWith(http.MethodPost, "/v2/application-auth-strategies", keyAuthStrategyBody, map[string]string{
		"Authorization": "Bearer " + otherToken, "Content-Type": "application/json", "Idempotency-Key": "shared-key",
	})
	r.must(t, http.StatusCreated)
	if replayed(r) || r.body["id"] == first.body["id"] {
		t.Errorf("another credential got the first credential's answer: %s", r.raw)
	}
}

func TestIdempotencyDeveloperAPI(t *testing.T) {
	e := startPortalEnv(t)
	portal := e.createPortal("", `{"name":"keys","authentication_enabled":true,"auto_approve_developers":true,"auto_approve_applications":true}`)
	pid := str(portal["id"])
	base := "/portals/" + pid + "/api/v3"
	ada, bob := e.developer(base), e.developer(base)
	e.signUp(ada, "", pid, "ada@example.com", "Ada")
	e.signUp(bob, "", pid, "bob@example.com", "Bob")
	ada.login("ada@example.com")
	bob.login("bob@example.com")
	keyed := map[string]string{"Idempotency-Key": "dev-key"}

	app := ada.doWith(http.MethodPost, "/applications", `{"name":"invoicing"}`, keyed)
	app.must(t, http.StatusCreated)
	if r := ada.doWith(http.MethodPost, "/applications", `{"name":"invoicing"}`, keyed); !replayed(r) || !bytes.Equal(r.raw, app.raw) {
		t.Errorf("repeated application create: %d replayed %v", r.status, replayed(r))
	}
	if p := ada.doWith(http.MethodPost, "/applications", `{"name":"billing"}`, keyed).problem(t, http.StatusConflict); !strings.Contains(str(p["detail"]), "different request") {
		t.Errorf("key reused for another application: %v", p)
	}
	// Bob's key is his own, even with the same value and request.
	bobs := bob.doWith(http.MethodPost, "/applications", `{"name":"invoicing"}`, keyed)
	bobs.must(t, http.StatusCreated)
	if replayed(bobs) || bobs.body["id"] == app.body["id"] {
		t.Errorf("Bob got Ada's answer: %s", bobs.raw)
	}
	for _, d := range []*developerClient{ada, bob} {
		if n := len(list(t, d.do(http.MethodGet, "/applications", "").must(t, http.StatusOK))); n != 1 {
			t.Errorf("developer has %d applications, want 1", n)
		}
	}

	// The secret of a new key is shown once, so a repeat must show the same one.
	credPath := "/applications/" + str(app.body["id"]) + "/credentials"
	cred := ada.doWith(http.MethodPost, credPath, `{"display_name":"ci"}`, map[string]string{"Idempotency-Key": "cred-key"})
	cred.must(t, http.StatusCreated)
	again := ada.doWith(http.MethodPost, credPath, `{"display_name":"ci"}`, map[string]string{"Idempotency-Key": "cred-key"})
	if !replayed(again) || str(again.body["credential"]) == "" || again.body["credential"] != cred.body["credential"] {
		t.Errorf("repeated key create: replayed %v, secret %v, want %v", replayed(again), again.body["credential"], cred.body["credential"])
	}
	if n := len(list(t, ada.do(http.MethodGet, credPath, "").must(t, http.StatusOK))); n != 1 {
		t.Errorf("%d keys after a repeated create, want 1", n)
	}

	// Anonymous calls have no credential to scope a key to: they ignore it.
	r := ada.doWith(http.MethodPost, "/developer/authenticate", `{"username":"ada@example.com","password":"`+testPassword+`"}`,
		map[string]string{"Idempotency-Key": "login"})
	r.must(t, http.StatusNoContent)
	if r = ada.doWith(http.MethodPost, "/developer/authenticate", `{"username":"ada@example.com","password":"`+testPassword+`"}`,
		map[string]string{"Idempotency-Key": "login"}); replayed(r) {
		t.Error("a login was replayed")
	}
}
