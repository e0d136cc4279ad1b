package e2e_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
	"github.com/devportal-labs/terraform-provider-devportal/internal/gateway"
	"github.com/devportal-labs/terraform-provider-devportal/internal/gateway/appauth"
)

// Bounds of the waits below: generous for a busy machine, and never part of what a test asserts.
const (
	syncTimeout  = 60 * time.Second
	pollInterval = 10 * time.Millisecond
	callTimeout  = 30 * time.Second
)

// backendAt is a backend the tests reach: the one acctest starts for the test binary, or one a
// test starts for itself.
type backendAt struct {
	serverURL string // with the {region} placeholder
	token     string // admin token
}

func sharedBackend() backendAt {
	return backendAt{serverURL: acctest.ServerURL(), token: acctest.Token()}
}

// requireAcc skips tb without TF_ACC and fails it when the shared backend is not running. It
// stands in for acctest.PreCheck, which benchmarks cannot call.
func requireAcc(tb testing.TB) {
	tb.Helper()
	if os.Getenv("TF_ACC") == "" {
		tb.Skip("end-to-end tests run only with TF_ACC=1")
	}
	if acctest.BaseURL() == "" {
		tb.Fatal("the backend is not running: call acctest.Main from TestMain and set TF_ACC=1")
	}
}

// adminClient returns an API client of the backend for one region, with the admin token.
func (b backendAt) adminClient(tb testing.TB, region string) *client.Client {
	tb.Helper()
	c, err := client.New(client.Config{
		ServerURL: b.serverURL,
		Region:    region,
		Token:     b.token,
		UserAgent: "terraform-provider-devportal/e2e",
	})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// controlPlane is a control plane made for one test, with a node token to pull its configuration.
type controlPlane struct {
	ID        string
	NodeToken string
	Region    string
}

// newControlPlane creates a control plane and a node token through the API; the control plane is
// deleted when the test ends (after the Terraform objects in it are destroyed).
func newControlPlane(tb testing.TB, c *client.Client, region, name string) controlPlane {
	tb.Helper()
	ctx := context.Background()
	cp, err := c.CreateControlPlane(ctx, client.CreateControlPlaneRequest{Name: name})
	if err != nil {
		tb.Fatalf("creating control plane %s: %v", name, err)
	}
	tb.Cleanup(func() { _ = c.DeleteControlPlane(context.Background(), cp.ID) })
	tok, err := c.CreateNodeToken(ctx, cp.ID, client.NodeTokenRequest{Name: "e2e-node"})
	if err != nil {
		tb.Fatalf("creating a node token for control plane %s: %v", cp.ID, err)
	}
	if tok.Token == "" {
		tb.Fatalf("the node token of control plane %s came without its secret", cp.ID)
	}
	return controlPlane{ID: cp.ID, NodeToken: tok.Token, Region: region}
}

// nodeOptions are what a test changes about the node it starts; zero values take the defaults.
type nodeOptions struct {
	backend  backendAt // default: the shared backend
	version  string    // default: the node's own
	hostname string    // default: a random e2e-… name
	cacheDir string    // default: a temporary directory of the test
}

// testNode is a gateway node running in the test process, with what the test needs to reach it.
type testNode struct {
	*gateway.Node
	tb        testing.TB
	cp        controlPlane
	admin     *client.Client // admin client of the node's backend and region
	http      *http.Client
	closeOnce sync.Once

	// The node's logs, and every key or token sent through it, which the logs must never hold.
	logs, accessLog *lockedBuffer
	secretsMu       sync.Mutex
	secrets         []string
}

// startNode starts a node of the control plane on loopback ports chosen by the system and closes
// it when the test ends; the node's log is printed when the test failed.
func startNode(tb testing.TB, cp controlPlane, opts nodeOptions) *testNode {
	tb.Helper()
	if opts.backend == (backendAt{}) {
		opts.backend = sharedBackend()
	}
	if opts.cacheDir == "" {
		opts.cacheDir = tb.TempDir()
	}
	if opts.hostname == "" {
		opts.hostname = "e2e-" + strings.ToLower(rand.Text()[:8])
	}
	logs, accessLog := &lockedBuffer{}, &lockedBuffer{}
	node, err := gateway.New(gateway.Config{
		ServerURL:      opts.backend.serverURL,
		Region:         cp.Region,
		ControlPlaneID: cp.ID,
		Token:          cp.NodeToken,
		Listen:         "127.0.0.1:0",
		StatusListen:   "127.0.0.1:0",
		CacheDir:       opts.cacheDir,
		Hostname:       opts.hostname,
		Version:        opts.version,
		SyncWait:       20 * time.Second,
		RetryWait:      50 * time.Millisecond,
		PingInterval:   time.Second,
		Logger:         slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		AccessLog:      accessLog,
		// A test's issuer rotates keys at will: the node may fetch its keys again at once.
		IssuerOptions: appauth.IssuerOptions{MinRefetchInterval: -1},
	})
	if err != nil {
		tb.Fatalf("configuring the node: %v", err)
	}
	if err := node.Start(context.Background()); err != nil {
		tb.Fatalf("starting the node: %v", err)
	}
	n := &testNode{
		Node:      node,
		tb:        tb,
		cp:        cp,
		admin:     opts.backend.adminClient(tb, cp.Region),
		http:      &http.Client{Timeout: callTimeout},
		logs:      logs,
		accessLog: accessLog,
	}
	tb.Cleanup(func() {
		n.close()
		n.checkLogsHoldNoSecret()
		if tb.Failed() {
			tb.Logf("log of node %s:\n%s", opts.hostname, logs.String())
		}
	})
	return n
}

// checkLogsHoldNoSecret fails the test when a key or token sent through the node appears in its
// operational or access log, or when requests were sent and the access log is empty.
func (n *testNode) checkLogsHoldNoSecret() {
	n.secretsMu.Lock()
	defer n.secretsMu.Unlock()
	logs, access := n.logs.String(), n.accessLog.String()
	if len(n.secrets) > 0 && access == "" {
		n.tb.Error("requests went through the node, but its access log is empty")
	}
	for _, secret := range n.secrets {
		if strings.Contains(access, secret) || strings.Contains(logs, secret) {
			n.tb.Errorf("the node's logs hold a credential sent to it (%.12s…)", secret)
		}
	}
}

// remember notes the credentials a request carries, in its headers or its query.
func (n *testNode) remember(req *http.Request) {
	n.secretsMu.Lock()
	defer n.secretsMu.Unlock()
	for _, name := range keyNames {
		n.secrets = append(n.secrets, req.Header.Values(name)...)
		n.secrets = append(n.secrets, req.URL.Query()[name]...)
	}
	if auth, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer "); ok {
		n.secrets = append(n.secrets, auth)
	}
}

