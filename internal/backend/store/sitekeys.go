package store

import (
	"context"
	"encoding/hex"
	"fmt"
	"time"
)

// SiteKey returns the key named name that every process serving the database shares, storing
// candidate as that key when there is none yet. Processes starting at the same moment agree on
// whichever candidate was stored first.
func (t *Tx) SiteKey(ctx context.Context, name string, candidate []byte, now time.Time) ([]byte, error) {
	if err := t.exec(ctx, "store site key", `INSERT INTO site_keys (name, key, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO NOTHING`, name, hex.EncodeToString(candidate), formatTime(now)); err != nil {
		return nil, err
	}
	var stored string
	if err := t.q.QueryRowContext(ctx, `SELECT key FROM site_keys WHERE name = $1`, name).Scan(&stored); err != nil {
		return nil, fmt.Errorf("store: read site key %s: %w", name, err)
	}
	key, err := hex.DecodeString(stored)
	if err != nil {
		return nil, fmt.Errorf("store: site key %s: %w", name, err)
	}
	return key, nil
}
