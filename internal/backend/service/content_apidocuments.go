package service

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

func getAPIDocument(ctx context.Context, tx *store.Tx, region, apiID, id string) (core.APIDocument, error) {
	d, err := tx.GetAPIDocument(ctx, region, apiID, id)
	if errors.Is(err, store.ErrNotFound) {
		return d, contentNotFound("API document", id, "API "+apiID)
	}
	return d, err
}

// APIDocuments returns the tree of the API's documents; keep, when not nil, chooses the documents
// shown (a document left out hides those under it).
func (s *Service) APIDocuments(ctx context.Context, region, apiID string, keep func(core.APIDocument) bool) ([]*core.DocumentNode, error) {
	var docs []core.APIDocument
	err := s.store.View(ctx, func(tx *store.Tx) error {
		if _, err := contentAPI(ctx, tx, region, apiID); err != nil {
			return err
		}
		var err error
		docs, err = tx.APIDocuments(ctx, region, apiID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return core.BuildDocumentTree(docs, keep), nil
}

// APIDocument returns one document of the API.
func (s *Service) APIDocument(ctx context.Context, region, apiID, id string) (core.APIDocument, error) {
	var d core.APIDocument
	err := s.store.View(ctx, func(tx *store.Tx) error {
		if _, err := contentAPI(ctx, tx, region, apiID); err != nil {
			return err
		}
		var err error
		d, err = getAPIDocument(ctx, tx, region, apiID, id)
		return err
	})
	return d, err
}

// CreateAPIDocument adds a document to the API, last among its siblings; slugs are unique per API.
func (s *Service) CreateAPIDocument(ctx context.Context, region, apiID string, in core.APIDocumentInput) (core.APIDocument, error) {
	if err := core.Invalid(core.ValidateAPIDocumentInput(in, true)...); err != nil {
		return core.APIDocument{}, err
	}
	var d core.APIDocument
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		api, err := contentAPI(ctx, tx, region, apiID)
		if err != nil {
			return err
		}
		docs, err := tx.APIDocuments(ctx, region, apiID)
		if err != nil {
			return err
		}
		d = core.NewAPIDocument(in, uuid.NewString(), api, 0, s.now())
		if err := checkDocumentPlace(ctx, tx, docs, d); err != nil {
			return err
		}
		d.Position = len(siblingDocuments(docs, d.ParentDocumentID, d.ID))
		return tx.InsertAPIDocument(ctx, d)
	})
	return d, err
}

// UpdateAPIDocument changes a document. A new parent puts it last among its new siblings.
func (s *Service) UpdateAPIDocument(ctx context.Context, region, apiID, id string, in core.APIDocumentInput) (core.APIDocument, error) {
	if err := core.Invalid(core.ValidateAPIDocumentInput(in, false)...); err != nil {
		return core.APIDocument{}, err
	}
	var d core.APIDocument
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		if _, err := contentAPI(ctx, tx, region, apiID); err != nil {
			return err
		}
		// A document's place is checked against every document of the API: changes of one
		// API's documents take turns on the API.
		if err := tx.LockForUpdate(ctx, store.LockedAPIs, apiID); err != nil {
			return err
		}
		current, err := getAPIDocument(ctx, tx, region, apiID, id)
		if err != nil {
			return err
		}
		docs, err := tx.APIDocuments(ctx, region, apiID)
		if err != nil {
			return err
		}
		d = core.ApplyAPIDocumentInput(current, in, s.now())
		if err := checkDocumentPlace(ctx, tx, docs, d); err != nil {
			return err
		}
		if !samePointer(current.ParentDocumentID, d.ParentDocumentID) {
			d.Position = len(siblingDocuments(docs, d.ParentDocumentID, d.ID))
		}
		return tx.UpdateAPIDocument(ctx, d)
	})
	return d, err
}

