package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Developer statuses.
const (
	DeveloperApproved = "approved"
	DeveloperPending  = "pending"
	DeveloperRejected = "rejected"
	DeveloperRevoked  = "revoked"
)

// DeveloperStatuses lists the statuses a developer can have.
var DeveloperStatuses = []string{DeveloperApproved, DeveloperPending, DeveloperRejected, DeveloperRevoked}

// Developer is a developer account of a portal.
type Developer struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	FullName  string    `json:"full_name"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// CreateDeveloperRequest is the body of a developer creation. An empty Status
// lets the portal's auto_approve_developers setting decide.
type CreateDeveloperRequest struct {
	Email               string `json:"email"`
	FullName            string `json:"full_name"`
	Status              string `json:"status,omitempty"`
	SendInvitationEmail bool   `json:"send_invitation_email,omitempty"`
}

// UpdateDeveloperRequest is the body of a developer PATCH; empty fields are left
// out and stay as they are. Konnect's PATCH takes the status only: Email and
// FullName are extensions of the bundled backend.
type UpdateDeveloperRequest struct {
	Status   string `json:"status,omitempty"`
	Email    string `json:"email,omitempty"`
	FullName string `json:"full_name,omitempty"`
}

// DeveloperListOptions selects a page of developers and filters it by exact values.
type DeveloperListOptions struct {
	ListOptions
	Status string
	Email  string
}

func (o DeveloperListOptions) query() url.Values {
	q := o.ListOptions.query()
	setFilter(q, "status", o.Status)
	setFilter(q, "email", o.Email)
	return q
}

// setFilter adds an equality filter when value is not empty.
func setFilter(q url.Values, field, value string) {
	if value != "" {
		q.Set("filter["+field+"][eq]", value)
	}
}

func portalPath(portalID string) string { return "/v3/portals/" + url.PathEscape(portalID) }

func developerPath(portalID, id string) string {
	return portalPath(portalID) + "/developers/" + url.PathEscape(id)
}

// ListDevelopers returns one page of a portal's developers.
func (c *Client) ListDevelopers(ctx context.Context, portalID string, opts DeveloperListOptions) (*Page[Developer], error) {
	var page Page[Developer]
	if err := c.do(ctx, http.MethodGet, portalPath(portalID)+"/developers", opts.query(), nil, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// ListAllDevelopers returns every developer of a portal that matches opts, across all pages.
func (c *Client) ListAllDevelopers(ctx context.Context, portalID string, opts DeveloperListOptions) ([]Developer, error) {
	return listAll(ctx, opts.ListOptions, func(ctx context.Context, lo ListOptions) (*Page[Developer], error) {
		opts.ListOptions = lo
		return c.ListDevelopers(ctx, portalID, opts)
	})
}

// GetDeveloper returns one developer of a portal.
func (c *Client) GetDeveloper(ctx context.Context, portalID, id string) (*Developer, error) {
	var d Developer
	if err := c.do(ctx, http.MethodGet, developerPath(portalID, id), nil, nil, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// CreateDeveloper creates a developer whose address counts as verified. The
// server answers 409 when the address is already used on the portal.
func (c *Client) CreateDeveloper(ctx context.Context, portalID string, req CreateDeveloperRequest) (*Developer, error) {
	var d Developer
	if err := c.do(ctx, http.MethodPost, portalPath(portalID)+"/developers", nil, req, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// UpdateDeveloper changes a developer's status, name or address. A developer
// who is no longer approved loses their sessions.
func (c *Client) UpdateDeveloper(ctx context.Context, portalID, id string, req UpdateDeveloperRequest) (*Developer, error) {
	var d Developer
	if err := c.do(ctx, http.MethodPatch, developerPath(portalID, id), nil, req, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// DeleteDeveloper deletes a developer with their applications, registrations and keys.
func (c *Client) DeleteDeveloper(ctx context.Context, portalID, id string) error {
	return c.do(ctx, http.MethodDelete, developerPath(portalID, id), nil, nil, nil)
}
