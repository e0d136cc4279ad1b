package client

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
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
		{"502 on POST is not retried", 502, 5, nil, createPortal, 1, 502},
		{"504 on PATCH is not retried", 504, 5, nil, updatePortal, 1, 504},
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

func TestNoRetryOfPOSTOnceSent(t *testing.T) {
	// The server reads the request and drops the connection: the POST may have
	// taken effect, so it must not be repeated, while a GET is.
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
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

	if err := createPortal(c); err == nil || IsConnectionRefused(err) {
		t.Fatalf("POST error = %v, want a dropped connection", err)
	}
	if got := n.Load(); got != 1 {
		t.Errorf("POST attempts = %d, want 1", got)
	}
	n.Store(0)
	if err := getPortal(c); err == nil {
		t.Fatal("GET succeeded against a server that drops every connection")
	}
	if got := n.Load(); got != 4 {
		t.Errorf("GET attempts = %d, want 4 (1 + 3 retries)", got)
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
