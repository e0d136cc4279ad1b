package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// The backend's limits: keys per application and applications per developer.
const (
	keysPerApp = 20
	appsPerDev = 100
)

// loginPassword is the password of every account the login case signs in with: long and not a
// common one, as the password policy asks.
const loginPassword = "lantern harbour quill 47"

// world is what the cases need of the seeded objects.
type world struct {
	apiIDs         []string // the listed APIs, in creation order
	patchIDs       []string // one API per connection for the PATCH case
	controlPlaneID string
	nodeToken      string
	loginPortalID  string
	loginEmails    []string
}

// seedOptions size the seeded data.
type seedOptions struct {
	apis, keys, logins, workers, maxConns int
}

// seed fills a fresh backend through the admin API: o.apis APIs (every tenth published), one API
// per connection for PATCH, a control plane whose service implements an API published with
// key-auth and o.keys keys of approved applications, and o.logins approved developer accounts with
// passwords on a portal of their own.
func seed(ctx context.Context, c *client.Client, backendAddr string, admin []string, o seedOptions) (*world, error) {
	w := &world{}
	cp, err := c.CreateControlPlane(ctx, client.CreateControlPlaneRequest{Name: "bench"})
	if err != nil {
		return nil, fmt.Errorf("creating the control plane: %w", err)
	}
	w.controlPlaneID = cp.ID
	tok, err := c.CreateNodeToken(ctx, cp.ID, client.NodeTokenRequest{Name: "bench"})
	if err != nil {
		return nil, fmt.Errorf("creating a node token: %w", err)
	}
	w.nodeToken = tok.Token
	portalID, keyAPIID, err := seedGatewayAPI(ctx, c, cp.ID)
	if err != nil {
		return nil, err
	}

	w.apiIDs = make([]string, o.apis)
	if err := parallel(o.workers, o.apis, func(i int) error {
		desc := fmt.Sprintf("API number %d of the benchmark, listed and read.", i)
		a, err := c.CreateAPI(ctx, client.CreateAPIRequest{Name: fmt.Sprintf("bench-api-%04d", i), Description: &desc,
			Labels: map[string]string{"team": "bench"}})
		if err != nil {
			return fmt.Errorf("creating API %d: %w", i, err)
		}
		w.apiIDs[i] = a.ID
		if i%10 == 0 {
			if _, err := c.PublishAPI(ctx, a.ID, portalID, client.PublishRequest{Visibility: client.VisibilityPublic}); err != nil {
				return fmt.Errorf("publishing API %d: %w", i, err)
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	w.patchIDs = make([]string, o.maxConns)
	if err := parallel(o.workers, o.maxConns, func(i int) error {
		a, err := c.CreateAPI(ctx, client.CreateAPIRequest{Name: fmt.Sprintf("bench-patch-%03d", i)})
		if err != nil {
			return fmt.Errorf("creating API to patch %d: %w", i, err)
		}
		w.patchIDs[i] = a.ID
		return nil
	}); err != nil {
		return nil, err
	}
	if err := seedKeys(ctx, c, portalID, keyAPIID, o); err != nil {
		return nil, err
	}
	if o.logins > 0 {
		if err := seedLogins(ctx, c, backendAddr, admin, w, o); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// seedGatewayAPI creates a portal, a gateway service with a route, and an API linked to the
// service and published to the portal with the portal's default (key-auth) strategy.
func seedGatewayAPI(ctx context.Context, c *client.Client, controlPlaneID string) (portalID, apiID string, err error) {
	no := false
	portal, err := c.CreatePortal(ctx, client.CreatePortalRequest{Name: "bench", AutoApproveDevelopers: &no, AutoApproveApplications: &no})
	if err != nil {
		return "", "", fmt.Errorf("creating the portal: %w", err)
	}
	name, port := "bench", int64(9)
	svc, err := c.CreateGatewayService(ctx, controlPlaneID, client.GatewayServiceRequest{Name: &name, Protocol: "http", Host: "127.0.0.1", Port: &port})
	if err != nil {
		return "", "", fmt.Errorf("creating the gateway service: %w", err)
	}
	if _, err := c.CreateGatewayRoute(ctx, controlPlaneID, client.GatewayRouteRequest{
		Name: &name, Paths: []string{"/bench"}, Protocols: []string{"http"}, Service: &client.EntityLink{ID: svc.ID},
	}); err != nil {
		return "", "", fmt.Errorf("creating the route: %w", err)
	}
	api, err := c.CreateAPI(ctx, client.CreateAPIRequest{Name: "bench-keys"})
	if err != nil {
		return "", "", fmt.Errorf("creating the keyed API: %w", err)
	}
	if _, err := c.CreateImplementation(ctx, api.ID, controlPlaneID, svc.ID); err != nil {
		return "", "", fmt.Errorf("linking the keyed API to the service: %w", err)
	}
	if _, err := c.PublishAPI(ctx, api.ID, portal.ID, client.PublishRequest{Visibility: client.VisibilityPrivate}); err != nil {
		return "", "", fmt.Errorf("publishing the keyed API: %w", err)
	}
	return portal.ID, api.ID, nil
}

// seedKeys creates enough developers and approved applications registered with apiID to hold
// o.keys keys, and the keys.
func seedKeys(ctx context.Context, c *client.Client, portalID, apiID string, o seedOptions) error {
	apps := (o.keys + keysPerApp - 1) / keysPerApp
	devs := (apps + appsPerDev - 1) / appsPerDev
	devIDs := make([]string, devs)
	if err := parallel(o.workers, devs, func(i int) error {
		d, err := c.CreateDeveloper(ctx, portalID, client.CreateDeveloperRequest{
			Email: fmt.Sprintf("bench-dev-%d@example.com", i), FullName: fmt.Sprintf("Bench Developer %d", i), Status: client.DeveloperApproved,
		})
		if err != nil {
			return fmt.Errorf("creating developer %d: %w", i, err)
		}
		devIDs[i] = d.ID
		return nil
	}); err != nil {
		return err
	}
	return parallel(o.workers, apps, func(i int) error {
		app, err := c.CreateApplication(ctx, portalID, client.CreateApplicationRequest{
			Name: fmt.Sprintf("bench-app-%d", i), Owner: client.DeveloperOwner(devIDs[i/appsPerDev]),
		})
		if err != nil {
			return fmt.Errorf("creating application %d: %w", i, err)
		}
		if _, err := c.CreateRegistration(ctx, portalID, app.ID, client.CreateRegistrationRequest{APIID: apiID, Status: client.RegistrationApproved}); err != nil {
			return fmt.Errorf("registering application %d: %w", i, err)
		}
		for k := i * keysPerApp; k < min((i+1)*keysPerApp, o.keys); k++ {
			if _, err := c.IssueAPIKey(ctx, portalID, app.ID, client.IssueAPIKeyRequest{Key: "bench-" + rand.Text() + rand.Text()}); err != nil {
				return fmt.Errorf("creating key %d of application %d: %w", k, i, err)
			}
		}
		return nil
	})
}

// seedLogins signs o.logins developers up on a portal that approves them, the way a developer
// does it: sign-up, the verification token from the outbox, then a password. Each request comes
// "through" the trusted loopback proxy from an address of its own, so that the per-address
// sign-up limit does not refuse the later ones.
func seedLogins(ctx context.Context, c *client.Client, backendAddr string, admin []string, w *world, o seedOptions) error {
	yes := true
	portal, err := c.CreatePortal(ctx, client.CreatePortalRequest{Name: "bench-login", AuthenticationEnabled: &yes, AutoApproveDevelopers: &yes})
	if err != nil {
		return fmt.Errorf("creating the login portal: %w", err)
	}
	w.loginPortalID = portal.ID
	base := "/portals/" + portal.ID + "/api/v3/developer"
	w.loginEmails = make([]string, o.logins)
	return parallel(min(o.workers, 2), o.logins, func(i int) error {
		cn := newConn(backendAddr)
		defer cn.close()
		email := fmt.Sprintf("bench-login-%d@example.com", i)
		w.loginEmails[i] = email
		from := []string{forwardedFor(int64(i))}
		if _, err := cn.expect(201, "POST", base, from, mustJSON(map[string]string{"email": email, "full_name": "Bench Login"})); err != nil {
			return err
		}
		token, err := outboxToken(cn, admin, portal.ID, email)
		if err != nil {
			return err
		}
		body, err := cn.expect(202, "POST", base+"/verify-email", from, mustJSON(map[string]string{"token": token}))
		if err != nil {
			return err
		}
		var reset struct{ Token string }
		if err := json.Unmarshal(body, &reset); err != nil || reset.Token == "" {
			return fmt.Errorf("verify-email of %s answered no reset token: %.200s", email, body)
		}
		// Setting a password hashes it; while the server's hashing slots are all busy it answers
		// 429, and the request is repeated.
		for try := 0; ; try++ {
			status, out, err := cn.do("POST", base+"/reset-password", from, mustJSON(map[string]string{"token": reset.Token, "password": loginPassword}))
			switch {
			case err != nil:
				return err
			case status == 204:
				return nil
			case status != 429 || try == 600:
				return fmt.Errorf("POST %s/reset-password: HTTP %d, expected 204: %.300s", base, status, out)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}

// outboxToken finds the verification token mailed to email in the portal's outbox.
func outboxToken(cn *conn, admin []string, portalID, email string) (string, error) {
	path := "/v3/portals/" + url.PathEscape(portalID) + "/outbox?page%5Bsize%5D=100"
	for number := 1; number <= 100; number++ {
		body, err := cn.expect(200, "GET", fmt.Sprintf("%s&page%%5Bnumber%%5D=%d", path, number), admin, nil)
		if err != nil {
			return "", fmt.Errorf("reading the outbox: %w", err)
		}
		var page struct {
			Data []struct{ To, Token string }
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return "", fmt.Errorf("reading the outbox: %w", err)
		}
		for _, m := range page.Data {
			if m.To == email && m.Token != "" {
				return m.Token, nil
			}
		}
		if len(page.Data) < 100 {
			break
		}
	}
	return "", errors.New("no verification message to " + email + " in the outbox")
}

// forwardedFor is an X-Forwarded-For header naming a client address of its own for n.
func forwardedFor(n int64) string {
	return fmt.Sprintf("X-Forwarded-For: 10.%d.%d.%d", (n>>16)&255, (n>>8)&255, n&255)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// parallel runs f(0) … f(n-1) on up to workers goroutines and returns the first error; after an
// error no new calls start.
func parallel(workers, n int, f func(i int) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  int
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if first != nil || next >= n {
			return 0, false
		}
		next++
		return next - 1, true
	}
	for range min(workers, n) {
		wg.Go(func() {
			for i, ok := take(); ok; i, ok = take() {
				if err := f(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return first
}
