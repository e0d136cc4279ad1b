// Package mailpittest runs a Mailpit mail server (github.com/axllent/mailpit) for tests: a real
// SMTP server on a free loopback port whose HTTP API shows the messages it received. Tests that
// need it skip when no mailpit binary is installed.
package mailpittest

import (
	"context"
	"errors"
	"fmt"
	"go/build"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// BinaryEnv names the environment variable that points at the mailpit binary to use.
const BinaryEnv = "MAILPIT"

// InstallHint says how to get the binary; tests that skip print it.
const InstallHint = "go install github.com/axllent/mailpit@v1.33.1"

// How long Mailpit may take to start answering, and to stop once asked.
const (
	startTimeout = 15 * time.Second
	stopTimeout  = 5 * time.Second
)

// Binary returns the path of the mailpit binary: $MAILPIT, else mailpit on $PATH, else
// $GOPATH/bin/mailpit (where go install puts it).
func Binary() (string, error) {
	if p := os.Getenv(BinaryEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("$%s names %s: %w", BinaryEnv, p, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p, nil
	}
	for _, dir := range filepath.SplitList(build.Default.GOPATH) {
		p := filepath.Join(dir, "bin", "mailpit")
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p, nil
		}
	}
	return "", errors.New("no mailpit binary: set $" + BinaryEnv + ", put mailpit on $PATH, or run `" + InstallHint + "`")
}

// Server is a Mailpit process owned by one test. Its ports and its database stay the same across
// Stop and Start, so that a test can take the mail server down and bring it back with the
// messages it had.
type Server struct {
	t        testing.TB
	bin, dir string
	smtpAddr string
	httpAddr string
	// Client reads the messages through Mailpit's HTTP API.
	Client *Client
	// Args are more flags for Mailpit, such as --smtp-tls-cert; set them before Start.
	Args []string

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has exited
}

// Start starts Mailpit on free loopback ports and stops it when the test ends. It skips the test
// when no mailpit binary is found.
func Start(t testing.TB) *Server {
	t.Helper()
	s := New(t)
	// Another process may take a port between choosing it and Mailpit binding it: choose again.
	var err error
	for range 3 {
		if err = s.start(); err == nil {
			return s
		}
		s.choosePorts()
	}
	t.Fatalf("mailpittest: %v", err)
	return nil
}

// New prepares a Mailpit on free loopback ports without starting it, so that a test can hand
// out its SMTP URL while the mail server is still down. It skips the test when no mailpit binary
// is found, and stops Mailpit, if started, when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	bin, err := Binary()
	if err != nil {
		// CI installs Mailpit (.ci/run), so there a missing binary is a failure, not a skip.
		if os.Getenv("CI") != "" {
			t.Fatalf("mailpittest: a real SMTP server is needed: %v", err)
		}
		t.Skipf("mailpittest: skipping, a real SMTP server is needed: %v", err)
	}
	s := &Server{t: t, bin: bin, dir: t.TempDir()}
	s.choosePorts()
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) choosePorts() {
	s.smtpAddr, s.httpAddr = freeAddr(s.t), freeAddr(s.t)
	s.Client = &Client{BaseURL: "http://" + s.httpAddr, HTTP: &http.Client{Timeout: 10 * time.Second}}
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailpittest: find a free port: %v", err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatalf("mailpittest: find a free port: %v", err)
	}
	return addr
}

// SMTPURL is the address of the SMTP server, smtp://127.0.0.1:port. It accepts any user name
// and password, and none; without TLS too, unless Args require TLS.
func (s *Server) SMTPURL() string { return "smtp://" + s.smtpAddr }

// SMTPAddr is the SMTP server's host:port.
func (s *Server) SMTPAddr() string { return s.smtpAddr }

// URL is the address of the web inbox and of the HTTP API.
func (s *Server) URL() string { return s.Client.BaseURL }

// Start starts (or starts again) a stopped Mailpit on the same ports and database, and waits
// until it answers.
func (s *Server) Start() {
	s.t.Helper()
	if err := s.start(); err != nil {
		s.t.Fatalf("mailpittest: %v", err)
	}
}

func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return errors.New("mailpit is already running")
	}
	logFile, err := os.Create(s.logPath())
	if err != nil {
		return fmt.Errorf("mailpit's log: %w", err)
	}
	// The child has its own copy of the descriptor; ours only needs closing.
	defer func() { _ = logFile.Close() }()
	args := []string{
		"--smtp", s.smtpAddr, "--listen", s.httpAddr,
		"--database", filepath.Join(s.dir, "mailpit.db"),
		"--smtp-auth-accept-any", "--disable-version-check", "--quiet",
	}
	// Passwords over a connection without TLS are accepted, unless the test asks for TLS, which
	// Mailpit will not combine with them.
	if !slices.ContainsFunc(s.Args, func(a string) bool { return strings.HasPrefix(a, "--smtp-require-") }) {
		args = append(args, "--smtp-auth-allow-insecure")
	}
	args = append(args, s.Args...)
	cmd := exec.Command(s.bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait() // the exit status says nothing a test needs: SIGTERM is how it stops
		close(exited)
	}()
	s.cmd, s.exited = cmd, exited
	if err := s.waitReady(exited); err != nil {
		s.stopLocked()
		return fmt.Errorf("mailpit on %s (HTTP %s) did not start: %w; its output:\n%s", s.smtpAddr, s.httpAddr, err, s.readLog())
	}
	return nil
}

// waitReady waits until the HTTP API says ready and the SMTP port accepts connections.
func (s *Server) waitReady(exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if s.ready(ctx) {
			return nil
		}
		select {
		case <-exited:
			return errors.New("it exited")
		case <-ctx.Done():
			return fmt.Errorf("not ready after %s", startTimeout)
		case <-tick.C:
		}
	}
}

func (s *Server) ready(ctx context.Context) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.Client.BaseURL+"/readyz", nil)
	if err != nil {
		return false
	}
	res, err := s.Client.HTTP.Do(req)
	if err != nil {
		return false
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return false
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.smtpAddr)
	if err != nil {
		return false
	}
	_ = conn.Close()
	return true
}

// Stop stops Mailpit, if running, and waits for it to exit; the test's cleanup calls it too.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked()
}

func (s *Server) stopLocked() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(stopTimeout):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
	s.cmd = nil
}

// Output is what Mailpit printed since it last started, for a failing test's message.
func (s *Server) Output() string { return s.readLog() }

func (s *Server) logPath() string { return filepath.Join(s.dir, "mailpit.log") }

func (s *Server) readLog() string {
	b, err := os.ReadFile(s.logPath())
	if err != nil {
		return "(no output: " + err.Error() + ")"
	}
	return string(b)
}

// String describes the server for test messages.
func (s *Server) String() string {
	return "mailpit (SMTP " + s.smtpAddr + ", inbox " + s.Client.BaseURL + ", pid " + s.pid() + ")"
}

func (s *Server) pid() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return "none"
	}
	return strconv.Itoa(s.cmd.Process.Pid)
}
