package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Kinds of specification an API version holds.
const (
	SpecTypeOAS2     = "oas2"
	SpecTypeOAS3     = "oas3"
	SpecTypeAsyncAPI = "asyncapi"
)

// APIVersion is a version of an API with its specification, as the API returns it.
type APIVersion struct {
	ID        string         `json:"id"`
	Version   string         `json:"version"`
	Spec      APIVersionSpec `json:"spec"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
}

// APIVersionSpec is the specification of an API version.
type APIVersionSpec struct {
	// Content is the OpenAPI or AsyncAPI document, JSON or YAML.
	Content string `json:"content,omitempty"`
	// Type is the kind of document the server recognised (oas2, oas3 or asyncapi).
	Type string `json:"type,omitempty"`
	// ValidationMessages lists what the server found wrong but accepted.
	ValidationMessages []SpecValidationMessage `json:"validation_messages,omitempty"`
}

// SpecValidationMessage is one finding of the server about a specification.
type SpecValidationMessage struct {
	Message string `json:"message"`
}

// APIVersionRequest is the body of a version creation or PATCH. A creation
// needs Spec; without Version the server takes the specification's
// info.version. In a PATCH only set fields change.
type APIVersionRequest struct {
	Version *string            `json:"version,omitempty"`
	Spec    *APIVersionContent `json:"spec,omitempty"`
}

// APIVersionContent carries the specification of an APIVersionRequest.
type APIVersionContent struct {
	Content string `json:"content"`
}

func apiVersionsPath(apiID string) string { return apiPath(apiID) + "/versions" }

func apiVersionPath(apiID, versionID string) string {
	return apiVersionsPath(apiID) + "/" + url.PathEscape(versionID)
}

// ListAPIVersions returns one page of an API's versions, without their specification's content.
func (c *Client) ListAPIVersions(ctx context.Context, apiID string, opts ListOptions) (*Page[APIVersion], error) {
	var page Page[APIVersion]
	if err := c.do(ctx, http.MethodGet, apiVersionsPath(apiID), opts.query(), nil, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// GetAPIVersion returns one version of an API with its specification.
func (c *Client) GetAPIVersion(ctx context.Context, apiID, versionID string) (*APIVersion, error) {
	var v APIVersion
	if err := c.do(ctx, http.MethodGet, apiVersionPath(apiID, versionID), nil, nil, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// CreateAPIVersion adds a version to an API. The server validates the
// specification and refuses (400) one it cannot read, naming the line.
func (c *Client) CreateAPIVersion(ctx context.Context, apiID string, req APIVersionRequest) (*APIVersion, error) {
	var v APIVersion
	if err := c.do(ctx, http.MethodPost, apiVersionsPath(apiID), nil, req, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// UpdateAPIVersion changes the fields set in req.
func (c *Client) UpdateAPIVersion(ctx context.Context, apiID, versionID string, req APIVersionRequest) (*APIVersion, error) {
	var v APIVersion
	if err := c.do(ctx, http.MethodPatch, apiVersionPath(apiID, versionID), nil, req, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// DeleteAPIVersion deletes a version of an API.
func (c *Client) DeleteAPIVersion(ctx context.Context, apiID, versionID string) error {
	return c.do(ctx, http.MethodDelete, apiVersionPath(apiID, versionID), nil, nil, nil)
}
