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
		FROM api_implementations im
		CROSS JOIN application_registrations r
		JOIN applications ap ON ap.id = r.application_id
		JOIN api_publications pub ON pub.api_id = r.api_id AND pub.portal_id = r.portal_id
		WHERE im.region = $1 AND im.control_plane_id = $2 AND r.region = $1 AND r.api_id = im.api_id AND r.status = 'approved'
		ORDER BY r.application_id, r.api_id`, region, controlPlaneID)
}

// The gateway data's queries start from the control plane's links: CROSS JOIN makes SQLite
// read the tables in the order written (PostgreSQL plans it as any inner join), where it
// otherwise started from every registration of the region.

// ActiveKeyHashesOfControlPlane returns, by application, the hashes of the keys that have not
// expired at now of every application with an approved registration for an API the control
// plane implements, oldest first: one query where ActiveKeyHashes per application cost one per
// application, most of the gateway data's time.
func (t *Tx) ActiveKeyHashesOfControlPlane(ctx context.Context, region, controlPlaneID string, now time.Time) (map[string][]string, error) {
	type keyOf struct{ applicationID, hash string }
	keys, err := queryAll(ctx, t, "list key hashes", func(s scanner) (keyOf, error) {
		var k keyOf
		err := s.Scan(&k.applicationID, &k.hash)
		return k, err
	}, `SELECT k.application_id, k.key_hash FROM api_keys k
		WHERE k.region = $1 AND (k.expires_at IS NULL OR k.expires_at > $3) AND k.application_id IN (
			SELECT r.application_id FROM api_implementations im CROSS JOIN application_registrations r
			WHERE im.region = $1 AND im.control_plane_id = $2 AND r.region = $1 AND r.api_id = im.api_id AND r.status = 'approved')
		ORDER BY k.application_id, k.created_at, k.id`, region, controlPlaneID, formatTime(now))
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, k := range keys {
		out[k.applicationID] = append(out[k.applicationID], k.hash)
	}
	return out, nil
}
