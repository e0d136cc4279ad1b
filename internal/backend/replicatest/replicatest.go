// Package replicatest runs the backend as production runs it behind a load balancer: several
// `serve` processes of the real binary on one database, each on its own loopback port, with its
// own connection pool, caches and background work. Tests drive them over HTTP and may stop, kill
// and restart any of them.
//
// The binary is built once per test binary when the package's TestMain calls Main, else once per
// test into the test's temporary directory:
//
//	func TestMain(m *testing.M) { os.Exit(replicatest.Main(m)) }
package replicatest

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// mainPackage is the package of the binary whose `serve` sub-command runs the backend.
const mainPackage = "github.com/devportal-labs/terraform-provider-devportal"

// Bounds on the waits, generous for a loaded machine; none is a measure of speed.
const (
	buildTimeout = 5 * time.Minute
	startTimeout = 90 * time.Second
	stopTimeout  = 30 * time.Second
)

// built is the binary that Main's test binary shares between its tests.
var built struct {
	main bool // Main runs the tests: build once, remove after
	once sync.Once
	dir  string
	path string
	err  error
}

// Main runs the tests of a package with one build of the binary for all of them, and removes it
// afterwards. Call it from TestMain.
func Main(m *testing.M) int {
	built.main = true
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	return code
}

// Binary returns the path of the built terraform-provider-devportal binary.
func Binary(tb testing.TB) string {
	tb.Helper()
	if !built.main {
		path := filepath.Join(tb.TempDir(), "terraform-provider-devportal")
		if err := build(path); err != nil {
			tb.Fatal(err)
		}
		return path
	}
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "dp-replicas-")
		if built.err == nil {
			built.path = filepath.Join(built.dir, "terraform-provider-devportal")
			built.err = build(built.path)
		}
	})
	if built.err != nil {
		tb.Fatal(built.err)
	}
	return built.path
}

func build(path string) error {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("replicatest: building the backend needs the go command on PATH: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, goTool, "build", "-o", path, mainPackage).CombinedOutput()
	if err != nil {
		return fmt.Errorf("replicatest: go build %s: %w\n%s", mainPackage, err, out)
	}
	return nil
}

// Options changes how Start runs the replicas.
type Options struct {
	// DB is the database of every replica: a PostgreSQL URL or a SQLite file. Empty means a
	// fresh one of the store the tests run on (pgtest.DB); pgtest.Database(tb) asks for
	// PostgreSQL whatever the tests run on.
	DB string
	// Args are more `serve` flags for every replica, such as --log-level debug.
	Args []string
	// Env are more environment variables for every replica, as KEY=value.
	Env []string
	// Stopped leaves the replicas stopped, for a test that starts them itself, such as with
	// StartAll to start them at the same moment on a database that none has migrated yet.
	Stopped bool
}

// Cluster is the replicas that Start started.
type Cluster struct {
	DB       string // the database they share
	Token    string // their admin token
	Replicas []*Replica
}

// URLs returns the base URL of each replica, in order.
func (c *Cluster) URLs() []string {
	urls := make([]string, len(c.Replicas))
	for i, r := range c.Replicas {
		urls[i] = r.URL
	}
	return urls
}

// Replica is one `serve` process.
type Replica struct {
	// URL is where it serves, "http://127.0.0.1:PORT"; it keeps its port across restarts.
	URL  string
	Name string // "replica-1", ...; in failures and its log's file name

	tb      testing.TB
	bin     string
	args    []string
	env     []string
	logPath string

	mu      sync.Mutex // guards current
	current *process   // nil while stopped
}

// process is one run of a replica.
type process struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has exited
	err    error         // what Wait returned; read it only after exited closes
}

// Start builds the binary (see Binary) and starts n replicas on one database, one after the
// other, each listening on a free loopback port, and returns once each answers /healthz. They stop when the test ends; a
// replica that ends with an error, other than by Kill, fails the test. When the test fails, the
// end of each replica's log is shown.
func Start(tb testing.TB, n int, opts Options) *Cluster {
	tb.Helper()
	if opts.DB == "" {
		opts.DB = pgtest.DB(tb)
	}
	bin := Binary(tb)
	c := &Cluster{DB: opts.DB, Token: "spat_" + rand.Text() + rand.Text()}
	dir := tb.TempDir()
	for i := range n {
		name := fmt.Sprintf("replica-%d", i+1)
		r := &Replica{
			Name: name, tb: tb, bin: bin, logPath: filepath.Join(dir, name+".log"),
			// The token file is unused (the token comes from the environment) but its default
			// sits beside the database, which a PostgreSQL URL does not name.
			args: append([]string{"--db", opts.DB, "--token-file", filepath.Join(dir, name+"-token")}, opts.Args...),
			env:  append(append(os.Environ(), "DEVPORTAL_ADMIN_TOKEN="+c.Token), opts.Env...),
		}
		c.Replicas = append(c.Replicas, r)
		tb.Cleanup(r.cleanup)
	}
	if opts.Stopped {
		return c
	}
	// One at a time: the first applies the migrations, the others find them applied.
	for _, r := range c.Replicas {
		if err := r.Start(); err != nil {
			tb.Fatal(err)
		}
	}
	return c
}

