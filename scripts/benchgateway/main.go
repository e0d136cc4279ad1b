// Command benchgateway is the Go side of scripts/bench-gateway.sh: it seeds a backend through
// internal/client with a key-auth API behind a gateway service and many application keys, and runs
// the loopback upstream the benchmark proxies to.
//
//	benchgateway seed --server-url URL --keys N --upstream-port P   (admin token in DEVPORTAL_TOKEN)
//	benchgateway upstream --listen 127.0.0.1:0
//	benchgateway plain-proxy --listen 127.0.0.1:0 --upstream URL
//	benchgateway free-port
//
// seed prints shell assignments (control_plane_id, node_token, key, seed_seconds) for eval.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// The backend's limits: keys per application and applications per developer.
const (
	keysPerApp = 20
	appsPerDev = 100
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "seed":
		err = seedCommand(os.Args[2:])
	case "upstream":
		err = upstreamCommand(os.Args[2:])
	case "plain-proxy":
		err = plainProxyCommand(os.Args[2:])
	case "free-port":
		err = freePort()
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchgateway:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: benchgateway seed|upstream|plain-proxy|free-port [flags]")
	os.Exit(2)
}

// freePort prints a loopback port that was free a moment ago, for servers that cannot pick one.
func freePort() error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer func() { _ = l.Close() }()
	_, err = fmt.Println(l.Addr().(*net.TCPAddr).Port)
	return err
}

// upstreamCommand serves a small JSON answer to every request until SIGINT or SIGTERM, printing
// its address first.
func upstreamCommand(args []string) error {
	fs := flag.NewFlagSet("upstream", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:0", "address to listen on")
	_ = fs.Parse(args)
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("--listen %s: %w", *listen, err)
	}
	body := []byte(`{"status":"ok"}`)
	return serveUntilSignal(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}), "upstream")
}

