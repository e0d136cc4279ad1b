package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// API is an entry of the API catalog as the API returns it.
type API struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Version     *string           `json:"version"`
	Description *string           `json:"description"`
	Slug        string            `json:"slug"`
	Labels      map[string]string `json:"labels"`
	// Portals lists the portals the API is published to.
	Portals []APIPortal `json:"portals"`
	// ImplementationMode is set while the API is linked to a gateway service.
	ImplementationMode *string   `json:"implementation_mode"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
}

// APIPortal names a portal an API is published to.
type APIPortal struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
}

// CreateAPIRequest is the body of an API creation. Without a slug the server
// derives one from the name and version.
type CreateAPIRequest struct {
	Name        string            `json:"name"`
	Version     *string           `json:"version,omitempty"`
	Description *string           `json:"description,omitempty"`
	Slug        *string           `json:"slug,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
}

// UpdateAPIRequest is the body of an API PATCH: only set fields change. A
// null slug goes back to the one derived from name and version; a label
// mapped to nil is removed.
type UpdateAPIRequest struct {
	Name        *string            `json:"name,omitempty"`
	Version     Nullable[string]   `json:"version,omitzero"`
	Description Nullable[string]   `json:"description,omitzero"`
	Slug        Nullable[string]   `json:"slug,omitzero"`
	Labels      map[string]*string `json:"labels,omitempty"`
}

func apiPath(id string) string { return "/v3/apis/" + url.PathEscape(id) }

// ListAPIs returns one page of the APIs of the client's region.
func (c *Client) ListAPIs(ctx context.Context, opts ListOptions) (*Page[API], error) {
	var page Page[API]
	if err := c.do(ctx, http.MethodGet, "/v3/apis", opts.query(), nil, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// FindAPIsByName returns every API named name, across all pages.
func (c *Client) FindAPIsByName(ctx context.Context, name string) ([]API, error) {
	all, err := listAll(ctx, ListOptions{Name: name}, c.ListAPIs)
	if err != nil {
		return nil, err
	}
	matches := all[:0]
	for _, a := range all {
		if a.Name == name {
			matches = append(matches, a)
		}
	}
	return matches, nil
}

// GetAPI returns the API with the given id.
func (c *Client) GetAPI(ctx context.Context, id string) (*API, error) {
	var a API
	if err := c.do(ctx, http.MethodGet, apiPath(id), nil, nil, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// CreateAPI creates an API. The server refuses (409) a name and version
// that another API of the region already has.
func (c *Client) CreateAPI(ctx context.Context, req CreateAPIRequest) (*API, error) {
	var a API
	if err := c.do(ctx, http.MethodPost, "/v3/apis", nil, req, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// UpdateAPI changes the fields set in req.
func (c *Client) UpdateAPI(ctx context.Context, id string, req UpdateAPIRequest) (*API, error) {
	var a API
	if err := c.do(ctx, http.MethodPatch, apiPath(id), nil, req, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// DeleteAPI deletes an API together with its publications and service link.
func (c *Client) DeleteAPI(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, apiPath(id), nil, nil, nil)
}
