// Package cli implements the `serve` sub-command that runs the bundled backend.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/mail"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// DBEnv names the environment variable that supplies the database when --db is not given.
const DBEnv = "DEVPORTAL_DB"

// TokenEnv names the environment variable that supplies the bootstrap admin token.
const TokenEnv = "DEVPORTAL_ADMIN_TOKEN"

// TrustedProxiesEnv names the environment variable that supplies --trusted-proxy when the flag is
// not given.
const TrustedProxiesEnv = "DEVPORTAL_TRUSTED_PROXIES"

// PortalURLEnv names the environment variable that supplies --portal-url when the flag is not given.
const PortalURLEnv = "DEVPORTAL_PORTAL_URL"

// shutdownTimeout bounds how long in-flight requests may take once shutdown starts.
const shutdownTimeout = 15 * time.Second

// options are the parsed flags of `serve`.
type options struct {
	listen, db, region, tokenFile string
	portalURL                     string // "" until the listener's port is known
	smtpFlags                     smtpFlags
	smtp                          *mail.SMTPConfig // nil: messages stay in the outbox
	logLevel                      slog.Level
	trustedProxies                proxyList
	limits                        serverLimits
}

// proxyList is the value of --trusted-proxy: addresses and CIDR ranges, comma-separated, the flag
// repeatable.
type proxyList []netip.Prefix

func (l *proxyList) String() string {
	parts := make([]string, len(*l))
	for i, p := range *l {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}

func (l *proxyList) Set(s string) error {
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			addr, aerr := netip.ParseAddr(item)
			if aerr != nil {
				return fmt.Errorf("%q is neither an IP address nor a CIDR range such as 10.0.0.0/8", item)
			}
			p = netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen())
		}
		*l = append(*l, p.Masked())
	}
	return nil
}

// serverLimits bound what one connection may cost the server: slow or stalled clients are cut
// off, oversized headers refused. Bodies are bounded by the API itself (1 MiB).
type serverLimits struct {
	readHeaderTimeout time.Duration // to read the request line and headers
	readTimeout       time.Duration // to read the whole request, body included
	writeTimeout      time.Duration // from the end of the headers to the end of the response
	idleTimeout       time.Duration // a kept-alive connection waiting for its next request
	maxHeaderBytes    int           // request line and headers
}

// defaultLimits are the flags' defaults, listed in the README's serve table.
var defaultLimits = serverLimits{
	readHeaderTimeout: 10 * time.Second,
	readTimeout:       30 * time.Second,
	writeTimeout:      60 * time.Second,
	idleTimeout:       120 * time.Second,
	maxHeaderBytes:    64 << 10,
}

