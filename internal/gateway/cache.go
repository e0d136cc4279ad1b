package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// Files of the cache directory. The configuration holds key hashes and application data: both
// files are for the node's owner only.
const (
	cacheConfigFile = "node-config.json"
	cacheNodeIDFile = "node-id"
	cacheDirMode    = 0o700
	cacheFileMode   = 0o600
	// maxCacheBytes bounds what the node reads back from its cache.
	maxCacheBytes = 512 << 20
)

// loadNodeID returns the node id kept in dir, creating it on first use, so that a restarted node
// keeps its node record; without a directory every run is a new node.
func loadNodeID(dir string) (string, error) {
	if dir == "" {
		return uuid.NewString(), nil
	}
	path := filepath.Join(dir, cacheNodeIDFile)
	b, err := os.ReadFile(path)
	if err == nil {
		id := strings.TrimSpace(string(b))
		if err := uuid.Validate(id); err != nil {
			return "", fmt.Errorf("gateway: node id file %s does not hold a UUID (%w): remove it to get a new node id", path, err)
		}
		return id, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("gateway: read the node id (CacheDir): %w", err)
	}
	id := uuid.NewString()
	if err := writeFileAtomic(dir, cacheNodeIDFile, []byte(id+"\n")); err != nil {
		return "", err
	}
	return id, nil
}

// loadCache enforces the configuration of the cache directory, if any, until the backend answers.
func (n *Node) loadCache() {
	if n.cfg.CacheDir == "" {
		return
	}
	path := filepath.Join(n.cfg.CacheDir, cacheConfigFile)
	cfg, err := readCachedConfig(path)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		n.log.Warn("gateway: the cached configuration is unusable; waiting for the backend", "file", path, "error", err)
		return
	}
	if cfg.ControlPlaneID != "" && cfg.ControlPlaneID != n.cfg.ControlPlaneID {
		n.log.Warn("gateway: the cached configuration belongs to another control plane; ignoring it", "file", path,
			"cached_control_plane", cfg.ControlPlaneID)
		return
	}
	snap, err := compile(cfg, sourceCache, n.issuers, n.cfg.UpstreamTimeouts)
	if err != nil {
		n.log.Warn("gateway: the cached configuration does not compile; waiting for the backend", "file", path, "error", err)
		return
	}
	n.swap(snap)
	n.log.Info("gateway: enforcing the cached configuration", "config_hash", snap.hash)
}

func readCachedConfig(path string) (*client.NodeConfig, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose
	var cfg client.NodeConfig
	// A cache cut short by the limit fails to decode rather than loading half a configuration.
	dec := json.NewDecoder(io.LimitReader(f, maxCacheBytes))
	if err := dec.Decode(&cfg); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// writeCache keeps cfg as the configuration to enforce after a restart with the backend away.
func (n *Node) writeCache(cfg *client.NodeConfig) {
	if n.cfg.CacheDir == "" {
		return
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(cfg); err != nil {
		n.log.Error("gateway: encode the configuration for the cache", "error", err)
		return
	}
	if err := writeFileAtomic(n.cfg.CacheDir, cacheConfigFile, buf.Bytes()); err != nil {
		n.log.Error("gateway: write the configuration cache", "error", err)
	}
}

// writeFileAtomic writes name in dir through a temporary file and a rename, so that a crash
// leaves either the old file or the new one, never half of one.
func writeFileAtomic(dir, name string, data []byte) (err error) {
	if err := os.MkdirAll(dir, cacheDirMode); err != nil {
		return fmt.Errorf("gateway: create the cache directory %s (CacheDir): %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return fmt.Errorf("gateway: write in the cache directory %s (CacheDir): %w", dir, err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	// CreateTemp already uses 0600; Chmod says so for filesystems that ignore the mode.
	if err := tmp.Chmod(cacheFileMode); err != nil {
		_ = tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, name))
}
