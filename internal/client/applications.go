package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// OwnerTypeDeveloper is the only owner type of applications.
const OwnerTypeDeveloper = "developer"

// Application is an application of a portal as the admin API returns it.
type Application struct {
	ID                string                  `json:"id"`
	Name              string                  `json:"name"`
	Description       *string                 `json:"description"`
	AuthStrategy      ApplicationAuthStrategy `json:"auth_strategy"`
	Portal            ObjectRef               `json:"portal"`
	Owner             ApplicationOwner        `json:"owner"`
	Labels            map[string]string       `json:"labels"`
	RegistrationCount int                     `json:"registration_count"`
	// ClientID names the application to an identity provider; only applications of an OpenID
	// Connect strategy show it.
	ClientID  *string   `json:"client_id"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ApplicationAuthStrategy is the summary of an application's auth strategy.
type ApplicationAuthStrategy struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	CredentialType string   `json:"credential_type"`
	KeyNames       []string `json:"key_names,omitempty"`
}

// ObjectRef points at another object by id.
type ObjectRef struct {
	ID string `json:"id"`
}

// ApplicationOwner is who owns an application.
type ApplicationOwner struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// DeveloperOwner returns the owner value for a developer id.
func DeveloperOwner(developerID string) *ApplicationOwner {
	return &ApplicationOwner{Type: OwnerTypeDeveloper, ID: developerID}
}

// CreateApplicationRequest is the body of an application creation. An empty
// AuthStrategyID takes the portal's default strategy; an empty ClientID lets
// the server generate one.
type CreateApplicationRequest struct {
	Name           string            `json:"name"`
	Owner          *ApplicationOwner `json:"owner"`
	AuthStrategyID string            `json:"auth_strategy_id,omitempty"`
	ClientID       string            `json:"client_id,omitempty"`
	Labels         map[string]string `json:"labels,omitempty"`
}

// UpdateApplicationRequest is the body of an application PATCH: only set
// fields change. A label mapped to nil is removed.
type UpdateApplicationRequest struct {
	Name   *string            `json:"name,omitempty"`
	Owner  *ApplicationOwner  `json:"owner,omitempty"`
	Labels map[string]*string `json:"labels,omitempty"`
}

// ApplicationListOptions selects a page of applications and filters it by exact values.
type ApplicationListOptions struct {
	ListOptions
	DeveloperID    string
	AuthStrategyID string
}

func (o ApplicationListOptions) query() url.Values {
	q := o.ListOptions.query()
	setFilter(q, "developer_id", o.DeveloperID)
	setFilter(q, "auth_strategy_id", o.AuthStrategyID)
	return q
}

func applicationPath(portalID, id string) string {
	return portalPath(portalID) + "/applications/" + url.PathEscape(id)
}

// ListApplications returns one page of a portal's applications.
func (c *Client) ListApplications(ctx context.Context, portalID string, opts ApplicationListOptions) (*Page[Application], error) {
	var page Page[Application]
	if err := c.do(ctx, http.MethodGet, portalPath(portalID)+"/applications", opts.query(), nil, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// GetApplication returns one application of a portal.
func (c *Client) GetApplication(ctx context.Context, portalID, id string) (*Application, error) {
	var a Application
	if err := c.do(ctx, http.MethodGet, applicationPath(portalID, id), nil, nil, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// CreateApplication creates an application owned by a developer. Portals
// without user authentication have no applications (403).
func (c *Client) CreateApplication(ctx context.Context, portalID string, req CreateApplicationRequest) (*Application, error) {
	var a Application
	if err := c.do(ctx, http.MethodPost, portalPath(portalID)+"/applications", nil, req, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// UpdateApplication changes the fields set in req.
func (c *Client) UpdateApplication(ctx context.Context, portalID, id string, req UpdateApplicationRequest) (*Application, error) {
	var a Application
	if err := c.do(ctx, http.MethodPatch, applicationPath(portalID, id), nil, req, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// DeleteApplication deletes an application with its registrations and keys.
func (c *Client) DeleteApplication(ctx context.Context, portalID, id string) error {
	return c.do(ctx, http.MethodDelete, applicationPath(portalID, id), nil, nil, nil)
}
