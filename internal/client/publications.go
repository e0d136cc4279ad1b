package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Publication is an API published to a portal, as the API returns it.
type Publication struct {
	// APIID and PortalID are set in lists; single reads are addressed by both.
	APIID    string `json:"api_id"`
	PortalID string `json:"portal_id"`
	// AuthStrategyIDs holds the one strategy applications use for the API on
	// the portal, or is nil when the API is published without application auth.
	AuthStrategyIDs          []string  `json:"auth_strategy_ids"`
	Visibility               string    `json:"visibility"`
	AutoApproveRegistrations bool      `json:"auto_approve_registrations"`
	CreatedAt                time.Time `json:"created_at"`
	UpdatedAt                time.Time `json:"updated_at"`
}

// PublishRequest is the body of a publication PUT. AuthStrategyIDs absent
// takes the portal's default strategy as it is at publish time, null
// publishes without application auth, and one id names the strategy.
// Visibility empty takes the portal's default_api_visibility.
type PublishRequest struct {
	AuthStrategyIDs          Nullable[[]string] `json:"auth_strategy_ids,omitzero"`
	Visibility               string             `json:"visibility,omitempty"`
	AutoApproveRegistrations *bool              `json:"auto_approve_registrations,omitempty"`
}

func publicationPath(apiID, portalID string) string {
	return apiPath(apiID) + "/publications/" + url.PathEscape(portalID)
}

// GetPublication returns the publication of an API to a portal.
func (c *Client) GetPublication(ctx context.Context, apiID, portalID string) (*Publication, error) {
	var p Publication
	if err := c.do(ctx, http.MethodGet, publicationPath(apiID, portalID), nil, nil, &p); err != nil {
		return nil, err
	}
	p.APIID, p.PortalID = apiID, portalID
	return &p, nil
}

// PublishAPI publishes an API to a portal, or replaces its publication there.
func (c *Client) PublishAPI(ctx context.Context, apiID, portalID string, req PublishRequest) (*Publication, error) {
	var p Publication
	if err := c.do(ctx, http.MethodPut, publicationPath(apiID, portalID), nil, req, &p); err != nil {
		return nil, err
	}
	p.APIID, p.PortalID = apiID, portalID
	return &p, nil
}

// UnpublishAPI removes an API from a portal; the managed plugin loses the
// portal's strategy, and goes away with the last publication that had one.
func (c *Client) UnpublishAPI(ctx context.Context, apiID, portalID string) error {
	return c.do(ctx, http.MethodDelete, publicationPath(apiID, portalID), nil, nil, nil)
}

// PublicationsOfAPI returns every publication of an API.
func (c *Client) PublicationsOfAPI(ctx context.Context, apiID string) ([]Publication, error) {
	return listAll(ctx, ListOptions{}, idFilteredList[Publication](c, "/v3/api-publications", "api_id", apiID))
}

// idFilteredList returns a page function for a list at path filtered to
// items whose id field equals id, for walking with listAll.
func idFilteredList[T any](c *Client, path, field, id string) func(context.Context, ListOptions) (*Page[T], error) {
	return func(ctx context.Context, opts ListOptions) (*Page[T], error) {
		q := opts.query()
		q.Set("filter["+field+"][eq]", id)
		var page Page[T]
		if err := c.do(ctx, http.MethodGet, path, q, nil, &page); err != nil {
			return nil, err
		}
		return &page, nil
	}
}
