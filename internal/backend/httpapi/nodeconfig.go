package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// maxNodeConfigWait is the longest a conditional node configuration request is held.
const maxNodeConfigWait = 60

// nodeConfigWriteSlack is how far past its wait a held request may still be writing its answer;
// the server's write timeout would otherwise cut a long wait.
const nodeConfigWriteSlack = 30 * time.Second

// nodeConfigJSON is everything a gateway node of a control plane needs to route and enforce
// traffic (an extension of the Konnect API). Its hash is the SHA-256 of its JSON with
// config_hash empty: nothing in it changes unless something it describes does.
type nodeConfigJSON struct {
	ControlPlaneID string                `json:"control_plane_id"`
	Region         string                `json:"region"`
	ConfigHash     string                `json:"config_hash"`
	Services       []serviceJSON         `json:"services"`
	Routes         []routeJSON           `json:"routes"`
	Plugins        []pluginJSON          `json:"plugins"`
	Applications   []nodeApplicationJSON `json:"applications"`
}

type nodeApplicationJSON struct {
	ID              string                 `json:"id"`
	Name            string                 `json:"name"`
	PortalID        string                 `json:"portal_id"`
	DeveloperID     string                 `json:"developer_id"`
	DeveloperStatus string                 `json:"developer_status"`
	AuthStrategyID  string                 `json:"auth_strategy_id"`
	ClientID        string                 `json:"client_id,omitempty"`
	Keys            []nodeKeyJSON          `json:"keys"`
	Registrations   []nodeRegistrationJSON `json:"registrations"`
}

type nodeKeyJSON struct {
	Hash      string  `json:"hash"`
	ExpiresAt *string `json:"expires_at,omitempty"`
}

type nodeRegistrationJSON struct {
	APIID           string `json:"api_id"`
	Status          string `json:"status"`
	SuspendedReason string `json:"suspended_reason,omitempty"`
}

// nodeConfigView is one computed node configuration: its JSON, its hash, and how long it holds.
type nodeConfigView struct {
	body []byte
	hash string
	// changed is the store's change signal taken before the configuration was read: once it is
	// closed the configuration may be stale.
	changed <-chan struct{}
	// expires is when the first of its keys expires and leaves it; zero when none will.
	expires time.Time
	// hashSince is when the backend first computed this hash (unix seconds).
	hashSince int64
}

func (v *nodeConfigView) fresh(now time.Time) bool {
	select {
	case <-v.changed:
		return false
	default:
		return v.expires.IsZero() || now.Before(v.expires)
	}
}

// nodeConfigCache keeps the last configuration computed for each control plane, so that many
// nodes polling the same control plane cost one computation per change.
type nodeConfigCache struct {
	mu    sync.Mutex
	slots map[string]*nodeConfigSlot
}

type nodeConfigSlot struct {
	mu   sync.Mutex // held while computing, so that concurrent requests wait for one computation
	view *nodeConfigView
}

func (c *nodeConfigCache) slot(key string) *nodeConfigSlot {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.slots == nil {
		c.slots = map[string]*nodeConfigSlot{}
	}
	s := c.slots[key]
	if s == nil {
		s = &nodeConfigSlot{}
		c.slots[key] = s
	}
	return s
}

func (c *nodeConfigCache) forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.slots, key)
}

// nodeConfig returns the current node configuration of a control plane of the region.
func (a *API) nodeConfig(ctx context.Context, region, controlPlaneID string) (*nodeConfigView, error) {
	key := region + "/" + controlPlaneID
	slot := a.nodeConfigs.slot(key)
	slot.mu.Lock()
	defer slot.mu.Unlock()
	if slot.view != nil && slot.view.fresh(a.now()) {
		return slot.view, nil
	}
	sizeHint := 0
	if slot.view != nil {
		sizeHint = len(slot.view.body)
	}
	view, err := a.computeNodeConfig(ctx, region, controlPlaneID, sizeHint)
	if err != nil {
		slot.view = nil
		var he *httpError
		if errors.As(err, &he) && he.status == http.StatusNotFound {
			a.nodeConfigs.forget(key)
		}
		return nil, err
	}
	slot.view = view
	return view, nil
}

