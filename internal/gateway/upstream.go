package gateway

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

var (
	_ http.RoundTripper = (*upstreams)(nil)
	_ net.Conn          = (*deadlineConn)(nil)
)

// upstreams sends requests to services. Services with the same timeouts share one
// http.Transport, kept across configuration reloads so that connections stay open.
type upstreams struct {
	transports sync.Map // UpstreamTimeouts -> *http.Transport
	latency    *prometheus.HistogramVec
}

// RoundTrip sends a request of the proxy to its service, through the transport of the service's
// timeouts, and records the time to the response headers.
func (u *upstreams) RoundTrip(req *http.Request) (*http.Response, error) {
	ex := req.Context().Value(exchangeKey{}).(*exchange)
	start := time.Now()
	resp, err := u.transport(ex.svc.timeouts).RoundTrip(req)
	if err == nil {
		u.latency.WithLabelValues(ex.svc.label).Observe(time.Since(start).Seconds())
	}
	return resp, err
}

func (u *upstreams) transport(t UpstreamTimeouts) *http.Transport {
	if tr, ok := u.transports.Load(t); ok {
		return tr.(*http.Transport)
	}
	tr, _ := u.transports.LoadOrStore(t, newTransport(t))
	return tr.(*http.Transport)
}

// closeIdle closes the idle connections of every transport.
func (u *upstreams) closeIdle() {
	u.transports.Range(func(_, tr any) bool {
		tr.(*http.Transport).CloseIdleConnections()
		return true
	})
}

// newTransport applies a service's timeouts the way Kong reads them: connect_timeout to open the
// connection, write_timeout between two writes of the request, read_timeout between two reads of
// the response, headers included. The deadlines sit on the connection, so that a request costs
// no timer of its own.
func newTransport(t UpstreamTimeouts) *http.Transport {
	dialer := &net.Dialer{Timeout: t.Connect, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy: nil, // upstreams are reached directly, whatever HTTP_PROXY says
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &deadlineConn{Conn: c, read: t.Read, write: t.Write}, nil
		},
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          512,
		MaxIdleConnsPerHost:   128,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   t.Connect,
		ExpectContinueTimeout: time.Second,
	}
}

// deadlineConn moves its deadlines with every operation: a write must finish within write of its
// start, and the next read within read of the last write or read. An idle connection thus
// closes after read, which only makes the transport open a new one.
type deadlineConn struct {
	net.Conn
	read, write time.Duration
}

func (c *deadlineConn) Read(p []byte) (int, error) {
	if err := c.SetReadDeadline(time.Now().Add(c.read)); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (c *deadlineConn) Write(p []byte) (int, error) {
	now := time.Now()
	if err := c.SetWriteDeadline(now.Add(c.write)); err != nil {
		return 0, err
	}
	n, err := c.Conn.Write(p)
	if err == nil {
		// The transport reads the answer while it writes: the wait for it starts now.
		err = c.SetReadDeadline(time.Now().Add(c.read))
	}
	return n, err
}
