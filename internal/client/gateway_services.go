package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// Gateway service defaults, as Kong applies them to fields a request leaves out.
const (
	DefaultServiceProtocol = "http"
	DefaultServicePort     = 80
	DefaultServiceRetries  = 5
	DefaultServiceTimeout  = 60000
)

// GatewayService is a Kong service entity of a control plane: the upstream
// that an API's traffic goes to.
type GatewayService struct {
	ID             string   `json:"id"`
	Name           *string  `json:"name"`
	Protocol       string   `json:"protocol"`
	Host           string   `json:"host"`
	Port           int64    `json:"port"`
	Path           *string  `json:"path"`
	Retries        int64    `json:"retries"`
	ConnectTimeout int64    `json:"connect_timeout"`
	WriteTimeout   int64    `json:"write_timeout"`
	ReadTimeout    int64    `json:"read_timeout"`
	Enabled        bool     `json:"enabled"`
	Tags           []string `json:"tags"`
	// CreatedAt and UpdatedAt are Unix seconds, as Kong reports them.
	CreatedAt int64 `json:"created_at"`
	UpdatedAt int64 `json:"updated_at"`
}

// GatewayServiceRequest describes a whole service, Kong style: fields left
// out take their defaults, on creation and on replacement alike.
type GatewayServiceRequest struct {
	Name           *string  `json:"name,omitempty"`
	Protocol       string   `json:"protocol,omitempty"`
	Host           string   `json:"host"`
	Port           *int64   `json:"port,omitempty"`
	Path           *string  `json:"path,omitempty"`
	Retries        *int64   `json:"retries,omitempty"`
	ConnectTimeout *int64   `json:"connect_timeout,omitempty"`
	WriteTimeout   *int64   `json:"write_timeout,omitempty"`
	ReadTimeout    *int64   `json:"read_timeout,omitempty"`
	Enabled        *bool    `json:"enabled,omitempty"`
	Tags           []string `json:"tags,omitempty"`
}

// kongPage is one page of a Kong entity list.
type kongPage[T any] struct {
	Data   []T    `json:"data"`
	Offset string `json:"offset"`
}

// kongListAll walks every page of a Kong entity list, which pages with an
// opaque offset rather than page numbers.
func kongListAll[T any](ctx context.Context, c *Client, path string) ([]T, error) {
	var all []T
	offset := ""
	for range maxPages {
		q := url.Values{"size": {strconv.Itoa(pageSize)}}
		if offset != "" {
			q.Set("offset", offset)
		}
		var page kongPage[T]
		if err := c.do(ctx, http.MethodGet, path, q, nil, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Data...)
		if page.Offset == "" || len(page.Data) == 0 {
			return all, nil
		}
		offset = page.Offset
	}
	return nil, fmt.Errorf("list %s did not end after %d pages", path, maxPages)
}

func servicesPath(controlPlaneID string) string {
	return controlPlanePath(controlPlaneID) + "/core-entities/services"
}

func servicePath(controlPlaneID, idOrName string) string {
	return servicesPath(controlPlaneID) + "/" + url.PathEscape(idOrName)
}

// ListGatewayServices returns every service of a control plane.
func (c *Client) ListGatewayServices(ctx context.Context, controlPlaneID string) ([]GatewayService, error) {
	return kongListAll[GatewayService](ctx, c, servicesPath(controlPlaneID))
}

// GetGatewayService returns a service of a control plane by id or by name.
func (c *Client) GetGatewayService(ctx context.Context, controlPlaneID, idOrName string) (*GatewayService, error) {
	var s GatewayService
	if err := c.do(ctx, http.MethodGet, servicePath(controlPlaneID, idOrName), nil, nil, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// CreateGatewayService creates a service in a control plane.
func (c *Client) CreateGatewayService(ctx context.Context, controlPlaneID string, req GatewayServiceRequest) (*GatewayService, error) {
	var s GatewayService
	if err := c.do(ctx, http.MethodPost, servicesPath(controlPlaneID), nil, req, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// ReplaceGatewayService replaces the service with the given id by req.
func (c *Client) ReplaceGatewayService(ctx context.Context, controlPlaneID, id string, req GatewayServiceRequest) (*GatewayService, error) {
	var s GatewayService
	if err := c.do(ctx, http.MethodPut, servicePath(controlPlaneID, id), nil, req, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// DeleteGatewayService deletes a service with its plugins. As in Kong,
// deleting a missing service succeeds; the server refuses (409) while an API
// is linked to the service.
func (c *Client) DeleteGatewayService(ctx context.Context, controlPlaneID, id string) error {
	return c.do(ctx, http.MethodDelete, servicePath(controlPlaneID, id), nil, nil, nil)
}
