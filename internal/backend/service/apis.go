package service

import (
	"context"
	"errors"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// PortalAPI is an API as the developers of a portal see it: the API, its publication on the portal
// and the auth strategy the publication names (nil when it names none or the strategy is gone).
type PortalAPI struct {
	API         core.API
	Publication core.Publication
	Strategy    *core.AuthStrategy
}

// APIs returns one page of the APIs published to p that dev may see, and their total: public ones
// to everybody, private ones to signed-in developers (dev not nil).
func (s *Service) APIs(ctx context.Context, p core.Portal, dev *core.Developer, page store.Page) ([]PortalAPI, int, error) {
	return s.portalAPIs(ctx, p, dev, "", page)
}

// API returns the API with the id or slug idOrSlug published to p, if dev may see it; NotFound
// otherwise.
func (s *Service) API(ctx context.Context, p core.Portal, dev *core.Developer, idOrSlug string) (PortalAPI, error) {
	out, _, err := s.portalAPIs(ctx, p, dev, idOrSlug, store.Page{Size: 1, Number: 1})
	if err != nil {
		return PortalAPI{}, err
	}
	if len(out) == 0 {
		return PortalAPI{}, notFound("API", idOrSlug)
	}
	return out[0], nil
}

func (s *Service) portalAPIs(ctx context.Context, p core.Portal, dev *core.Developer, idOrSlug string, page store.Page) ([]PortalAPI, int, error) {
	var (
		out   []PortalAPI
		total int
	)
	err := s.store.View(ctx, func(tx *store.Tx) error {
		apis, n, err := tx.PortalAPIs(ctx, p.Region, p.ID, dev != nil, idOrSlug, page)
		if err != nil {
			return err
		}
		total = n
		for _, pa := range apis {
			v := PortalAPI{API: pa.API, Publication: pa.Publication}
			if id := pa.Publication.AuthStrategyID; id != nil {
				st, err := tx.GetAuthStrategy(ctx, p.Region, *id)
				switch {
				case err == nil:
					v.Strategy = &st
				case !errors.Is(err, store.ErrNotFound):
					return err
				}
			}
			out = append(out, v)
		}
		return nil
	})
	return out, total, err
}
