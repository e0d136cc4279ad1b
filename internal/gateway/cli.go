package gateway

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// Environment variables of the `gateway` sub-command. The token is read from the environment only,
// so that it never shows in a process list.
const (
	EnvToken        = "DEVPORTAL_TOKEN"
	EnvServerURL    = "DEVPORTAL_SERVER_URL"
	EnvRegion       = "DEVPORTAL_REGION"
	EnvControlPlane = "DEVPORTAL_CONTROL_PLANE"
	EnvListen       = "DEVPORTAL_GATEWAY_LISTEN"
	EnvStatusListen = "DEVPORTAL_GATEWAY_STATUS_LISTEN"
	EnvCacheDir     = "DEVPORTAL_GATEWAY_CACHE_DIR"
	EnvNodeVersion  = "DEVPORTAL_GATEWAY_NODE_VERSION"
	EnvHostname     = "DEVPORTAL_GATEWAY_HOSTNAME"
	EnvSyncWait     = "DEVPORTAL_GATEWAY_SYNC_WAIT"
	EnvPingInterval = "DEVPORTAL_GATEWAY_PING_INTERVAL"
	EnvAccessLog    = "DEVPORTAL_GATEWAY_ACCESS_LOG"
	EnvLogLevel     = "DEVPORTAL_GATEWAY_LOG_LEVEL"
)

// cliOptions are the parsed flags of `gateway`.
type cliOptions struct {
	cfg       Config
	accessLog bool
	logLevel  slog.Level
}

// Main runs the `gateway` sub-command until ctx is cancelled or the process gets SIGINT or
// SIGTERM, then shuts the node down gracefully. It returns the process exit code: 0 after a clean
// shutdown, 2 for usage errors, 1 otherwise. Access log lines go to stdout, the operational log
// to stderr.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		_, _ = fmt.Fprintln(stderr, "gateway:", err)
		return 2
	}
	opts.cfg.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: opts.logLevel}))
	if opts.accessLog {
		opts.cfg.AccessLog = stdout
	}
	if err := runNode(ctx, opts.cfg); err != nil {
		_, _ = fmt.Fprintln(stderr, "gateway:", err)
		return 1
	}
	return 0
}

func runNode(ctx context.Context, cfg Config) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	n, err := New(cfg)
	if err != nil {
		return err
	}
	if err := n.Start(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	cfg.Logger.Info("gateway: shutting down")
	return n.Close()
}

func parseFlags(args []string, stderr io.Writer) (cliOptions, error) {
	var o cliOptions
	c := &o.cfg
	fs := flag.NewFlagSet("gateway", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.ServerURL, "server-url", os.Getenv(EnvServerURL), "backend base `URL`, may contain {region}, e.g. http://127.0.0.1:8080/{region} (env "+EnvServerURL+")")
	fs.StringVar(&c.Region, "region", os.Getenv(EnvRegion), "`region` of the control plane: us, eu, au, me, in or sg; default us (env "+EnvRegion+")")
	fs.StringVar(&c.ControlPlaneID, "control-plane", os.Getenv(EnvControlPlane), "`id` of the control plane whose configuration to enforce (env "+EnvControlPlane+")")
	fs.StringVar(&c.Listen, "listen", envOr(EnvListen, DefaultListen), "proxy `address` host:port; port 0 picks a free port (env "+EnvListen+")")
	fs.StringVar(&c.StatusListen, "status-listen", envOr(EnvStatusListen, DefaultStatusListen), "`address` of /status and /metrics (env "+EnvStatusListen+")")
	fs.StringVar(&c.CacheDir, "cache-dir", os.Getenv(EnvCacheDir), "`directory` keeping the last good configuration and the node id across restarts; none by default (env "+EnvCacheDir+")")
	fs.StringVar(&c.Version, "node-version", envOr(EnvNodeVersion, DefaultVersion), "Kong `version` the node reports (env "+EnvNodeVersion+")")
	fs.StringVar(&c.Hostname, "hostname", os.Getenv(EnvHostname), "`name` the node reports; default the system's host name (env "+EnvHostname+")")
	syncWait := fs.String("sync-wait", envOr(EnvSyncWait, DefaultSyncWait.String()), "`time` the backend may hold a sync request while nothing changes, at most 60s (env "+EnvSyncWait+")")
	pingInterval := fs.String("ping-interval", envOr(EnvPingInterval, DefaultPingInterval.String()), "`time` between two reports to the backend (env "+EnvPingInterval+")")
	accessLog := fs.String("access-log", envOr(EnvAccessLog, "stdout"), "`where` to write one JSON line per request: stdout or off (env "+EnvAccessLog+")")
	logLevel := fs.String("log-level", envOr(EnvLogLevel, "info"), "`level` of the log on stderr: debug, info, warn or error (env "+EnvLogLevel+")")
	fs.Usage = func() {
		_, _ = fmt.Fprintln(stderr, "Usage: terraform-provider-devportal gateway --server-url URL --control-plane ID [flags]")
		_, _ = fmt.Fprintln(stderr, "\nRuns a gateway node: it pulls the control plane's configuration from the backend, enforces")
		_, _ = fmt.Fprintln(stderr, "application auth and proxies to the services. The token comes from $"+EnvToken+" only.")
		_, _ = fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	var err error
	if c.SyncWait, err = positiveDuration("sync-wait", *syncWait); err != nil {
		return o, err
	}
	if c.PingInterval, err = positiveDuration("ping-interval", *pingInterval); err != nil {
		return o, err
	}
	switch *accessLog {
	case "stdout":
		o.accessLog = true
	case "off":
	default:
		return o, fmt.Errorf("invalid --access-log %q: use stdout or off", *accessLog)
	}
	if err := o.logLevel.UnmarshalText([]byte(*logLevel)); err != nil {
		return o, fmt.Errorf("invalid --log-level %q: use debug, info, warn or error", *logLevel)
	}
	if c.ServerURL == "" {
		return o, errors.New("--server-url is required: give the backend's base URL, e.g. http://127.0.0.1:8080/{region}, or set " + EnvServerURL)
	}
	if c.ControlPlaneID == "" {
		return o, errors.New("--control-plane is required: give the control plane's id, or set " + EnvControlPlane)
	}
	c.Token = os.Getenv(EnvToken)
	if c.Token == "" {
		return o, errors.New("$" + EnvToken + " is required: set it to a node token of the control plane (POST /v2/control-planes/{id}/node-tokens)")
	}
	if _, err := c.withDefaults(); err != nil {
		return o, flagError(err)
	}
	return o, nil
}

// flagError names the flag where Config validation names the field.
func flagError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "gateway: ")
	for field, flagName := range map[string]string{
		"ServerURL": "--server-url", "Region": "--region", "StatusListen": "--status-listen", "Listen": "--listen",
		"SyncWait": "--sync-wait", "PingInterval": "--ping-interval", "Hostname": "--hostname",
	} {
		if strings.HasPrefix(msg, field) {
			return errors.New(flagName + strings.TrimPrefix(msg, field))
		}
	}
	return errors.New(msg)
}

func positiveDuration(flagName, s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("invalid --%s %q: use a positive duration such as 30s", flagName, s)
	}
	return d, nil
}

func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}
