// Package pgtest gives tests a throwaway PostgreSQL: a server started from the binaries installed
// on the machine (Debian's postgresql package puts them in /usr/lib/postgresql/VERSION/bin), or
// the one named by DEVPORTAL_TEST_POSTGRES, and a fresh database on it for each test.
//
// A started server lives in a temporary directory that holds its data and its Unix socket. It
// runs without fsync, since nothing in it needs to survive a crash, and it stops when the process
// that started it exits, however that happens: a small watcher process, started beside it, waits
// for a pipe that only the starting process holds to close, then stops the server and removes the
// directory. A test binary killed by its timeout therefore leaves no server behind.
package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrNoBinaries is returned by Start when no PostgreSQL server binaries can be found.
var ErrNoBinaries = errors.New("no PostgreSQL server binaries found: install Debian's postgresql package " +
	"(/usr/lib/postgresql/VERSION/bin/initdb and pg_ctl), put initdb and pg_ctl on PATH, or set " +
	EnvServer + " to the URL of a server where databases may be created")

// systemUser is the account a server runs as when the process is root, which PostgreSQL refuses.
const systemUser = "postgres"

// Options changes how Start runs a server.
type Options struct {
	// TCP makes the server also listen on 127.0.0.1, on a free port, and the URL use it instead
	// of the Unix socket; for measurements that must include the network stack.
	TCP bool
	// MaxConnections is the server's max_connections; 0 means 400, enough for many backends'
	// pools at once.
	MaxConnections int
}

// Instance is a PostgreSQL server that Start started.
type Instance struct {
	dir     string // owned by the server's user: data/, the socket, the logs
	binDir  string
	runAs   string   // the account the server's commands run as; "" for the current one
	url     *url.URL // the maintenance database "postgres"
	watcher *exec.Cmd
	hold    *os.File // the watcher's stdin; closing it stops the server
	stopped chan struct{}
}

// Start initialises and starts a PostgreSQL server in a new temporary directory, and returns once
// it accepts connections (or after a minute, with an error). Stop it with Stop; it also stops
// when this process exits.
func Start(ctx context.Context, opts Options) (_ *Instance, err error) {
	binDir, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	in := &Instance{binDir: binDir, stopped: make(chan struct{})}
	var uid, gid = -1, -1
	if os.Geteuid() == 0 {
		u, err := user.Lookup(systemUser)
		if err != nil {
			return nil, fmt.Errorf("pgtest: PostgreSQL refuses to run as root and there is no %q user to run it as: %w", systemUser, err)
		}
		uid, _ = strconv.Atoi(u.Uid)
		gid, _ = strconv.Atoi(u.Gid)
		in.runAs = systemUser
	}
	// A short directory name keeps the socket's path under the 107 bytes a Unix socket allows.
	in.dir, err = os.MkdirTemp(os.TempDir(), "dp-pg-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	defer func() {
		if err != nil {
			in.abandon()
		}
	}()
	if uid >= 0 {
		if err := os.Chown(in.dir, uid, gid); err != nil {
			return nil, fmt.Errorf("pgtest: handing %s to the %s user: %w", in.dir, systemUser, err)
		}
	}
	data := filepath.Join(in.dir, "data")
	if err := in.initdb(ctx, data); err != nil {
		return nil, err
	}
	port := 5432 // names the socket file only, in a directory of its own
	listen := ""
	if opts.TCP {
		if port, err = freePort(); err != nil {
			return nil, fmt.Errorf("pgtest: choosing a port: %w", err)
		}
		listen = "127.0.0.1"
	}
	maxConns := opts.MaxConnections
	if maxConns == 0 {
		maxConns = 400
	}
	conf := fmt.Sprintf(`
# pgtest: a throwaway server for tests, nothing in it needs to survive a crash.
listen_addresses = '%s'
port = %d
unix_socket_directories = '%s'
max_connections = %d
fsync = off
synchronous_commit = off
full_page_writes = off
`, listen, port, in.dir, maxConns)
	if err := appendFile(filepath.Join(data, "postgresql.conf"), conf); err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	if err := in.startWatcher(data); err != nil {
		return nil, err
	}
	if err := in.pgctlStart(ctx, data); err != nil {
		return nil, err
	}
	in.url = &url.URL{Scheme: "postgres", User: url.User(systemUser), Path: "/postgres"}
	q := url.Values{"sslmode": {"disable"}}
	if opts.TCP {
		in.url.Host = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	} else {
		q.Set("host", in.dir)
		q.Set("port", strconv.Itoa(port))
	}
	in.url.RawQuery = q.Encode()
	return in, nil
}

// URL returns the URL of the server's maintenance database, "postgres", for pgx.
func (in *Instance) URL() string { return in.url.String() }

// Dir returns the directory that holds the server's data, socket and log (postgres.log).
func (in *Instance) Dir() string { return in.dir }

