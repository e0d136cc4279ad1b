package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// PortalSnippet is a reusable piece of markdown of a portal, which pages
// embed by name, as the API returns it.
type PortalSnippet struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Title       string    `json:"title"`
	Content     string    `json:"content"`
	Visibility  string    `json:"visibility"`
	Status      string    `json:"status"`
	Description *string   `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// CreatePortalSnippetRequest is the body of a snippet creation. Without a
// visibility the snippet takes the portal's default_page_visibility; without
// a status it is unpublished.
type CreatePortalSnippetRequest struct {
	Name        string  `json:"name"`
	Title       string  `json:"title,omitempty"`
	Content     string  `json:"content"`
	Visibility  string  `json:"visibility,omitempty"`
	Status      string  `json:"status,omitempty"`
	Description *string `json:"description,omitempty"`
}

// UpdatePortalSnippetRequest is the body of a snippet PATCH: only set fields
// change; a null description removes it.
type UpdatePortalSnippetRequest struct {
	Name        *string          `json:"name,omitempty"`
	Title       *string          `json:"title,omitempty"`
	Content     *string          `json:"content,omitempty"`
	Visibility  *string          `json:"visibility,omitempty"`
	Status      *string          `json:"status,omitempty"`
	Description Nullable[string] `json:"description,omitzero"`
}

func portalSnippetsPath(portalID string) string {
	return "/v3/portals/" + url.PathEscape(portalID) + "/snippets"
}

func portalSnippetPath(portalID, snippetID string) string {
	return portalSnippetsPath(portalID) + "/" + url.PathEscape(snippetID)
}

// ListPortalSnippets returns one page of a portal's snippets, without their content.
func (c *Client) ListPortalSnippets(ctx context.Context, portalID string, opts ListOptions) (*Page[PortalSnippet], error) {
	var page Page[PortalSnippet]
	if err := c.do(ctx, http.MethodGet, portalSnippetsPath(portalID), opts.query(), nil, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// GetPortalSnippet returns one snippet of a portal.
func (c *Client) GetPortalSnippet(ctx context.Context, portalID, snippetID string) (*PortalSnippet, error) {
	var s PortalSnippet
	if err := c.do(ctx, http.MethodGet, portalSnippetPath(portalID, snippetID), nil, nil, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// CreatePortalSnippet creates a snippet in a portal. The server refuses
// (409) a name that another snippet of the portal has.
func (c *Client) CreatePortalSnippet(ctx context.Context, portalID string, req CreatePortalSnippetRequest) (*PortalSnippet, error) {
	var s PortalSnippet
	if err := c.do(ctx, http.MethodPost, portalSnippetsPath(portalID), nil, req, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// UpdatePortalSnippet changes the fields set in req.
func (c *Client) UpdatePortalSnippet(ctx context.Context, portalID, snippetID string, req UpdatePortalSnippetRequest) (*PortalSnippet, error) {
	var s PortalSnippet
	if err := c.do(ctx, http.MethodPatch, portalSnippetPath(portalID, snippetID), nil, req, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// DeletePortalSnippet deletes a snippet of a portal.
func (c *Client) DeletePortalSnippet(ctx context.Context, portalID, snippetID string) error {
	return c.do(ctx, http.MethodDelete, portalSnippetPath(portalID, snippetID), nil, nil, nil)
}