// serveUntilSignal serves h on l until SIGINT or SIGTERM, printing what listens where first.
func serveUntilSignal(l net.Listener, h http.Handler, what string) error {
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: h}
	fmt.Printf("%s listening on http://%s\n", what, l.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// plainProxyCommand serves the standard library's reverse proxy alone, without routing, auth or
// metrics, with the node's idle-connection and buffer settings: the floor a node built on it can
// reach, measured beside the node.
func plainProxyCommand(args []string) error {
	fs := flag.NewFlagSet("plain-proxy", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:0", "address to listen on")
	upstream := fs.String("upstream", "", "URL of the upstream")
	_ = fs.Parse(args)
	target, err := url.Parse(*upstream)
	if err != nil || target.Host == "" {
		return fmt.Errorf("--upstream %q must be the upstream's URL", *upstream)
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("--listen %s: %w", *listen, err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.Transport = &http.Transport{Proxy: nil, MaxIdleConns: 512, MaxIdleConnsPerHost: 128, IdleConnTimeout: 90 * time.Second}
	rp.BufferPool = &bufferPool{pool: sync.Pool{New: func() any { return new([32 * 1024]byte) }}}
	return serveUntilSignal(l, rp, "plain proxy")
}

type bufferPool struct{ pool sync.Pool }

func (b *bufferPool) Get() []byte  { return b.pool.Get().(*[32 * 1024]byte)[:] }
func (b *bufferPool) Put(p []byte) { b.pool.Put((*[32 * 1024]byte)(p)) }

// seedOptions are the seed command's flags.
type seedOptions struct {
	serverURL    string
	name         string
	keys         int
	upstreamPort int
	workers      int
}

func seedCommand(args []string) error {
	fs := flag.NewFlagSet("seed", flag.ExitOnError)
	var o seedOptions
	fs.StringVar(&o.serverURL, "server-url", "", "backend base URL")
	fs.StringVar(&o.name, "name", "bench", "prefix of the objects' names")
	fs.IntVar(&o.keys, "keys", 10_000, "number of API keys to create")
	fs.IntVar(&o.upstreamPort, "upstream-port", 0, "port of the upstream on 127.0.0.1")
	fs.IntVar(&o.workers, "workers", 8, "concurrent requests while seeding")
	_ = fs.Parse(args)
	token := os.Getenv("DEVPORTAL_TOKEN")
	switch {
	case o.serverURL == "":
		return errors.New("--server-url is required: the backend's base URL")
	case token == "":
		return errors.New("DEVPORTAL_TOKEN must hold the backend's admin token")
	case o.keys < 1:
		return errors.New("--keys must be at least 1")
	case o.upstreamPort < 1 || o.upstreamPort > 65535:
		return errors.New("--upstream-port must be the upstream's port")
	case o.workers < 1:
		return errors.New("--workers must be at least 1")
	}
	c, err := client.New(client.Config{ServerURL: o.serverURL, Token: token, UserAgent: "benchgateway"})
	if err != nil {
		return err
	}
	start := time.Now()
	out, err := seed(context.Background(), c, o)
	if err != nil {
		return err
	}
	fmt.Printf("control_plane_id=%s\nnode_token=%s\nkey=%s\nseed_seconds=%.1f\n",
		out.controlPlaneID, out.nodeToken, out.key, time.Since(start).Seconds())
	return nil
}

// seeded is what the benchmark needs of the seeded objects.
type seeded struct {
	controlPlaneID, nodeToken, key string
}

// seed creates a control plane with a node token, a service leading to the upstream and its route
// /bench, an API linked to it and published with a portal's key-auth strategy, and enough
// developers and approved applications to hold o.keys keys. The first key is returned.
func seed(ctx context.Context, c *client.Client, o seedOptions) (seeded, error) {
	var out seeded
	cp, err := c.CreateControlPlane(ctx, client.CreateControlPlaneRequest{Name: o.name})
	if err != nil {
		return out, fmt.Errorf("creating control plane %s: %w", o.name, err)
	}
	out.controlPlaneID = cp.ID
	tok, err := c.CreateNodeToken(ctx, cp.ID, client.NodeTokenRequest{Name: o.name})
	if err != nil {
		return out, fmt.Errorf("creating a node token: %w", err)
	}
	out.nodeToken = tok.Token
	portalID, apiID, err := seedAPI(ctx, c, cp.ID, o)
	if err != nil {
		return out, err
	}

	apps := (o.keys + keysPerApp - 1) / keysPerApp
	devs := (apps + appsPerDev - 1) / appsPerDev
	devIDs := make([]string, devs)
	if err := parallel(o.workers, devs, func(i int) error {
		d, err := c.CreateDeveloper(ctx, portalID, client.CreateDeveloperRequest{
			Email: fmt.Sprintf("%s-dev-%d@example.com", o.name, i), FullName: fmt.Sprintf("Bench Developer %d", i), Status: client.DeveloperApproved,
		})
		if err != nil {
			return fmt.Errorf("creating developer %d: %w", i, err)
		}
		devIDs[i] = d.ID
		return nil
	}); err != nil {
		return out, err
	}
	keys := make([]string, o.keys)
	for i := range keys {
		keys[i] = "bench-" + rand.Text() + rand.Text()
	}
	out.key = keys[0]
	err = parallel(o.workers, apps, func(i int) error {
		app, err := c.CreateApplication(ctx, portalID, client.CreateApplicationRequest{
			Name: fmt.Sprintf("%s-app-%d", o.name, i), Owner: client.DeveloperOwner(devIDs[i/appsPerDev]),
		})
		if err != nil {
			return fmt.Errorf("creating application %d: %w", i, err)
		}
		if _, err := c.CreateRegistration(ctx, portalID, app.ID, client.CreateRegistrationRequest{APIID: apiID, Status: client.RegistrationApproved}); err != nil {
			return fmt.Errorf("registering application %d: %w", i, err)
		}
		for k := i * keysPerApp; k < min((i+1)*keysPerApp, o.keys); k++ {
			if _, err := c.IssueAPIKey(ctx, portalID, app.ID, client.IssueAPIKeyRequest{Key: keys[k]}); err != nil {
				return fmt.Errorf("creating key %d of application %d: %w", k, i, err)
			}
		}
		return nil
	})
	return out, err
}

// seedAPI creates the portal, the gateway service and route, and the API linked to the service and
// published to the portal with the portal's own key-auth strategy.
func seedAPI(ctx context.Context, c *client.Client, controlPlaneID string, o seedOptions) (portalID, apiID string, err error) {
	no := false
	portal, err := c.CreatePortal(ctx, client.CreatePortalRequest{Name: o.name, AutoApproveDevelopers: &no, AutoApproveApplications: &no})
	if err != nil {
		return "", "", fmt.Errorf("creating portal %s: %w", o.name, err)
	}
	name, port := "bench", int64(o.upstreamPort)
	svc, err := c.CreateGatewayService(ctx, controlPlaneID, client.GatewayServiceRequest{Name: &name, Protocol: "http", Host: "127.0.0.1", Port: &port})
	if err != nil {
		return "", "", fmt.Errorf("creating the gateway service: %w", err)
	}
	if _, err := c.CreateGatewayRoute(ctx, controlPlaneID, client.GatewayRouteRequest{
		Name: &name, Paths: []string{"/bench"}, Protocols: []string{"http"}, Service: &client.EntityLink{ID: svc.ID},
	}); err != nil {
		return "", "", fmt.Errorf("creating the route: %w", err)
	}
	api, err := c.CreateAPI(ctx, client.CreateAPIRequest{Name: o.name})
	if err != nil {
		return "", "", fmt.Errorf("creating API %s: %w", o.name, err)
	}
	if _, err := c.CreateImplementation(ctx, api.ID, controlPlaneID, svc.ID); err != nil {
		return "", "", fmt.Errorf("linking the API to the service: %w", err)
	}
	if _, err := c.PublishAPI(ctx, api.ID, portal.ID, client.PublishRequest{Visibility: client.VisibilityPrivate}); err != nil {
		return "", "", fmt.Errorf("publishing the API: %w", err)
	}
	return portal.ID, api.ID, nil
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
