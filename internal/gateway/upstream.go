package gateway

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

var _ http.RoundTripper = (*timedTransport)(nil)

// errUpstreamTimeout ends an upstream exchange that overran one of its service's timeouts.
var errUpstreamTimeout = errors.New("the upstream overran its service's timeout")

type timeoutsKey struct{}

// timedRequest is what timedTransport needs to know about the request it carries.
type timedRequest struct {
	timeouts UpstreamTimeouts
	service  string
}

// timedTransport enforces a service's timeouts on one shared transport, the way Kong reads them:
// connect_timeout until the connection is ready, write_timeout until the request is sent,
// read_timeout until the response headers and then between two reads of the body.
type timedTransport struct {
	base    http.RoundTripper
	latency *prometheus.HistogramVec
}

func (t *timedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tr, ok := req.Context().Value(timeoutsKey{}).(timedRequest)
	if !ok {
		return t.base.RoundTrip(req)
	}
	ctx, cancel := context.WithCancelCause(req.Context())
	w := &watchdog{cancel: cancel}
	w.arm(tr.timeouts.Connect)
	trace := &httptrace.ClientTrace{
		GotConn:      func(httptrace.GotConnInfo) { w.arm(tr.timeouts.Write) },
		WroteRequest: func(httptrace.WroteRequestInfo) { w.arm(tr.timeouts.Read) },
	}
	start := time.Now()
	resp, err := t.base.RoundTrip(req.WithContext(httptrace.WithClientTrace(ctx, trace)))
	if err != nil {
		w.stop()
		if errors.Is(context.Cause(ctx), errUpstreamTimeout) {
			err = errors.Join(errUpstreamTimeout, err)
		}
		cancel(nil)
		return nil, err
	}
	t.latency.WithLabelValues(tr.service).Observe(time.Since(start).Seconds())
	w.arm(tr.timeouts.Read)
	resp.Body = &timedBody{ReadCloser: resp.Body, w: w, read: tr.timeouts.Read, ctx: ctx}
	return resp, nil
}

// watchdog cancels an exchange when its current deadline passes.
type watchdog struct {
	mu     sync.Mutex
	timer  *time.Timer
	cancel context.CancelCauseFunc
}

// arm replaces the current deadline with one d from now.
func (w *watchdog) arm(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.timer == nil {
		w.timer = time.AfterFunc(d, func() { w.cancel(errUpstreamTimeout) })
		return
	}
	w.timer.Reset(d)
}

func (w *watchdog) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.timer != nil {
		w.timer.Stop()
	}
}

// timedBody re-arms the read timeout after every read and ends the exchange on Close.
type timedBody struct {
	io.ReadCloser
	w    *watchdog
	read time.Duration
	ctx  context.Context
}

func (b *timedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && errors.Is(context.Cause(b.ctx), errUpstreamTimeout) {
		return n, errors.Join(errUpstreamTimeout, err)
	}
	b.w.arm(b.read)
	return n, err
}

func (b *timedBody) Close() error {
	b.w.stop()
	err := b.ReadCloser.Close()
	b.w.cancel(nil)
	return err
}
