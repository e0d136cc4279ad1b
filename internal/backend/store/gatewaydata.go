package store

import (
	"context"
	"fmt"
	"time"
)

// GatewayGrant is an approved registration of an application with an API served by a control plane.
type GatewayGrant struct {
	ApplicationID  string
	PortalID       string
	AuthStrategyID string
	APIID          string
}

// ApprovedGrants returns the approved registrations for APIs linked to services of the control
// plane, ordered by application then API.
func (t *Tx) ApprovedGrants(ctx context.Context, region, controlPlaneID string) ([]GatewayGrant, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT r.application_id, ap.portal_id, ap.auth_strategy_id, r.api_id
		FROM application_registrations r
		JOIN applications ap ON ap.id = r.application_id
		JOIN api_implementations im ON im.api_id = r.api_id
		WHERE r.region = $1 AND im.control_plane_id = $2 AND r.status = 'approved'
		ORDER BY r.application_id, r.api_id`, region, controlPlaneID)
	if err != nil {
		return nil, fmt.Errorf("store: list approved registrations: %w", err)
	}
	defer rows.Close()
	var out []GatewayGrant
	for rows.Next() {
		var g GatewayGrant
		if err := rows.Scan(&g.ApplicationID, &g.PortalID, &g.AuthStrategyID, &g.APIID); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// ActiveKeyHashes returns the hashes of the application's keys that have not expired at now,
// oldest first.
func (t *Tx) ActiveKeyHashes(ctx context.Context, region, applicationID string, now time.Time) ([]string, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT key_hash FROM api_keys
		WHERE region = $1 AND application_id = $2 AND (expires_at IS NULL OR expires_at > $3)
		ORDER BY created_at, id`, region, applicationID, formatTime(now))
	if err != nil {
		return nil, fmt.Errorf("store: list key hashes: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
