package backend_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
)

// benchCall sends one admin request straight to the handler and decodes a JSON answer.
func benchCall(b *testing.B, h http.Handler, method, path, body string, want int) map[string]any {
	b.Helper()
	req := httptest.NewRequest(method, path, bytes.NewBufferString(body))
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Fatalf("%s %s: status %d, want %d: %s", method, path, rec.Code, want, rec.Body)
	}
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return out
}

// seedNodeConfig makes a control plane whose one API is published on a portal with apps
// applications of keysPerApp keys each, all registered, and returns the control plane's id.
func seedNodeConfig(b *testing.B, h http.Handler, dbPath string, apps, keysPerApp int) string {
	b.Helper()
	portal := str(benchCall(b, h, http.MethodPost, "/v3/portals", `{"name":"bench","authentication_enabled":true}`, http.StatusCreated)["id"])
	strategy := str(benchCall(b, h, http.MethodPost, "/v2/application-auth-strategies",
		`{"name":"bench-keys","display_name":"Keys","strategy_type":"key_auth","configs":{"key-auth":{"key_names":["apikey"]}}}`,
		http.StatusCreated)["id"])
	cp := str(benchCall(b, h, http.MethodPost, "/v2/control-planes", `{"name":"bench-cp"}`, http.StatusCreated)["id"])
	api := str(benchCall(b, h, http.MethodPost, "/v3/apis", `{"name":"bench-api","version":"v1"}`, http.StatusCreated)["id"])
	svc := str(benchCall(b, h, http.MethodPost, "/v2/control-planes/"+cp+"/core-entities/services",
		`{"name":"bench-svc","host":"upstream.internal"}`, http.StatusCreated)["id"])
	benchCall(b, h, http.MethodPost, "/v3/apis/"+api+"/implementations",
		fmt.Sprintf(`{"service":{"control_plane_id":%q,"id":%q}}`, cp, svc), http.StatusCreated)
	benchCall(b, h, http.MethodPut, "/v3/apis/"+api+"/publications/"+portal,
		`{"auth_strategy_ids":["`+strategy+`"],"visibility":"private"}`, http.StatusOK)

	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)")
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	tx, err := db.BeginTx(context.Background(), nil)
	if err != nil {
		b.Fatal(err)
	}
	const at = "2026-01-01T00:00:00.000000Z"
	exec := func(q string, args ...any) {
		if _, err := tx.Exec(q, args...); err != nil {
			b.Fatal(err)
		}
	}
	exec(`INSERT INTO developers (id, region, portal_id, email, full_name, status, password_hash, email_verified, created_at, updated_at)
		VALUES ('bench-dev', 'us', $1, 'bench@example.com', 'Bench', 'approved', NULL, 1, $2, $2)`, portal, at)
	for a := range apps {
		app := fmt.Sprintf("bench-app-%06d", a)
		exec(`INSERT INTO applications (id, region, portal_id, developer_id, name, description, auth_strategy_id, client_id, labels, created_at, updated_at)
			VALUES ($1, 'us', $2, 'bench-dev', $1, NULL, $3, $1, '{}', $4, $4)`, app, portal, strategy, at)
		exec(`INSERT INTO application_registrations (id, region, portal_id, application_id, api_id, status, created_at, updated_at)
			VALUES ($1, 'us', $2, $3, $4, 'approved', $5, $5)`, "reg-"+app, portal, app, api, at)
		for k := range keysPerApp {
			key := fmt.Sprintf("%s-key-%02d", app, k)
			exec(`INSERT INTO api_keys (id, region, application_id, display_name, key_hash, hint, origin, expires_at, created_at)
				VALUES ($1, 'us', $2, 'k', $3, 'hint', 'generated', NULL, $4)`, key, app, sha256Hex(key), at)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return cp
}

// BenchmarkNodeConfig measures the node configuration of a control plane with 10,000
// applications and 100,000 keys: computed after every write ("compute"), and answered from the
// cache between writes ("cached"), as most polls of many nodes are.
func BenchmarkNodeConfig(b *testing.B) {
	dbPath := filepath.Join(b.TempDir(), "bench.db")
	srv, err := backend.New(context.Background(), backend.Config{DBPath: dbPath, AdminToken: testToken})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	h := srv.Handler()
	cp := seedNodeConfig(b, h, dbPath, 10_000, 10)
	path := "/v2/control-planes/" + cp + "/node-config"
	get := func(b *testing.B) int {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		return rec.Body.Len()
	}
	b.Run("compute", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			// Any committed write makes the next read compute the configuration again.
			benchCall(b, h, http.MethodPatch, "/v2/control-planes/"+cp, fmt.Sprintf(`{"description":"run %d"}`, i), http.StatusOK)
			b.StartTimer()
			b.SetBytes(int64(get(b)))
		}
	})
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.SetBytes(int64(get(b)))
		}
	})
}
