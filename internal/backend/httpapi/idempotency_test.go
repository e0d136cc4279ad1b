package httpapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// testClock is a settable clock for the API.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func keyedCall(t *testing.T, url, method, path, body, key string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(core.IdempotencyKeyHeader, key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(res.Body)
	if err := errors.Join(err, res.Body.Close()); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, raw
}

func countRecords(t *testing.T, a *API) int {
	t.Helper()
	var n int
	err := a.store.View(context.Background(), func(tx *store.Tx) error {
		var err error
		n, err = tx.CountIdempotencyRecords(context.Background())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

const strategyBody = `{"name":"keys","display_name":"Keys","strategy_type":"key_auth","configs":{"key-auth":{"key_names":["x-key"]}}}`

func TestIdempotencyRecordsExpireAfterADay(t *testing.T) {
	a, hs, _ := newTestAPI(t)
	clock := &testClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	a.now = clock.Now

	status, _, first := keyedCall(t, hs.URL, http.MethodPost, "/v2/application-auth-strategies", strategyBody, "day-key")
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, first)
	}
	clock.advance(core.IdempotencyRetention - time.Second)
	status, header, again := keyedCall(t, hs.URL, http.MethodPost, "/v2/application-auth-strategies", strategyBody, "day-key")
	if status != http.StatusCreated || header.Get(core.IdempotentReplayedHeader) != "true" || string(again) != string(first) {
		t.Fatalf("repeat within the day: %d replayed %q", status, header.Get(core.IdempotentReplayedHeader))
	}
	clock.advance(time.Second)
	status, header, later := keyedCall(t, hs.URL, http.MethodPost, "/v2/application-auth-strategies", strategyBody, "day-key")
	if status != http.StatusCreated || header.Get(core.IdempotentReplayedHeader) != "" || string(later) == string(first) {
		t.Fatalf("repeat after the day: %d replayed %q, want a new strategy", status, header.Get(core.IdempotentReplayedHeader))
	}
	// The expired record was replaced; another day on, a request with a new key purges it.
	clock.advance(core.IdempotencyRetention)
	if status, _, raw := keyedCall(t, hs.URL, http.MethodPost, "/v2/application-auth-strategies", strategyBody, "next-key"); status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, raw)
	}
	if n := countRecords(t, a); n != 1 {
		t.Errorf("%d records stored, want only the live one", n)
	}
}

func TestIdempotencyDoesNotKeepFailedRequests(t *testing.T) {
	// A request that fails with 5xx or 429 leaves nothing: neither its work nor its answer, so
	// that its retry runs again and can succeed.
	a, hs, _ := newTestAPI(t)
	for _, status := range []int{http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusTooManyRequests} {
		var calls int
		portal := core.NewPortal(core.PortalInput{Name: core.Val("flaky")}, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", core.DefaultRegion, time.Now())
		a.mux = http.NewServeMux()
		a.route("/v3/flaky", map[string]handlerFunc{
			http.MethodPost: func(w http.ResponseWriter, r *http.Request) error {
				calls++
				err := a.store.WithTx(r.Context(), func(tx *store.Tx) error { return tx.InsertPortal(r.Context(), portal) })
				if err != nil {
					return err
				}
				if calls == 1 {
					writeProblem(w, status, "try again", nil)
					return nil
				}
				writeJSON(w, http.StatusCreated, map[string]string{"id": portal.ID})
				return nil
			},
		})
		got, _, raw := keyedCall(t, hs.URL, http.MethodPost, "/v3/flaky", "{}", "flaky-"+http.StatusText(status))
		if got != status {
			t.Fatalf("first try: %d %s, want %d", got, raw, status)
		}
		var exists bool
		if err := a.store.View(context.Background(), func(tx *store.Tx) error {
			_, err := tx.GetPortal(context.Background(), core.DefaultRegion, portal.ID)
			exists = err == nil
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if exists {
			t.Errorf("%d: the work of the failed try was kept", status)
		}
		got, header, raw := keyedCall(t, hs.URL, http.MethodPost, "/v3/flaky", "{}", "flaky-"+http.StatusText(status))
		if got != http.StatusCreated || header.Get(core.IdempotentReplayedHeader) != "" || calls != 2 {
			t.Errorf("%d: retry answered %d %s after %d calls, want a fresh 201", status, got, raw, calls)
		}
		if err := a.store.WithTx(context.Background(), func(tx *store.Tx) error {
			return tx.DeletePortal(context.Background(), core.DefaultRegion, portal.ID)
		}); err != nil {
			t.Fatal(err)
		}
	}
}
