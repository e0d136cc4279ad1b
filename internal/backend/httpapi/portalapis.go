package httpapi

import (
	"net/http"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
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
	Specifications []devSpecRefJSON    `json:"specifications"`
	Attributes     map[string][]string `json:"attributes"`
}

func toPortalAPIJSON(pa service.PortalAPI) portalAPIJSON {
	j := portalAPIJSON{ID: pa.API.ID, CreatedAt: formatTime(pa.API.CreatedAt), UpdatedAt: formatTime(pa.API.UpdatedAt),
		Name: pa.API.Name, Version: pa.API.Version, Description: pa.API.Description, Visibility: pa.Publication.Visibility,
		Slug: pa.API.Slug, AuthStrategies: []strategyJSON{}, Specifications: []devSpecRefJSON{}, Attributes: pa.API.Attributes}
	if j.Attributes == nil {
		j.Attributes = map[string][]string{}
	}
	if pa.Strategy != nil {
		j.AuthStrategies = append(j.AuthStrategies, toStrategyJSON(pa.Strategy.ID, pa.Strategy))
	}
	return j
}

// devListAPIs lists the APIs published to the portal that the caller may see: public ones to
// everybody, private ones to signed-in developers.
func (a *API) devListAPIs(w http.ResponseWriter, r *http.Request, c devContext) error {
	page, _, err := listParams(r)
	if err != nil {
		return err
	}
	apis, total, err := a.svc.APIs(r.Context(), c.portal, c.developer, page)
	if err != nil {
		return err
	}
	out, err := a.withSpecifications(r, c, mapEach(apis, toPortalAPIJSON))
	return respond(w, err, http.StatusOK, newListResponse(out, page, total))
}

func (a *API) devGetAPI(w http.ResponseWriter, r *http.Request, c devContext) error {
	pa, err := a.svc.API(r.Context(), c.portal, c.developer, r.PathValue("apiIdOrSlug"))
	if err != nil {
		return err
	}
	out, err := a.withSpecifications(r, c, []portalAPIJSON{toPortalAPIJSON(pa)})
	if err != nil {
		return err
	}
	return respond(w, err, http.StatusOK, out[0])
}
