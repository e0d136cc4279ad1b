package store

import (
	"context"
	"time"
)

// GatewayGrant is an approved registration of an application with an API served by a control
// plane, with the strategy its publication accepts now (nil: no application auth).
type GatewayGrant struct {
	ApplicationID             string
	PortalID                  string
	AuthStrategyID            string
	APIID                     string
	PublicationAuthStrategyID *string
}

// ApprovedGrants returns the approved registrations for APIs linked to services of the control
// plane, ordered by application then API. Whether each still grants access depends on the
// publication's strategy (core.RegistrationAllowsTraffic), which the caller decides.
func (t *Tx) ApprovedGrants(ctx context.Context, region, controlPlaneID string) ([]GatewayGrant, error) {
	return queryAll(ctx, t, "list approved registrations", func(s scanner) (GatewayGrant, error) {
		var g GatewayGrant
		err := s.Scan(&g.ApplicationID, &g.PortalID, &g.AuthStrategyID, &g.APIID, &g.PublicationAuthStrategyID)
		return g, err
	}, `SELECT r.application_id, ap.portal_id, ap.auth_strategy_id, r.api_id, pub.auth_strategy_id
		FROM application_registrations r
		JOIN applications ap ON ap.id = r.application_id
		JOIN api_implementations im ON im.api_id = r.api_id
		JOIN api_publications pub ON pub.api_id = r.api_id AND pub.portal_id = r.portal_id
		WHERE r.region = $1 AND im.control_plane_id = $2 AND r.status = 'approved'
		ORDER BY r.application_id, r.api_id`, region, controlPlaneID)
}

// ActiveKeyHashes returns the hashes of the application's keys that have not expired at now,
// oldest first.
func (t *Tx) ActiveKeyHashes(ctx context.Context, region, applicationID string, now time.Time) ([]string, error) {
	return queryAll(ctx, t, "list key hashes", scanString, `SELECT key_hash FROM api_keys
		WHERE region = $1 AND application_id = $2 AND (expires_at IS NULL OR expires_at > $3)
		ORDER BY created_at, id`, region, applicationID, formatTime(now))
}
