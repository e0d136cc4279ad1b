package store

import (
	"context"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

const snippetColumns = `id, region, portal_id, name, title, content, description, visibility, status, created_at, updated_at`

// SnippetSortFields are the fields snippet lists can be sorted by, with their columns.
var SnippetSortFields = map[string]string{"name": "name", "title": "title", "visibility": "visibility",
	"status": "status", "created_at": "created_at", "updated_at": "updated_at"}

// SnippetFilter restricts a snippet list; zero fields do not filter.
type SnippetFilter struct {
	ID         TextFilter
	Name       TextFilter
	Title      TextFilter
	Visibility TextFilter
	Status     TextFilter
	// Visible, when set, keeps only published snippets that are public or, with SignedIn, private.
	Visible  bool
	SignedIn bool
}

// InsertSnippet stores a new snippet.
func (t *Tx) InsertSnippet(ctx context.Context, s core.Snippet) error {
	return t.exec(ctx, "insert snippet", `INSERT INTO portal_snippets (`+snippetColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		s.ID, s.Region, s.PortalID, s.Name, s.Title, s.Content, s.Description, s.Visibility, s.Status,
		formatTime(s.CreatedAt), formatTime(s.UpdatedAt))
}

// UpdateSnippet overwrites the mutable fields of a stored snippet.
func (t *Tx) UpdateSnippet(ctx context.Context, s core.Snippet) error {
	return t.execOne(ctx, "update snippet", `UPDATE portal_snippets SET name = $1, title = $2, content = $3,
		description = $4, visibility = $5, status = $6, updated_at = $7 WHERE region = $8 AND portal_id = $9 AND id = $10`,
		s.Name, s.Title, s.Content, s.Description, s.Visibility, s.Status, formatTime(s.UpdatedAt), s.Region, s.PortalID, s.ID)
}

// GetSnippet returns the snippet with id of the portal, or ErrNotFound.
func (t *Tx) GetSnippet(ctx context.Context, region, portalID, id string) (core.Snippet, error) {
	return queryOne(ctx, t, scanSnippet, `SELECT `+snippetColumns+` FROM portal_snippets
		WHERE region = $1 AND portal_id = $2 AND id = $3`, region, portalID, id)
}

// GetSnippetByName returns the snippet named name of the portal, or ErrNotFound.
func (t *Tx) GetSnippetByName(ctx context.Context, region, portalID, name string) (core.Snippet, error) {
	return queryOne(ctx, t, scanSnippet, `SELECT `+snippetColumns+` FROM portal_snippets
		WHERE region = $1 AND portal_id = $2 AND name = $3`, region, portalID, name)
}

// SnippetNameTaken reports whether another snippet of the portal (not exceptID) has this name.
func (t *Tx) SnippetNameTaken(ctx context.Context, portalID, name, exceptID string) (bool, error) {
	if err := t.lockValue(ctx, "portal_snippets.name", portalID, name); err != nil {
		return false, err
	}
	n, err := t.count(ctx, "check snippet name", `SELECT COUNT(*) FROM portal_snippets WHERE portal_id = $1 AND name = $2 AND id <> $3`,
		portalID, name, exceptID)
	return n > 0, err
}

// ListSnippets returns one page of the portal's snippets and the total count.
func (t *Tx) ListSnippets(ctx context.Context, region, portalID string, f SnippetFilter, page Page) ([]core.Snippet, int, error) {
	w := &where{}
	w.add("region = " + w.arg(region))
	w.add("portal_id = " + w.arg(portalID))
	w.text("id", f.ID)
	w.text("name", f.Name)
	w.text("title", f.Title)
	w.text("visibility", f.Visibility)
	w.text("status", f.Status)
	if f.Visible {
		w.add("status = " + w.arg(core.StatusPublished))
		if !f.SignedIn {
			w.add("visibility = " + w.arg(core.VisibilityPublic))
		}
	}
	return listPage(ctx, t, "snippets", snippetColumns, "portal_snippets", w, page.orderBy(SnippetSortFields), page, scanSnippet)
}

// DeleteSnippet removes a snippet.
func (t *Tx) DeleteSnippet(ctx context.Context, region, portalID, id string) error {
	return t.execOne(ctx, "delete snippet", `DELETE FROM portal_snippets WHERE region = $1 AND portal_id = $2 AND id = $3`,
		region, portalID, id)
}

func scanSnippet(s scanner) (core.Snippet, error) {
	var sn core.Snippet
	err := s.Scan(&sn.ID, &sn.Region, &sn.PortalID, &sn.Name, &sn.Title, &sn.Content, &sn.Description,
		&sn.Visibility, &sn.Status, textTime{&sn.CreatedAt}, textTime{&sn.UpdatedAt})
	return sn, err
}
