package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

const testToken = "spat_0123456789abcdefghijABCDEFGHIJ0123456789"

// syncBuffer collects log output written by concurrent requests.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newTestAPI serves the API on loopback over a fresh database, logging into the returned buffer.
func newTestAPI(t *testing.T, opts ...Option) (*API, *httptest.Server, *syncBuffer) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.WithTx(ctx, func(tx *store.Tx) error {
		return tx.PutBootstrapAdminToken(ctx, core.HashToken(testToken))
	}); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a := New(st, service.New(st, log, service.WithPasswordIterations(1000)), core.DefaultRegion, log, opts...)
	hs := httptest.NewServer(a)
	t.Cleanup(func() {
		hs.Close()
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	return a, hs, logs
}

func call(t *testing.T, hs *httptest.Server, method, path, body string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, hs.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := hs.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	raw, err := io.ReadAll(res.Body)
	if err := errors.Join(err, res.Body.Close()); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, raw
}

func TestPanicAnswers500AndServingGoesOn(t *testing.T) {
	a, hs, logs := newTestAPI(t)
	portal := core.NewPortal(core.PortalInput{Name: core.Val("half-written")}, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", core.DefaultRegion, time.Now())
	a.route("/v3/panics", map[string]handlerFunc{
		http.MethodGet: func(http.ResponseWriter, *http.Request) error { panic("handler bug") },
		http.MethodPost: func(w http.ResponseWriter, r *http.Request) error {
			return a.store.WithTx(r.Context(), func(tx *store.Tx) error {
				if err := tx.InsertPortal(r.Context(), portal); err != nil {
					return err
				}
				panic(errors.New("bug after a write"))
			})
		},
	})

	for _, tc := range []struct{ method, panic string }{{http.MethodGet, "handler bug"}, {http.MethodPost, "bug after a write"}} {
		status, header, raw := call(t, hs, tc.method, "/eu/v3/panics", "")
		if status != http.StatusInternalServerError || header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("%s: status %d, Content-Type %q, want a 500 problem", tc.method, status, header.Get("Content-Type"))
		}
		var p problem
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Fatal(err)
		}
		if p.Status != 500 || !strings.HasPrefix(p.Instance, "kong:trace:") || p.Detail == "" {
			t.Errorf("%s: problem %+v", tc.method, p)
		}
		if strings.Contains(string(raw), tc.panic) {
			t.Errorf("%s: the response shows the panic: %s", tc.method, raw)
		}
		l := logs.String()
		for _, want := range []string{"instance=" + p.Instance, tc.panic, "goroutine", "middleware_test.go",
			"msg=request method=" + tc.method + " path=/eu/v3/panics status=500", "region=eu"} {
			if !strings.Contains(l, want) {
				t.Errorf("%s: log lacks %q:\n%s", tc.method, want, l)
			}
		}
	}

	// The panicked write was rolled back and released the database.
	if status, _, raw := call(t, hs, http.MethodGet, "/v3/portals/"+portal.ID, ""); status != http.StatusNotFound {
		t.Errorf("portal written before the panic: status %d, %s", status, raw)
	}
	if status, _, raw := call(t, hs, http.MethodPost, "/v3/portals", `{"name":"after-panic"}`); status != http.StatusCreated {
		t.Errorf("creating a portal after the panics: status %d, %s", status, raw)
	}
}

func TestAbortHandlerStillAborts(t *testing.T) {
	a, hs, _ := newTestAPI(t)
	a.route("/v3/aborts", map[string]handlerFunc{
		http.MethodGet: func(http.ResponseWriter, *http.Request) error { panic(http.ErrAbortHandler) },
	})
	req, err := http.NewRequest(http.MethodGet, hs.URL+"/v3/aborts", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	if res, err := hs.Client().Do(req); err == nil {
		t.Errorf("aborted request answered %d, want the connection dropped", res.StatusCode)
		if err := res.Body.Close(); err != nil {
			t.Error(err)
		}
	}
}
