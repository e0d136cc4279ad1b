package e2e_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// ownBackend is a backend one test starts for itself, so that it can stop it and start it again
// on the same address and database without disturbing the other tests.
type ownBackend struct {
	db, token, addr string
	srv             *backend.Server
	hs              *http.Server
	cancel          context.CancelFunc
}

func startOwnBackend(tb testing.TB) *ownBackend {
	tb.Helper()
	b := &ownBackend{db: pgtest.DB(tb), token: "spat_" + rand.Text() + rand.Text(), addr: "127.0.0.1:0"}
	if err := b.start(); err != nil {
		tb.Fatalf("starting a backend: %v", err)
	}
	tb.Cleanup(b.stop)
	return b
}

// start serves the database on b.addr; the first start picks a free port and keeps it.
func (b *ownBackend) start() error {
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := backend.New(ctx, backend.Config{DBPath: b.db, AdminToken: b.token})
	if err != nil {
		cancel()
		return err
	}
	l, err := net.Listen("tcp", b.addr)
	if err != nil {
		cancel()
		return errors.Join(fmt.Errorf("listening on %s again: %w", b.addr, err), srv.Close())
	}
	b.addr = l.Addr().String()
	// Requests inherit ctx, so that stopping ends the nodes' long polls at once.
	b.hs = &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	b.srv, b.cancel = srv, cancel
	go func() { _ = b.hs.Serve(l) }()
	return nil
}

// stop closes the listener and every connection, then the database, as a crash of the host would
// look to the nodes.
func (b *ownBackend) stop() {
	if b.hs == nil {
		return
	}
	b.cancel()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.hs.Shutdown(ctx); err != nil {
		_ = b.hs.Close()
	}
	_ = b.srv.Close()
	b.hs, b.srv = nil, nil
}

func (b *ownBackend) at() backendAt {
	return backendAt{serverURL: "http://" + b.addr + "/" + client.RegionPlaceholder, token: b.token}
}

// providerBlock points Terraform at this backend instead of the shared one.
func (b *ownBackend) providerBlock() string {
	return fmt.Sprintf("provider %q {\n  server_url = %q\n  token      = %q\n}\n", acctest.ProviderName, b.at().serverURL, b.token)
}

// TestAccGateway_backendDown: a node keeps enforcing its last configuration while the backend is
// stopped, and a node restarted meanwhile enforces it from its disk cache; once the backend is
// back, the node syncs from it again.
func TestAccGateway_backendDown(t *testing.T) {
	acctest.PreCheck(t)
	be := startOwnBackend(t)
	admin := be.at().adminClient(t, client.DefaultRegion)
	cp := newControlPlane(t, admin, client.DefaultRegion, acctest.RandomName("e2e-offline"))
	up := newUpstream(t)
	cacheDir := t.TempDir()
	opts := nodeOptions{backend: be.at(), cacheDir: cacheDir, hostname: "e2e-offline"}
	node := startNode(t, cp, opts)
	s := newStack("offline", cp, up)
	s.Provider, s.KeyRegistration, s.Key = be.providerBlock(), client.RegistrationApproved, newKey()
	enforcing := []probe{
		{what: "no key", path: "/orders", status: http.StatusUnauthorized, check: challenged},
		{what: "the key", path: "/orders", header: withKey(s.Key), status: http.StatusOK},
	}

	offline := func(*terraformState) error {
		if err := node.inSync(context.Background()); err != nil {
			return err
		}
		hash := node.ConfigHash()
		be.stop()
		if err := waitStatus(node, "the backend is unreachable", func(st nodeStatus) bool { return !st.BackendReachable }); err != nil {
			return err
		}
		if err := runProbes(node, enforcing...); err != nil {
			return fmt.Errorf("backend stopped: %w", err)
		}

		// A restart while the backend is down runs the cached configuration.
		node.close()
		restarted := startNode(t, cp, opts)
		if err := waitStatus(restarted, "ready from the cache", func(st nodeStatus) bool {
			return st.Ready && st.ConfigSource == "cache" && st.ConfigHash == hash && !st.BackendReachable
		}); err != nil {
			return err
		}
		if err := runProbes(restarted, enforcing...); err != nil {
			return fmt.Errorf("restarted from the cache: %w", err)
		}

		// The backend comes back on the same address; the node syncs from it again.
		if err := be.start(); err != nil {
			return err
		}
		if err := waitStatus(restarted, "synced from the backend again", func(st nodeStatus) bool {
			return st.ConfigSource == "backend" && st.BackendReachable
		}); err != nil {
			return err
		}
		return runProbes(restarted, enforcing...)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: s.HCL(),
			Check:  resource.ComposeTestCheckFunc(node.expect(enforcing...), offline),
		}},
	})
}

// nodeStatus is the part of a node's /status document the tests read.
type nodeStatus struct {
	Ready            bool   `json:"ready"`
	ConfigHash       string `json:"config_hash"`
	ConfigSource     string `json:"config_source"`
	BackendReachable bool   `json:"backend_reachable"`
	Applications     int    `json:"applications"`
	Keys             int    `json:"keys"`
}

// waitStatus polls the node's /status, bounded, until ok accepts it.
func waitStatus(n *testNode, what string, ok func(nodeStatus) bool) error {
	deadline := time.Now().Add(syncTimeout)
	var last nodeStatus
	var lastErr error
	for time.Now().Before(deadline) {
		last, lastErr = n.status()
		if lastErr == nil && ok(last) {
			return nil
		}
		time.Sleep(pollInterval)
	}
	return fmt.Errorf("node status never showed %s within %s: last %+v (%v)", what, syncTimeout, last, lastErr)
}
