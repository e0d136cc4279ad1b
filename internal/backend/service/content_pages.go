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

func getPage(ctx context.Context, tx *store.Tx, region, portalID, id string) (core.Page, error) {
	pg, err := tx.GetPage(ctx, region, portalID, id)
	if errors.Is(err, store.ErrNotFound) {
		return pg, contentNotFound("Page", id, "portal "+portalID)
	}
	return pg, err
}

// Pages returns the tree of every page of the portal, as the admin API lists it; keep, when not
// nil, chooses the pages shown (a page left out hides the pages under it).
func (s *Service) Pages(ctx context.Context, region, portalID string, keep func(core.Page) bool) ([]*core.PageNode, error) {
	var pages []core.Page
	err := s.store.View(ctx, func(tx *store.Tx) error {
		if _, err := getPortal(ctx, tx, region, portalID); err != nil {
			return err
		}
		var err error
		pages, err = tx.PortalPages(ctx, region, portalID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return core.BuildPageTree(pages, keep), nil
}

// Page returns one page of the portal.
func (s *Service) Page(ctx context.Context, region, portalID, id string) (core.Page, error) {
	var pg core.Page
	err := s.store.View(ctx, func(tx *store.Tx) error {
		if _, err := getPortal(ctx, tx, region, portalID); err != nil {
			return err
		}
		var err error
		pg, err = getPage(ctx, tx, region, portalID, id)
		return err
	})
	return pg, err
}

// CreatePage adds a page to the portal, last among its siblings. Its visibility defaults to the
// portal's default_page_visibility; its path must not be another page's.
func (s *Service) CreatePage(ctx context.Context, region, portalID string, in core.PageInput) (core.Page, error) {
	if err := core.Invalid(core.ValidatePageInput(in, true)...); err != nil {
		return core.Page{}, err
	}
	var pg core.Page
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		p, err := getPortal(ctx, tx, region, portalID)
		if err != nil {
			return err
		}
		pages, err := tx.PortalPages(ctx, region, portalID)
		if err != nil {
			return err
		}
		pg = core.NewPage(in, uuid.NewString(), p, 0, s.now())
		if err := checkPageParent(pages, pg); err != nil {
			return err
		}
		pg.Position = len(siblingPages(pages, pg.ParentPageID, pg.ID))
		if err := checkPagePaths(append(pages, pg), pg); err != nil {
			return err
		}
		return tx.InsertPage(ctx, pg)
	})
	return pg, err
}

// UpdatePage changes a page. A new parent puts it last among its new siblings.
func (s *Service) UpdatePage(ctx context.Context, region, portalID, id string, in core.PageInput) (core.Page, error) {
	if err := core.Invalid(core.ValidatePageInput(in, false)...); err != nil {
		return core.Page{}, err
	}
	var pg core.Page
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		if _, err := getPortal(ctx, tx, region, portalID); err != nil {
			return err
		}
		// A page's place is checked against every page of the portal: changes of one portal's
		// pages take turns on the portal.
		if err := tx.LockForUpdate(ctx, store.LockedPortals, portalID); err != nil {
			return err
		}
		current, err := getPage(ctx, tx, region, portalID, id)
		if err != nil {
			return err
		}
		pages, err := tx.PortalPages(ctx, region, portalID)
		if err != nil {
			return err
		}
		pg = core.ApplyPageInput(current, in, s.now())
		if err := checkPageParent(pages, pg); err != nil {
			return err
		}
		if !samePointer(current.ParentPageID, pg.ParentPageID) {
			pg.Position = len(siblingPages(pages, pg.ParentPageID, pg.ID))
		}
		if err := checkPagePaths(replacePage(pages, pg), pg); err != nil {
			return err
		}
		return tx.UpdatePage(ctx, pg)
	})
	return pg, err
}

