package web

import (
	"context"
	"errors"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
)

// errNotFound makes a handler answer with the 404 page.
var errNotFound = errors.New("not found")

// portalByDomain returns the portal whose domain host is, or errNotFound.
func (s *Site) portalByDomain(ctx context.Context, host string) (core.Portal, error) {
	p, err := s.svc.PortalByDomain(ctx, host)
	if service.KindOf(err) == service.NotFound {
		return p, errNotFound
	}
	return p, err
}

// sessionDeveloper returns the approved developer whose session token is, or nil when the session
// is unknown, expired, or its developer may not log in (pending, rejected, revoked): such a
// visitor sees the site as anyone does.
func (s *Site) sessionDeveloper(ctx context.Context, p core.Portal, token string) (*core.Developer, error) {
	d, err := s.svc.SessionDeveloper(ctx, p, token)
	if err != nil && service.KindOf(err) == service.Unauthenticated {
		return nil, nil
	}
	return d, err
}
