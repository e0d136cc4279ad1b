package web

import (
	"context"
	"errors"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// errNotFound makes a handler answer with the 404 page.
var errNotFound = errors.New("not found")

// portalByDomain returns the portal whose domain host is, or errNotFound.
func (s *Site) portalByDomain(ctx context.Context, host string) (core.Portal, error) {
	var p core.Portal
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		p, err = tx.GetPortalByDomain(ctx, host)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return p, errNotFound
	}
	return p, err
}

// sessionDeveloper returns the approved developer whose session token is, or nil when the session
// is unknown, expired, or its developer may not log in (pending, rejected, revoked).
func (s *Site) sessionDeveloper(ctx context.Context, p core.Portal, token string) (*core.Developer, error) {
	var d core.Developer
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		d, err = tx.SessionDeveloper(ctx, p.Region, p.ID, core.HashToken(token), s.now())
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if ok, _ := core.DeveloperCanLogIn(d.Status); !ok {
		return nil, nil
	}
	return &d, nil
}
