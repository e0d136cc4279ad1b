package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Visibility values for default_api_visibility and default_page_visibility.
const (
	VisibilityPublic  = "public"
	VisibilityPrivate = "private"
)

// Portal is a developer portal as the API returns it.
type Portal struct {
	ID                               string            `json:"id"`
	Name                             string            `json:"name"`
	DisplayName                      string            `json:"display_name"`
	Description                      *string           `json:"description"`
	AuthenticationEnabled            bool              `json:"authentication_enabled"`
	RBACEnabled                      bool              `json:"rbac_enabled"`
	DefaultAPIVisibility             string            `json:"default_api_visibility"`
	DefaultPageVisibility            string            `json:"default_page_visibility"`
	DefaultApplicationAuthStrategyID *string           `json:"default_application_auth_strategy_id"`
	AutoApproveDevelopers            bool              `json:"auto_approve_developers"`
	AutoApproveApplications          bool              `json:"auto_approve_applications"`
	DefaultDomain                    string            `json:"default_domain"`
	CanonicalDomain                  string            `json:"canonical_domain"`
	Labels                           map[string]string `json:"labels"`
	CreatedAt                        time.Time         `json:"created_at"`
	UpdatedAt                        time.Time         `json:"updated_at"`
}

// CreatePortalRequest is the body of a portal creation. Unset fields take the
// server's defaults; DefaultApplicationAuthStrategyID distinguishes "absent"
// (the server creates a key-auth strategy) from null (no default strategy).
type CreatePortalRequest struct {
	Name                             string            `json:"name"`
	DisplayName                      string            `json:"display_name,omitempty"`
	Description                      Nullable[string]  `json:"description,omitzero"`
	AuthenticationEnabled            *bool             `json:"authentication_enabled,omitempty"`
	RBACEnabled                      *bool             `json:"rbac_enabled,omitempty"`
	DefaultAPIVisibility             string            `json:"default_api_visibility,omitempty"`
	DefaultPageVisibility            string            `json:"default_page_visibility,omitempty"`
	DefaultApplicationAuthStrategyID Nullable[string]  `json:"default_application_auth_strategy_id,omitzero"`
	AutoApproveDevelopers            *bool             `json:"auto_approve_developers,omitempty"`
	AutoApproveApplications          *bool             `json:"auto_approve_applications,omitempty"`
	Labels                           map[string]string `json:"labels,omitempty"`
}

// UpdatePortalRequest is the body of a portal PATCH: only set fields change.
// A label mapped to nil is removed.
type UpdatePortalRequest struct {
	Name                             *string            `json:"name,omitempty"`
	DisplayName                      *string            `json:"display_name,omitempty"`
	Description                      Nullable[string]   `json:"description,omitzero"`
	AuthenticationEnabled            *bool              `json:"authentication_enabled,omitempty"`
	RBACEnabled                      *bool              `json:"rbac_enabled,omitempty"`
	DefaultAPIVisibility             *string            `json:"default_api_visibility,omitempty"`
	DefaultPageVisibility            *string            `json:"default_page_visibility,omitempty"`
	DefaultApplicationAuthStrategyID Nullable[string]   `json:"default_application_auth_strategy_id,omitzero"`
	AutoApproveDevelopers            *bool              `json:"auto_approve_developers,omitempty"`
	AutoApproveApplications          *bool              `json:"auto_approve_applications,omitempty"`
	Labels                           map[string]*string `json:"labels,omitempty"`
}

// LabelsPatch returns the labels map of a PATCH that turns old into new:
// every new label, and nil for each label that disappears. It is nil when
// nothing changes.
func LabelsPatch(old, new map[string]string) map[string]*string {
	patch := map[string]*string{}
	for k, v := range new {
		if ov, ok := old[k]; ok && ov == v {
			continue
		}
		patch[k] = &v
	}
	for k := range old {
		if _, ok := new[k]; !ok {
			patch[k] = nil
		}
	}
	if len(patch) == 0 {
		return nil
	}
	return patch
}

// ListPortals returns one page of the portals of the client's region.
func (c *Client) ListPortals(ctx context.Context, opts ListOptions) (*Page[Portal], error) {
	var page Page[Portal]
	if err := c.do(ctx, http.MethodGet, "/v3/portals", opts.query(), nil, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// FindPortalsByName returns every portal named name, across all pages.
func (c *Client) FindPortalsByName(ctx context.Context, name string) ([]Portal, error) {
	all, err := listAll(ctx, ListOptions{Name: name}, c.ListPortals)
	if err != nil {
		return nil, err
	}
	// Filter again in case a server ignores filter[name].
	matches := all[:0]
	for _, p := range all {
		if p.Name == name {
			matches = append(matches, p)
		}
	}
	return matches, nil
}

// GetPortal returns the portal with the given id.
func (c *Client) GetPortal(ctx context.Context, id string) (*Portal, error) {
	var p Portal
	if err := c.do(ctx, http.MethodGet, "/v3/portals/"+url.PathEscape(id), nil, nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// CreatePortal creates a portal.
func (c *Client) CreatePortal(ctx context.Context, req CreatePortalRequest) (*Portal, error) {
	var p Portal
	if err := c.do(ctx, http.MethodPost, "/v3/portals", nil, req, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// UpdatePortal changes the fields set in req.
func (c *Client) UpdatePortal(ctx context.Context, id string, req UpdatePortalRequest) (*Portal, error) {
	var p Portal
	if err := c.do(ctx, http.MethodPatch, "/v3/portals/"+url.PathEscape(id), nil, req, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// DeletePortal deletes a portal. Without force the server refuses (409) while
// APIs are published to the portal or developers or applications exist in it;
// with force it deletes them all with the portal.
func (c *Client) DeletePortal(ctx context.Context, id string, force bool) error {
	var q url.Values
	if force {
		q = url.Values{"force": {"true"}}
	}
	return c.do(ctx, http.MethodDelete, "/v3/portals/"+url.PathEscape(id), q, nil, nil)
}