// computeNodeConfig reads and encodes the configuration; sizeHint is the length of the previous
// one, so that the encoding of a large configuration does not grow its buffer step by step.
func (a *API) computeNodeConfig(ctx context.Context, region, controlPlaneID string, sizeHint int) (*nodeConfigView, error) {
	now := a.now()
	view := &nodeConfigView{changed: a.store.Changed()}
	cfg := nodeConfigJSON{ControlPlaneID: controlPlaneID, Region: region}
	err := a.store.View(ctx, func(tx *store.Tx) error {
		cp, err := getControlPlane(ctx, tx, region, controlPlaneID)
		if err != nil {
			return err
		}
		cfg.ControlPlaneID = cp.ID
		return readNodeConfig(ctx, tx, &cfg, view, now)
	})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(sizeHint + len(`"config_hash":""`) + sha256.Size*2)
	if err := json.NewEncoder(&buf).Encode(cfg); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	view.hash = hex.EncodeToString(sum[:])
	// config_hash is the third field and the ids before it cannot hold this text.
	view.body = bytes.Replace(buf.Bytes(), []byte(`"config_hash":""`), []byte(`"config_hash":"`+view.hash+`"`), 1)
	err = a.store.WithBookkeepingTx(ctx, func(tx *store.Tx) error {
		rec, err := tx.RecordNodeConfigHash(ctx, cfg.ControlPlaneID, view.hash, now.Unix())
		view.hashSince = rec.UpdatedAt
		return err
	})
	if err != nil {
		return nil, err
	}
	return view, nil
}

// readNodeConfig fills cfg with the control plane's entities and applications, and view.expires
// with the first expiry among the keys it holds.
func readNodeConfig(ctx context.Context, tx *store.Tx, cfg *nodeConfigJSON, view *nodeConfigView, now time.Time) error {
	services, err := tx.NodeServices(ctx, cfg.Region, cfg.ControlPlaneID)
	if err != nil {
		return err
	}
	routes, err := tx.NodeRoutes(ctx, cfg.Region, cfg.ControlPlaneID)
	if err != nil {
		return err
	}
	plugins, err := tx.NodePlugins(ctx, cfg.Region, cfg.ControlPlaneID)
	if err != nil {
		return err
	}
	apps, err := tx.NodeApplications(ctx, cfg.Region, cfg.ControlPlaneID, now)
	if err != nil {
		return err
	}
	cfg.Services = make([]serviceJSON, len(services))
	for i, s := range services {
		cfg.Services[i] = toServiceJSON(s)
	}
	cfg.Routes = make([]routeJSON, len(routes))
	for i, rt := range routes {
		cfg.Routes[i] = toRouteJSON(rt)
	}
	cfg.Plugins = make([]pluginJSON, len(plugins))
	for i, p := range plugins {
		cfg.Plugins[i] = toPluginJSON(p)
	}
	cfg.Applications = make([]nodeApplicationJSON, len(apps))
	for i, app := range apps {
		cfg.Applications[i] = toNodeApplicationJSON(app, view)
	}
	return nil
}

func toNodeApplicationJSON(app store.NodeApplication, view *nodeConfigView) nodeApplicationJSON {
	out := nodeApplicationJSON{ID: app.ID, Name: app.Name, PortalID: app.PortalID, DeveloperID: app.DeveloperID,
		DeveloperStatus: app.DeveloperStatus, AuthStrategyID: app.AuthStrategyID, ClientID: app.ClientID,
		Keys: make([]nodeKeyJSON, len(app.Keys)), Registrations: make([]nodeRegistrationJSON, len(app.Registrations))}
	for i, k := range app.Keys {
		out.Keys[i] = nodeKeyJSON{Hash: k.Hash}
		if !k.ExpiresAt.IsZero() {
			at := formatTime(k.ExpiresAt)
			out.Keys[i].ExpiresAt = &at
			if view.expires.IsZero() || k.ExpiresAt.Before(view.expires) {
				view.expires = k.ExpiresAt
			}
		}
	}
	for i, r := range app.Registrations {
		var accepted []string
		if r.PublicationAuthStrategyID != nil {
			accepted = []string{*r.PublicationAuthStrategyID}
		}
		out.Registrations[i] = nodeRegistrationJSON{APIID: r.APIID, Status: string(r.Status),
			SuspendedReason: core.RegistrationSuspendedReason(app.AuthStrategyID, accepted)}
	}
	return out
}

