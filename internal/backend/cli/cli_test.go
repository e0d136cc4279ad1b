package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// lines collects what Serve prints and hands each complete line to the test.
type lines struct {
	mu  sync.Mutex
	buf bytes.Buffer
	all strings.Builder
	ch  chan string
}

func newLines() *lines { return &lines{ch: make(chan string, 64)} }

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all.Write(p)
	l.buf.Write(p)
	for {
		line, err := l.buf.ReadString('\n')
		if err != nil {
			l.buf.WriteString(line)
			return len(p), nil
		}
		select {
		case l.ch <- strings.TrimSuffix(line, "\n"):
		default: // nobody waits for this stream; the full text stays in all
		}
	}
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.all.String()
}

// waitFor returns the first line starting with prefix, failing after a bounded wait.
func (l *lines) waitFor(t *testing.T, prefix string) string {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case line := <-l.ch:
			if strings.HasPrefix(line, prefix) {
				return line
			}
		case <-timeout:
			t.Fatalf("no line starting with %q; output so far:\n%s", prefix, l.String())
		}
	}
}

// running is one Serve call in the background.
type running struct {
	url    string
	stdout *lines
	stderr *lines
	cancel context.CancelFunc
	done   chan int
}

func start(t *testing.T, args ...string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{stdout: newLines(), stderr: newLines(), cancel: cancel, done: make(chan int, 1)}
	go func() { r.done <- Serve(ctx, append([]string{"--listen", "127.0.0.1:0"}, args...), r.stdout, r.stderr) }()
	line := r.stdout.waitFor(t, "devportal backend listening on ")
	r.url = strings.TrimPrefix(line, "devportal backend listening on ")
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop cancels Serve and returns its exit code; later calls return -1.
func (r *running) stop(t *testing.T) int {
	t.Helper()
	if r.cancel == nil {
		return -1
	}
	r.cancel()
	r.cancel = nil
	return r.wait(t)
}

func (r *running) wait(t *testing.T) int {
	t.Helper()
	select {
	case code := <-r.done:
		return code
	case <-time.After(30 * time.Second):
		t.Fatalf("Serve did not return; stderr:\n%s", r.stderr.String())
		return -1
	}
}

func get(t *testing.T, url, token string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.Copy(io.Discard, res.Body)
	if err := errors.Join(err, res.Body.Close()); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode
}

func TestServeGeneratesTokenFile(t *testing.T) {
	t.Setenv(TokenEnv, "") // restores the variable after the test
	if err := os.Unsetenv(TokenEnv); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "dp.db")
	r := start(t, "--db", db)

	tokenFile := filepath.Join(dir, "devportal-admin-token")
	info, err := os.Stat(tokenFile)
	if err != nil {
		t.Fatalf("token file not created: %v", err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("token file mode %o, want 600", mode)
	}
	b, err := os.ReadFile(tokenFile)
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(string(b))
	if !strings.HasPrefix(token, "spat_") {
		t.Errorf("generated token %q has no spat_ prefix", token)
	}
	if !strings.Contains(r.stdout.String(), "admin token written to "+tokenFile) {
		t.Errorf("stdout does not name the token file:\n%s", r.stdout.String())
	}
	if strings.Contains(r.stdout.String()+r.stderr.String(), token) {
		t.Error("the token was printed")
	}
	if !strings.HasPrefix(r.url, "http://127.0.0.1:") || strings.HasSuffix(r.url, ":0") {
		t.Errorf("printed address %q is not the chosen loopback port", r.url)
	}

	if code := get(t, r.url+"/healthz", ""); code != http.StatusOK {
		t.Errorf("healthz: %d", code)
	}
	if code := get(t, r.url+"/v3/portals", token); code != http.StatusOK {
		t.Errorf("list with the file token: %d", code)
	}
	if code := get(t, r.url+"/v3/portals", ""); code != http.StatusUnauthorized {
		t.Errorf("list without token: %d", code)
	}
	if code := r.stop(t); code != 0 {
		t.Fatalf("exit code %d after cancel; stderr:\n%s", code, r.stderr.String())
	}

	// The next start reads the same file.
	r2 := start(t, "--db", db)
	if code := get(t, r2.url+"/v3/portals", token); code != http.StatusOK {
		t.Errorf("token from the existing file rejected: %d", code)
	}
	if strings.Contains(r2.stdout.String(), "admin token written") {
		t.Error("an existing token file was rewritten")
	}
}

func TestServeTokenFromEnvironment(t *testing.T) {
	const token = "kpat_7c1e4b9a2f6d8e0c3b5a7d9f1e2c4b6a5d3f8e0b9c2a4e6f"
	t.Setenv(TokenEnv, token)
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "tok")
	r := start(t, "--db", filepath.Join(dir, "dp.db"), "--token-file", tokenFile, "--default-region", "eu")
	if code := get(t, r.url+"/v3/portals", token); code != http.StatusOK {
		t.Errorf("environment token rejected: %d", code)
	}
	if _, err := os.Stat(tokenFile); !os.IsNotExist(err) {
		t.Errorf("token file written although the environment set the token (stat: %v)", err)
	}
	// Requests are logged at the default level, the token never.
	line := r.stderr.waitFor(t, "time=")
	for !strings.Contains(line, "msg=request") {
		line = r.stderr.waitFor(t, "time=")
	}
	if !strings.Contains(line, "method=GET path=/v3/portals status=200") || !strings.Contains(line, "region=eu") {
		t.Errorf("access log line %q", line)
	}
	if strings.Contains(r.stderr.String(), token) {
		t.Errorf("the log shows the admin token:\n%s", r.stderr.String())
	}
}

