// Package client is a typed client for the devportal API, a subset of the
// Kong Konnect API: portals, portal authentication settings, application auth
// strategies, APIs with their publications and service links, gateway
// control planes with their services, plugins and nodes, and the portal's
// developers, applications, registrations and API keys.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Regions lists the regions an API server serves.
var Regions = []string{"us", "eu", "au", "me", "in", "sg"}

// DefaultRegion is used when Config.Region is empty.
const DefaultRegion = "us"

// RegionPlaceholder in a server URL is replaced by the region.
const RegionPlaceholder = "{region}"

const (
	defaultMaxRetries     = 4
	defaultRequestTimeout = 30 * time.Second
	defaultUserAgent      = "terraform-provider-devportal"

	// retryWaitMin and retryWaitMax bound the pause between attempts,
	// including pauses a server asks for through Retry-After.
	retryWaitMin = 500 * time.Millisecond
	retryWaitMax = 30 * time.Second

	// pageSize is the page size used when walking every page of a list.
	pageSize = 100
	// maxPages bounds a walk through a list in case a server never ends it.
	maxPages = 1000

	// maxIdleConnsPerHost is how many connections to one server stay open between requests. Terraform
	// runs up to -parallelism operations at once (10 by default); when fewer connections than that
	// may wait idle, each burst closes the surplus and the next opens new ones, so a plan of a few
	// hundred resources opened hundreds of connections with the library's default of 2.
	maxIdleConnsPerHost = 64
)

// transport is the one connection pool of the process: every client, whatever its region or
// provider configuration, reuses its connections.
var transport = sync.OnceValue(func() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 4 * maxIdleConnsPerHost
	t.MaxIdleConnsPerHost = maxIdleConnsPerHost
	return t
})

// Config configures a Client.
type Config struct {
	// ServerURL is the API base URL. It may contain {region}.
	ServerURL string
	// Region replaces {region} in ServerURL; empty means DefaultRegion.
	Region string
	// Token is sent as a bearer token.
	Token string
	// MaxRetries bounds retries of one request; negative means none, zero the default.
	MaxRetries int
	// RequestTimeout bounds each attempt; zero means the default.
	RequestTimeout time.Duration
	// UserAgent is sent as the User-Agent header; empty means "terraform-provider-devportal".
	UserAgent string
	// Logger, when set, receives one debug record per HTTP attempt in addition to tflog.
	Logger *slog.Logger
}

// Client calls the devportal API.
type Client struct {
	// serverURL and region are the configuration baseURL was resolved from; see ForRegion.
	serverURL string
	region    string
	baseURL   *url.URL
	token     string
	userAgent string
	http      *retryablehttp.Client
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	region := cfg.Region
	if region == "" {
		region = DefaultRegion
	}
	if err := ValidateRegion(region); err != nil {
		return nil, err
	}
	base, err := ResolveServerURL(cfg.ServerURL, region)
	if err != nil {
		return nil, err
	}
	if cfg.Token == "" {
		return nil, errors.New("an API token is required")
	}
	retries := cfg.MaxRetries
	switch {
	case retries == 0:
		retries = defaultMaxRetries
	case retries < 0:
		retries = 0
	}
	timeout := cfg.RequestTimeout
	if timeout <= 0 {
		timeout = defaultRequestTimeout
	}
	ua := cfg.UserAgent
	if ua == "" {
		ua = defaultUserAgent
	}

	rc := retryablehttp.NewClient()
	rc.HTTPClient = &http.Client{
		Timeout:   timeout,
		Transport: &loggingTransport{next: transport(), logger: cfg.Logger},
	}
	rc.Logger = nil
	rc.RetryMax = retries
	rc.RetryWaitMin = retryWaitMin
	rc.RetryWaitMax = retryWaitMax
	rc.CheckRetry = retryPolicy
	rc.Backoff = backoff
	// Keep the last response so that its problem document reaches the caller.
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler

	return &Client{serverURL: cfg.ServerURL, region: region, baseURL: base, token: cfg.Token, userAgent: ua, http: rc}, nil
}

// ValidateRegion returns an error unless region is one of Regions.
func ValidateRegion(region string) error {
	if slices.Contains(Regions, region) {
		return nil
	}
	return fmt.Errorf("unknown region %q: use one of %s", region, strings.Join(Regions, ", "))
}

