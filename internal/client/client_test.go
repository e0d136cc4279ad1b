package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// newTestClient returns a client for srvURL whose retry pauses are short.
func newTestClient(t *testing.T, srvURL string, retries int) *Client {
	t.Helper()
	c, err := New(Config{ServerURL: srvURL, Token: "kpat_test", MaxRetries: retries, UserAgent: "terraform-provider-devportal/test"})
	if err != nil {
		t.Fatal(err)
	}
	c.http.RetryWaitMin = time.Millisecond
	c.http.RetryWaitMax = 5 * time.Millisecond
	return c
}

// countingServer answers the first failures requests with status, then 200.
func countingServer(t *testing.T, status, failures int, header http.Header) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if int(n.Add(1)) <= failures {
			for k, v := range header {
				w.Header()[k] = v
			}
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"status":` + strconv.Itoa(status) + `,"title":"Busy","instance":"i","detail":"try later"}`))
			return
		}
		_, _ = w.Write([]byte(`{"id":"p1","name":"a"}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestRetry(t *testing.T) {
	tests := []struct {
		name         string
		status       int
		failures     int
		header       http.Header
		do           func(*Client) error
		wantAttempts int32
		wantStatus   int
	}{
		{"429 with Retry-After, then success", 429, 2, http.Header{"Retry-After": {"1"}}, getPortal, 3, 0},
		{"503 on POST is retried", 503, 1, nil, createPortal, 2, 0},
		{"502 on GET is retried", 502, 1, nil, getPortal, 2, 0},
		{"502 on POST, which carries an Idempotency-Key, is retried", 502, 1, nil, createPortal, 2, 0},
		{"504 on PATCH, which carries an Idempotency-Key, is retried", 504, 1, nil, updatePortal, 2, 0},
		{"429 on DELETE is retried", 429, 1, nil, deletePortal, 2, 0},
		{"retries are bounded", 503, 100, nil, getPortal, 3, 503},
		{"500 is not retried", 500, 5, nil, getPortal, 1, 500},
		{"404 is not retried", 404, 5, nil, getPortal, 1, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, n := countingServer(t, tt.status, tt.failures, tt.header)
			err := tt.do(newTestClient(t, srv.URL, 2))
			if got := n.Load(); got != tt.wantAttempts {
				t.Errorf("attempts = %d, want %d", got, tt.wantAttempts)
			}
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.wantStatus {
				t.Fatalf("error = %v, want API error with status %d", err, tt.wantStatus)
			}
		})
	}
}

func getPortal(c *Client) error {
	_, err := c.GetPortal(context.Background(), "p1")
	return err
}

func createPortal(c *Client) error {
	_, err := c.CreatePortal(context.Background(), CreatePortalRequest{Name: "a"})
	return err
}

func updatePortal(c *Client) error {
	_, err := c.UpdatePortal(context.Background(), "p1", UpdatePortalRequest{})
	return err
}

func deletePortal(c *Client) error {
	return c.DeletePortal(context.Background(), "p1", false)
}

func TestRetryConnectionRefused(t *testing.T) {
	// Reserve a loopback port, then close it so that connections are refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	var attempts atomic.Int32
	c := newTestClient(t, "http://"+addr, 3)
	c.http.RequestLogHook = func(_ retryableLogger, _ *http.Request, _ int) { attempts.Add(1) }

	if err := getPortal(c); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("GET error = %v, want connection refused", err)
	}
	if got := attempts.Load(); got != 4 {
		t.Errorf("GET attempts = %d, want 4 (1 + 3 retries)", got)
	}

	// A refused connection means nothing was sent, so even a POST is repeated.
	attempts.Store(0)
	if err := createPortal(c); err == nil || !IsConnectionRefused(err) {
		t.Fatalf("POST error = %v, want connection refused", err)
	}
	if got := attempts.Load(); got != 4 {
		t.Errorf("POST attempts = %d, want 4 (1 + 3 retries)", got)
	}
}

