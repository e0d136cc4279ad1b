package httpapi

import (
	"crypto/tls"
	"encoding/json"
	"net/http"
	"net/netip"
	"strings"
	"testing"
)

func TestLoginAnswers429WhilePasswordHashingIsFull(t *testing.T) {
	a, hs, _ := newTestAPI(t, WithPasswordHashingSlots(1), WithPasswordIterations(1000))
	status, _, raw := call(t, hs, http.MethodPost, "/v3/portals", `{"name":"busy","authentication_enabled":true}`)
	if status != http.StatusCreated {
		t.Fatalf("create portal: %d %s", status, raw)
	}
	var portal struct{ ID string }
	if err := json.Unmarshal(raw, &portal); err != nil {
		t.Fatal(err)
	}
	login := "/portals/" + portal.ID + "/api/v3/developer/authenticate"
	body := `{"username":"nobody@example.com","password":"lantern harbour quill 47"}`

	// Another login holds the only hashing slot.
	a.ss.hashing <- struct{}{}
	status, header, raw := call(t, hs, http.MethodPost, login, body)
	if status != http.StatusTooManyRequests || header.Get("Retry-After") != "1" ||
		header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(raw), "busy checking other passwords") {
		t.Errorf("login while hashing is full: %d, Retry-After %q, %s", status, header.Get("Retry-After"), raw)
	}
	<-a.ss.hashing
	if status, _, raw := call(t, hs, http.MethodPost, login, body); status != http.StatusUnauthorized {
		t.Errorf("login once a slot is free: %d %s", status, raw)
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