// ResolveServerURL substitutes region for {region} in raw and checks that the
// result is an absolute http or https URL without query or fragment.
func ResolveServerURL(raw, region string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, errors.New("a server URL is required")
	}
	rest := strings.ReplaceAll(raw, RegionPlaceholder, "")
	if strings.ContainsAny(rest, "{}") {
		return nil, fmt.Errorf("server URL %q has a placeholder other than %s", raw, RegionPlaceholder)
	}
	lower := strings.ToLower(raw)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
		return nil, fmt.Errorf("server URL %q must start with http:// or https://", raw)
	}
	u, err := url.Parse(strings.ReplaceAll(raw, RegionPlaceholder, region))
	if err != nil {
		return nil, fmt.Errorf("server URL %q cannot be parsed: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("server URL %q must start with http:// or https://", raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("server URL %q has no host", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("server URL %q must not have a query or fragment", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// BaseURL returns the resolved base URL the client sends requests to.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// IdempotencyKeyHeader carries the key that lets a server recognise a repeated request.
const IdempotencyKeyHeader = "Idempotency-Key"

type attemptKey struct{}

// attempt is what the retry policy needs to know of a request, which it only sees through the context.
type attempt struct {
	method string
	keyed  bool // the request carries an Idempotency-Key
}

// do sends one API call. A non-nil in is encoded as the JSON body; a non-nil
// out receives the decoded response body of a 2xx response.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	_, err := c.send(ctx, method, path, query, in, out, nil) //nolint:bodyclose // send reads and closes the body itself
	return err
}

// send is do with extra request headers, answering the response's status and headers. A 304
// answer to a conditional request is not an error: out is then left untouched.
func (c *Client) send(ctx context.Context, method, path string, query url.Values, in, out any, header http.Header) (*http.Response, error) {
	u := *c.baseURL
	u.Path = c.baseURL.Path + path
	u.RawQuery = query.Encode()

	var body any
	if in != nil {
		buf, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("encoding %s %s request: %w", method, path, err)
		}
		body = buf
	}
	// Every try of a request that changes something carries the same key, so that a server
	// honouring it applies the request once however often it arrives, and answers each repeat as
	// it answered the first.
	key := ""
	if sendsIdempotencyKey(method) {
		key = uuid.NewString()
	}
	ctx = context.WithValue(ctx, attemptKey{}, attempt{method: method, keyed: key != ""})
	req, err := retryablehttp.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("building %s %s request: %w", method, path, err)
	}
	if key != "" {
		req.Header.Set(IdempotencyKeyHeader, key)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json, application/problem+json")
	req.Header.Set("User-Agent", c.userAgent)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range header {
		req.Header[k] = vs
	}

	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	respBody, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return resp, fmt.Errorf("%s %s: reading response: %w", method, path, err)
	}
	if resp.StatusCode == http.StatusNotModified && header.Get("If-None-Match") != "" {
		return resp, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp, decodeAPIError(method, path, resp.StatusCode, respBody)
	}
	if out == nil || len(bytes.TrimSpace(respBody)) == 0 {
		return resp, nil
	}
	if err := json.Unmarshal(respBody, out); err != nil {
		return resp, fmt.Errorf("%s %s: decoding response: %w", method, path, err)
	}
	return resp, nil
}

// retryPolicy is retryablehttp's view of retryDecision: it stops when the caller gave up, and
// hands back the error of an attempt that is not repeated.
func retryPolicy(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	a, _ := ctx.Value(attemptKey{}).(attempt)
	if retryDecision(a.method, a.keyed, resp, err) {
		return true, nil
	}
	return false, err
}

// retryDecision says whether an attempt that ended with resp or err is repeated. A request that
// may have reached the server is repeated only when repeating it is harmless: its method is
// idempotent, or it carries an Idempotency-Key, which makes the server apply it once and replay
// its first answer. Such requests are repeated on 429, 502, 503 and 504 and on dropped
// connections. A connection that could not be opened is repeated whatever the request: nothing
// was sent. Everything else, other statuses and errors that cannot heal such as TLS failures,
// is final.
func retryDecision(method string, keyed bool, resp *http.Response, err error) bool {
	if err != nil {
		if !IsConnectionRefused(err) && !idempotent(method) && !keyed {
			return false
		}
		// The base policy declines errors that cannot heal; it looks at err alone.
		retry, _ := retryablehttp.ErrorPropagatedRetryPolicy(context.Background(), nil, err)
		return retry
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusBadGateway, http.StatusGatewayTimeout:
		return idempotent(method) || keyed
	}
	return false
}

// IsConnectionRefused reports whether err is a failure to open a connection
// to the server, such as a refused connection or an unknown host: nothing
// was sent, so the request may be repeated whatever its method.
func IsConnectionRefused(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// sendsIdempotencyKey reports whether requests of method carry an Idempotency-Key: those that
// create or change something. DELETE is idempotent, but a repeat that the server does not
// recognise answers 404, which reads as "someone else deleted it"; with a key it gets the first
// answer, 204, instead.
func sendsIdempotencyKey(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// backoff waits as long as Retry-After asks (capped at max), else doubles from min up to max.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, maxWait)
		}
	}
	wait := minWait
	for i := 0; i < attempt && wait < maxWait; i++ {
		wait *= 2
	}
	return min(wait, maxWait)
}

// retryAfter parses a Retry-After value in seconds or as an HTTP date.
func retryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(value); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	at, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	return max(at.Sub(now), 0), true
}

// loggingTransport logs each attempt (method, URL, status, duration) without
// headers or bodies, so tokens and secrets never reach the logs.
type loggingTransport struct {
	next   http.RoundTripper
	logger *slog.Logger
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	fields := map[string]any{
		"http_method":      req.Method,
		"http_url":         redactURL(req.URL),
		"http_duration_ms": time.Since(start).Milliseconds(),
	}
	if resp != nil {
		fields["http_status"] = resp.StatusCode
	}
	if err != nil {
		fields["error"] = err.Error()
	}
	tflog.Debug(req.Context(), "devportal API request", fields)
	if t.logger != nil {
		attrs := make([]any, 0, 2*len(fields))
		for k, v := range fields {
			attrs = append(attrs, k, v)
		}
		t.logger.DebugContext(req.Context(), "devportal API request", attrs...)
	}
	return resp, err
}

// redactURL hides user information a server URL might carry.
func redactURL(u *url.URL) string {
	if u.User == nil {
		return u.String()
	}
	c := *u
	c.User = url.User("redacted")
	return c.String()
}
