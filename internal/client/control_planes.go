package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// ControlPlane is a gateway control plane as the API returns it.
type ControlPlane struct {
	ID          string             `json:"id"`
	Name        string             `json:"name"`
	Description *string            `json:"description"`
	Labels      map[string]string  `json:"labels"`
	Config      ControlPlaneConfig `json:"config"`
	CreatedAt   time.Time          `json:"created_at"`
	UpdatedAt   time.Time          `json:"updated_at"`
}

// ControlPlaneConfig is the server-assigned part of a control plane.
type ControlPlaneConfig struct {
	ControlPlaneEndpoint string `json:"control_plane_endpoint"`
	TelemetryEndpoint    string `json:"telemetry_endpoint"`
	ClusterType          string `json:"cluster_type"`
	AuthType             string `json:"auth_type"`
}

// CreateControlPlaneRequest is the body of a control plane creation.
type CreateControlPlaneRequest struct {
	Name        string            `json:"name"`
	Description *string           `json:"description,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
}

// UpdateControlPlaneRequest is the body of a control plane PATCH: only set
// fields change. A label mapped to nil is removed.
type UpdateControlPlaneRequest struct {
	Name        *string            `json:"name,omitempty"`
	Description Nullable[string]   `json:"description,omitzero"`
	Labels      map[string]*string `json:"labels,omitempty"`
}

func controlPlanePath(id string) string { return "/v2/control-planes/" + url.PathEscape(id) }

// GetControlPlane returns the control plane with the given id.
func (c *Client) GetControlPlane(ctx context.Context, id string) (*ControlPlane, error) {
	var cp ControlPlane
	if err := c.do(ctx, http.MethodGet, controlPlanePath(id), nil, nil, &cp); err != nil {
		return nil, err
	}
	return &cp, nil
}

// CreateControlPlane creates a control plane; names are unique within a region.
func (c *Client) CreateControlPlane(ctx context.Context, req CreateControlPlaneRequest) (*ControlPlane, error) {
	var cp ControlPlane
	if err := c.do(ctx, http.MethodPost, "/v2/control-planes", nil, req, &cp); err != nil {
		return nil, err
	}
	return &cp, nil
}

// UpdateControlPlane changes the fields set in req.
func (c *Client) UpdateControlPlane(ctx context.Context, id string, req UpdateControlPlaneRequest) (*ControlPlane, error) {
	var cp ControlPlane
	if err := c.do(ctx, http.MethodPatch, controlPlanePath(id), nil, req, &cp); err != nil {
		return nil, err
	}
	return &cp, nil
}

// DeleteControlPlane deletes a control plane with its services, plugins and
// nodes. The server refuses (409) while an API is linked to one of its services.
func (c *Client) DeleteControlPlane(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, controlPlanePath(id), nil, nil, nil)
}