// newHTTPServer builds the server that serves h within limits.
func newHTTPServer(h http.Handler, limits serverLimits, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: limits.readHeaderTimeout,
		ReadTimeout:       limits.readTimeout,
		WriteTimeout:      limits.writeTimeout,
		IdleTimeout:       limits.idleTimeout,
		MaxHeaderBytes:    limits.maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// Serve runs the backend until ctx is cancelled or the process gets SIGINT or SIGTERM, then
// stops accepting connections, lets in-flight requests finish (bounded) and closes the database.
// It returns the process exit code: 0 after a clean shutdown, 2 for usage errors, 1 otherwise.
// With "backup" as its first argument it copies the database instead (see backup).
func Serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "backup" {
		return backup(ctx, args[1:], stdout, stderr)
	}
	opts, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		writeLine(stderr, "serve:", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: opts.logLevel}))
	if err := run(ctx, opts, stdout, log); err != nil {
		writeLine(stderr, "serve:", err)
		return 1
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8080", "`address` to listen on; port 0 picks a free port")
	fs.StringVar(&o.db, "db", defaultDB, "`database`: an SQLite file (or sqlite:FILE), created if missing, or a postgres:// URL; default $"+DBEnv+", else "+defaultDB)
	fs.StringVar(&o.region, "default-region", core.DefaultRegion, "`region` also served at / (one of "+strings.Join(core.Regions, ", ")+")")
	fs.StringVar(&o.tokenFile, "token-file", "", "admin token `file`: read if it exists, else created with a new token (mode 0600); default devportal-admin-token next to the database")
	fs.TextVar(&o.logLevel, "log-level", slog.LevelInfo, "`level` of the log on stderr: debug, info (one line per request), warn or error")
	fs.Var(&o.trustedProxies, "trusted-proxy", "reverse proxy `addresses` (IPs or CIDR ranges, comma-separated, repeatable) whose X-Forwarded-For, "+
		"-Proto and -Host are believed; default $"+TrustedProxiesEnv+", else none")
	fs.StringVar(&o.portalURL, "portal-url", "", "`template` of each portal's website address in the links of messages to developers, "+
		"{domain} standing for the portal's domain; default $"+PortalURLEnv+", else http://{domain}:<port of --listen>")
	o.smtpFlags.register(fs)
	fs.DurationVar(&o.limits.readHeaderTimeout, "read-header-timeout", defaultLimits.readHeaderTimeout, "`time` a client has to send the request line and headers")
	fs.DurationVar(&o.limits.readTimeout, "read-timeout", defaultLimits.readTimeout, "`time` a client has to send a whole request, body included")
	fs.DurationVar(&o.limits.writeTimeout, "write-timeout", defaultLimits.writeTimeout, "`time` from the end of a request's headers to the end of its response; a node-config request held with wait=N extends its own to N seconds plus 30 s")
	fs.DurationVar(&o.limits.idleTimeout, "idle-timeout", defaultLimits.idleTimeout, "`time` a kept-alive connection may wait for its next request")
	fs.IntVar(&o.limits.maxHeaderBytes, "max-header-bytes", defaultLimits.maxHeaderBytes, "largest request line and headers, in `bytes`; larger ones get 431")
	fs.Usage = func() {
		writeLine(stderr, "Usage: terraform-provider-devportal serve [flags]")
		writeLine(stderr, "\nRuns the bundled devportal backend. The admin token comes from $"+TokenEnv+" when set, else from the token file.")
		writeLine(stderr, "`serve backup --to FILE` writes a consistent copy of the SQLite database, also while serve runs.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if env, ok := os.LookupEnv(TrustedProxiesEnv); ok && len(o.trustedProxies) == 0 {
		if err := o.trustedProxies.Set(env); err != nil {
			return o, fmt.Errorf("$%s: %w", TrustedProxiesEnv, err)
		}
	}
	portalURLSource := "--portal-url"
	if env, ok := os.LookupEnv(PortalURLEnv); ok && o.portalURL == "" {
		o.portalURL, portalURLSource = env, "$"+PortalURLEnv
	}
	if err := checkPortalURL(o.portalURL); err != nil {
		return o, fmt.Errorf("invalid %s %q: %w", portalURLSource, o.portalURL, err)
	}
	var err error
	if o.smtp, err = o.smtpFlags.config(); err != nil {
		return o, err
	}
	if !core.IsRegion(o.region) {
		return o, fmt.Errorf("invalid --default-region %q: use one of %s", o.region, strings.Join(core.Regions, ", "))
	}
	dbSource := "--db"
	if env, ok := os.LookupEnv(DBEnv); ok && !flagGiven(fs, "db") {
		o.db, dbSource = env, "$"+DBEnv
	}
	if o.db == "" || o.db == "sqlite:" {
		return o, fmt.Errorf("%s must not be empty: give an SQLite file or a postgres:// URL", dbSource)
	}
	for _, t := range []struct {
		flag string
		d    time.Duration
	}{{"read-header-timeout", o.limits.readHeaderTimeout}, {"read-timeout", o.limits.readTimeout},
		{"write-timeout", o.limits.writeTimeout}, {"idle-timeout", o.limits.idleTimeout}} {
		if t.d <= 0 {
			return o, fmt.Errorf("invalid --%s %s: use a positive duration such as 30s", t.flag, t.d)
		}
	}
	if o.limits.maxHeaderBytes < 4096 {
		return o, fmt.Errorf("invalid --max-header-bytes %d: use at least 4096", o.limits.maxHeaderBytes)
	}
	if o.tokenFile == "" {
		o.tokenFile = defaultTokenFile(o.db)
	}
	return o, nil
}

// defaultDB is the database serve opens when neither --db nor DBEnv names one.
const defaultDB = "./devportal.db"

// flagGiven reports whether the command line set the flag name.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// defaultTokenFile is where the admin token is kept when --token-file is not given: next to an
// SQLite database, and in the working directory for a PostgreSQL one, which has no directory.
func defaultTokenFile(db string) string {
	const name = "devportal-admin-token"
	if store.IsPostgresURL(db) {
		return name
	}
	return filepath.Join(filepath.Dir(strings.TrimPrefix(db, "sqlite:")), name)
}

func run(ctx context.Context, o options, stdout io.Writer, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	token, err := adminToken(o.tokenFile, stdout)
	if err != nil {
		return err
	}
	// The listener comes first: the default portal address needs its port, which --listen may leave
	// to the system.
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.listen, err)
	}
	portalURL := o.portalURL
	if portalURL == "" {
		portalURL = defaultPortalURL(ln.Addr())
	}
	srv, err := backend.New(ctx, backend.Config{DBPath: o.db, DefaultRegion: o.region, AdminToken: token, Logger: log,
		TrustedProxies: o.trustedProxies, PortalURL: portalURL, SMTP: o.smtp})
	if err != nil {
		return errors.Join(err, ln.Close())
	}
	hs := newHTTPServer(srv.Handler(), o.limits, log)
	// The address line is how callers learn the port when --listen asks for port 0: without it
	// the server is unreachable, so a failed write stops it.
	if _, err := fmt.Fprintf(stdout, "devportal backend listening on http://%s\n", ln.Addr()); err != nil {
		return errors.Join(fmt.Errorf("announce address: %w", err), ln.Close(), srv.Close())
	}

	served := make(chan error, 1)
	go func() { served <- hs.Serve(backend.Listener(ln)) }()

	var serveErr error
	select {
	case err := <-served:
		serveErr = err
	case <-ctx.Done():
		log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		if err := hs.Shutdown(sctx); err != nil {
			serveErr = fmt.Errorf("shutdown: %w", err)
		}
		if err := <-served; serveErr == nil {
			serveErr = err
		}
	}
	// Serve reports http.ErrServerClosed once Shutdown has begun: that is the clean way out.
	if errors.Is(serveErr, http.ErrServerClosed) {
		serveErr = nil
	}
	if err := srv.Close(); err != nil {
		return errors.Join(serveErr, fmt.Errorf("close database: %w", err))
	}
	return serveErr
}

