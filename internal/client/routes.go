package client

import (
	"context"
	"net/http"
	"net/url"
)

// Gateway route defaults, as the control-plane document gives them for fields a request leaves out.
const (
	DefaultRouteHTTPSRedirectStatusCode = 426
	DefaultRoutePathHandling            = "v0"
)

// DefaultRouteProtocols are the protocols a route matches when the request does not say.
var DefaultRouteProtocols = []string{"https"}

// GatewayRoute is a Kong route entity of a control plane: the requests that
// reach a service.
type GatewayRoute struct {
	ID                      string      `json:"id"`
	Name                    *string     `json:"name"`
	Protocols               []string    `json:"protocols"`
	Methods                 []string    `json:"methods"`
	Hosts                   []string    `json:"hosts"`
	Paths                   []string    `json:"paths"`
	HTTPSRedirectStatusCode int64       `json:"https_redirect_status_code"`
	PathHandling            string      `json:"path_handling"`
	PreserveHost            bool        `json:"preserve_host"`
	RegexPriority           int64       `json:"regex_priority"`
	RequestBuffering        bool        `json:"request_buffering"`
	ResponseBuffering       bool        `json:"response_buffering"`
	StripPath               bool        `json:"strip_path"`
	Tags                    []string    `json:"tags"`
	Service                 *EntityLink `json:"service"`
	// CreatedAt and UpdatedAt are Unix seconds, as Kong reports them.
	CreatedAt int64 `json:"created_at"`
	UpdatedAt int64 `json:"updated_at"`
}

// EntityLink is how Kong entities refer to each other: {"id": "..."}.
type EntityLink struct {
	ID string `json:"id"`
}

// GatewayRouteRequest describes a whole route, Kong style: fields left out
// take their defaults, on creation and on replacement alike.
type GatewayRouteRequest struct {
	Name                    *string     `json:"name,omitempty"`
	Protocols               []string    `json:"protocols,omitempty"`
	Methods                 []string    `json:"methods,omitempty"`
	Hosts                   []string    `json:"hosts,omitempty"`
	Paths                   []string    `json:"paths,omitempty"`
	HTTPSRedirectStatusCode *int64      `json:"https_redirect_status_code,omitempty"`
	PathHandling            string      `json:"path_handling,omitempty"`
	PreserveHost            *bool       `json:"preserve_host,omitempty"`
	RegexPriority           *int64      `json:"regex_priority,omitempty"`
	RequestBuffering        *bool       `json:"request_buffering,omitempty"`
	ResponseBuffering       *bool       `json:"response_buffering,omitempty"`
	StripPath               *bool       `json:"strip_path,omitempty"`
	Tags                    []string    `json:"tags,omitempty"`
	Service                 *EntityLink `json:"service,omitempty"`
}

func routesPath(controlPlaneID string) string {
	return controlPlanePath(controlPlaneID) + "/core-entities/routes"
}

func routePath(controlPlaneID, idOrName string) string {
	return routesPath(controlPlaneID) + "/" + url.PathEscape(idOrName)
}

// ListGatewayRoutes returns every route of a control plane.
func (c *Client) ListGatewayRoutes(ctx context.Context, controlPlaneID string) ([]GatewayRoute, error) {
	return kongListAll[GatewayRoute](ctx, c, routesPath(controlPlaneID))
}

// ListGatewayServiceRoutes returns every route of a service of a control plane.
func (c *Client) ListGatewayServiceRoutes(ctx context.Context, controlPlaneID, serviceIDOrName string) ([]GatewayRoute, error) {
	return kongListAll[GatewayRoute](ctx, c, servicePath(controlPlaneID, serviceIDOrName)+"/routes")
}

// GetGatewayRoute returns a route of a control plane by id or by name.
func (c *Client) GetGatewayRoute(ctx context.Context, controlPlaneID, idOrName string) (*GatewayRoute, error) {
	var rt GatewayRoute
	if err := c.do(ctx, http.MethodGet, routePath(controlPlaneID, idOrName), nil, nil, &rt); err != nil {
		return nil, err
	}
	return &rt, nil
}

// CreateGatewayRoute creates a route in a control plane; req.Service names
// its service, which must belong to the same control plane.
func (c *Client) CreateGatewayRoute(ctx context.Context, controlPlaneID string, req GatewayRouteRequest) (*GatewayRoute, error) {
	var rt GatewayRoute
	if err := c.do(ctx, http.MethodPost, routesPath(controlPlaneID), nil, req, &rt); err != nil {
		return nil, err
	}
	return &rt, nil
}

// ReplaceGatewayRoute replaces the route with the given id by req.
func (c *Client) ReplaceGatewayRoute(ctx context.Context, controlPlaneID, id string, req GatewayRouteRequest) (*GatewayRoute, error) {
	var rt GatewayRoute
	if err := c.do(ctx, http.MethodPut, routePath(controlPlaneID, id), nil, req, &rt); err != nil {
		return nil, err
	}
	return &rt, nil
}

// DeleteGatewayRoute deletes a route. As in Kong, deleting a missing route succeeds.
func (c *Client) DeleteGatewayRoute(ctx context.Context, controlPlaneID, id string) error {
	return c.do(ctx, http.MethodDelete, routePath(controlPlaneID, id), nil, nil, nil)
}
