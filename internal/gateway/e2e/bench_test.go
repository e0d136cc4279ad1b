package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// enforcePoll is how often BenchmarkChangeEnforced asks the node whether a change arrived.
const enforcePoll = 5 * time.Millisecond

// BenchmarkChangeEnforced measures change-to-enforcement latency on loopback: each iteration
// creates a key through the API and times until the node first lets it through, then deletes it
// and times until the node first answers 401. Both clocks start before the API call, so they
// include it, the backend's wake-up of the node's long poll, the node's fetch and compile, and
// at most one poll interval (5 ms). It reports p50, p99 and max in milliseconds for each change;
// run it with a fixed count, e.g. -benchtime 50x.
func BenchmarkChangeEnforced(b *testing.B) {
	requireAcc(b)
	ctx := context.Background()
	c := sharedBackend().adminClient(b, client.DefaultRegion)
	cp := newControlPlane(b, c, client.DefaultRegion, acctest.RandomName("e2e-bench"))
	app := seedKeyAuthApplication(b, c, cp, newUpstream(b))
	node := startNode(b, cp, nodeOptions{})
	if err := node.inSync(ctx); err != nil {
		b.Fatal(err)
	}

	var created, deleted []time.Duration
	for b.Loop() {
		key := newKey()
		start := time.Now()
		cred, err := c.IssueAPIKey(ctx, app.PortalID, app.ApplicationID, client.IssueAPIKeyRequest{Key: key})
		if err != nil {
			b.Fatalf("creating a key: %v", err)
		}
		if err := firstAnswer(node, key, http.StatusOK); err != nil {
			b.Fatal(err)
		}
		created = append(created, time.Since(start))

		start = time.Now()
		if err := c.DeleteCredential(ctx, app.PortalID, app.ApplicationID, cred.ID); err != nil {
			b.Fatalf("deleting key %s: %v", cred.ID, err)
		}
		if err := firstAnswer(node, key, http.StatusUnauthorized); err != nil {
			b.Fatal(err)
		}
		deleted = append(deleted, time.Since(start))
	}
	b.StopTimer()
	reportLatencies(b, "created", created)
	reportLatencies(b, "deleted", deleted)
}

// firstAnswer polls the node with the key every enforcePoll until it answers want, bounded by
// syncTimeout.
func firstAnswer(n *testNode, key string, want int) error {
	deadline := time.Now().Add(syncTimeout)
	last := 0
	for time.Now().Before(deadline) {
		a, err := n.send(http.MethodGet, "/orders", withKey(key))
		if err != nil {
			return err
		}
		if a.Status == want {
			return nil
		}
		last = a.Status
		time.Sleep(enforcePoll)
	}
	return fmt.Errorf("the node still answered %d, not %d, %s after the change", last, want, syncTimeout)
}

// reportLatencies reports the median, the 99th percentile and the maximum of ds in milliseconds.
func reportLatencies(b *testing.B, what string, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	slices.Sort(ds)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(percentile(ds, 50)), what+"-p50-ms")
	b.ReportMetric(ms(percentile(ds, 99)), what+"-p99-ms")
	b.ReportMetric(ms(ds[len(ds)-1]), what+"-max-ms")
}

// percentile returns the p-th percentile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

// keyAuthApplication is an approved application of an approved developer, registered with a
// key-auth API whose service leads to an upstream.
type keyAuthApplication struct {
	PortalID, ApplicationID string
}

// seedKeyAuthApplication sets up through the API what the stacks describe in Terraform, for
// benchmarks, which cannot run Terraform steps: a portal with its default key-auth strategy, an
// API published there and linked to a service whose route /orders leads to the upstream, and an
// approved application registered with it.
func seedKeyAuthApplication(tb testing.TB, c *client.Client, cp controlPlane, up *upstream) keyAuthApplication {
	tb.Helper()
	ctx := context.Background()
	name := acctest.RandomName("e2e-seed")
	host, port := up.hostPort()
	must := func(what string, err error) {
		tb.Helper()
		if err != nil {
			tb.Fatalf("%s: %v", what, err)
		}
	}
	no := false
	portal, err := c.CreatePortal(ctx, client.CreatePortalRequest{Name: name, AutoApproveDevelopers: &no, AutoApproveApplications: &no})
	must("creating portal "+name, err)
	tb.Cleanup(func() { _ = c.DeletePortal(context.Background(), portal.ID, true) })
	api, err := c.CreateAPI(ctx, client.CreateAPIRequest{Name: name})
	must("creating API "+name, err)
	tb.Cleanup(func() {
		_ = c.UnpublishAPI(context.Background(), api.ID, portal.ID)
		_ = c.DeleteAPI(context.Background(), api.ID)
	})
	svcName, routeName := "orders", "orders"
	port64 := int64(port)
	svc, err := c.CreateGatewayService(ctx, cp.ID, client.GatewayServiceRequest{Name: &svcName, Protocol: "http", Host: host, Port: &port64})
	must("creating the gateway service", err)
	tb.Cleanup(func() { _ = c.DeleteGatewayService(context.Background(), cp.ID, svc.ID) })
	route, err := c.CreateGatewayRoute(ctx, cp.ID, client.GatewayRouteRequest{
		Name: &routeName, Paths: []string{"/orders"}, Protocols: []string{"http"}, Service: &client.EntityLink{ID: svc.ID},
	})
	must("creating the route", err)
	tb.Cleanup(func() { _ = c.DeleteGatewayRoute(context.Background(), cp.ID, route.ID) })
	_, err = c.CreateImplementation(ctx, api.ID, cp.ID, svc.ID)
	must("linking the API to the service", err)
	_, err = c.PublishAPI(ctx, api.ID, portal.ID, client.PublishRequest{Visibility: client.VisibilityPrivate})
	must("publishing the API", err)
	dev, err := c.CreateDeveloper(ctx, portal.ID, client.CreateDeveloperRequest{
		Email: name + "@example.com", FullName: "Bench Developer", Status: client.DeveloperApproved,
	})
	must("creating the developer", err)
	app, err := c.CreateApplication(ctx, portal.ID, client.CreateApplicationRequest{Name: name, Owner: client.DeveloperOwner(dev.ID)})
	must("creating the application", err)
	_, err = c.CreateRegistration(ctx, portal.ID, app.ID, client.CreateRegistrationRequest{APIID: api.ID, Status: client.RegistrationApproved})
	must("registering the application", err)
	return keyAuthApplication{PortalID: portal.ID, ApplicationID: app.ID}
}
