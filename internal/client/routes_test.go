package client_test

import (
	"context"
	"slices"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// TestGatewayRoutes drives a route through the client against the real backend: defaults on
// creation, replacement, the service's route list, the refusal to delete a routed service, and
// deletion.
func TestGatewayRoutes(t *testing.T) {
	ctx := context.Background()
	c := newBackendClient(t)
	cp := must(c.CreateControlPlane(ctx, client.CreateControlPlaneRequest{Name: "routes"}))
	svc := must(c.CreateGatewayService(ctx, cp.ID, client.GatewayServiceRequest{Host: "orders.internal"}))

	name := "orders"
	rt := must(c.CreateGatewayRoute(ctx, cp.ID, client.GatewayRouteRequest{
		Name: &name, Paths: []string{"/orders"}, Service: &client.EntityLink{ID: svc.ID},
	}))
	if !slices.Equal(rt.Protocols, client.DefaultRouteProtocols) || !rt.StripPath || rt.PreserveHost ||
		rt.HTTPSRedirectStatusCode != client.DefaultRouteHTTPSRedirectStatusCode || rt.PathHandling != client.DefaultRoutePathHandling ||
		rt.Service == nil || rt.Service.ID != svc.ID {
		t.Errorf("created route = %+v", rt)
	}
	if got := must(c.GetGatewayRoute(ctx, cp.ID, "orders")); got.ID != rt.ID {
		t.Errorf("route by name = %s, want %s", got.ID, rt.ID)
	}

	stripPath := false
	replaced := must(c.ReplaceGatewayRoute(ctx, cp.ID, rt.ID, client.GatewayRouteRequest{
		Name: &name, Hosts: []string{"api.example.com"}, Methods: []string{"GET"}, Protocols: []string{"http", "https"},
		StripPath: &stripPath, Service: &client.EntityLink{ID: svc.ID},
	}))
	if replaced.Paths != nil || replaced.StripPath || !slices.Equal(replaced.Hosts, []string{"api.example.com"}) || replaced.CreatedAt != rt.CreatedAt {
		t.Errorf("replaced route = %+v", replaced)
	}
	if list := must(c.ListGatewayServiceRoutes(ctx, cp.ID, svc.ID)); len(list) != 1 || list[0].ID != rt.ID {
		t.Errorf("service routes = %+v", list)
	}

	if _, err := c.CreateGatewayRoute(ctx, cp.ID, client.GatewayRouteRequest{Name: &name, Paths: []string{"/x"}}); !client.IsConflict(err) {
		t.Errorf("duplicate name: err = %v, want 409", err)
	}
	if _, err := c.CreateGatewayRoute(ctx, cp.ID, client.GatewayRouteRequest{Paths: []string{"x"}}); !client.IsBadRequest(err) {
		t.Errorf("relative path: err = %v, want 400", err)
	}
	if err := c.DeleteGatewayService(ctx, cp.ID, svc.ID); !client.IsConflict(err) {
		t.Errorf("deleting a routed service: err = %v, want 409", err)
	}

	if err := c.DeleteGatewayRoute(ctx, cp.ID, rt.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetGatewayRoute(ctx, cp.ID, rt.ID); !client.IsNotFound(err) {
		t.Errorf("deleted route: err = %v, want 404", err)
	}
	if list := must(c.ListGatewayRoutes(ctx, cp.ID)); len(list) != 0 {
		t.Errorf("routes after delete = %+v", list)
	}
}
