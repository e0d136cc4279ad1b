package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Publication states of portal pages, snippets and API documents.
const (
	StatusPublished   = "published"
	StatusUnpublished = "unpublished"
)

// PortalPage is a custom page of a portal as the API returns it.
type PortalPage struct {
	ID    string `json:"id"`
	Slug  string `json:"slug"`
	Title string `json:"title"`
	// Content is the page's markdown, front matter included.
	Content     string  `json:"content"`
	Visibility  string  `json:"visibility"`
	Status      string  `json:"status"`
	Description *string `json:"description"`
	// ParentPageID is nil for a page at the top of the tree.
	ParentPageID *string   `json:"parent_page_id"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// PortalPageSummary is a page in the tree a page list returns, without its content.
type PortalPageSummary struct {
	ID           string              `json:"id"`
	Slug         string              `json:"slug"`
	Title        string              `json:"title"`
	Visibility   string              `json:"visibility"`
	Status       string              `json:"status"`
	Description  *string             `json:"description"`
	ParentPageID *string             `json:"parent_page_id"`
	Children     []PortalPageSummary `json:"children"`
	CreatedAt    time.Time           `json:"created_at"`
	UpdatedAt    time.Time           `json:"updated_at"`
}

// CreatePortalPageRequest is the body of a page creation. Without a
// visibility the page takes the portal's default_page_visibility; without a
// status it is unpublished.
type CreatePortalPageRequest struct {
	Slug         string  `json:"slug"`
	Title        string  `json:"title,omitempty"`
	Content      string  `json:"content"`
	Visibility   string  `json:"visibility,omitempty"`
	Status       string  `json:"status,omitempty"`
	Description  *string `json:"description,omitempty"`
	ParentPageID *string `json:"parent_page_id,omitempty"`
}

// UpdatePortalPageRequest is the body of a page PATCH: only set fields
// change. A null parent moves the page to the top of the tree; a null
// description removes it.
type UpdatePortalPageRequest struct {
	Slug         *string          `json:"slug,omitempty"`
	Title        *string          `json:"title,omitempty"`
	Content      *string          `json:"content,omitempty"`
	Visibility   *string          `json:"visibility,omitempty"`
	Status       *string          `json:"status,omitempty"`
	Description  Nullable[string] `json:"description,omitzero"`
	ParentPageID Nullable[string] `json:"parent_page_id,omitzero"`
}

// MovePortalPageRequest places a page in the tree: under ParentPageID (null
// or absent for the top level) at position Index among its siblings, counted
// from the end when negative.
type MovePortalPageRequest struct {
	ParentPageID Nullable[string] `json:"parent_page_id,omitzero"`
	Index        *int             `json:"index,omitempty"`
}

func portalPagesPath(portalID string) string {
	return "/v3/portals/" + url.PathEscape(portalID) + "/pages"
}

func portalPagePath(portalID, pageID string) string {
	return portalPagesPath(portalID) + "/" + url.PathEscape(pageID)
}

// ListPortalPages returns the tree of a portal's pages; the list is not paginated.
func (c *Client) ListPortalPages(ctx context.Context, portalID string) ([]PortalPageSummary, error) {
	var list struct {
		Data []PortalPageSummary `json:"data"`
	}
	if err := c.do(ctx, http.MethodGet, portalPagesPath(portalID), nil, nil, &list); err != nil {
		return nil, err
	}
	return list.Data, nil
}

// GetPortalPage returns one page of a portal.
func (c *Client) GetPortalPage(ctx context.Context, portalID, pageID string) (*PortalPage, error) {
	var p PortalPage
	if err := c.do(ctx, http.MethodGet, portalPagePath(portalID, pageID), nil, nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// CreatePortalPage creates a page in a portal.
func (c *Client) CreatePortalPage(ctx context.Context, portalID string, req CreatePortalPageRequest) (*PortalPage, error) {
	var p PortalPage
	if err := c.do(ctx, http.MethodPost, portalPagesPath(portalID), nil, req, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// UpdatePortalPage changes the fields set in req.
func (c *Client) UpdatePortalPage(ctx context.Context, portalID, pageID string, req UpdatePortalPageRequest) (*PortalPage, error) {
	var p PortalPage
	if err := c.do(ctx, http.MethodPatch, portalPagePath(portalID, pageID), nil, req, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// MovePortalPage places a page elsewhere in the portal's page tree.
func (c *Client) MovePortalPage(ctx context.Context, portalID, pageID string, req MovePortalPageRequest) error {
	return c.do(ctx, http.MethodPost, portalPagePath(portalID, pageID)+"/move", nil, req, nil)
}

// DeletePortalPage deletes a page of a portal.
func (c *Client) DeletePortalPage(ctx context.Context, portalID, pageID string) error {
	return c.do(ctx, http.MethodDelete, portalPagePath(portalID, pageID), nil, nil, nil)
}