// getNodeConfig answers a control plane's node configuration. With If-None-Match naming the
// current hash it answers 304, after holding the request up to wait seconds for a change.
func (a *API) getNodeConfig(w http.ResponseWriter, r *http.Request) error {
	wait, err := nodeConfigWait(r)
	if err != nil {
		return err
	}
	ctx, region, cpID := r.Context(), regionOf(r), r.PathValue("controlPlaneId")
	etags := r.Header.Get("If-None-Match")
	if wait > 0 && etags != "" {
		// The server's write timeout counts from the request's headers; a held request needs longer.
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(wait + nodeConfigWriteSlack))
	}
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		view, err := a.nodeConfig(ctx, region, cpID)
		if err != nil {
			return err
		}
		if !etagMatches(etags, view.hash) {
			writeNodeConfig(w, view)
			return nil
		}
		if !a.awaitNodeConfigChange(ctx, view, deadline.C, wait > 0) {
			w.Header().Set("ETag", strconv.Quote(view.hash))
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
	}
}

// awaitNodeConfigChange waits until view may be stale (true), or until the wait ends or the
// client goes away (false).
func (a *API) awaitNodeConfigChange(ctx context.Context, view *nodeConfigView, deadline <-chan time.Time, waiting bool) bool {
	if !waiting {
		return false
	}
	var expiry <-chan time.Time
	if !view.expires.IsZero() {
		t := time.NewTimer(max(view.expires.Sub(a.now()), 0))
		defer t.Stop()
		expiry = t.C
	}
	select {
	case <-view.changed:
		return true
	case <-expiry:
		return true
	case <-deadline:
		return false
	case <-ctx.Done():
		return false
	}
}

func writeNodeConfig(w http.ResponseWriter, view *nodeConfigView) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("ETag", strconv.Quote(view.hash))
	w.Header().Set("Content-Length", strconv.Itoa(len(view.body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(view.body)
}

// nodeConfigWait reads the wait query parameter: whole seconds from 0 to 60.
func nodeConfigWait(r *http.Request) (time.Duration, error) {
	q := r.URL.Query()
	if !q.Has("wait") {
		return 0, nil
	}
	n, err := strconv.Atoi(q.Get("wait"))
	if err != nil || n < 0 || n > maxNodeConfigWait {
		return 0, core.Invalid(core.Violation{Field: "wait", Rule: "range", Source: "query",
			Reason: "must be a whole number of seconds from 0 to " + strconv.Itoa(maxNodeConfigWait)})
	}
	return time.Duration(n) * time.Second, nil
}

// etagMatches reports whether an If-None-Match header names hash, strong or weak, or is "*".
func etagMatches(header, hash string) bool {
	for tag := range strings.SplitSeq(header, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == "*" || strings.Trim(tag, `"`) == hash {
			return true
		}
	}
	return false
}

// expectedConfigHashJSON is Konnect's expected configuration hash of a control plane.
type expectedConfigHashJSON struct {
	ExpectedHash string `json:"expected_hash"`
	CreatedAt    int64  `json:"created_at"`
	UpdatedAt    int64  `json:"updated_at"`
}

// getExpectedConfigHash answers the hash of the control plane's node configuration: created_at
// is the control plane's creation, updated_at when the backend first computed the current hash.
func (a *API) getExpectedConfigHash(w http.ResponseWriter, r *http.Request) error {
	ctx, region, cpID := r.Context(), regionOf(r), r.PathValue("controlPlaneId")
	view, err := a.nodeConfig(ctx, region, cpID)
	if err != nil {
		return err
	}
	var cp core.ControlPlane
	err = a.store.View(ctx, func(tx *store.Tx) error {
		cp, err = getControlPlane(ctx, tx, region, cpID)
		return err
	})
	return respond(w, err, http.StatusOK, expectedConfigHashJSON{ExpectedHash: view.hash,
		CreatedAt: cp.CreatedAt.Unix(), UpdatedAt: max(view.hashSince, cp.CreatedAt.Unix())})
}
