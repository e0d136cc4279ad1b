package store

import (
	"context"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

const pageColumns = `id, region, portal_id, parent_page_id, position, slug, title, content, description,
	visibility, status, created_at, updated_at`

// pageSiblingOrder orders pages as their tree shows them: by parent, then position, then creation.
const pageSiblingOrder = ` ORDER BY parent_page_id IS NOT NULL, parent_page_id, position, created_at, id`

// InsertPage stores a new page.
func (t *Tx) InsertPage(ctx context.Context, p core.Page) error {
	return t.exec(ctx, "insert page", `INSERT INTO portal_pages (`+pageColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		p.ID, p.Region, p.PortalID, p.ParentPageID, p.Position, p.Slug, p.Title, p.Content, p.Description,
		p.Visibility, p.Status, formatTime(p.CreatedAt), formatTime(p.UpdatedAt))
}

// UpdatePage overwrites the mutable fields of a stored page, its place in the tree included.
func (t *Tx) UpdatePage(ctx context.Context, p core.Page) error {
	return t.execOne(ctx, "update page", `UPDATE portal_pages SET parent_page_id = $1, position = $2, slug = $3,
		title = $4, content = $5, description = $6, visibility = $7, status = $8, updated_at = $9
		WHERE region = $10 AND portal_id = $11 AND id = $12`,
		p.ParentPageID, p.Position, p.Slug, p.Title, p.Content, p.Description, p.Visibility, p.Status,
		formatTime(p.UpdatedAt), p.Region, p.PortalID, p.ID)
}

// GetPage returns the page with id of the portal, or ErrNotFound.
func (t *Tx) GetPage(ctx context.Context, region, portalID, id string) (core.Page, error) {
	return queryOne(ctx, t, scanPage, `SELECT `+pageColumns+` FROM portal_pages
		WHERE region = $1 AND portal_id = $2 AND id = $3`, region, portalID, id)
}

// PortalPages returns every page of the portal in tree order (parent, position, creation).
func (t *Tx) PortalPages(ctx context.Context, region, portalID string) ([]core.Page, error) {
	return queryAll(ctx, t, "list pages", scanPage, `SELECT `+pageColumns+` FROM portal_pages
		WHERE region = $1 AND portal_id = $2`+pageSiblingOrder, region, portalID)
}

// SetPagePositions renumbers siblings: ids[i] gets position i.
func (t *Tx) SetPagePositions(ctx context.Context, portalID string, ids []string) error {
	for i, id := range ids {
		if err := t.exec(ctx, "order pages", `UPDATE portal_pages SET position = $1 WHERE portal_id = $2 AND id = $3`,
			i, portalID, id); err != nil {
			return err
		}
	}
	return nil
}

// DeletePage removes a page and, through the schema, the pages under it.
func (t *Tx) DeletePage(ctx context.Context, region, portalID, id string) error {
	return t.execOne(ctx, "delete page", `DELETE FROM portal_pages WHERE region = $1 AND portal_id = $2 AND id = $3`,
		region, portalID, id)
}

func scanPage(s scanner) (core.Page, error) {
	var p core.Page
	err := s.Scan(&p.ID, &p.Region, &p.PortalID, &p.ParentPageID, &p.Position, &p.Slug, &p.Title, &p.Content,
		&p.Description, &p.Visibility, &p.Status, textTime{&p.CreatedAt}, textTime{&p.UpdatedAt})
	return p, err
}