// Stop stops the server at once (no checkpoint: its data is thrown away) and removes its
// directory. It waits at most a minute.
func (in *Instance) Stop() error {
	if in.hold != nil {
		_ = in.hold.Close()
	}
	select {
	case <-in.stopped:
		return nil
	case <-time.After(time.Minute):
		return fmt.Errorf("pgtest: the server in %s did not stop within a minute", in.dir)
	}
}

// FindBinaries returns the directory of the newest PostgreSQL's initdb and pg_ctl: under
// /usr/lib/postgresql, else on PATH.
func FindBinaries() (string, error) {
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	type candidate struct {
		version []int
		dir     string
	}
	var found []candidate
	for _, m := range matches {
		dir := filepath.Dir(m)
		if !executable(filepath.Join(dir, "pg_ctl")) || !executable(m) {
			continue
		}
		found = append(found, candidate{parseVersion(filepath.Base(filepath.Dir(dir))), dir})
	}
	if len(found) > 0 {
		newest := slices.MaxFunc(found, func(a, b candidate) int { return slices.Compare(a.version, b.version) })
		return newest.dir, nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		dir := filepath.Dir(p)
		if executable(filepath.Join(dir, "pg_ctl")) {
			return dir, nil
		}
	}
	return "", ErrNoBinaries
}

// parseVersion reads "15" or "9.6" as numbers, so that 15 sorts after 9.6.
func parseVersion(s string) []int {
	var v []int
	for part := range strings.SplitSeq(s, ".") {
		n, err := strconv.Atoi(part)
		if err != nil {
			return nil
		}
		v = append(v, n)
	}
	return v
}

func executable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// command runs one of the server's programs as the server's user.
func (in *Instance) command(ctx context.Context, program string, args ...string) *exec.Cmd {
	path := filepath.Join(in.binDir, program)
	var cmd *exec.Cmd
	if in.runAs != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", in.runAs, "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	cmd.Dir = in.dir
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

func (in *Instance) initdb(ctx context.Context, data string) error {
	// C.UTF-8 makes lower() and upper() know every letter and sorts by code point; systems
	// without it get the plain C locale.
	var out []byte
	var err error
	for _, locale := range []string{"--locale=C.UTF-8", "--no-locale"} {
		cmd := in.command(ctx, "initdb", "--pgdata", data, "--username", systemUser, "--auth", "trust",
			"--encoding", "UTF8", locale, "--no-sync", "--no-instructions")
		out, err = cmd.CombinedOutput()
		if err == nil {
			return nil
		}
		_ = os.RemoveAll(data)
	}
	return fmt.Errorf("pgtest: initdb: %w\n%s", err, bytes.TrimSpace(out))
}

// startWatcher starts the process that stops the server and removes its directory once this
// process closes its end of a pipe, by calling Stop or by exiting. It runs in a session of its
// own, so that an interrupt sent to the tests' process group reaches it only through the pipe.
func (in *Instance) startWatcher(data string) error {
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	defer func() { _ = r.Close() }()
	stop := in.command(context.Background(), "pg_ctl", "stop", "--pgdata", data, "--mode", "immediate", "--wait", "--timeout", "30")
	const script = `dir=$1; shift; cat >/dev/null; "$@" >/dev/null 2>&1; rm -rf "$dir"`
	in.watcher = exec.Command("/bin/sh", append([]string{"-c", script, "pgtest-watcher", in.dir}, stop.Args...)...)
	in.watcher.Dir = "/"
	in.watcher.Stdin = r
	in.watcher.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := in.watcher.Start(); err != nil {
		_ = w.Close()
		return fmt.Errorf("pgtest: starting the watcher: %w", err)
	}
	in.hold = w
	go func() {
		_ = in.watcher.Wait()
		close(in.stopped)
	}()
	return nil
}

func (in *Instance) pgctlStart(ctx context.Context, data string) error {
	logFile := filepath.Join(in.dir, "postgres.log")
	// pg_ctl's output goes to a file rather than a pipe: the server it leaves running must not
	// hold a pipe of ours open, or the test runner would wait for it.
	outPath := filepath.Join(in.dir, "pg_ctl.out")
	out, err := os.OpenFile(outPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	defer func() { _ = out.Close() }()
	cmd := in.command(ctx, "pg_ctl", "start", "--pgdata", data, "--log", logFile, "--wait", "--timeout", "60", "--silent")
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		said, _ := os.ReadFile(outPath)
		logged, _ := os.ReadFile(logFile)
		return fmt.Errorf("pgtest: pg_ctl start: %w\n%s\n%s", err, bytes.TrimSpace(said), lastLines(logged, 20))
	}
	return nil
}

// abandon undoes a start that failed part way.
func (in *Instance) abandon() {
	if in.hold != nil {
		_ = in.Stop()
		return
	}
	_ = os.RemoveAll(in.dir)
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(text)
	return errors.Join(err, f.Close())
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