// MoveAPIDocument puts a document under parent (null or absent: the top level) at index among its
// new siblings; a negative index counts from the end, -1 being last.
func (s *Service) MoveAPIDocument(ctx context.Context, region, apiID, id string, parent core.Field[string], index core.Field[int]) error {
	if parent.HasValue() && !core.IsUUID(parent.Value) {
		return core.Invalid(core.UUIDViolation("parent_document_id"))
	}
	return s.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockForUpdate(ctx, store.LockedAPIs, apiID); err != nil {
			return err
		}
		if _, err := contentAPI(ctx, tx, region, apiID); err != nil {
			return err
		}
		d, err := getAPIDocument(ctx, tx, region, apiID, id)
		if err != nil {
			return err
		}
		docs, err := tx.APIDocuments(ctx, region, apiID)
		if err != nil {
			return err
		}
		d.ParentDocumentID = nil
		if parent.HasValue() {
			d.ParentDocumentID = &parent.Value
		}
		if err := checkDocumentPlace(ctx, tx, docs, d); err != nil {
			// A move that would make a cycle conflicts with the tree; an unknown parent stays a 400.
			var ve *core.ValidationError
			if errors.As(err, &ve) && ve.Violations[0].Rule == "invalid" {
				return Errorf(Conflict, "%s", ve.Violations[0].Reason)
			}
			return err
		}
		siblings := siblingDocuments(docs, d.ParentDocumentID, d.ID)
		at := core.MoveIndex(index.Value, len(siblings))
		ids := make([]string, 0, len(siblings)+1)
		for _, sib := range siblings {
			ids = append(ids, sib.ID)
		}
		ids = slices.Insert(ids, at, d.ID)
		d.Position = at
		d.UpdatedAt = s.now()
		if err := tx.UpdateAPIDocument(ctx, d); err != nil {
			return err
		}
		return tx.SetAPIDocumentPositions(ctx, apiID, ids)
	})
}

// DeleteAPIDocument deletes a document with the documents under it.
func (s *Service) DeleteAPIDocument(ctx context.Context, region, apiID, id string) error {
	return s.store.WithTx(ctx, func(tx *store.Tx) error {
		if _, err := contentAPI(ctx, tx, region, apiID); err != nil {
			return err
		}
		if _, err := getAPIDocument(ctx, tx, region, apiID, id); err != nil {
			return err
		}
		return tx.DeleteAPIDocument(ctx, region, apiID, id)
	})
}

// checkDocumentPlace refuses a slug another document of the API has, and a parent that is not a
// document of the API or that is the document itself or one under it.
func checkDocumentPlace(ctx context.Context, tx *store.Tx, docs []core.APIDocument, d core.APIDocument) error {
	taken, err := tx.APIDocumentSlugTaken(ctx, d.APIID, d.Slug, d.ID)
	if err != nil {
		return err
	}
	if taken {
		return Errorf(Conflict, "API %s already has a document with the slug %q: set a different slug.", d.APIID, d.Slug)
	}
	if d.ParentDocumentID == nil {
		return nil
	}
	parentOf := make(map[string]*string, len(docs))
	found := false
	for _, q := range docs {
		parentOf[q.ID] = q.ParentDocumentID
		found = found || q.ID == *d.ParentDocumentID
	}
	if !found {
		return core.Invalid(core.Violation{Field: "parent_document_id", Rule: "missing_reference", Source: "body",
			Reason: fmt.Sprintf("no document with id %s exists in this API: create the parent document first or name another", *d.ParentDocumentID)})
	}
	if core.IsDescendant(parentOf, d.ID, *d.ParentDocumentID) {
		return core.Invalid(core.InvalidViolation("parent_document_id",
			"a document cannot be placed under itself or under a document below it: choose a parent outside its subtree"))
	}
	return nil
}

// siblingDocuments returns the documents under parent (nil: the top level) except except, in order.
func siblingDocuments(docs []core.APIDocument, parent *string, except string) []core.APIDocument {
	var out []core.APIDocument
	for _, q := range docs {
		if q.ID != except && samePointer(q.ParentDocumentID, parent) {
			out = append(out, q)
		}
	}
	return out
}
