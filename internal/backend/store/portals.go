package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

const portalColumns = `id, region, name, display_name, description, authentication_enabled, rbac_enabled,
	sipr_enabled, default_api_visibility, default_page_visibility, default_application_auth_strategy_id,
	auto_approve_developers, auto_approve_applications, notifications_pii_enabled, labels,
	default_domain, created_at, updated_at`

// PortalFilter restricts a portal list; zero fields do not filter.
type PortalFilter struct {
	Name TextFilter
}

// InsertPortal stores a new portal.
func (t *Tx) InsertPortal(ctx context.Context, p core.Portal) error {
	labels, err := json.Marshal(p.Labels)
	if err != nil {
		return err
	}
	return t.exec(ctx, "insert portal", `INSERT INTO portals (`+portalColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		p.ID, p.Region, p.Name, p.DisplayName, p.Description, p.AuthenticationEnabled, p.RBACEnabled,
		p.SIPREnabled, p.DefaultAPIVisibility, p.DefaultPageVisibility, p.DefaultApplicationAuthStrategyID,
		p.AutoApproveDevelopers, p.AutoApproveApplications, p.NotificationsDeveloperPIIVisibilityEnabled,
		string(labels), p.DefaultDomain, formatTime(p.CreatedAt), formatTime(p.UpdatedAt))
}

// UpdatePortal overwrites the mutable fields of a stored portal.
func (t *Tx) UpdatePortal(ctx context.Context, p core.Portal) error {
	labels, err := json.Marshal(p.Labels)
	if err != nil {
		return err
	}
	return t.execOne(ctx, "update portal", `UPDATE portals SET name = $1, display_name = $2, description = $3,
		authentication_enabled = $4, rbac_enabled = $5, sipr_enabled = $6, default_api_visibility = $7,
		default_page_visibility = $8, default_application_auth_strategy_id = $9, auto_approve_developers = $10,
		auto_approve_applications = $11, notifications_pii_enabled = $12, labels = $13, updated_at = $14
		WHERE region = $15 AND id = $16`,
		p.Name, p.DisplayName, p.Description, p.AuthenticationEnabled, p.RBACEnabled, p.SIPREnabled,
		p.DefaultAPIVisibility, p.DefaultPageVisibility, p.DefaultApplicationAuthStrategyID,
		p.AutoApproveDevelopers, p.AutoApproveApplications, p.NotificationsDeveloperPIIVisibilityEnabled,
		string(labels), formatTime(p.UpdatedAt), p.Region, p.ID)
}

// GetPortal returns the portal with id in region, or ErrNotFound.
func (t *Tx) GetPortal(ctx context.Context, region, id string) (core.Portal, error) {
	return queryOne(ctx, t, scanPortal, `SELECT `+portalColumns+` FROM portals WHERE region = $1 AND id = $2`, region, id)
}

// PortalNameTaken reports whether another portal of the region (not exceptID) has this name.
func (t *Tx) PortalNameTaken(ctx context.Context, region, name, exceptID string) (bool, error) {
	if err := t.lockValue(ctx, "portals.name", region, name); err != nil {
		return false, err
	}
	n, err := t.count(ctx, "check portal name", `SELECT COUNT(*) FROM portals WHERE region = $1 AND name = $2 AND id <> $3`,
		region, name, exceptID)
	return n > 0, err
}

// ListPortals returns one page of the region's portals, sorted by page.Sort and then in creation
// order, and the total count.
func (t *Tx) ListPortals(ctx context.Context, region string, f PortalFilter, page Page) ([]core.Portal, int, error) {
	w := &where{}
	w.add("region = " + w.arg(region))
	w.text("name", f.Name)
	return listPage(ctx, t, "portals", portalColumns, "portals", w, page.orderBy(PortalSortFields), page, scanPortal)
}

// DeletePortal removes a portal and, through the schema, its authentication settings.
func (t *Tx) DeletePortal(ctx context.Context, region, id string) error {
	return t.execOne(ctx, "delete portal", `DELETE FROM portals WHERE region = $1 AND id = $2`, region, id)
}

// CountPortalContents counts the developers, applications, registrations and API keys of a
// portal; PublishedAPIs is left to the caller.
func (t *Tx) CountPortalContents(ctx context.Context, region, portalID string) (core.PortalContents, error) {
	var c core.PortalContents
	err := t.q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM developers WHERE region = $1 AND portal_id = $2),
		(SELECT COUNT(*) FROM applications WHERE region = $1 AND portal_id = $2),
		(SELECT COUNT(*) FROM application_registrations WHERE region = $1 AND portal_id = $2),
		(SELECT COUNT(*) FROM api_keys k JOIN applications a ON a.id = k.application_id
			WHERE a.region = $1 AND a.portal_id = $2)`, region, portalID).
		Scan(&c.Developers, &c.Applications, &c.Registrations, &c.APIKeys)
	if err != nil {
		return c, fmt.Errorf("store: count portal contents: %w", err)
	}
	return c, nil
}

// PortalRef names a portal in messages about its relations.
type PortalRef struct {
	ID   string
	Name string
}

// PortalsUsingAuthStrategy lists the portals of the region whose default strategy is strategyID.
func (t *Tx) PortalsUsingAuthStrategy(ctx context.Context, region, strategyID string) ([]PortalRef, error) {
	return queryAll(ctx, t, "portals using strategy", func(s scanner) (PortalRef, error) {
		var r PortalRef
		err := s.Scan(&r.ID, &r.Name)
		return r, err
	}, `SELECT id, name FROM portals
		WHERE region = $1 AND default_application_auth_strategy_id = $2 ORDER BY created_at, id`, region, strategyID)
}

func scanPortal(s scanner) (core.Portal, error) {
	var (
		p      core.Portal
		labels string
	)
	err := s.Scan(&p.ID, &p.Region, &p.Name, &p.DisplayName, &p.Description, &p.AuthenticationEnabled,
		&p.RBACEnabled, &p.SIPREnabled, &p.DefaultAPIVisibility, &p.DefaultPageVisibility, &p.DefaultApplicationAuthStrategyID,
		&p.AutoApproveDevelopers, &p.AutoApproveApplications, &p.NotificationsDeveloperPIIVisibilityEnabled,
		&labels, &p.DefaultDomain, textTime{&p.CreatedAt}, textTime{&p.UpdatedAt})
	if err != nil {
		return core.Portal{}, err
	}
	if err := json.Unmarshal([]byte(labels), &p.Labels); err != nil {
		return core.Portal{}, fmt.Errorf("store: portal %s labels: %w", p.ID, err)
	}
	return p, nil
}
