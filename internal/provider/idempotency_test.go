package provider_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// droppingProxy forwards to the backend and, for the first try of each request with an
// Idempotency-Key, drops the connection once the backend has answered: the change is made, and
// the provider cannot tell.
type droppingProxy struct {
	t       *testing.T
	mu      sync.Mutex
	seen    map[string]bool
	dropped int
}

func (p *droppingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		p.t.Errorf("proxy: %v", err)
		return
	}
	req, err := http.NewRequestWithContext(r.Context(), r.Method, acctest.BaseURL()+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		p.t.Errorf("proxy: %v", err)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		p.t.Errorf("proxy: %v", err)
		return
	}
	answer, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		p.t.Errorf("proxy: %v", err)
		return
	}
	key := r.Header.Get(client.IdempotencyKeyHeader)
	p.mu.Lock()
	drop := key != "" && !p.seen[key]
	if drop {
		p.seen[key] = true
		p.dropped++
	}
	p.mu.Unlock()
	if drop {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
		}
		return
	}
	for name, values := range resp.Header {
		w.Header()[name] = values
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(answer)
}

// TestAccIdempotentRetries applies and destroys a configuration through a proxy that drops the
// connection of the first try of every change after the backend made it: each resource is
// created once, the plan after apply is empty, and destroy succeeds.
func TestAccIdempotentRetries(t *testing.T) {
	acctest.PreCheck(t)
	proxy := &droppingProxy{t: t, seen: map[string]bool{}}
	ps := httptest.NewServer(proxy)
	t.Cleanup(ps.Close)
	strategyName, portalName := acctest.RandomName("retry-keys"), acctest.RandomName("retry-portal")
	config := fmt.Sprintf(`
provider "devportal" {
  server_url = %q
}

resource "devportal_application_auth_strategy" "keys" {
  name         = %q
  display_name = "Keys"
  key_auth = {
    key_names = ["x-api-key"]
  }
}

resource "devportal_portal" "test" {
  name = %q
}

resource "devportal_portal_security" "test" {
  portal_id                            = devportal_portal.test.id
  authentication_enabled               = true
  default_application_auth_strategy_id = devportal_application_auth_strategy.keys.id
}

resource "devportal_developer" "ada" {
  portal_id = devportal_portal_security.test.portal_id
  email     = "ada@example.com"
  full_name = "Ada"
  status    = "approved"
}

resource "devportal_application" "test" {
  portal_id    = devportal_portal_security.test.portal_id
  name         = "billing"
  developer_id = devportal_developer.ada.id
}
`, ps.URL+"/"+client.RegionPlaceholder, strategyName, portalName)

	c := acctest.Client(t)
	ctx := context.Background()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(s *terraform.State) error {
				strategies, err := c.FindAuthStrategiesByName(ctx, strategyName)
				if err != nil || len(strategies) != 1 {
					return fmt.Errorf("strategies named %s: %d (%v), want 1", strategyName, len(strategies), err)
				}
				portalID := s.RootModule().Resources["devportal_portal.test"].Primary.ID
				apps, err := c.ListApplications(ctx, portalID, client.ApplicationListOptions{})
				if err != nil || len(apps.Data) != 1 {
					return fmt.Errorf("applications of portal %s: %v (%v), want 1", portalID, apps, err)
				}
				proxy.mu.Lock()
				defer proxy.mu.Unlock()
				if proxy.dropped < 5 {
					return fmt.Errorf("the proxy dropped %d connections, want one per change (5)", proxy.dropped)
				}
				return nil
			},
		}},
		CheckDestroy: func(*terraform.State) error {
			strategies, err := c.FindAuthStrategiesByName(ctx, strategyName)
			if err != nil || len(strategies) != 0 {
				return fmt.Errorf("strategies named %s after destroy: %d (%v)", strategyName, len(strategies), err)
			}
			return nil
		},
	})
}
