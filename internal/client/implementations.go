package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Implementation links an API to the gateway service that serves it (a
// "service link").
type Implementation struct {
	ID string `json:"id"`
	// APIID is set in lists only; single reads are addressed by API.
	APIID     string                `json:"api_id"`
	Service   ImplementationService `json:"service"`
	CreatedAt time.Time             `json:"created_at"`
	UpdatedAt time.Time             `json:"updated_at"`
}

// ImplementationService names the linked service and why application auth
// may not be enforced on it.
type ImplementationService struct {
	ControlPlaneID        string     `json:"control_plane_id"`
	ID                    string     `json:"id"`
	AuthStrategySyncError *SyncError `json:"auth_strategy_sync_error,omitempty"`
}

// SyncError explains why a service does not enforce the API's strategies.
type SyncError struct {
	Message string `json:"message"`
}

// CreateImplementationRequest is the body of a service link creation.
type CreateImplementationRequest struct {
	Service ImplementationServiceRef `json:"service"`
}

// ImplementationServiceRef names the gateway service to link.
type ImplementationServiceRef struct {
	ControlPlaneID string `json:"control_plane_id"`
	ID             string `json:"id"`
}

func implementationsPath(apiID string) string { return apiPath(apiID) + "/implementations" }

// GetImplementation returns a service link of an API.
func (c *Client) GetImplementation(ctx context.Context, apiID, id string) (*Implementation, error) {
	var im Implementation
	if err := c.do(ctx, http.MethodGet, implementationsPath(apiID)+"/"+url.PathEscape(id), nil, nil, &im); err != nil {
		return nil, err
	}
	im.APIID = apiID
	return &im, nil
}

// CreateImplementation links an API to a gateway service. The server refuses
// a second link of the API or of the service (409), an unknown control plane
// or service (400), and a control plane with a node older than gateway 3.6 (400).
func (c *Client) CreateImplementation(ctx context.Context, apiID, controlPlaneID, serviceID string) (*Implementation, error) {
	req := CreateImplementationRequest{Service: ImplementationServiceRef{ControlPlaneID: controlPlaneID, ID: serviceID}}
	var im Implementation
	if err := c.do(ctx, http.MethodPost, implementationsPath(apiID), nil, req, &im); err != nil {
		return nil, err
	}
	im.APIID = apiID
	return &im, nil
}

// DeleteImplementation unlinks an API from its service; the managed plugin
// leaves the service with it.
func (c *Client) DeleteImplementation(ctx context.Context, apiID, id string) error {
	return c.do(ctx, http.MethodDelete, implementationsPath(apiID)+"/"+url.PathEscape(id), nil, nil, nil)
}

// ImplementationsOfAPI returns the service links of an API: none or one.
func (c *Client) ImplementationsOfAPI(ctx context.Context, apiID string) ([]Implementation, error) {
	return listAll(ctx, ListOptions{}, idFilteredList[Implementation](c, "/v3/api-implementations", "api_id", apiID))
}