// StartAll starts every stopped replica at the same moment and waits for all of them.
func (c *Cluster) StartAll() error {
	errs := make([]error, len(c.Replicas))
	var wg sync.WaitGroup
	for i, r := range c.Replicas {
		wg.Go(func() { errs[i] = r.Start() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// StopAll stops every replica, at the same moment.
func (c *Cluster) StopAll() error {
	errs := make([]error, len(c.Replicas))
	var wg sync.WaitGroup
	for i, r := range c.Replicas {
		wg.Go(func() { errs[i] = r.Stop() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Start starts the replica's process, on its earlier port when it ran before, and waits until it
// answers /healthz. It fails when the replica is running.
func (r *Replica) Start() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.current != nil {
		select {
		case <-r.current.exited:
		default:
			return fmt.Errorf("replicatest: %s is already running", r.Name)
		}
	}
	listen := "127.0.0.1:0"
	if r.URL != "" {
		listen = strings.TrimPrefix(r.URL, "http://")
	}
	logFile, err := os.OpenFile(r.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("replicatest: %w", err)
	}
	defer func() { _ = logFile.Close() }()
	_, _ = fmt.Fprintf(logFile, "--- replicatest: %s starts, listening on %s\n", r.Name, listen)
	cmd := exec.Command(r.bin, append([]string{"serve", "--listen", listen}, r.args...)...)
	cmd.Env = r.env
	cmd.Stderr = logFile
	// A replica must not outlive a test binary that dies without its cleanups.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("replicatest: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("replicatest: starting %s: %w", r.Name, err)
	}
	p := &process{cmd: cmd, exited: make(chan struct{})}
	r.current = p
	announced := make(chan string, 1)
	// The address line tells the port chosen; every line of stdout goes on to the log.
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		out, err := os.OpenFile(r.logPath, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			out = nil
		}
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			if addr, ok := strings.CutPrefix(line, "devportal backend listening on "); ok {
				select {
				case announced <- addr:
				default:
				}
			}
			if out != nil {
				_, _ = io.WriteString(out, line+"\n")
			}
		}
		if out != nil {
			_ = out.Close()
		}
	}()
	go func() {
		<-copied // Wait closes stdout: read it all first
		p.err = cmd.Wait()
		close(p.exited)
	}()

	deadline := time.NewTimer(startTimeout)
	defer deadline.Stop()
	select {
	case addr := <-announced:
		r.URL = addr
	case <-p.exited:
		return fmt.Errorf("replicatest: %s exited before listening (%v); its log ends:\n%s", r.Name, p.err, r.logTail(30))
	case <-deadline.C:
		_ = cmd.Process.Kill()
		return fmt.Errorf("replicatest: %s did not listen within %s; its log ends:\n%s", r.Name, startTimeout, r.logTail(30))
	}
	return r.waitHealthy(deadline.C, p.exited)
}

func (r *Replica) waitHealthy(deadline <-chan time.Time, exited <-chan struct{}) error {
	client := &http.Client{Timeout: 5 * time.Second}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		res, err := client.Get(r.URL + "/healthz")
		if err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-tick.C:
		case <-exited:
			return fmt.Errorf("replicatest: %s exited before it was healthy; its log ends:\n%s", r.Name, r.logTail(30))
		case <-deadline:
			return fmt.Errorf("replicatest: %s did not answer /healthz within %s (last: %v); its log ends:\n%s", r.Name, startTimeout, err, r.logTail(30))
		}
	}
}

// Stop sends the replica SIGTERM, as a deployment stops a replica, and waits until it has let
// its in-flight requests finish and exited; it kills it after 30 seconds. It returns the error
// the process ended with. Stopping a stopped replica does nothing.
func (r *Replica) Stop() error {
	p := r.take()
	if p == nil {
		return nil
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(stopTimeout):
		_ = p.cmd.Process.Kill()
		<-p.exited
		return fmt.Errorf("replicatest: %s did not stop within %s of SIGTERM; its log ends:\n%s", r.Name, stopTimeout, r.logTail(30))
	}
	if p.err != nil {
		return fmt.Errorf("replicatest: %s ended with %v; its log ends:\n%s", r.Name, p.err, r.logTail(30))
	}
	return nil
}

// Kill ends the replica at once with SIGKILL, as a crash or a lost machine would, and waits for
// it to be gone.
func (r *Replica) Kill() {
	if p := r.take(); p != nil {
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// take returns the current process, if any, and forgets it.
func (r *Replica) take() *process {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.current
	r.current = nil
	return p
}

// Log returns what the replica has written to stdout and stderr, every run of it.
func (r *Replica) Log() string {
	b, _ := os.ReadFile(r.logPath)
	return string(b)
}

func (r *Replica) cleanup() {
	if r.tb.Failed() {
		r.tb.Logf("%s's log ends:\n%s", r.Name, r.logTail(40))
	}
	if err := r.Stop(); err != nil {
		r.tb.Error(err)
	}
}

func (r *Replica) logTail(n int) string {
	lines := strings.Split(strings.TrimRight(r.Log(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
