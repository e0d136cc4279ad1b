package gateway

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// pingTimeout bounds one report to the backend.
const pingTimeout = 10 * time.Second

// syncState is what the node knows about its last exchanges with the backend, for /status and
// /metrics.
type syncState struct {
	mu        sync.Mutex
	lastSync  time.Time // last time the backend confirmed or replaced the configuration
	reachable bool
	lastError string
}

// syncStatus is a copy of syncState taken under its lock.
type syncStatus struct {
	lastSync  time.Time
	reachable bool
	lastError string
}

func (s *syncState) get() syncStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return syncStatus{lastSync: s.lastSync, reachable: s.reachable, lastError: s.lastError}
}

func (s *syncState) succeeded(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastSync, s.reachable, s.lastError = now, true, ""
}

func (s *syncState) failed(reachable bool, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reachable, s.lastError = reachable, msg
}

// swap makes snap the configuration every new request sees and has the node report it.
func (n *Node) swap(snap *snapshot) {
	n.current.Store(snap)
	n.metrics.configApplications.Set(float64(snap.apps))
	n.metrics.configKeys.Set(float64(snap.keys))
	select {
	case n.pingNow <- struct{}{}:
	default: // a ping is already due; it reads the newest hash
	}
}

// syncLoop keeps the node's configuration current until ctx ends: a long poll with the hash it
// enforces, a swap when the backend answers a new configuration, a bounded backoff on errors.
func (n *Node) syncLoop(ctx context.Context) {
	// pollHash is what the backend is asked to hold the request on: the configuration enforced,
	// or one that was refused, so that a refused configuration is not fetched again until it changes.
	pollHash := n.ConfigHash()
	backoff := n.cfg.RetryWait
	for ctx.Err() == nil {
		cfg, err := n.api.GetNodeConfig(ctx, n.cfg.ControlPlaneID, pollHash, n.cfg.SyncWait)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			var apiErr *client.APIError
			n.syncFailed(errors.As(err, &apiErr), fmt.Sprintf("sync: %v", err))
			sleep(ctx, backoff)
			backoff = min(backoff*2, max(maxRetryWait, n.cfg.RetryWait))
			continue
		}
		backoff = n.cfg.RetryWait
		if cfg == nil {
			n.confirmed()
			continue
		}
		if err := n.apply(cfg); err != nil {
			n.syncFailed(true, err.Error())
			if cfg.ConfigHash == "" {
				sleep(ctx, backoff)
			}
			pollHash = cfg.ConfigHash
			continue
		}
		pollHash = cfg.ConfigHash
	}
}

// apply compiles cfg and, when it compiles, enforces it and keeps it in the cache.
func (n *Node) apply(cfg *client.NodeConfig) error {
	if cfg.ConfigHash == "" {
		return errors.New("configuration refused: the backend answered it without a config_hash")
	}
	snap, err := compile(cfg, sourceBackend, n.issuers, n.cfg.UpstreamTimeouts)
	if err != nil {
		return fmt.Errorf("configuration %s refused, still enforcing %q: %w", cfg.ConfigHash, n.ConfigHash(), err)
	}
	n.swap(snap)
	n.state.succeeded(time.Now())
	n.writeCache(cfg)
	n.log.Info("gateway: configuration applied", "config_hash", snap.hash, "applications", snap.apps, "keys", snap.keys,
		"unsupported_plugins", len(snap.unsupported))
	return nil
}

// confirmed records that the backend still has the configuration the node enforces; one loaded
// from the cache becomes the backend's from then on.
func (n *Node) confirmed() {
	n.state.succeeded(time.Now())
	if cur := n.current.Load(); cur != nil && cur.source != sourceBackend {
		fromBackend := *cur
		fromBackend.source = sourceBackend
		n.current.CompareAndSwap(cur, &fromBackend)
	}
}

func (n *Node) syncFailed(reachable bool, msg string) {
	n.state.failed(reachable, msg)
	n.metrics.syncFailures.Inc()
	n.log.Warn("gateway: "+msg, "backend_reachable", reachable, "config_hash", n.ConfigHash())
}

// pingLoop reports the node at start, after every swap and every PingInterval, until ctx ends.
func (n *Node) pingLoop(ctx context.Context) {
	ticker := time.NewTicker(n.cfg.PingInterval)
	defer ticker.Stop()
	for {
		n.ping(ctx)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		case <-n.pingNow:
		}
	}
}

func (n *Node) ping(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	hash := n.ConfigHash()
	_, err := n.api.PingNode(ctx, n.cfg.ControlPlaneID, n.nodeID, client.NodePing{
		Hostname: n.cfg.Hostname, Version: n.cfg.Version, ConfigHash: hash,
	})
	if err != nil && ctx.Err() == nil {
		n.log.Warn("gateway: report to the backend failed", "node_id", n.nodeID, "error", err)
	}
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
