package gateway

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the node's Prometheus series, on a registry of its own so that two nodes in one
// process (tests) never share counters.
type metrics struct {
	registry           *prometheus.Registry
	requests           *prometheus.CounterVec
	authDecisions      *prometheus.CounterVec
	upstreamLatency    *prometheus.HistogramVec
	syncFailures       prometheus.Counter
	configApplications prometheus.Gauge
	configKeys         prometheus.Gauge
}

func newMetrics(n *Node) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "devportal_gateway_requests_total",
			Help: "Requests answered by the proxy, by route, service and status code.",
		}, []string{"route", "service", "status"}),
		authDecisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "devportal_gateway_auth_decisions_total",
			Help: "Application auth decisions, by decision (allowed, denied) and reason.",
		}, []string{"decision", "reason"}),
		upstreamLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "devportal_gateway_upstream_latency_seconds",
			Help:    "Time from sending a request upstream to the end of its response headers, by service.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12),
		}, []string{"service"}),
		syncFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "devportal_gateway_config_sync_failures_total",
			Help: "Configuration syncs that failed: backend errors, unreachable backend, or configurations refused.",
		}),
		configApplications: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "devportal_gateway_config_applications",
			Help: "Applications in the configuration enforced.",
		}),
		configKeys: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "devportal_gateway_config_keys",
			Help: "API keys in the configuration enforced.",
		}),
	}
	syncAge := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "devportal_gateway_config_sync_age_seconds",
		Help: "Seconds since the backend last confirmed or replaced the configuration; -1 before it ever did.",
	}, func() float64 { return syncAgeSeconds(n.state.get().lastSync, time.Now()) })
	m.registry.MustRegister(m.requests, m.authDecisions, m.upstreamLatency, m.syncFailures, m.configApplications,
		m.configKeys, syncAge)
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// syncAgeSeconds is the age of the last sync, or -1 when there was none.
func syncAgeSeconds(last, now time.Time) float64 {
	if last.IsZero() {
		return -1
	}
	return now.Sub(last).Seconds()
}
