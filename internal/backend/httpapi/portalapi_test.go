package httpapi

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
)

func TestServiceRefusalsKeepTheirStatusTitleAndRetryAfter(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantTitle  string
		wantRetry  string
	}{
		{name: "not found", err: service.Errorf(service.NotFound, "Application x not found in this region"),
			wantStatus: http.StatusNotFound, wantTitle: "Not Found"},
		{name: "conflict", err: service.Errorf(service.Conflict, "taken"), wantStatus: http.StatusConflict, wantTitle: "Conflict"},
		{name: "forbidden", err: service.Errorf(service.Forbidden, "no"), wantStatus: http.StatusForbidden, wantTitle: "Forbidden"},
		{name: "login refusal keeps its title", err: &service.Error{Kind: service.Unauthenticated, Title: "Invalid Credentials",
			Detail: "You have entered an invalid email or password."}, wantStatus: http.StatusUnauthorized, wantTitle: "Invalid Credentials"},
		{name: "busy hashing asks to retry after a second", err: &service.Error{Kind: service.TooManyRequests, Title: "Too Many Requests",
			Detail: "The server is busy checking other passwords: try again in a second.", RetryAfter: time.Second},
			wantStatus: http.StatusTooManyRequests, wantTitle: "Too Many Requests", wantRetry: "1"},
		{name: "retry after is rounded up", err: &service.Error{Kind: service.TooManyRequests, Title: "Too Many Requests",
			Detail: "wait", RetryAfter: 1500 * time.Millisecond}, wantStatus: http.StatusTooManyRequests, wantTitle: "Too Many Requests",
			wantRetry: "2"},
		{name: "expired token", err: &service.Error{Kind: service.Gone, Title: "Gone", Detail: "The token has expired: request a new one."},
			wantStatus: http.StatusGone, wantTitle: "Gone"},
		{name: "internal", err: &service.Error{Kind: service.Internal, Detail: "disk on fire"},
			wantStatus: http.StatusInternalServerError, wantTitle: "Internal Server Error"},
	}
	a := &API{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			a.writeDevError(rec, httptest.NewRequest(http.MethodGet, "/", nil), tt.err)
			var p problem
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			if rec.Code != tt.wantStatus || p.Status != tt.wantStatus || p.Title != tt.wantTitle ||
				rec.Header().Get("Retry-After") != tt.wantRetry || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("answer %d %+v, Retry-After %q; want %d %q, Retry-After %q",
					rec.Code, p, rec.Header().Get("Retry-After"), tt.wantStatus, tt.wantTitle, tt.wantRetry)
			}
		})
	}
}

func TestClientOf(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.1/32")}
	tests := []struct {
		name, remote, xff, proto string
		tls                      bool
		wantAddress              string
		wantSecure               bool
	}{
		{name: "direct", remote: "198.51.100.7:4711", wantAddress: "198.51.100.7"},
		{name: "direct over TLS", remote: "198.51.100.7:4711", tls: true, wantAddress: "198.51.100.7", wantSecure: true},
		{name: "forwarded headers of a stranger are ignored", remote: "198.51.100.7:4711", xff: "203.0.113.9", proto: "https",
			wantAddress: "198.51.100.7"},
		{name: "trusted proxy", remote: "10.1.2.3:4711", xff: "203.0.113.9", proto: "https", wantAddress: "203.0.113.9", wantSecure: true},
		{name: "trusted proxy over plain HTTP", remote: "10.1.2.3:4711", xff: "203.0.113.9", proto: "http", wantAddress: "203.0.113.9"},
		{name: "client-supplied entries before the last untrusted hop are ignored", remote: "10.1.2.3:4711",
			xff: "1.2.3.4, 203.0.113.9, 192.0.2.1", wantAddress: "203.0.113.9"},
		{name: "garbage stops the walk", remote: "10.1.2.3:4711", xff: "203.0.113.9, nonsense", wantAddress: "10.1.2.3"},
		{name: "IPv6 clients are grouped by /64", remote: "[2001:db8:1:2:3:4:5:6]:4711", wantAddress: "2001:db8:1:2::/64"},
		{name: "IPv4-mapped IPv6", remote: "[::ffff:198.51.100.7]:4711", wantAddress: "198.51.100.7"},
	}
	a := &API{ss: newSelfService([]Option{WithTrustedProxies(proxies)})}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := http.NewRequest(http.MethodGet, "http://portal.example/", nil)
			if err != nil {
				t.Fatal(err)
			}
			r.RemoteAddr = tt.remote
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			if tt.proto != "" {
				r.Header.Set("X-Forwarded-Proto", tt.proto)
			}
			if tt.tls {
				r.TLS = new(tls.ConnectionState)
			}
			if got := a.clientOf(r); got.address != tt.wantAddress || got.secure != tt.wantSecure {
				t.Errorf("clientOf() = %+v, want address %s, secure %v", got, tt.wantAddress, tt.wantSecure)
			}
		})
	}
}

func TestCheckSameOriginBehindAProxy(t *testing.T) {
	a := &API{ss: newSelfService([]Option{WithTrustedProxies([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")})})}
	tests := []struct {
		name, remote, host, forwardedHost, origin string
		refused                                   bool
	}{
		{name: "same host", remote: "198.51.100.7:1", host: "portal.example", origin: "https://portal.example"},
		{name: "other host", remote: "198.51.100.7:1", host: "portal.example", origin: "https://evil.example", refused: true},
		{name: "proxy rewrote the host", remote: "10.0.0.2:1", host: "backend:8080", forwardedHost: "portal.example",
			origin: "https://portal.example"},
		{name: "forwarded host of a stranger is ignored", remote: "198.51.100.7:1", host: "backend:8080",
			forwardedHost: "portal.example", origin: "https://portal.example", refused: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := http.NewRequest(http.MethodPost, "http://"+tt.host+"/api/v3/applications", nil)
			if err != nil {
				t.Fatal(err)
			}
			r.RemoteAddr = tt.remote
			r.AddCookie(&http.Cookie{Name: sessionCookie, Value: "session"})
			r.Header.Set("Origin", tt.origin)
			if tt.forwardedHost != "" {
				r.Header.Set("X-Forwarded-Host", tt.forwardedHost)
			}
			if err := a.checkSameOrigin(r); (err != nil) != tt.refused {
				t.Errorf("checkSameOrigin() = %v, want refused %v", err, tt.refused)
			}
		})
	}
}
