package acctest

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
	"github.com/devportal-labs/terraform-provider-devportal/internal/conformance"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// Backend is a backend that one test starts for itself, when it needs a configuration of its own
// (a mail server, the address of the portals' websites); Terraform reaches it through
// ProviderBlock.
type Backend struct {
	// URL is where it serves, "http://127.0.0.1:PORT", without a trailing slash.
	URL   string
	Token string
}

// StartBackend starts a backend with its own database on a free loopback port and stops it when
// the test ends. configure, when not nil, changes its configuration first; it receives the
// address the backend will serve. The configuration starts as the shared backend's: limits per
// client address raised, as every test client comes from 127.0.0.1. Responses are checked against
// the Konnect documents when they are at hand.
func StartBackend(t testing.TB, configure func(cfg *backend.Config, baseURL string)) *Backend {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &Backend{URL: "http://" + l.Addr().String(), Token: "spat_" + rand.Text() + rand.Text()}
	limits := core.DefaultSelfServiceLimits
	limits.LoginsPerAddress.Max, limits.SignUpsPerAddress.Max, limits.ResetsPerAddress.Max = 100_000, 100_000, 100_000
	cfg := backend.Config{
		DBPath:               pgtest.DB(t),
		AdminToken:           b.Token,
		Limits:               &limits,
		PasswordHashingSlots: 8,
	}
	if configure != nil {
		configure(&cfg, b.URL)
	}
	srv, err := backend.New(context.Background(), cfg)
	if err != nil {
		_ = l.Close()
		t.Fatalf("starting a backend: %v", err)
	}
	handler := srv.Handler()
	var rec *conformance.Recorder
	if dir, err := conformance.SpecsDir(); err == nil {
		specs, err := conformance.LoadCached(dir)
		if err != nil {
			_ = l.Close()
			_ = srv.Close()
			t.Fatal(err)
		}
		handler, rec = conformance.Middleware(specs, handler)
	}
	hs := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(backend.Listener(l)) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := hs.Shutdown(ctx); err != nil {
			_ = hs.Close()
		}
		if err := srv.Close(); err != nil {
			t.Errorf("closing the backend: %v", err)
		}
		if rec != nil {
			if err := rec.Err(); err != nil {
				t.Errorf("responses that break the Konnect documents: %v", err)
			}
		}
	})
	return b
}

// ProviderBlock returns the provider block of a configuration applied to b.
func (b *Backend) ProviderBlock() string {
	return fmt.Sprintf("provider %q {\n  server_url = %q\n  token      = %q\n}\n", ProviderName, b.URL+"/"+client.RegionPlaceholder, b.Token)
}

// Client returns an API client of b for the default region (us), with the admin token.
func (b *Backend) Client(t testing.TB) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{
		ServerURL: b.URL + "/" + client.RegionPlaceholder,
		Region:    client.DefaultRegion,
		Token:     b.Token,
		UserAgent: "terraform-provider-devportal/acctest",
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
