package replicas_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

func TestIdempotencyKeyAcrossReplicasOnSQLite(t *testing.T) {
	testIdempotencyKeyAcrossReplicas(t, filepath.Join(t.TempDir(), "shared.db"))
}

func TestIdempotencyKeyAcrossReplicasOnPostgreSQL(t *testing.T) {
	testIdempotencyKeyAcrossReplicas(t, pgtest.Database(t))
}

// The same request with the same Idempotency-Key, sent to both replicas at once, runs once: every
// sender gets the answer of that one run.
func testIdempotencyKeyAcrossReplicas(t *testing.T, db string) {
	ctx := context.Background()
	replicas := startReplicas(t, db, 2)
	for round := range 5 {
		const senders = 6
		key := fmt.Sprintf("replicas-round-%d", round)
		body := fmt.Sprintf(`{"name":"idempotent-%d","version":"v1"}`, round)
		answers := make([]answer, senders)
		errs := make([]error, senders)
		var wg sync.WaitGroup
		for i := range senders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, replicas[i%len(replicas)]+"/v3/apis", strings.NewReader(body))
				if err != nil {
					errs[i] = err
					return
				}
				req.Header.Set("Authorization", "Bearer "+adminToken)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", key)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					errs[i] = err
					return
				}
				defer func() { _ = res.Body.Close() }()
				answers[i] = answer{status: res.StatusCode, header: res.Header, raw: []byte(readAll(res))}
			}()
		}
		wg.Wait()
		replayed := 0
		for i, a := range answers {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if a.status != http.StatusCreated || string(a.raw) != string(answers[0].raw) {
				t.Errorf("round %d, sender %d: %d %s; the first sender got %d %s", round, i, a.status, a.raw, answers[0].status, answers[0].raw)
			}
			if a.header.Get("Idempotent-Replayed") == "true" {
				replayed++
			}
		}
		if replayed != senders-1 {
			t.Errorf("round %d: %d of %d answers were replays, want all but the first", round, replayed, senders)
		}
		apis, err := adminCaller().listAll(ctx, replicas[0], "/v3/apis?filter[name]=idempotent-"+fmt.Sprint(round))
		if err != nil {
			t.Fatal(err)
		}
		if len(apis) != 1 {
			t.Errorf("round %d: %d APIs exist, want the one the key created", round, len(apis))
		}
	}
}
