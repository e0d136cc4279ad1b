package service

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

func getSnippet(ctx context.Context, tx *store.Tx, region, portalID, id string) (core.Snippet, error) {
	sn, err := tx.GetSnippet(ctx, region, portalID, id)
	if errors.Is(err, store.ErrNotFound) {
		return sn, contentNotFound("Snippet", id, "portal "+portalID)
	}
	return sn, err
}

// checkSnippetName refuses a name another snippet of the portal has.
func checkSnippetName(ctx context.Context, tx *store.Tx, sn core.Snippet) error {
	taken, err := tx.SnippetNameTaken(ctx, sn.PortalID, sn.Name, sn.ID)
	if err != nil {
		return err
	}
	if taken {
		return Errorf(Conflict, "The portal already has a snippet named %q: choose another name.", sn.Name)
	}
	return nil
}

// Snippets returns one page of the portal's snippets and their total, as the admin API lists them.
func (s *Service) Snippets(ctx context.Context, region, portalID string, f store.SnippetFilter, page store.Page) ([]core.Snippet, int, error) {
	var (
		list  []core.Snippet
		total int
	)
	err := s.store.View(ctx, func(tx *store.Tx) error {
		if _, err := getPortal(ctx, tx, region, portalID); err != nil {
			return err
		}
		var err error
		list, total, err = tx.ListSnippets(ctx, region, portalID, f, page)
		return err
	})
	return list, total, err
}

// Snippet returns one snippet of the portal.
func (s *Service) Snippet(ctx context.Context, region, portalID, id string) (core.Snippet, error) {
	var sn core.Snippet
	err := s.store.View(ctx, func(tx *store.Tx) error {
		if _, err := getPortal(ctx, tx, region, portalID); err != nil {
			return err
		}
		var err error
		sn, err = getSnippet(ctx, tx, region, portalID, id)
		return err
	})
	return sn, err
}

// CreateSnippet adds a snippet to the portal; names are unique per portal.
func (s *Service) CreateSnippet(ctx context.Context, region, portalID string, in core.SnippetInput) (core.Snippet, error) {
	if err := core.Invalid(core.ValidateSnippetInput(in, true)...); err != nil {
		return core.Snippet{}, err
	}
	var sn core.Snippet
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		p, err := getPortal(ctx, tx, region, portalID)
		if err != nil {
			return err
		}
		sn = core.NewSnippet(in, uuid.NewString(), p, s.now())
		if err := checkSnippetName(ctx, tx, sn); err != nil {
			return err
		}
		return tx.InsertSnippet(ctx, sn)
	})
	return sn, err
}

// UpdateSnippet changes a snippet.
func (s *Service) UpdateSnippet(ctx context.Context, region, portalID, id string, in core.SnippetInput) (core.Snippet, error) {
	if err := core.Invalid(core.ValidateSnippetInput(in, false)...); err != nil {
		return core.Snippet{}, err
	}
	var sn core.Snippet
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		if _, err := getPortal(ctx, tx, region, portalID); err != nil {
			return err
		}
		if err := tx.LockForUpdate(ctx, store.LockedSnippets, id); err != nil {
			return err
		}
		current, err := getSnippet(ctx, tx, region, portalID, id)
		if err != nil {
			return err
		}
		sn = core.ApplySnippetInput(current, in, s.now())
		if err := checkSnippetName(ctx, tx, sn); err != nil {
			return err
		}
		return tx.UpdateSnippet(ctx, sn)
	})
	return sn, err
}

// DeleteSnippet deletes a snippet.
func (s *Service) DeleteSnippet(ctx context.Context, region, portalID, id string) error {
	return s.store.WithTx(ctx, func(tx *store.Tx) error {
		if _, err := getPortal(ctx, tx, region, portalID); err != nil {
			return err
		}
		if _, err := getSnippet(ctx, tx, region, portalID, id); err != nil {
			return err
		}
		return tx.DeleteSnippet(ctx, region, portalID, id)
	})
}
