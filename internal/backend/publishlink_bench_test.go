package backend_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// BenchmarkPublishAndLink measures one cycle of an API's lifecycle that reconciles the managed
// plugin: publish it with a key-auth strategy, link it to a service, unlink it and unpublish it,
// in a region with 100 and with 10,000 other APIs (every tenth of them published). Indexed
// lookups keep the two within a small factor of each other (1.5x is the goal); a query that
// reads every API or publication of the region shows as a cost that grows with the region.
//
//	go test ./internal/backend -run '^$' -bench PublishAndLink -benchtime 200x
func BenchmarkPublishAndLink(b *testing.B) {
	for _, others := range []int{100, 10_000} {
		b.Run(fmt.Sprintf("apis=%d", others), func(b *testing.B) {
			dbPath := filepath.Join(b.TempDir(), "bench.db")
			srv, err := backend.New(context.Background(), backend.Config{DBPath: dbPath, AdminToken: testToken})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = srv.Close() })
			h := srv.Handler()
			portal := str(benchCall(b, h, http.MethodPost, "/v3/portals", `{"name":"bench","authentication_enabled":true}`, http.StatusCreated)["id"])
			strategy := str(benchCall(b, h, http.MethodPost, "/v2/application-auth-strategies",
				`{"name":"bench-keys","display_name":"Keys","strategy_type":"key_auth","configs":{"key-auth":{"key_names":["apikey"]}}}`,
				http.StatusCreated)["id"])
			cp := str(benchCall(b, h, http.MethodPost, "/v2/control-planes", `{"name":"bench-cp"}`, http.StatusCreated)["id"])
			svc := str(benchCall(b, h, http.MethodPost, "/v2/control-planes/"+cp+"/core-entities/services",
				`{"name":"bench-svc","host":"upstream.internal"}`, http.StatusCreated)["id"])
			api := str(benchCall(b, h, http.MethodPost, "/v3/apis", `{"name":"bench-api"}`, http.StatusCreated)["id"])
			for _, id := range seedAPIs(b, dbPath, others) {
				benchCall(b, h, http.MethodPut, "/v3/apis/"+id+"/publications/"+portal, `{"visibility":"public"}`, http.StatusOK)
			}
			publication := "/v3/apis/" + api + "/publications/" + portal
			publish := `{"auth_strategy_ids":["` + strategy + `"],"visibility":"private"}`
			link := fmt.Sprintf(`{"service":{"control_plane_id":%q,"id":%q}}`, cp, svc)
			b.ResetTimer()
			for b.Loop() {
				benchCall(b, h, http.MethodPut, publication, publish, http.StatusOK)
				im := str(benchCall(b, h, http.MethodPost, "/v3/apis/"+api+"/implementations", link, http.StatusCreated)["id"])
				benchCall(b, h, http.MethodDelete, "/v3/apis/"+api+"/implementations/"+im, "", http.StatusNoContent)
				benchCall(b, h, http.MethodDelete, publication, "", http.StatusNoContent)
			}
		})
	}
}

// seedAPIs inserts n APIs straight into the database, in one transaction, and returns the ids
// of every tenth, for the caller to publish.
func seedAPIs(b *testing.B, dbPath string, n int) []string {
	b.Helper()
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
	var tenth []string
	for i := range n {
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		if _, err := tx.Exec(`INSERT INTO apis (id, region, name, version, description, slug, labels, attributes, created_at, updated_at, version_key)
			VALUES ($1, 'us', $2, NULL, NULL, $2, '{}', '{}', $3, $3, $4)`, id, fmt.Sprintf("other-%05d", i), at, core.APIVersionKey(nil)); err != nil {
			b.Fatal(err)
		}
		if i%10 == 0 {
			tenth = append(tenth, id)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return tenth
}
