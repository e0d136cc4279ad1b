package gateway

import (
	"encoding/json"
	"net/http"
	"time"
)

// statusBody is the answer of GET /status.
type statusBody struct {
	Ready              bool                `json:"ready"`
	NodeID             string              `json:"node_id"`
	ConfigHash         string              `json:"config_hash"`
	ConfigSource       string              `json:"config_source"`
	LastSync           *time.Time          `json:"last_sync"`
	SyncAgeSeconds     *float64            `json:"sync_age_seconds"`
	BackendReachable   bool                `json:"backend_reachable"`
	LastError          string              `json:"last_error"`
	Applications       int                 `json:"applications"`
	Keys               int                 `json:"keys"`
	UnsupportedPlugins []unsupportedPlugin `json:"unsupported_plugins"`
}

// statusHandler serves /status and /metrics on the status listener.
func (n *Node) statusHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /status", n.serveStatus)
	mux.Handle("GET /metrics", n.metrics.handler())
	return mux
}

func (n *Node) serveStatus(w http.ResponseWriter, _ *http.Request) {
	body := n.status(time.Now())
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if !body.Ready {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(body)
}

func (n *Node) status(now time.Time) statusBody {
	st := n.state.get()
	body := statusBody{
		NodeID:             n.nodeID,
		ConfigSource:       sourceNone,
		BackendReachable:   st.reachable,
		LastError:          st.lastError,
		UnsupportedPlugins: []unsupportedPlugin{},
	}
	if !st.lastSync.IsZero() {
		last := st.lastSync.UTC().Truncate(time.Second)
		age := syncAgeSeconds(st.lastSync, now)
		body.LastSync, body.SyncAgeSeconds = &last, &age
	}
	if snap := n.current.Load(); snap != nil {
		body.Ready = true
		body.ConfigHash, body.ConfigSource = snap.hash, snap.source
		body.Applications, body.Keys = snap.apps, snap.keys
		if snap.unsupported != nil {
			body.UnsupportedPlugins = snap.unsupported
		}
	}
	return body
}
