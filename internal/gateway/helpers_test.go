package gateway

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// testBackend is the bundled backend, in-process on 127.0.0.1 with a temporary database.
type testBackend struct {
	url, token string
	admin      *client.Client
	stopOnce   sync.Once
	stopFn     func()
}

func startBackend(tb testing.TB) *testBackend {
	tb.Helper()
	token := "spat_" + rand.Text() + rand.Text()
	srv, err := backend.New(context.Background(), backend.Config{
		DBPath:     pgtest.DB(tb),
		AdminToken: token,
	})
	if err != nil {
		tb.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	b := &testBackend{url: hs.URL, token: token}
	b.stopFn = func() {
		hs.CloseClientConnections()
		hs.Close()
		if err := srv.Close(); err != nil {
			tb.Errorf("closing the backend: %v", err)
		}
	}
	tb.Cleanup(b.stop)
	b.admin, err = client.New(client.Config{ServerURL: b.serverURL(), Token: token, MaxRetries: -1})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func (b *testBackend) serverURL() string { return b.url + "/{region}" }

// stop takes the backend away, as an outage would.
func (b *testBackend) stop() { b.stopOnce.Do(b.stopFn) }

// must returns v, and panics on err: for set-up steps that cannot fail unless the test is broken.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// createPlugin adds a plugin through the Kong core-entities API, which the client has no call for.
func (b *testBackend) createPlugin(tb testing.TB, controlPlaneID, serviceID, name string) {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"name": name, "config": map[string]any{}})
	u := fmt.Sprintf("%s/v2/control-planes/%s/core-entities/services/%s/plugins", b.url, controlPlaneID, serviceID)
	req, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+b.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusCreated {
		msg, _ := io.ReadAll(resp.Body)
		tb.Fatalf("creating plugin %s: %d %s", name, resp.StatusCode, msg)
	}
}

// echoed is what the test upstream saw of a request.
type echoed struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	// EscapedPath is the path as it came over the wire, percent-encoding kept.
	EscapedPath string      `json:"escaped_path"`
	Query       string      `json:"query"`
	Host        string      `json:"host"`
	Header      http.Header `json:"header"`
}

// startUpstream is a loopback upstream that answers every request with what it saw of it; under
// /slow it answers only when the request is abandoned (bounded).
func startUpstream(tb testing.TB) *httptest.Server {
	tb.Helper()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(echoed{Method: r.Method, Path: r.URL.Path, EscapedPath: r.URL.EscapedPath(), Query: r.URL.RawQuery, Host: r.Host, Header: r.Header})
	}))
	tb.Cleanup(hs.Close)
	return hs
}

// closedPort is a loopback port where nothing listens.
func closedPort(tb testing.TB) int64 {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	return int64(port)
}

func hostPort(tb testing.TB, rawURL string) (string, int64) {
	tb.Helper()
	u := must(url.Parse(rawURL))
	port := must(strconv.ParseInt(u.Port(), 10, 64))
	return u.Hostname(), port
}

func ptr[T any](v T) *T { return &v }

// startNode runs a node of controlPlaneID against b until the test ends.
func startNode(tb testing.TB, b *testBackend, controlPlaneID, token string, edit func(*Config)) *Node {
	tb.Helper()
	cfg := Config{
		ServerURL:      b.serverURL(),
		ControlPlaneID: controlPlaneID,
		Token:          token,
		Listen:         "127.0.0.1:0",
		StatusListen:   "127.0.0.1:0",
		Hostname:       "node-under-test",
		SyncWait:       time.Second,
		RetryWait:      20 * time.Millisecond,
		PingInterval:   200 * time.Millisecond,
	}
	if edit != nil {
		edit(&cfg)
	}
	n := must(New(cfg))
	if err := n.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := n.Close(); err != nil {
			tb.Errorf("closing the node: %v", err)
		}
	})
	return n
}

// eventually polls cond every 10 ms until it holds, for at most 15 s.
func eventually(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	for range 1500 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	tb.Fatalf("still waiting after 15s: %s", what)
}

// waitInSync waits until the node enforces the configuration the backend expects now.
func waitInSync(tb testing.TB, b *testBackend, n *Node, controlPlaneID string) string {
	tb.Helper()
	want := must(b.admin.GetExpectedConfigHash(context.Background(), controlPlaneID)).ExpectedHash
	eventually(tb, "node enforcing configuration "+want, func() bool { return n.ConfigHash() == want })
	return want
}

// answer is one response of the node, its body read.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) echoed(tb testing.TB) echoed {
	tb.Helper()
	var e echoed
	if err := json.Unmarshal(a.body, &e); err != nil {
		tb.Fatalf("not an upstream echo (%d): %s", a.status, a.body)
	}
	return e
}

func (a answer) problem(tb testing.TB) problem {
	tb.Helper()
	var p problem
	if ct := a.header.Get("Content-Type"); ct != "application/problem+json" {
		tb.Fatalf("Content-Type %q, want application/problem+json; body %s", ct, a.body)
	}
	if err := json.Unmarshal(a.body, &p); err != nil || p.Status != a.status {
		tb.Fatalf("problem body %s (err %v) does not match status %d", a.body, err, a.status)
	}
	return p
}

func do(tb testing.TB, method, rawURL string, header map[string]string) answer {
	tb.Helper()
	req := must(http.NewRequest(method, rawURL, nil))
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body := must(io.ReadAll(resp.Body))
	return answer{status: resp.StatusCode, header: resp.Header, body: body}
}
