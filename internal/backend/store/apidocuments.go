package store

import (
	"context"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

const apiDocumentColumns = `id, region, api_id, parent_document_id, position, slug, title, content, status, created_at, updated_at`

// InsertAPIDocument stores a new API document.
func (t *Tx) InsertAPIDocument(ctx context.Context, d core.APIDocument) error {
	return t.exec(ctx, "insert api document", `INSERT INTO api_documents (`+apiDocumentColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		d.ID, d.Region, d.APIID, d.ParentDocumentID, d.Position, d.Slug, d.Title, d.Content, d.Status,
		formatTime(d.CreatedAt), formatTime(d.UpdatedAt))
}

// UpdateAPIDocument overwrites the mutable fields of a stored document, its place in the tree included.
func (t *Tx) UpdateAPIDocument(ctx context.Context, d core.APIDocument) error {
	return t.execOne(ctx, "update api document", `UPDATE api_documents SET parent_document_id = $1, position = $2,
		slug = $3, title = $4, content = $5, status = $6, updated_at = $7 WHERE region = $8 AND api_id = $9 AND id = $10`,
		d.ParentDocumentID, d.Position, d.Slug, d.Title, d.Content, d.Status, formatTime(d.UpdatedAt), d.Region, d.APIID, d.ID)
}

// GetAPIDocument returns the document with id of the API, or ErrNotFound.
func (t *Tx) GetAPIDocument(ctx context.Context, region, apiID, id string) (core.APIDocument, error) {
	return queryOne(ctx, t, scanAPIDocument, `SELECT `+apiDocumentColumns+` FROM api_documents
		WHERE region = $1 AND api_id = $2 AND id = $3`, region, apiID, id)
}

// GetAPIDocumentBySlug returns the document of the API with slug, or ErrNotFound.
func (t *Tx) GetAPIDocumentBySlug(ctx context.Context, region, apiID, slug string) (core.APIDocument, error) {
	return queryOne(ctx, t, scanAPIDocument, `SELECT `+apiDocumentColumns+` FROM api_documents
		WHERE region = $1 AND api_id = $2 AND slug = $3`, region, apiID, slug)
}

// APIDocumentSlugTaken reports whether another document of the API (not exceptID) has this slug.
func (t *Tx) APIDocumentSlugTaken(ctx context.Context, apiID, slug, exceptID string) (bool, error) {
	if err := t.lockValue(ctx, "api_documents.slug", apiID, slug); err != nil {
		return false, err
	}
	n, err := t.count(ctx, "check api document slug", `SELECT COUNT(*) FROM api_documents WHERE api_id = $1 AND slug = $2 AND id <> $3`,
		apiID, slug, exceptID)
	return n > 0, err
}

// APIDocuments returns every document of the API in tree order (parent, position, creation).
func (t *Tx) APIDocuments(ctx context.Context, region, apiID string) ([]core.APIDocument, error) {
	return queryAll(ctx, t, "list api documents", scanAPIDocument, `SELECT `+apiDocumentColumns+` FROM api_documents
		WHERE region = $1 AND api_id = $2
		ORDER BY parent_document_id IS NOT NULL, parent_document_id, position, created_at, id`, region, apiID)
}

// SetAPIDocumentPositions renumbers siblings: ids[i] gets position i.
func (t *Tx) SetAPIDocumentPositions(ctx context.Context, apiID string, ids []string) error {
	for i, id := range ids {
		if err := t.exec(ctx, "order api documents", `UPDATE api_documents SET position = $1 WHERE api_id = $2 AND id = $3`,
			i, apiID, id); err != nil {
			return err
		}
	}
	return nil
}

// DeleteAPIDocument removes a document and, through the schema, the documents under it.
func (t *Tx) DeleteAPIDocument(ctx context.Context, region, apiID, id string) error {
	return t.execOne(ctx, "delete api document", `DELETE FROM api_documents WHERE region = $1 AND api_id = $2 AND id = $3`,
		region, apiID, id)
}

func scanAPIDocument(s scanner) (core.APIDocument, error) {
	var d core.APIDocument
	err := s.Scan(&d.ID, &d.Region, &d.APIID, &d.ParentDocumentID, &d.Position, &d.Slug, &d.Title, &d.Content,
		&d.Status, textTime{&d.CreatedAt}, textTime{&d.UpdatedAt})
	return d, err
}
