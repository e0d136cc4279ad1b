package backend_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/conformance"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

const testToken = "spat_0123456789abcdefghijABCDEFGHIJ0123456789"

// testServer is the real backend behind httptest on loopback, with its own database file.
type testServer struct {
	t      *testing.T
	url    string
	dbPath string
	srv    *backend.Server
	http   *httptest.Server
}

// startServer starts the backend on dbPath (a new database when empty, see pgtest.DB). When the Konnect
// documents are available every response is also checked against them.
func startServer(t *testing.T, dbPath string) *testServer {
	t.Helper()
	if dbPath == "" {
		dbPath = pgtest.DB(t)
	}
	srv, err := backend.New(context.Background(), backend.Config{DBPath: dbPath, AdminToken: testToken})
	if err != nil {
		t.Fatalf("backend.New: %v", err)
	}
	h := srv.Handler()
	if dir, err := conformance.SpecsDir(); err == nil {
		specs, err := conformance.LoadCached(dir)
		if err != nil {
			t.Fatalf("loading Konnect documents: %v", err)
		}
		var rec *conformance.Recorder
		h, rec = conformance.Middleware(specs, h)
		t.Cleanup(func() { rec.Report(t) })
	}
	hs := httptest.NewServer(h)
	ts := &testServer{t: t, url: hs.URL, dbPath: dbPath, srv: srv, http: hs}
	t.Cleanup(ts.stop)
	return ts
}

// stop closes the HTTP server and the database; it is safe to call twice.
func (ts *testServer) stop() {
	if ts.http == nil {
		return
	}
	ts.http.Close()
	if err := ts.srv.Close(); err != nil {
		ts.t.Errorf("closing backend: %v", err)
	}
	ts.http = nil
}

// response is a decoded reply.
type response struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// do sends body (a JSON string, or "" for none) with the admin token and JSON content type.
func (ts *testServer) do(method, path, body string) response {
	ts.t.Helper()
	return ts.doWith(method, path, body, map[string]string{
		"Authorization": "Bearer " + testToken,
		"Content-Type":  "application/json",
	})
}

func (ts *testServer) doWith(method, path, body string, headers map[string]string) response {
	ts.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.url+path, rd)
	if err != nil {
		ts.t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
		if k == "Host" { // the client sends req.Host, not the header
			req.Host = v
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatalf("%s %s: %v", method, path, err)
	}
	raw, err := io.ReadAll(res.Body)
	if err := errors.Join(err, res.Body.Close()); err != nil {
		ts.t.Fatal(err)
	}
	r := response{status: res.StatusCode, header: res.Header, raw: raw}
	if len(bytes.TrimSpace(raw)) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			ts.t.Fatalf("%s %s: body is not JSON: %v\n%s", method, path, err, raw)
		}
	}
	return r
}

// must fails the test unless the reply has the wanted status, and returns its body.
func (r response) must(t *testing.T, status int) map[string]any {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body: %s", r.status, status, r.raw)
	}
	return r.body
}

// problem checks a problem+json reply and returns its body.
func (r response) problem(t *testing.T, status int) map[string]any {
	t.Helper()
	b := r.must(t, status)
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	if b["status"] != float64(status) {
		t.Errorf("problem status %v, want %d", b["status"], status)
	}
	for _, k := range []string{"title", "instance", "detail"} {
		if s, _ := b[k].(string); s == "" {
			t.Errorf("problem has no %s: %s", k, r.raw)
		}
	}
	if inst, _ := b["instance"].(string); !strings.HasPrefix(inst, "kong:trace:") {
		t.Errorf("instance %q does not start with kong:trace:", inst)
	}
	return b
}

// invalidParam returns the invalid_parameters item for field of a 400 reply, failing when absent
// or when its rule differs.
func (r response) invalidParam(t *testing.T, field, rule string) map[string]any {
	t.Helper()
	b := r.problem(t, http.StatusBadRequest)
	items, _ := b["invalid_parameters"].([]any)
	for _, it := range items {
		m := it.(map[string]any)
		if m["field"] == field {
			if m["rule"] != rule {
				t.Errorf("field %s: rule %v, want %s (reason %v)", field, m["rule"], rule, m["reason"])
			}
			if s, _ := m["reason"].(string); s == "" {
				t.Errorf("field %s has no reason", field)
			}
			return m
		}
	}
	t.Fatalf("no invalid parameter %q in %s", field, r.raw)
	return nil
}

func str(v any) string { s, _ := v.(string); return s }

// createPortal creates a portal in the region path prefix ("" for the default) and returns it.
func (ts *testServer) createPortal(prefix, body string) map[string]any {
	ts.t.Helper()
	return ts.do(http.MethodPost, prefix+"/v3/portals", body).must(ts.t, http.StatusCreated)
}

func (ts *testServer) createKeyAuthStrategy(prefix, name string) map[string]any {
	ts.t.Helper()
	return ts.do(http.MethodPost, prefix+"/v2/application-auth-strategies",
		`{"name":"`+name+`","display_name":"Keys","strategy_type":"key_auth","configs":{"key-auth":{"key_names":["x-key"]}}}`).
		must(ts.t, http.StatusCreated)
}