// MovePage puts a page under parent (null or absent: the top level) at index among its new
// siblings; a negative index counts from the end, -1 being last.
func (s *Service) MovePage(ctx context.Context, region, portalID, id string, parent core.Field[string], index core.Field[int]) error {
	if parent.HasValue() && !core.IsUUID(parent.Value) {
		return core.Invalid(core.UUIDViolation("parent_page_id"))
	}
	return s.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockForUpdate(ctx, store.LockedPortals, portalID); err != nil {
			return err
		}
		if _, err := getPortal(ctx, tx, region, portalID); err != nil {
			return err
		}
		pg, err := getPage(ctx, tx, region, portalID, id)
		if err != nil {
			return err
		}
		pages, err := tx.PortalPages(ctx, region, portalID)
		if err != nil {
			return err
		}
		pg.ParentPageID = nil
		if parent.HasValue() {
			pg.ParentPageID = &parent.Value
		}
		if err := checkPageParent(pages, pg); err != nil {
			// A move that would make a cycle conflicts with the tree; an unknown parent stays a 400.
			var ve *core.ValidationError
			if errors.As(err, &ve) && ve.Violations[0].Rule == "invalid" {
				return Errorf(Conflict, "%s", ve.Violations[0].Reason)
			}
			return err
		}
		if err := checkPagePaths(replacePage(pages, pg), pg); err != nil {
			return err
		}
		siblings := siblingPages(pages, pg.ParentPageID, pg.ID)
		at := core.MoveIndex(index.Value, len(siblings))
		ids := make([]string, 0, len(siblings)+1)
		for _, sib := range siblings {
			ids = append(ids, sib.ID)
		}
		ids = slices.Insert(ids, at, pg.ID)
		pg.Position = at
		pg.UpdatedAt = s.now()
		if err := tx.UpdatePage(ctx, pg); err != nil {
			return err
		}
		return tx.SetPagePositions(ctx, portalID, ids)
	})
}

// DeletePage deletes a page with the pages under it.
func (s *Service) DeletePage(ctx context.Context, region, portalID, id string) error {
	return s.store.WithTx(ctx, func(tx *store.Tx) error {
		if _, err := getPortal(ctx, tx, region, portalID); err != nil {
			return err
		}
		if _, err := getPage(ctx, tx, region, portalID, id); err != nil {
			return err
		}
		return tx.DeletePage(ctx, region, portalID, id)
	})
}

// checkPageParent refuses a parent that is not a page of the portal, or that is the page itself or
// a page under it.
func checkPageParent(pages []core.Page, pg core.Page) error {
	if pg.ParentPageID == nil {
		return nil
	}
	parentOf := make(map[string]*string, len(pages))
	found := false
	for _, q := range pages {
		parentOf[q.ID] = q.ParentPageID
		found = found || q.ID == *pg.ParentPageID
	}
	if !found {
		return core.Invalid(core.Violation{Field: "parent_page_id", Rule: "missing_reference", Source: "body",
			Reason: fmt.Sprintf("no page with id %s exists in this portal: create the parent page first or name another", *pg.ParentPageID)})
	}
	if core.IsDescendant(parentOf, pg.ID, *pg.ParentPageID) {
		return core.Invalid(core.InvalidViolation("parent_page_id",
			"a page cannot be placed under itself or under a page below it: choose a parent outside its subtree"))
	}
	return nil
}

// checkPagePaths refuses a change after which two pages would have the same path.
func checkPagePaths(pages []core.Page, changed core.Page) error {
	seen := map[string]bool{}
	var dup string
	var walk func([]*core.PageNode)
	walk = func(nodes []*core.PageNode) {
		for _, n := range nodes {
			// Every earlier change passed this check, so a duplicate is the doing of this one.
			if seen[n.Path] && dup == "" {
				dup = n.Path
			}
			seen[n.Path] = true
			walk(n.Children)
		}
	}
	walk(core.BuildPageTree(pages, nil))
	if dup != "" {
		return Errorf(Conflict, "The portal already has a page at %s: choose another slug or parent for page %q.", dup, changed.Title)
	}
	return nil
}

// siblingPages returns the pages under parent (nil: the top level) except the page except, in order.
func siblingPages(pages []core.Page, parent *string, except string) []core.Page {
	var out []core.Page
	for _, q := range pages {
		if q.ID != except && samePointer(q.ParentPageID, parent) {
			out = append(out, q)
		}
	}
	return out
}

func replacePage(pages []core.Page, pg core.Page) []core.Page {
	out := slices.Clone(pages)
	for i := range out {
		if out[i].ID == pg.ID {
			out[i] = pg
		}
	}
	return out
}

func samePointer(a, b *string) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}