// inSync waits, bounded, until the node enforces the configuration the backend expects its
// control plane's nodes to run. Tests call it after each change and before they send traffic.
func (n *testNode) inSync(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	var want string
	for {
		h, err := n.admin.GetExpectedConfigHash(ctx, n.cp.ID)
		if err == nil {
			want = h.ExpectedHash
			if want != "" && n.ConfigHash() == want {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("node of control plane %s runs configuration %q, not the expected %q after %s (last error: %v)",
				n.cp.ID, n.ConfigHash(), want, syncTimeout, err)
		case <-time.After(pollInterval):
		}
	}
}

// answer is a response of the node.
type answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// send makes one request through the node's proxy.
func (n *testNode) send(method, path string, header http.Header) (answer, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, n.ProxyURL()+path, nil)
	if err != nil {
		return answer{}, err
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	n.remember(req)
	resp, err := n.http.Do(req)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s through the node: %w", method, path, err)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err := errors.Join(err, resp.Body.Close()); err != nil {
		return answer{}, err
	}
	return answer{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// status reads the node's /status document; its HTTP status must agree with "ready".
func (n *testNode) status() (nodeStatus, error) {
	var st nodeStatus
	resp, err := n.http.Get(n.StatusURL() + "/status")
	if err != nil {
		return st, err
	}
	defer func() { _ = resp.Body.Close() }()
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&st); err != nil {
		return st, fmt.Errorf("decoding /status: %w", err)
	}
	if st.Ready != (resp.StatusCode == http.StatusOK) {
		return st, fmt.Errorf("/status answered %d with ready %v", resp.StatusCode, st.Ready)
	}
	return st, nil
}

// close stops the node before the test ends; the cleanup then has nothing left to do.
func (n *testNode) close() {
	n.closeOnce.Do(func() {
		if err := n.Close(); err != nil {
			n.tb.Errorf("closing the node: %v", err)
		}
	})
}

// probe is one request a test sends through the node and the answer it expects.
type probe struct {
	what   string
	method string // default GET
	path   string
	header http.Header
	status int
	// check, when set, looks further at the answer.
	check func(answer) error
}

// run sends the probe and compares the answer.
func (p probe) run(n *testNode) error {
	method := p.method
	if method == "" {
		method = http.MethodGet
	}
	got, err := n.send(method, p.path, p.header)
	if err != nil {
		return fmt.Errorf("%s: %w", p.what, err)
	}
	if got.Status != p.status {
		return fmt.Errorf("%s: %s %s answered %d, want %d: %s", p.what, method, p.path, got.Status, p.status, got.Body)
	}
	if p.check != nil {
		if err := p.check(got); err != nil {
			return fmt.Errorf("%s: %w", p.what, err)
		}
	}
	return nil
}

// expect returns a Terraform check that waits for the node to run the applied configuration and
// then sends the probes.
func (n *testNode) expect(probes ...probe) func(*terraformState) error {
	return func(*terraformState) error {
		if err := n.inSync(context.Background()); err != nil {
			return err
		}
		return runProbes(n, probes...)
	}
}

func runProbes(n *testNode, probes ...probe) error {
	var errs []error
	for _, p := range probes {
		errs = append(errs, p.run(n))
	}
	return errors.Join(errs...)
}

// withKey returns headers carrying an API key under the strategy's first key name.
func withKey(key string) http.Header { return http.Header{"Apikey": {key}} }

// withBearer returns headers carrying a bearer token.
func withBearer(token string) http.Header { return http.Header{"Authorization": {"Bearer " + token}} }

// challenged checks that a 401 tells the client how to authenticate.
func challenged(a answer) error {
	if a.Header.Get("WWW-Authenticate") == "" {
		return errors.New("401 without WWW-Authenticate")
	}
	return problemJSON(a)
}

// problemJSON checks that an error answer is a problem+json document with its status.
func problemJSON(a answer) error {
	if ct := a.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		return fmt.Errorf("content type %q, want application/problem+json", ct)
	}
	var doc struct {
		Status int    `json:"status"`
		Title  string `json:"title"`
	}
	if err := json.Unmarshal(a.Body, &doc); err != nil {
		return fmt.Errorf("problem body: %w: %s", err, a.Body)
	}
	if doc.Status != a.Status || doc.Title == "" {
		return fmt.Errorf("problem body %s does not match status %d", a.Body, a.Status)
	}
	return nil
}

// lockedBuffer collects a node's log lines from its goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
