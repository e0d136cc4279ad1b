package httpapi

import (
	"errors"
	"net/http"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// portalAPIJSON is the developer portal's Api.
type portalAPIJSON struct {
	ID             string              `json:"id"`
	CreatedAt      string              `json:"created_at"`
	UpdatedAt      string              `json:"updated_at"`
	Name           string              `json:"name"`
	Version        *string             `json:"version"`
	Description    *string             `json:"description"`
	Visibility     string              `json:"visibility"`
	Slug           string              `json:"slug"`
	AuthStrategies []strategyJSON      `json:"auth_strategies"`
	Specifications []struct{}          `json:"specifications"`
	Attributes     map[string][]string `json:"attributes"`
}

// devListAPIs lists the APIs published to the portal that the caller may see: public ones to
// everybody, private ones to signed-in developers.
func (a *API) devListAPIs(w http.ResponseWriter, r *http.Request, c devContext) error {
	page, _, err := listParams(r)
	if err != nil {
		return err
	}
	out, total, err := a.portalAPIs(r, c, "", page)
	return respond(w, err, http.StatusOK, newListResponse(out, page, total))
}

func (a *API) devGetAPI(w http.ResponseWriter, r *http.Request, c devContext) error {
	id := r.PathValue("apiIdOrSlug")
	out, _, err := a.portalAPIs(r, c, id, store.Page{Size: 1, Number: 1})
	if err != nil {
		return err
	}
	if len(out) == 0 {
		return notFound("API", id)
	}
	writeJSON(w, http.StatusOK, out[0])
	return nil
}

func (a *API) portalAPIs(r *http.Request, c devContext, idOrSlug string, page store.Page) ([]portalAPIJSON, int, error) {
	ctx, region := r.Context(), regionOf(r)
	var (
		out   []portalAPIJSON
		total int
	)
	err := a.store.View(ctx, func(tx *store.Tx) error {
		apis, n, err := tx.PortalAPIs(ctx, region, c.portal.ID, c.developer != nil, idOrSlug, page)
		if err != nil {
			return err
		}
		total = n
		for _, pa := range apis {
			j := portalAPIJSON{ID: pa.API.ID, CreatedAt: formatTime(pa.API.CreatedAt), UpdatedAt: formatTime(pa.API.UpdatedAt),
				Name: pa.API.Name, Version: pa.API.Version, Description: pa.API.Description, Visibility: pa.Publication.Visibility,
				Slug: pa.API.Slug, AuthStrategies: []strategyJSON{}, Specifications: []struct{}{}, Attributes: pa.API.Attributes}
			if j.Attributes == nil {
				j.Attributes = map[string][]string{}
			}
			if id := pa.Publication.AuthStrategyID; id != nil {
				s, err := tx.GetAuthStrategy(ctx, region, *id)
				switch {
				case err == nil:
					j.AuthStrategies = append(j.AuthStrategies, toStrategyJSON(s.ID, &s))
				case !errors.Is(err, store.ErrNotFound):
					return err
				}
			}
			out = append(out, j)
		}
		return nil
	})
	return out, total, err
}
