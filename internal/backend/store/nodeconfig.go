package store

import (
	"context"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// NodeApplication is an application as the gateway nodes of a control plane see it, with its
// keys and its registrations for APIs the control plane implements.
type NodeApplication struct {
	ID              string
	Name            string
	PortalID        string
	DeveloperID     string
	DeveloperStatus string
	AuthStrategyID  string
	// ClientID is set for applications of an OpenID Connect strategy only.
	ClientID      string
	Keys          []NodeKey
	Registrations []NodeRegistration
}

// NodeKey is an API key by its hash; ExpiresAt is the zero time for a key that never expires.
type NodeKey struct {
	Hash      string
	ExpiresAt time.Time
}

// NodeRegistration is a registration with what decides whether it is suspended.
type NodeRegistration struct {
	APIID  string
	Status core.RegistrationStatus
	// PublicationAuthStrategyID is the strategy the API's publication accepts; nil: none.
	PublicationAuthStrategyID *string
}

// The portals that publish an API implemented by a service of control plane $2 in region $1.
const nodePortals = `SELECT pub.portal_id FROM api_publications pub
	JOIN api_implementations im ON im.api_id = pub.api_id
	WHERE im.region = $1 AND im.control_plane_id = $2`

// NodeServices returns every service of the control plane, by id.
func (t *Tx) NodeServices(ctx context.Context, region, controlPlaneID string) ([]core.GatewayService, error) {
	return queryAll(ctx, t, "list node services", scanService, `SELECT `+serviceColumns+` FROM gateway_services
		WHERE region = $1 AND control_plane_id = $2 ORDER BY id`, region, controlPlaneID)
}

// NodeRoutes returns every route of the control plane, by id.
func (t *Tx) NodeRoutes(ctx context.Context, region, controlPlaneID string) ([]core.GatewayRoute, error) {
	return queryAll(ctx, t, "list node routes", scanRoute, `SELECT `+routeColumns+` FROM gateway_routes
		WHERE region = $1 AND control_plane_id = $2 ORDER BY id`, region, controlPlaneID)
}

// NodePlugins returns every plugin of the control plane, by id.
func (t *Tx) NodePlugins(ctx context.Context, region, controlPlaneID string) ([]core.GatewayPlugin, error) {
	return queryAll(ctx, t, "list node plugins", scanPlugin, `SELECT `+pluginColumns+` FROM gateway_plugins
		WHERE region = $1 AND control_plane_id = $2 ORDER BY id`, region, controlPlaneID)
}

// NodeApplications returns, by id, the applications of the portals that publish an API
// implemented by a service of the control plane, with their keys that have not expired at now
// (by hash) and their registrations for the APIs the control plane implements (by API id). It
// runs three queries whatever the number of applications.
func (t *Tx) NodeApplications(ctx context.Context, region, controlPlaneID string, now time.Time) ([]NodeApplication, error) {
	apps, err := queryAll(ctx, t, "list node applications", scanNodeApplication, `SELECT a.id, a.name, a.portal_id,
		a.developer_id, d.status, a.auth_strategy_id, CASE WHEN s.strategy_type = 'openid_connect' THEN a.client_id ELSE '' END
		FROM applications a
		JOIN developers d ON d.id = a.developer_id
		LEFT JOIN auth_strategies s ON s.id = a.auth_strategy_id
		WHERE a.region = $1 AND a.portal_id IN (`+nodePortals+`)
		ORDER BY a.id`, region, controlPlaneID)
	if err != nil || len(apps) == 0 {
		return apps, err
	}
	byID := make(map[string]*NodeApplication, len(apps))
	for i := range apps {
		byID[apps[i].ID] = &apps[i]
	}
	if err := t.eachNodeKey(ctx, region, controlPlaneID, now, func(appID string, k NodeKey) {
		if a := byID[appID]; a != nil {
			a.Keys = append(a.Keys, k)
		}
	}); err != nil {
		return nil, err
	}
	err = t.eachNodeRegistration(ctx, region, controlPlaneID, func(appID string, r NodeRegistration) {
		if a := byID[appID]; a != nil {
			a.Registrations = append(a.Registrations, r)
		}
	})
	return apps, err
}

func scanNodeApplication(s scanner) (NodeApplication, error) {
	var a NodeApplication
	err := s.Scan(&a.ID, &a.Name, &a.PortalID, &a.DeveloperID, &a.DeveloperStatus, &a.AuthStrategyID, &a.ClientID)
	return a, err
}

// eachNodeKey calls fn for every unexpired key of the applications NodeApplications returns,
// by application then hash, without holding them all in a slice of their own.
func (t *Tx) eachNodeKey(ctx context.Context, region, controlPlaneID string, now time.Time, fn func(appID string, k NodeKey)) error {
	return t.each(ctx, "list node keys", func(s scanner) error {
		var (
			appID string
			k     NodeKey
		)
		if err := s.Scan(&appID, &k.Hash, textTime{&k.ExpiresAt}); err != nil {
			return err
		}
		fn(appID, k)
		return nil
	}, `SELECT k.application_id, k.key_hash, k.expires_at FROM api_keys k
		JOIN applications a ON a.id = k.application_id
		WHERE a.region = $1 AND a.portal_id IN (`+nodePortals+`) AND (k.expires_at IS NULL OR k.expires_at > $3)
		ORDER BY k.application_id, k.key_hash`, region, controlPlaneID, formatTime(now))
}

// eachNodeRegistration calls fn for every registration for an API the control plane implements,
// by application then API.
func (t *Tx) eachNodeRegistration(ctx context.Context, region, controlPlaneID string, fn func(appID string, r NodeRegistration)) error {
	return t.each(ctx, "list node registrations", func(s scanner) error {
		var (
			appID string
			r     NodeRegistration
		)
		if err := s.Scan(&appID, &r.APIID, &r.Status, &r.PublicationAuthStrategyID); err != nil {
			return err
		}
		fn(appID, r)
		return nil
	}, `SELECT r.application_id, r.api_id, r.status, pub.auth_strategy_id
		FROM application_registrations r
		JOIN api_implementations im ON im.api_id = r.api_id
		JOIN api_publications pub ON pub.api_id = r.api_id AND pub.portal_id = r.portal_id
		WHERE r.region = $1 AND im.control_plane_id = $2
		ORDER BY r.application_id, r.api_id`, region, controlPlaneID)
}

// each calls scan for every row of query.
func (t *Tx) each(ctx context.Context, what string, scan func(scanner) error, query string, args ...any) error {
	rows, err := t.q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmtErr(what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmtErr(what, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmtErr(what, err)
	}
	return nil
}

// NodeConfigHash is a control plane's node configuration hash as last recorded.
type NodeConfigHash struct {
	Hash string
	// UpdatedAt is when the backend first computed this hash, in unix seconds.
	UpdatedAt int64
}

// GetNodeConfigHash returns the hash last recorded for the control plane, or ErrNotFound.
func (t *Tx) GetNodeConfigHash(ctx context.Context, controlPlaneID string) (NodeConfigHash, error) {
	return queryOne(ctx, t, func(s scanner) (NodeConfigHash, error) {
		var h NodeConfigHash
		err := s.Scan(&h.Hash, &h.UpdatedAt)
		return h, err
	}, `SELECT hash, updated_at FROM node_config_hashes WHERE control_plane_id = $1`, controlPlaneID)
}

// RecordNodeConfigHash records hash as the control plane's current one, dated at when unless it
// is the hash already recorded; it returns the record as it stands afterwards.
func (t *Tx) RecordNodeConfigHash(ctx context.Context, controlPlaneID, hash string, when int64) (NodeConfigHash, error) {
	if err := t.exec(ctx, "record node config hash", `INSERT INTO node_config_hashes (control_plane_id, hash, updated_at)
		VALUES ($1, $2, $3)
		ON CONFLICT (control_plane_id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at
		WHERE node_config_hashes.hash <> excluded.hash`, controlPlaneID, hash, when); err != nil {
		return NodeConfigHash{}, err
	}
	return t.GetNodeConfigHash(ctx, controlPlaneID)
}
