package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// APIDocument is a markdown document attached to an API, as the API returns it.
type APIDocument struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Slug    string `json:"slug"`
	Status  string `json:"status"`
	Content string `json:"content"`
	// ParentDocumentID is nil for a document at the top of the API's tree.
	ParentDocumentID *string   `json:"parent_document_id"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// APIDocumentSummary is a document in the tree a document list returns, without its content.
type APIDocumentSummary struct {
	ID               string               `json:"id"`
	Title            string               `json:"title"`
	Slug             string               `json:"slug"`
	Status           string               `json:"status"`
	ParentDocumentID *string              `json:"parent_document_id"`
	Children         []APIDocumentSummary `json:"children"`
	CreatedAt        time.Time            `json:"created_at"`
	UpdatedAt        time.Time            `json:"updated_at"`
}

// CreateAPIDocumentRequest is the body of a document creation. Without a
// slug the server derives one from the title; without a status the document
// is unpublished.
type CreateAPIDocumentRequest struct {
	Content          string  `json:"content"`
	Title            string  `json:"title,omitempty"`
	Slug             string  `json:"slug,omitempty"`
	Status           string  `json:"status,omitempty"`
	ParentDocumentID *string `json:"parent_document_id,omitempty"`
}

// UpdateAPIDocumentRequest is the body of a document PATCH: only set fields
// change. A null parent moves the document to the top of the tree.
type UpdateAPIDocumentRequest struct {
	Content          *string          `json:"content,omitempty"`
	Title            *string          `json:"title,omitempty"`
	Slug             *string          `json:"slug,omitempty"`
	Status           *string          `json:"status,omitempty"`
	ParentDocumentID Nullable[string] `json:"parent_document_id,omitzero"`
}

// MoveAPIDocumentRequest places a document in the tree: under
// ParentDocumentID (absent for the top level) at position Index among its
// siblings, counted from the end when negative.
type MoveAPIDocumentRequest struct {
	ParentDocumentID Nullable[string] `json:"parent_document_id,omitzero"`
	Index            *int             `json:"index,omitempty"`
}

func apiDocumentsPath(apiID string) string { return apiPath(apiID) + "/documents" }

func apiDocumentPath(apiID, documentID string) string {
	return apiDocumentsPath(apiID) + "/" + url.PathEscape(documentID)
}

// ListAPIDocuments returns the tree of an API's documents; the list is not paginated.
func (c *Client) ListAPIDocuments(ctx context.Context, apiID string) ([]APIDocumentSummary, error) {
	var list struct {
		Data []APIDocumentSummary `json:"data"`
	}
	if err := c.do(ctx, http.MethodGet, apiDocumentsPath(apiID), nil, nil, &list); err != nil {
		return nil, err
	}
	return list.Data, nil
}

// GetAPIDocument returns one document of an API.
func (c *Client) GetAPIDocument(ctx context.Context, apiID, documentID string) (*APIDocument, error) {
	var d APIDocument
	if err := c.do(ctx, http.MethodGet, apiDocumentPath(apiID, documentID), nil, nil, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// CreateAPIDocument adds a document to an API. The server refuses (409) a
// slug that another document of the API has.
func (c *Client) CreateAPIDocument(ctx context.Context, apiID string, req CreateAPIDocumentRequest) (*APIDocument, error) {
	var d APIDocument
	if err := c.do(ctx, http.MethodPost, apiDocumentsPath(apiID), nil, req, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// UpdateAPIDocument changes the fields set in req.
func (c *Client) UpdateAPIDocument(ctx context.Context, apiID, documentID string, req UpdateAPIDocumentRequest) (*APIDocument, error) {
	var d APIDocument
	if err := c.do(ctx, http.MethodPatch, apiDocumentPath(apiID, documentID), nil, req, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// MoveAPIDocument places a document elsewhere in the API's document tree.
func (c *Client) MoveAPIDocument(ctx context.Context, apiID, documentID string, req MoveAPIDocumentRequest) error {
	return c.do(ctx, http.MethodPost, apiDocumentPath(apiID, documentID)+"/move", nil, req, nil)
}

// DeleteAPIDocument deletes a document of an API.
func (c *Client) DeleteAPIDocument(ctx context.Context, apiID, documentID string) error {
	return c.do(ctx, http.MethodDelete, apiDocumentPath(apiID, documentID), nil, nil, nil)
}
