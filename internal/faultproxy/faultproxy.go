// Package faultproxy is an HTTP proxy for tests that spoils the first try of each request the way
// networks and gateways do: it drops the connection or answers 503, before or after the backend
// has done the work. Tests put it between a client and the real backend to prove that retries
// never apply a change twice.
package faultproxy

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// idempotencyKeyHeader names the header by which the proxy knows the tries of one request.
const idempotencyKeyHeader = "Idempotency-Key"

// Fault is what the proxy does to the first try of each request.
type Fault int

const (
	// DropAfterForwarding forwards the request, waits for the backend's answer and then closes
	// the client's connection without answering: the work is done, and the client cannot know.
	DropAfterForwarding Fault = iota
	// UnavailableAfterForwarding forwards the request and answers 503 instead of the backend's
	// answer, as an overloaded gateway in front of the backend may.
	UnavailableAfterForwarding
	// UnavailableBeforeForwarding answers 503 without forwarding.
	UnavailableBeforeForwarding
)

func (f Fault) String() string {
	return [...]string{"drop after forwarding", "503 after forwarding", "503 before forwarding"}[f]
}

// Options tune a Proxy.
type Options struct {
	// KeyedOnly spoils only requests that carry an Idempotency-Key, leaving reads alone.
	KeyedOnly bool
}

// Proxy forwards to a backend and spoils the first try of each request. A request is known by its
// Idempotency-Key, or by method and URL when it has none.
type Proxy struct {
	t      testing.TB
	target string
	fault  Fault
	opts   Options

	mu     sync.Mutex
	seen   map[string]bool
	faults int
}

// Start starts a proxy to target (a base URL such as http://127.0.0.1:1234) on 127.0.0.1, stopped
// when the test ends, and returns it with its base URL.
func Start(t testing.TB, target string, fault Fault, opts Options) (*Proxy, string) {
	p := &Proxy{t: t, target: target, fault: fault, opts: opts, seen: map[string]bool{}}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return p, srv.URL
}

// Faults returns how many requests the proxy has spoiled.
func (p *Proxy) Faults() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.faults
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		p.t.Errorf("proxy: reading request: %v", err)
		return
	}
	first := p.firstTry(r)
	if first && p.fault == UnavailableBeforeForwarding {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	req, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		p.t.Errorf("proxy: %v", err)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		p.t.Errorf("proxy: forwarding %s %s: %v", r.Method, r.URL, err)
		return
	}
	answer, err := io.ReadAll(resp.Body)
	if cerr := resp.Body.Close(); cerr != nil {
		p.t.Errorf("proxy: %v", cerr)
	}
	if err != nil {
		p.t.Errorf("proxy: reading answer: %v", err)
		return
	}
	if first {
		switch p.fault {
		case DropAfterForwarding:
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				p.t.Errorf("proxy: %v", err)
				return
			}
			_ = conn.Close() // the point is that the client sees the connection go; its error changes nothing
			return
		case UnavailableAfterForwarding:
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
	}
	for name, values := range resp.Header {
		w.Header()[name] = values
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(answer) // a client that went away cannot be answered
}

// firstTry records r and reports whether it is the first try of a request the proxy spoils.
func (p *Proxy) firstTry(r *http.Request) bool {
	id := r.Header.Get(idempotencyKeyHeader)
	if id == "" {
		if p.opts.KeyedOnly {
			return false
		}
		id = r.Method + " " + r.URL.String()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.seen[id] {
		return false
	}
	p.seen[id] = true
	p.faults++
	return true
}