// adminToken returns the bootstrap token: from the environment, else from the token file, else
// a new one written to the token file. A token that is easy to guess is refused: it guards
// every object of every region. The token itself is never printed or logged.
func adminToken(path string, stdout io.Writer) (string, error) {
	if tok, ok := os.LookupEnv(TokenEnv); ok {
		if err := core.CheckAdminTokenStrength(tok); err != nil {
			return "", fmt.Errorf("$%s: %w", TokenEnv, err)
		}
		return tok, nil
	}
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		tok := strings.TrimSpace(string(b))
		if err := core.CheckAdminTokenStrength(tok); err != nil {
			return "", fmt.Errorf("token file %s: %w", path, err)
		}
		return tok, nil
	case !errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("read token file: %w", err)
	}
	tok, err := core.GenerateAdminToken()
	if err != nil {
		return "", err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("create token file: %w", err)
	}
	_, werr := f.WriteString(tok + "\n")
	if err := errors.Join(werr, f.Close()); err != nil {
		return "", fmt.Errorf("write token file: %w", err)
	}
	writeLine(stdout, "admin token written to", path)
	return tok, nil
}

// writeLine prints a message for the operator. A failed write is ignored: the terminal is the
// only place to report it, and the exit code still tells the outcome.
func writeLine(w io.Writer, a ...any) {
	_, _ = fmt.Fprintln(w, a...)
}

// checkPortalURL refuses a portal address template that is not an http or https address with
// {domain} in its host; empty means the default.
func checkPortalURL(template string) error {
	if template == "" {
		return nil
	}
	const marker = "domain-placeholder.invalid"
	u, err := url.Parse(strings.ReplaceAll(template, "{domain}", marker))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.Contains(u.Host, marker) {
		return errors.New("use an http or https address with {domain} in its host, such as https://{domain} or http://{domain}:8080")
	}
	return nil
}

// defaultPortalURL is the portals' address when the server answers them itself: their domain, on
// the port the server listens on.
func defaultPortalURL(addr net.Addr) string {
	_, port, err := net.SplitHostPort(addr.String())
	if err != nil || port == "80" {
		return "http://{domain}"
	}
	return "http://{domain}:" + port
}
