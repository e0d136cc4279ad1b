package e2e_test

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
)

// upstream is the service behind the gateway: it answers every request with 200 and remembers
// what it received, so that tests can see which headers and query the node passed on.
type upstream struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []seenRequest
}

// seenRequest is what the upstream received of one request.
type seenRequest struct {
	Path   string
	Query  url.Values
	Header http.Header
}

// newUpstream starts an upstream on 127.0.0.1 and stops it when the test ends.
func newUpstream(tb testing.TB) *upstream {
	tb.Helper()
	u := &upstream{}
	u.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.seen = append(u.seen, seenRequest{Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone()})
		u.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"upstream":"ok"}`))
	}))
	tb.Cleanup(u.srv.Close)
	return u
}

// hostPort returns the upstream's host and port, for the gateway service pointing at it.
func (u *upstream) hostPort() (string, int) {
	host, port, err := net.SplitHostPort(u.srv.Listener.Addr().String())
	if err != nil {
		panic(err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		panic(err)
	}
	return host, p
}

// last returns the request the upstream received last.
func (u *upstream) last() (seenRequest, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.seen) == 0 {
		return seenRequest{}, errors.New("the upstream received no request")
	}
	return u.seen[len(u.seen)-1], nil
}

// sawApplication returns a check that the upstream's last request came from the application
// (X-Application-Id, X-Developer-Id and X-Portal-Id as the node sets them) and carried no API key
// in a header or the query, under any of the strategy's key names.
func (u *upstream) sawApplication(applicationID, developerID, portalID *string) func(answer) error {
	return func(answer) error {
		r, err := u.last()
		if err != nil {
			return err
		}
		var errs []error
		for header, want := range map[string]string{
			"X-Application-Id": *applicationID,
			"X-Developer-Id":   *developerID,
			"X-Portal-Id":      *portalID,
		} {
			if got := r.Header.Values(header); len(got) != 1 || got[0] != want {
				errs = append(errs, fmt.Errorf("upstream saw %s %q, want %q", header, got, want))
			}
		}
		for _, name := range keyNames {
			if v := r.Header.Values(name); len(v) > 0 {
				errs = append(errs, fmt.Errorf("upstream saw the key in header %s", name))
			}
			if r.Query.Has(name) {
				errs = append(errs, fmt.Errorf("upstream saw the key in query parameter %s", name))
			}
		}
		return errors.Join(errs...)
	}
}

// sawNoApplication returns a check that the upstream's last request carried no application
// identity: the node proxied it without application auth, or removed what the client forged.
func (u *upstream) sawNoApplication() func(answer) error {
	return func(answer) error {
		r, err := u.last()
		if err != nil {
			return err
		}
		for _, header := range []string{"X-Application-Id", "X-Developer-Id", "X-Portal-Id"} {
			if v := r.Header.Values(header); len(v) > 0 {
				return fmt.Errorf("upstream saw %s %q on a request without application auth", header, v)
			}
		}
		return nil
	}
}
