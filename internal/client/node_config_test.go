package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// startNodeBackend starts the real backend and returns its URL and an admin client.
func startNodeBackend(t *testing.T) (string, *client.Client) {
	t.Helper()
	const token = "spat_nodetestnodetestnodetestnodetest"
	srv, err := backend.New(context.Background(), backend.Config{DBPath: pgtest.DB(t), AdminToken: token})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		if err := srv.Close(); err != nil {
			t.Errorf("closing backend: %v", err)
		}
	})
	return hs.URL, clientFor(t, hs.URL, token)
}

func clientFor(t *testing.T, url, token string) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{ServerURL: url, Token: token, MaxRetries: -1, RequestTimeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestNodeConfig reads a node configuration through the client, unconditionally and with the
// ETag of the one it has (nil: not modified), and compares it with the expected hash.
func TestNodeConfig(t *testing.T) {
	ctx := context.Background()
	_, c := startNodeBackend(t)
	cp := must(c.CreateControlPlane(ctx, client.CreateControlPlaneRequest{Name: "node-config"}))
	svc := must(c.CreateGatewayService(ctx, cp.ID, client.GatewayServiceRequest{Host: "orders.internal"}))

	cfg := must(c.GetNodeConfig(ctx, cp.ID, "", 0))
	if cfg == nil || len(cfg.ConfigHash) != 64 || cfg.ControlPlaneID != cp.ID || len(cfg.Services) != 1 || cfg.Services[0].ID != svc.ID ||
		cfg.Routes == nil || cfg.Plugins == nil || cfg.Applications == nil {
		t.Fatalf("node config = %+v", cfg)
	}
	if same, err := c.GetNodeConfig(ctx, cp.ID, cfg.ConfigHash, 0); same != nil || err != nil {
		t.Errorf("with the current ETag: %+v, %v; want nil, nil (not modified)", same, err)
	}
	if same, err := c.GetNodeConfig(ctx, cp.ID, cfg.ConfigHash, time.Second); same != nil || err != nil {
		t.Errorf("waiting with the current ETag: %+v, %v; want nil, nil (not modified)", same, err)
	}
	if h := must(c.GetExpectedConfigHash(ctx, cp.ID)); h.ExpectedHash != cfg.ConfigHash || h.CreatedAt == 0 || h.UpdatedAt < h.CreatedAt {
		t.Errorf("expected hash = %+v, want %s", h, cfg.ConfigHash)
	}

	must(c.CreateGatewayRoute(ctx, cp.ID, client.GatewayRouteRequest{Paths: []string{"/orders"}}))
	changed := must(c.GetNodeConfig(ctx, cp.ID, cfg.ConfigHash, 0))
	if changed == nil || changed.ConfigHash == cfg.ConfigHash || len(changed.Routes) != 1 {
		t.Errorf("after a new route: %+v, want a new configuration with the route", changed)
	}
}

// TestNodeTokens issues a node token, uses it as a node does (configuration, ping), checks what
// it may not do, and revokes it.
func TestNodeTokens(t *testing.T) {
	ctx := context.Background()
	url, c := startNodeBackend(t)
	cp := must(c.CreateControlPlane(ctx, client.CreateControlPlaneRequest{Name: "node-tokens"}))
	tok := must(c.CreateNodeToken(ctx, cp.ID, client.NodeTokenRequest{Name: "edge"}))
	if tok.ID == "" || tok.Name != "edge" || len(tok.Token) < 40 || tok.CreatedAt.IsZero() || tok.LastUsedAt != nil {
		t.Fatalf("created token = %+v", tok)
	}
	node := clientFor(t, url, tok.Token)
	cfg := must(node.GetNodeConfig(ctx, cp.ID, "", 0))
	const nodeID = "8a1f6c2e-0d4b-4b7e-9c3a-5e6f7a8b9c0d"
	n := must(node.PingNode(ctx, cp.ID, nodeID, client.NodePing{Hostname: "edge-1", Version: "3.10.0", ConfigHash: cfg.ConfigHash}))
	if n.ID != nodeID || n.ConfigHash != cfg.ConfigHash || n.LastPing == 0 {
		t.Errorf("ping answered %+v", n)
	}
	if nodes := must(c.ListNodes(ctx, cp.ID)); len(nodes) != 1 || nodes[0].ConfigHash != cfg.ConfigHash || nodes[0].Hostname != "edge-1" {
		t.Errorf("nodes = %+v", nodes)
	}
	if _, err := node.CreateNodeToken(ctx, cp.ID, client.NodeTokenRequest{Name: "more"}); !apiStatus(err, http.StatusForbidden) {
		t.Errorf("a node token issuing tokens: err = %v, want 403", err)
	}
	if list := must(c.ListNodeTokens(ctx, cp.ID)); len(list) != 1 || list[0].Token != "" || list[0].LastUsedAt == nil {
		t.Errorf("tokens = %+v, want the used token without its secret", list)
	}
	if got := must(c.GetNodeToken(ctx, cp.ID, tok.ID)); got.Token != "" || got.Name != "edge" {
		t.Errorf("token = %+v", got)
	}
	if err := c.DeleteNodeToken(ctx, cp.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := node.GetNodeConfig(ctx, cp.ID, "", 0); !client.IsUnauthorized(err) {
		t.Errorf("revoked token: err = %v, want 401", err)
	}
	if _, err := c.GetNodeToken(ctx, cp.ID, tok.ID); !client.IsNotFound(err) {
		t.Errorf("deleted token: err = %v, want 404", err)
	}
}

func apiStatus(err error, status int) bool {
	var apiErr *client.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}