func TestRetryOfKeyedRequestsOnceSent(t *testing.T) {
	// The server reads each request and drops the connection: the request may have taken effect.
	// A POST, PATCH or DELETE carries an Idempotency-Key, so it is repeated, with the same key on
	// every try, as a GET is.
	var (
		n    atomic.Int32
		mu   sync.Mutex
		keys = map[string]int{}
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		mu.Lock()
		keys[r.Method+" "+r.Header.Get(IdempotencyKeyHeader)]++
		mu.Unlock()
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		if err := conn.Close(); err != nil {
			t.Error(err)
		}
	}))
	t.Cleanup(srv.Close)
	c := newTestClient(t, srv.URL, 3)

	for _, call := range []struct {
		method string
		do     func(*Client) error
	}{{"POST", createPortal}, {"PATCH", updatePortal}, {"DELETE", deletePortal}, {"GET", getPortal}} {
		n.Store(0)
		if err := call.do(c); err == nil || IsConnectionRefused(err) {
			t.Fatalf("%s error = %v, want a dropped connection", call.method, err)
		}
		// The transport may itself repeat a keyed request on a reused connection, so count at least.
		if got := n.Load(); got < 4 {
			t.Errorf("%s attempts = %d, want at least 4 (1 + 3 retries)", call.method, got)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, method := range []string{"POST", "PATCH", "DELETE"} {
		var distinct int
		for k := range keys {
			if strings.HasPrefix(k, method+" ") {
				distinct++
				if k == method+" " {
					t.Errorf("%s was sent without an Idempotency-Key", method)
				}
			}
		}
		if distinct != 1 {
			t.Errorf("%s used %d different Idempotency-Keys over its tries, want 1", method, distinct)
		}
	}
	if keys["GET "] == 0 {
		t.Errorf("GET carried an Idempotency-Key: %v", keys)
	}
}

func TestRetryDecision(t *testing.T) {
	refused := &url.Error{Op: "Post", URL: "http://127.0.0.1:1", Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	reset := &url.Error{Op: "Post", URL: "http://127.0.0.1:1", Err: &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}}
	eof := &url.Error{Op: "Post", URL: "http://127.0.0.1:1", Err: io.EOF}
	untrusted := &url.Error{Op: "Post", URL: "https://127.0.0.1:1", Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}}
	tests := []struct {
		name   string
		method string
		keyed  bool
		status int // of the answer; 0 when the attempt ended with err
		err    error
		want   bool
	}{
		{"keyed POST on 429", "POST", true, 429, nil, true},
		{"keyed POST on 503", "POST", true, 503, nil, true},
		{"keyed POST on 502", "POST", true, 502, nil, true},
		{"keyed PATCH on 504", "PATCH", true, 504, nil, true},
		{"keyed POST on connection reset", "POST", true, 0, reset, true},
		{"keyed PATCH on EOF", "PATCH", true, 0, eof, true},
		{"keyed DELETE on EOF", "DELETE", true, 0, eof, true},
		{"unkeyed POST on 429", "POST", false, 429, nil, false},
		{"unkeyed POST on 503", "POST", false, 503, nil, false},
		{"unkeyed PATCH on 502", "PATCH", false, 502, nil, false},
		{"unkeyed POST on connection reset", "POST", false, 0, reset, false},
		{"unkeyed PATCH on EOF", "PATCH", false, 0, eof, false},
		{"unkeyed POST on refused connection", "POST", false, 0, refused, true},
		{"GET on 503", "GET", false, 503, nil, true},
		{"GET on EOF", "GET", false, 0, eof, true},
		{"PUT on 502", "PUT", false, 502, nil, true},
		{"unkeyed DELETE on reset", "DELETE", false, 0, reset, true},
		{"keyed POST on 500", "POST", true, 500, nil, false},
		{"keyed POST on 409", "POST", true, 409, nil, false},
		{"GET on 404", "GET", false, 404, nil, false},
		{"keyed POST on an untrusted certificate", "POST", true, 0, untrusted, false},
		{"GET on an untrusted certificate", "GET", false, 0, untrusted, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp *http.Response
			if tt.status != 0 {
				resp = &http.Response{StatusCode: tt.status}
			}
			if got := retryDecision(tt.method, tt.keyed, resp, tt.err); got != tt.want {
				t.Errorf("retryDecision = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		name       string
		attempt    int
		retryAfter string // of a 429 response; "" for no response at all
		want       time.Duration
	}{
		{"Retry-After seconds", 0, "3", 3 * time.Second},
		{"Retry-After is capped", 0, "3600", 30 * time.Second},
		{"Retry-After in the past", 0, "Mon, 02 Jan 2006 15:04:05 GMT", 0},
		{"invalid Retry-After falls back", 0, "soon", 500 * time.Millisecond},
		{"exponential", 2, "", 2 * time.Second},
		{"exponential is capped", 10, "", 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp *http.Response
			if tt.retryAfter != "" {
				resp = &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {tt.retryAfter}}}
			}
			if got := backoff(retryWaitMin, retryWaitMax, tt.attempt, resp); got != tt.want {
				t.Errorf("backoff = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRequestHeaders(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	if err := getPortal(newTestClient(t, srv.URL, 0)); err != nil {
		t.Fatal(err)
	}
	if v := got.Get("Authorization"); v != "Bearer kpat_test" {
		t.Errorf("Authorization = %q", v)
	}
	if v := got.Get("User-Agent"); v != "terraform-provider-devportal/test" {
		t.Errorf("User-Agent = %q", v)
	}
}

func TestResolveServerURL(t *testing.T) {
	tests := []struct {
		raw, region, want, wantErr string
	}{
		{raw: "https://{region}.api.example.com", region: "eu", want: "https://eu.api.example.com"},
		{raw: "http://127.0.0.1:8080/{region}/", region: "au", want: "http://127.0.0.1:8080/au"},
		{raw: "http://127.0.0.1:8080", region: "eu", want: "http://127.0.0.1:8080"},
		{raw: "", wantErr: "required"},
		{raw: "ftp://example.com", wantErr: "http:// or https://"},
		{raw: "127.0.0.1:8080", wantErr: "http:// or https://"},
		{raw: "https://", wantErr: "no host"},
		{raw: "https://{regoin}.example.com", wantErr: "placeholder"},
		{raw: "https://example.com/{region", wantErr: "placeholder"},
		{raw: "https://example.com/?a=b", wantErr: "query"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			u, err := ResolveServerURL(tt.raw, tt.region)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if u.String() != tt.want {
				t.Errorf("URL = %q, want %q", u, tt.want)
			}
		})
	}
}

func TestNewValidates(t *testing.T) {
	if _, err := New(Config{ServerURL: "http://x", Region: "mars", Token: "t"}); err == nil || !strings.Contains(err.Error(), "region") {
		t.Errorf("unknown region: error = %v", err)
	}
	if _, err := New(Config{ServerURL: "http://x"}); err == nil || !strings.Contains(err.Error(), "token") {
		t.Errorf("missing token: error = %v", err)
	}
}

// retryableLogger is the logger type retryablehttp passes to its hooks.
type retryableLogger = retryablehttp.Logger

// TestConnectionsAreReused runs bursts of concurrent requests, as Terraform does at its default
// parallelism, and counts the connections the server saw: each worker keeps reusing one.
func TestConnectionsAreReused(t *testing.T) {
	const workers, requestsEach = 10, 30
	var opened atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"id":"p1","name":"a"}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c := newTestClient(t, srv.URL, 0)

	var wg sync.WaitGroup
	errs := make(chan error, workers*requestsEach)
	for range workers {
		wg.Go(func() {
			for range requestsEach {
				if err := getPortal(c); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// A worker may dial while its previous connection is on its way back to the pool; the
	// transport then keeps both. Without reuse it would be close to one per request.
	if n := opened.Load(); n > 2*workers {
		t.Errorf("%d workers making %d requests each opened %d connections, want at most %d", workers, requestsEach, n, 2*workers)
	}
}
