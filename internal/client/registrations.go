package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Registration statuses. Only approved registrations let traffic through.
const (
	RegistrationApproved = "approved"
	RegistrationPending  = "pending"
	RegistrationRejected = "rejected"
	RegistrationRevoked  = "revoked"
)

// RegistrationStatuses lists the statuses a registration can have.
var RegistrationStatuses = []string{RegistrationApproved, RegistrationPending, RegistrationRejected, RegistrationRevoked}

// Registration is an application's registration with an API.
type Registration struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	// SuspendedReason, an extension of the bundled backend, says why the registration grants no
	// access whatever its status: the API's publication no longer accepts the application's auth
	// strategy. Empty otherwise.
	SuspendedReason string              `json:"suspended_reason,omitempty"`
	API             RegistrationAPI     `json:"api"`
	Application     RegistrationAppLink `json:"application"`
	CreatedAt       time.Time           `json:"created_at"`
	UpdatedAt       time.Time           `json:"updated_at"`
}

// RegistrationAPI names the API of a registration.
type RegistrationAPI struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Version *string `json:"version"`
}

// RegistrationAppLink names the application of a registration.
type RegistrationAppLink struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// CreateRegistrationRequest is the body of a registration. An empty Status
// follows the approval rules: approved when the portal auto-approves
// applications or the publication auto-approves registrations, else pending.
type CreateRegistrationRequest struct {
	APIID  string `json:"api_id"`
	Status string `json:"status,omitempty"`
}

// UpdateRegistrationRequest approves, rejects, revokes or resets a registration.
type UpdateRegistrationRequest struct {
	Status string `json:"status"`
}

// RegistrationListOptions selects a page of a portal's registrations and
// filters it by exact values.
type RegistrationListOptions struct {
	ListOptions
	Status        string
	APIID         string
	ApplicationID string
	DeveloperID   string
	// ApplicationAuthStrategyID keeps registrations whose application uses this strategy (an
	// extension of the bundled backend).
	ApplicationAuthStrategyID string
}

func (o RegistrationListOptions) query() url.Values {
	q := o.ListOptions.query()
	setFilter(q, "status", o.Status)
	setFilter(q, "api_id", o.APIID)
	setFilter(q, "application_id", o.ApplicationID)
	setFilter(q, "developer_id", o.DeveloperID)
	setFilter(q, "application_auth_strategy_id", o.ApplicationAuthStrategyID)
	return q
}

func registrationsPath(portalID, applicationID string) string {
	return applicationPath(portalID, applicationID) + "/registrations"
}

// ListPortalRegistrations returns one page of the registrations of every
// application of a portal.
func (c *Client) ListPortalRegistrations(ctx context.Context, portalID string, opts RegistrationListOptions) (*Page[Registration], error) {
	var page Page[Registration]
	if err := c.do(ctx, http.MethodGet, portalPath(portalID)+"/application-registrations", opts.query(), nil, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// ListAllPortalRegistrations returns every registration of a portal that
// matches opts, across all pages.
func (c *Client) ListAllPortalRegistrations(ctx context.Context, portalID string, opts RegistrationListOptions) ([]Registration, error) {
	return listAll(ctx, opts.ListOptions, func(ctx context.Context, lo ListOptions) (*Page[Registration], error) {
		opts.ListOptions = lo
		return c.ListPortalRegistrations(ctx, portalID, opts)
	})
}

// GetRegistration returns one registration of an application.
func (c *Client) GetRegistration(ctx context.Context, portalID, applicationID, id string) (*Registration, error) {
	var r Registration
	if err := c.do(ctx, http.MethodGet, registrationsPath(portalID, applicationID)+"/"+url.PathEscape(id), nil, nil, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// CreateRegistration registers an application with an API published to its portal.
func (c *Client) CreateRegistration(ctx context.Context, portalID, applicationID string, req CreateRegistrationRequest) (*Registration, error) {
	var r Registration
	if err := c.do(ctx, http.MethodPost, registrationsPath(portalID, applicationID), nil, req, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// UpdateRegistration sets a registration's status.
func (c *Client) UpdateRegistration(ctx context.Context, portalID, applicationID, id string, req UpdateRegistrationRequest) (*Registration, error) {
	var r Registration
	if err := c.do(ctx, http.MethodPatch, registrationsPath(portalID, applicationID)+"/"+url.PathEscape(id), nil, req, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// DeleteRegistration deletes a registration.
func (c *Client) DeleteRegistration(ctx context.Context, portalID, applicationID, id string) error {
	return c.do(ctx, http.MethodDelete, registrationsPath(portalID, applicationID)+"/"+url.PathEscape(id), nil, nil, nil)
}
