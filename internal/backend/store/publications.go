package store

import (
	"context"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

const publicationColumns = `api_id, portal_id, region, auth_strategy_id, visibility, auto_approve_registrations,
	created_at, updated_at`

// Names of a publication's API and portal, for filtering and sorting by them.
const (
	publicationAPIName    = `(SELECT name FROM apis WHERE apis.id = api_publications.api_id)`
	publicationPortalName = `(SELECT name FROM portals WHERE portals.id = api_publications.portal_id)`
)

// PublicationSortFields are the fields publication lists can be sorted by, with their columns.
var PublicationSortFields = map[string]string{"api_id": "api_id", "portal_id": "portal_id", "api_name": publicationAPIName,
	"portal_name": publicationPortalName, "created_at": "created_at", "updated_at": "updated_at"}

// PublicationFilter restricts a publication list; zero fields do not filter.
type PublicationFilter struct {
	APIID          TextFilter
	PortalID       TextFilter
	AuthStrategyID TextFilter
	APIName        TextFilter
	PortalName     TextFilter
}

// PutPublication inserts or replaces the publication of an API in a portal.
func (t *Tx) PutPublication(ctx context.Context, p core.Publication) error {
	return t.exec(ctx, "put publication", `INSERT INTO api_publications (`+publicationColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (api_id, portal_id) DO UPDATE SET auth_strategy_id = excluded.auth_strategy_id,
			visibility = excluded.visibility, auto_approve_registrations = excluded.auto_approve_registrations,
			updated_at = excluded.updated_at`,
		p.APIID, p.PortalID, p.Region, p.AuthStrategyID, p.Visibility, p.AutoApproveRegistrations,
		formatTime(p.CreatedAt), formatTime(p.UpdatedAt))
}

// GetPublication returns the publication of the API in the portal, or ErrNotFound.
func (t *Tx) GetPublication(ctx context.Context, region, apiID, portalID string) (core.Publication, error) {
	return queryOne(ctx, t, scanPublication, `SELECT `+publicationColumns+` FROM api_publications
		WHERE region = $1 AND api_id = $2 AND portal_id = $3`, region, apiID, portalID)
}

// PublicationsOfAPI returns every publication of the API.
func (t *Tx) PublicationsOfAPI(ctx context.Context, region, apiID string) ([]core.Publication, error) {
	return queryAll(ctx, t, "list publications", scanPublication, `SELECT `+publicationColumns+` FROM api_publications
		WHERE region = $1 AND api_id = $2 ORDER BY created_at, portal_id`, region, apiID)
}

// ListPublications returns one page of the region's publications, sorted by page.Sort and then in
// creation order, and the total.
func (t *Tx) ListPublications(ctx context.Context, region string, f PublicationFilter, page Page) ([]core.Publication, int, error) {
	w := &where{}
	w.add("region = " + w.arg(region))
	w.text("api_id", f.APIID)
	w.text("portal_id", f.PortalID)
	w.text("auth_strategy_id", f.AuthStrategyID)
	w.text(publicationAPIName, f.APIName)
	w.text(publicationPortalName, f.PortalName)
	// Publications have no id of their own: the API and portal ids break ties.
	order := page.orderThen(PublicationSortFields, "created_at", "api_id", "portal_id")
	return listPage(ctx, t, "publications", publicationColumns, "api_publications", w, order, page, scanPublication)
}

// DeletePublication unpublishes the API from the portal.
func (t *Tx) DeletePublication(ctx context.Context, region, apiID, portalID string) error {
	return t.execOne(ctx, "delete publication", `DELETE FROM api_publications WHERE region = $1 AND api_id = $2 AND portal_id = $3`,
		region, apiID, portalID)
}

// DeletePortalPublications unpublishes every API from the portal and returns the ids of those APIs.
func (t *Tx) DeletePortalPublications(ctx context.Context, region, portalID string) ([]string, error) {
	pubs, err := queryAll(ctx, t, "list publications", scanPublication, `SELECT `+publicationColumns+` FROM api_publications
		WHERE region = $1 AND portal_id = $2 ORDER BY created_at, api_id`, region, portalID)
	if err != nil {
		return nil, err
	}
	if err := t.exec(ctx, "delete portal publications", `DELETE FROM api_publications WHERE region = $1 AND portal_id = $2`, region, portalID); err != nil {
		return nil, err
	}
	ids := make([]string, len(pubs))
	for i, p := range pubs {
		ids[i] = p.APIID
	}
	return ids, nil
}

// PublicationRef names a publication in messages about what uses a strategy.
type PublicationRef struct {
	APIID      string
	APIName    string
	APIVersion *string
	PortalID   string
	PortalName string
}

// PublicationsUsingAuthStrategy lists the publications of the region that use the strategy.
func (t *Tx) PublicationsUsingAuthStrategy(ctx context.Context, region, strategyID string) ([]PublicationRef, error) {
	return queryAll(ctx, t, "publications using strategy", func(s scanner) (PublicationRef, error) {
		var r PublicationRef
		err := s.Scan(&r.APIID, &r.APIName, &r.APIVersion, &r.PortalID, &r.PortalName)
		return r, err
	}, `SELECT a.id, a.name, a.version, p.id, p.name FROM api_publications ap
		JOIN apis a ON a.id = ap.api_id JOIN portals p ON p.id = ap.portal_id
		WHERE ap.region = $1 AND ap.auth_strategy_id = $2 ORDER BY a.name, a.id, p.name, p.id`, region, strategyID)
}

// PublicationsOfPortal lists the APIs published to the portal, by API name.
func (t *Tx) PublicationsOfPortal(ctx context.Context, region, portalID string) ([]PublicationRef, error) {
	return queryAll(ctx, t, "publications of portal", func(s scanner) (PublicationRef, error) {
		var r PublicationRef
		err := s.Scan(&r.APIID, &r.APIName, &r.APIVersion, &r.PortalID, &r.PortalName)
		return r, err
	}, `SELECT a.id, a.name, a.version, p.id, p.name FROM api_publications ap
		JOIN apis a ON a.id = ap.api_id JOIN portals p ON p.id = ap.portal_id
		WHERE ap.region = $1 AND ap.portal_id = $2 ORDER BY a.name, a.id`, region, portalID)
}

// APIsUsingAuthStrategy returns the ids of the APIs published with the strategy.
func (t *Tx) APIsUsingAuthStrategy(ctx context.Context, region, strategyID string) ([]string, error) {
	return queryAll(ctx, t, "apis using strategy", scanString, `SELECT DISTINCT api_id FROM api_publications
		WHERE region = $1 AND auth_strategy_id = $2 ORDER BY api_id`, region, strategyID)
}

func scanPublication(s scanner) (core.Publication, error) {
	var p core.Publication
	err := s.Scan(&p.APIID, &p.PortalID, &p.Region, &p.AuthStrategyID, &p.Visibility, &p.AutoApproveRegistrations,
		textTime{&p.CreatedAt}, textTime{&p.UpdatedAt})
	return p, err
}

// PortalOffersAuthStrategy reports whether any publication of the portal uses the strategy.
func (t *Tx) PortalOffersAuthStrategy(ctx context.Context, region, portalID, strategyID string) (bool, error) {
	n, err := t.count(ctx, "count publications of strategy", `SELECT COUNT(*) FROM api_publications
		WHERE region = $1 AND portal_id = $2 AND auth_strategy_id = $3`, region, portalID, strategyID)
	return n > 0, err
}
