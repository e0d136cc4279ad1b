// Package gateway is the data-plane node: it pulls its control plane's configuration from the
// backend through internal/client (never the database), keeps enforcing the last good one while
// the backend is away (in memory and, with a cache directory, across restarts), routes requests
// the way Kong does, enforces the managed application auth plugin and proxies what it allows.
//
// A configuration is compiled into one immutable snapshot and swapped in with a single atomic
// store, so every request sees one whole configuration. The node never fails open: a service that
// carries an enabled plugin the node cannot run answers 503 rather than proxying without it.
package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
	"github.com/devportal-labs/terraform-provider-devportal/internal/gateway/appauth"
)

// DefaultVersion is the Kong version a node reports unless told otherwise.
const DefaultVersion = "3.10.0"

// Defaults of Config.
const (
	DefaultListen       = "127.0.0.1:8000"
	DefaultStatusListen = "127.0.0.1:8100"
	DefaultSyncWait     = 30 * time.Second
	DefaultRetryWait    = time.Second
	DefaultPingInterval = 10 * time.Second
	// maxRetryWait bounds the backoff after repeated sync failures.
	maxRetryWait = 10 * time.Second
	// syncTimeoutMargin is how much longer than the long-poll wait one sync request may take.
	syncTimeoutMargin = 15 * time.Second
	// shutdownTimeout bounds how long in-flight requests may take once Close starts.
	shutdownTimeout = 15 * time.Second
)

// UpstreamTimeouts bound one upstream exchange, as Kong's connect_timeout, write_timeout and
// read_timeout do; a service's own values win over these.
type UpstreamTimeouts struct {
	Connect time.Duration // to open the connection
	Write   time.Duration // to send the request
	Read    time.Duration // between two reads of the response, headers included
}

// defaultUpstreamTimeouts are Kong's service defaults (60000 ms each).
var defaultUpstreamTimeouts = UpstreamTimeouts{Connect: 60 * time.Second, Write: 60 * time.Second, Read: 60 * time.Second}

// Config is what a node needs to run; New fills in the defaults.
type Config struct {
	// ServerURL is the backend's base URL; it may contain {region}.
	ServerURL string
	// Region replaces {region} in ServerURL; default us.
	Region string
	// ControlPlaneID is the control plane whose configuration the node enforces.
	ControlPlaneID string
	// Token is a node token (or an admin token) of that control plane.
	Token string
	// Listen and StatusListen are host:port addresses for the proxy and for /status and /metrics;
	// port 0 picks a free port.
	Listen, StatusListen string
	// CacheDir keeps the last good configuration and the node id across restarts; "" keeps none.
	CacheDir string
	// Hostname is reported to the backend; default os.Hostname().
	Hostname string
	// Version is the Kong version reported to the backend; default DefaultVersion.
	Version string
	// SyncWait is how long the backend may hold a sync request while nothing changes; default 30s.
	SyncWait time.Duration
	// RetryWait is the wait after a failed sync, doubled on each further failure up to 10s;
	// default 1s.
	RetryWait time.Duration
	// PingInterval is how often the node reports itself; default 10s.
	PingInterval time.Duration
	// UpstreamTimeouts apply where a service sets none.
	UpstreamTimeouts
	// Logger receives the operational log; default discards it.
	Logger *slog.Logger
	// AccessLog receives one JSON line per proxied request; nil writes none.
	AccessLog io.Writer
	// IssuerOptions bound the OpenID Connect discovery and JWKS fetches.
	IssuerOptions appauth.IssuerOptions
}

// withDefaults returns cfg with every unset field at its default, or an error naming the first
// field that cannot be used.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.ServerURL == "" {
		return cfg, errors.New("gateway: ServerURL is required: give the backend's base URL, e.g. http://127.0.0.1:8080/{region}")
	}
	if cfg.ControlPlaneID == "" {
		return cfg, errors.New("gateway: ControlPlaneID is required: give the id of the control plane to enforce")
	}
	if cfg.Token == "" {
		return cfg, errors.New("gateway: Token is required: give a node token of the control plane")
	}
	if cfg.Region == "" {
		cfg.Region = client.DefaultRegion
	}
	if err := client.ValidateRegion(cfg.Region); err != nil {
		return cfg, fmt.Errorf("gateway: Region: %w", err)
	}
	if _, err := client.ResolveServerURL(cfg.ServerURL, cfg.Region); err != nil {
		return cfg, fmt.Errorf("gateway: ServerURL: %w", err)
	}
	cfg.Listen = cmp(cfg.Listen, DefaultListen)
	cfg.StatusListen = cmp(cfg.StatusListen, DefaultStatusListen)
	for _, a := range []struct{ field, addr string }{{"Listen", cfg.Listen}, {"StatusListen", cfg.StatusListen}} {
		if _, _, err := net.SplitHostPort(a.addr); err != nil {
			return cfg, fmt.Errorf("gateway: %s %q: use host:port, e.g. 127.0.0.1:8000: %w", a.field, a.addr, err)
		}
	}
	if cfg.Hostname == "" {
		h, err := os.Hostname()
		if err != nil {
			return cfg, fmt.Errorf("gateway: Hostname is unset and the system's is unknown (%w): set it", err)
		}
		cfg.Hostname = h
	}
	cfg.Version = cmp(cfg.Version, DefaultVersion)
	durations := []struct {
		field string
		d     *time.Duration
		def   time.Duration
	}{
		{"SyncWait", &cfg.SyncWait, DefaultSyncWait},
		{"RetryWait", &cfg.RetryWait, DefaultRetryWait},
		{"PingInterval", &cfg.PingInterval, DefaultPingInterval},
		{"UpstreamTimeouts.Connect", &cfg.Connect, defaultUpstreamTimeouts.Connect},
		{"UpstreamTimeouts.Write", &cfg.Write, defaultUpstreamTimeouts.Write},
		{"UpstreamTimeouts.Read", &cfg.Read, defaultUpstreamTimeouts.Read},
	}
	for _, d := range durations {
		if *d.d < 0 {
			return cfg, fmt.Errorf("gateway: %s is %s: use a positive duration or zero for the default %s", d.field, *d.d, d.def)
		}
		if *d.d == 0 {
			*d.d = d.def
		}
	}
	if cfg.SyncWait > client.MaxNodeConfigWait {
		return cfg, fmt.Errorf("gateway: SyncWait is %s: use at most %s, the longest the backend holds a request", cfg.SyncWait, client.MaxNodeConfigWait)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return cfg, nil
}