func TestServeSignalShutdownKeepsData(t *testing.T) {
	const token = "spat_Qm4Tz8Rw2Ky6Lp0Vn3Hd7Xs5Jb9Fc1Gt"
	t.Setenv(TokenEnv, token)
	db := filepath.Join(t.TempDir(), "dp.db")
	r := start(t, "--db", db)

	req, _ := http.NewRequest(http.MethodPost, r.url+"/v3/portals", strings.NewReader(`{"name":"kept"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Body.Close(); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d", res.StatusCode)
	}

	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := r.wait(t); code != 0 {
		t.Fatalf("exit code %d after SIGTERM; stderr:\n%s", code, r.stderr.String())
	}
	r.cancel = nil
	if _, err := os.Stat(db + "-wal"); err == nil {
		if info, _ := os.Stat(db + "-wal"); info.Size() != 0 {
			t.Errorf("write-ahead log holds %d bytes after shutdown: not checkpointed", info.Size())
		}
	}

	r2 := start(t, "--db", db)
	req, _ = http.NewRequest(http.MethodGet, r2.url+"/v3/portals?filter[name]=kept", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	if err := errors.Join(err, res.Body.Close()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `"total":1`) {
		t.Errorf("portal lost across shutdown: %s", body)
	}
}

func TestServeRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		env  string
		args []string
		code int
		want string
	}{
		{"unknown region", "", []string{"--default-region", "mars"}, 2, "invalid --default-region"},
		{"unknown flag", "", []string{"--port", "1"}, 2, "flag provided but not defined"},
		{"extra argument", "", []string{"now"}, 2, "unexpected arguments"},
		{"unknown log level", "", []string{"--log-level", "loud"}, 2, "-log-level"},
		{"bad trusted proxy", "", []string{"--trusted-proxy", "10.0.0.1,proxy.internal"}, 2, `"proxy.internal" is neither`},
		{"bad environment token", "secret", nil, 1, TokenEnv},
		{"guessable environment token", "spat_" + strings.Repeat("ab", 20), nil, 1, "openssl rand -hex 32"},
		{"listen failure", "spat_e9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3", []string{"--listen", "127.0.0.1:99999"}, 1, "listen on"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env != "" {
				t.Setenv(TokenEnv, tt.env)
			}
			var stdout, stderr bytes.Buffer
			args := append([]string{"--db", filepath.Join(dir, tt.name+".db")}, tt.args...)
			if code := Serve(context.Background(), args, &stdout, &stderr); code != tt.code {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr does not mention %q:\n%s", tt.want, stderr.String())
			}
		})
	}
	t.Run("guessable token file", func(t *testing.T) {
		tokenFile := filepath.Join(dir, "weak-token")
		if err := os.WriteFile(tokenFile, []byte("spat_"+strings.Repeat("0123456789", 4)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		args := []string{"--db", filepath.Join(dir, "weak.db"), "--token-file", tokenFile}
		if code := Serve(context.Background(), args, &stdout, &stderr); code != 1 {
			t.Errorf("exit code %d, want 1; stderr:\n%s", code, stderr.String())
		}
		for _, want := range []string{tokenFile, "too easy to guess", "openssl rand -hex 32"} {
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("stderr does not mention %q:\n%s", want, stderr.String())
			}
		}
	})
	t.Run("help", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		if code := Serve(context.Background(), []string{"-h"}, &stdout, &stderr); code != 0 {
			t.Errorf("exit code %d", code)
		}
		if !strings.Contains(stderr.String(), "--token-file") && !strings.Contains(stderr.String(), "-token-file") {
			t.Errorf("usage does not list flags:\n%s", stderr.String())
		}
	})
}

func TestParseFlagsPortalURL(t *testing.T) {
	if o, err := parseFlags([]string{"--portal-url", "https://{domain}"}, io.Discard); err != nil || o.portalURL != "https://{domain}" {
		t.Errorf("--portal-url parsed as %q, %v", o.portalURL, err)
	}
	t.Setenv(PortalURLEnv, "http://{domain}:9000")
	if o, err := parseFlags(nil, io.Discard); err != nil || o.portalURL != "http://{domain}:9000" {
		t.Errorf("$%s: %q, %v", PortalURLEnv, o.portalURL, err)
	}
	if o, err := parseFlags([]string{"--portal-url", "https://{domain}/dev"}, io.Discard); err != nil || o.portalURL != "https://{domain}/dev" {
		t.Errorf("the flag does not win over $%s: %q, %v", PortalURLEnv, o.portalURL, err)
	}
	t.Setenv(PortalURLEnv, "ftp://{domain}")
	if _, err := parseFlags(nil, io.Discard); err == nil || !strings.Contains(err.Error(), PortalURLEnv) {
		t.Errorf("a bad $%s is not reported: %v", PortalURLEnv, err)
	}
}

func TestCheckPortalURL(t *testing.T) {
	tests := []struct {
		template string
		ok       bool
	}{
		{"", true},
		{"https://{domain}", true},
		{"http://{domain}:8080", true},
		{"http://dev.{domain}", true},
		{"https://portal.example.com", false},
		{"ftp://{domain}", false},
		{"{domain}:8080", false},
		{"https://example.com/{domain}", false},
	}
	for _, tt := range tests {
		if err := checkPortalURL(tt.template); (err == nil) != tt.ok {
			t.Errorf("checkPortalURL(%q) = %v, want ok %v", tt.template, err, tt.ok)
		}
	}
}

func TestDefaultPortalURL(t *testing.T) {
	tests := []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "http://{domain}:8080"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 41234}, "http://{domain}:41234"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 80}, "http://{domain}"},
	}
	for _, tt := range tests {
		if got := defaultPortalURL(tt.addr); got != tt.want {
			t.Errorf("defaultPortalURL(%v) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}

func TestParseFlagsTrustedProxies(t *testing.T) {
	o, err := parseFlags([]string{"--trusted-proxy", "10.0.0.0/8, 192.168.1.7", "--trusted-proxy", "::1"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got := o.trustedProxies.String(); got != "10.0.0.0/8,192.168.1.7/32,::1/128" {
		t.Errorf("--trusted-proxy parsed as %s", got)
	}
	t.Setenv(TrustedProxiesEnv, "172.16.0.0/12")
	if o, err = parseFlags(nil, io.Discard); err != nil || o.trustedProxies.String() != "172.16.0.0/12" {
		t.Errorf("$%s: %v, %v", TrustedProxiesEnv, o.trustedProxies.String(), err)
	}
	if o, err = parseFlags([]string{"--trusted-proxy", "10.1.2.3"}, io.Discard); err != nil || o.trustedProxies.String() != "10.1.2.3/32" {
		t.Errorf("the flag does not win over $%s: %v, %v", TrustedProxiesEnv, o.trustedProxies.String(), err)
	}
	t.Setenv(TrustedProxiesEnv, "nonsense")
	if _, err = parseFlags(nil, io.Discard); err == nil || !strings.Contains(err.Error(), TrustedProxiesEnv) {
		t.Errorf("a bad $%s is not reported: %v", TrustedProxiesEnv, err)
	}
}

// TestServeCutsOffStalledBody sends the headers and half the body of a request, then stalls:
// the server built by Serve answers 408 once its read timeout passes and closes the connection,
// instead of holding it (and a handler) for as long as the client likes.
func TestServeCutsOffStalledBody(t *testing.T) {
	const token = "spat_c4f8a2e6b0d9c3f7a1e5b8d2f6a0c4e9b3d7f1a5"
	t.Setenv(TokenEnv, token)
	r := start(t, "--db", filepath.Join(t.TempDir(), "dp.db"), "--read-timeout", "300ms")

	conn, err := net.Dial("tcp", strings.TrimPrefix(r.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }() // the server closes it first; a failed close changes nothing
	// A generous bound for the whole exchange; the server must act well before it.
	if err := conn.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
		t.Fatal(err)
	}
	body := `{"name":"stalled-portal"}`
	head := "POST /v3/portals HTTP/1.1\r\nHost: devportal\r\nAuthorization: Bearer " + token +
		"\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n"
	if _, err := io.WriteString(conn, head+body[:len(body)/2]); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("no answer to a stalled body: %v", err)
	}
	raw, err := io.ReadAll(res.Body)
	if err := errors.Join(err, res.Body.Close()); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusRequestTimeout || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("stalled body answered %d %s: %s", res.StatusCode, res.Header.Get("Content-Type"), raw)
	}
	// The connection is closed, not kept for another request.
	if n, err := br.Read(make([]byte, 1)); n != 0 || !errors.Is(err, io.EOF) {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatal("the server kept the connection of a stalled request open")
		}
		t.Errorf("after the answer: read %d bytes, %v; want EOF", n, err)
	}
	if get(t, r.url+"/v3/portals?filter[name]=stalled-portal", token) != http.StatusOK {
		t.Error("the server does not answer after cutting off a stalled request")
	}
}

func TestServeRejectsBadLimits(t *testing.T) {
	for _, args := range [][]string{
		{"--read-timeout", "0s"}, {"--write-timeout", "-1s"}, {"--idle-timeout", "0"}, {"--read-header-timeout", "0s"},
		{"--max-header-bytes", "100"},
	} {
		var stdout, stderr bytes.Buffer
		if code := Serve(context.Background(), append([]string{"--db", filepath.Join(t.TempDir(), "x.db")}, args...), &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit code %d, want 2; stderr:\n%s", args, code, stderr.String())
		}
		if !strings.Contains(stderr.String(), args[0]) {
			t.Errorf("%v: stderr does not name the flag:\n%s", args, stderr.String())
		}
	}
}

func TestParseFlagsDatabase(t *testing.T) {
	const pg = "postgres://devportal@db.internal:5432/devportal"
	tests := []struct {
		name              string
		env               *string
		args              []string
		wantDB, wantToken string
	}{
		{"default", nil, nil, "./devportal.db", "devportal-admin-token"},
		{"sqlite file", nil, []string{"--db", "/var/lib/dp/dp.db"}, "/var/lib/dp/dp.db", "/var/lib/dp/devportal-admin-token"},
		{"sqlite: prefix", nil, []string{"--db", "sqlite:/var/lib/dp/dp.db"}, "sqlite:/var/lib/dp/dp.db", "/var/lib/dp/devportal-admin-token"},
		{"postgres flag", nil, []string{"--db", pg}, pg, "devportal-admin-token"},
		{"postgres from the environment", ptr(pg), nil, pg, "devportal-admin-token"},
		{"flag over the environment", ptr(pg), []string{"--db", "/tmp/x.db"}, "/tmp/x.db", "/tmp/devportal-admin-token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(DBEnv, "") // restores the variable after the test
			if tt.env == nil {
				if err := os.Unsetenv(DBEnv); err != nil {
					t.Fatal(err)
				}
			} else {
				t.Setenv(DBEnv, *tt.env)
			}
			o, err := parseFlags(tt.args, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if o.db != tt.wantDB || o.tokenFile != tt.wantToken {
				t.Errorf("db %q, token file %q; want %q and %q", o.db, o.tokenFile, tt.wantDB, tt.wantToken)
			}
		})
	}
	t.Setenv(DBEnv, "")
	if _, err := parseFlags(nil, io.Discard); err == nil || !strings.Contains(err.Error(), "$"+DBEnv+" must not be empty") {
		t.Errorf("an empty $%s: err %v, want it named", DBEnv, err)
	}
}

func ptr[T any](v T) *T { return &v }