func cmp(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Node is one data-plane node. Create it with New, run it with Start, stop it with Close.
type Node struct {
	cfg     Config
	log     *slog.Logger
	api     *client.Client // long-poll sync: no retries, the sync loop retries itself
	issuers *appauth.Issuers
	metrics *metrics
	access  *slog.Logger // nil without Config.AccessLog
	proxy   *proxy
	nodeID  string

	current atomic.Pointer[snapshot] // nil until the first configuration
	state   syncState
	pingNow chan struct{}

	proxyLn, statusLn net.Listener
	proxySrv          *http.Server
	statusSrv         *http.Server
	cancel            context.CancelFunc
	wg                sync.WaitGroup
	closeOnce         sync.Once
	closeErr          error
}

// New validates cfg and prepares a node; nothing listens or calls the backend before Start.
func New(cfg Config) (*Node, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	api, err := client.New(client.Config{
		ServerURL:      cfg.ServerURL,
		Region:         cfg.Region,
		Token:          cfg.Token,
		MaxRetries:     -1,
		RequestTimeout: cfg.SyncWait + syncTimeoutMargin,
		UserAgent:      "devportal-gateway/" + cfg.Version,
	})
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	n := &Node{
		cfg:     cfg,
		log:     cfg.Logger,
		api:     api,
		issuers: appauth.NewIssuers(&http.Client{Timeout: 10 * time.Second}, cfg.IssuerOptions),
		pingNow: make(chan struct{}, 1),
	}
	if cfg.AccessLog != nil {
		n.access = slog.New(slog.NewJSONHandler(cfg.AccessLog, nil))
	}
	n.metrics = newMetrics(n)
	n.proxy = newProxy(n)
	return n, nil
}

// Start binds both listeners, loads the disk cache, starts the sync and ping loops and returns
// once the node is listening. The node runs until Close.
func (n *Node) Start(ctx context.Context) error {
	id, err := loadNodeID(n.cfg.CacheDir)
	if err != nil {
		return err
	}
	n.nodeID = id
	if n.proxyLn, err = net.Listen("tcp", n.cfg.Listen); err != nil {
		return fmt.Errorf("gateway: listen on %s (Listen): %w", n.cfg.Listen, err)
	}
	if n.statusLn, err = net.Listen("tcp", n.cfg.StatusListen); err != nil {
		_ = n.proxyLn.Close()
		return fmt.Errorf("gateway: listen on %s (StatusListen): %w", n.cfg.StatusListen, err)
	}
	n.loadCache()

	ctx, n.cancel = context.WithCancel(context.WithoutCancel(ctx))
	n.proxySrv = newServer(n.proxy, n.log)
	n.statusSrv = newServer(n.statusHandler(), n.log)
	n.goRun(func() { serve(n.proxySrv, n.proxyLn, n.log) })
	n.goRun(func() { serve(n.statusSrv, n.statusLn, n.log) })
	n.goRun(func() { n.syncLoop(ctx) })
	n.goRun(func() { n.pingLoop(ctx) })
	n.log.Info("gateway node started", "node_id", n.nodeID, "proxy", n.ProxyURL(), "status", n.StatusURL(),
		"control_plane", n.cfg.ControlPlaneID)
	return nil
}

func (n *Node) goRun(f func()) {
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		f()
	}()
}

// newServer bounds what one client connection may cost the node.
func newServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

func serve(srv *http.Server, ln net.Listener, log *slog.Logger) {
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("gateway: server stopped", "addr", ln.Addr().String(), "error", err)
	}
}

// ProxyURL is the base URL of the proxy listener, e.g. http://127.0.0.1:8000.
func (n *Node) ProxyURL() string { return "http://" + n.proxyLn.Addr().String() }

// StatusURL is the base URL of the status listener (/status, /metrics).
func (n *Node) StatusURL() string { return "http://" + n.statusLn.Addr().String() }

// NodeID is the id the node reports itself under.
func (n *Node) NodeID() string { return n.nodeID }

// ConfigHash is the hash of the configuration the node enforces now; "" before any.
func (n *Node) ConfigHash() string {
	if s := n.current.Load(); s != nil {
		return s.hash
	}
	return ""
}

// Close stops the loops, lets in-flight requests finish (bounded) and closes the listeners.
func (n *Node) Close() error {
	n.closeOnce.Do(func() {
		if n.cancel == nil {
			return
		}
		n.cancel()
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		n.closeErr = errors.Join(n.proxySrv.Shutdown(ctx), n.statusSrv.Shutdown(ctx))
		n.wg.Wait()
		n.proxy.upstreams.closeIdle()
	})
	return n.closeErr
}
