package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// publicationJSON is Konnect's API publication; the list adds api_id, portal_id and entity_type.
type publicationJSON struct {
	APIID                    string   `json:"api_id,omitempty"`
	PortalID                 string   `json:"portal_id,omitempty"`
	EntityType               string   `json:"entity_type,omitempty"`
	AutoApproveRegistrations bool     `json:"auto_approve_registrations"`
	AuthStrategyIDs          []string `json:"auth_strategy_ids"`
	Visibility               string   `json:"visibility"`
	CreatedAt                string   `json:"created_at"`
	UpdatedAt                string   `json:"updated_at"`
}

func toPublicationJSON(p core.Publication, listItem bool) publicationJSON {
	out := publicationJSON{AutoApproveRegistrations: p.AutoApproveRegistrations, Visibility: p.Visibility,
		CreatedAt: formatTime(p.CreatedAt), UpdatedAt: formatTime(p.UpdatedAt)}
	if p.AuthStrategyID != nil {
		out.AuthStrategyIDs = []string{*p.AuthStrategyID}
	}
	if listItem {
		out.APIID, out.PortalID, out.EntityType = p.APIID, p.PortalID, "api"
	}
	return out
}

func readPublicationInput(o *object) (core.PublicationInput, error) {
	in := core.PublicationInput{
		AuthStrategyIDs:          field[[]string](o, "auth_strategy_ids", true),
		Visibility:               field[string](o, "visibility", false),
		AutoApproveRegistrations: field[bool](o, "auto_approve_registrations", false),
	}
	o.ignore("created_at", "updated_at", "warnings")
	vs := o.finish()
	if len(vs) == 0 {
		vs = core.ValidatePublicationInput(in)
	}
	return in, core.Invalid(vs...)
}

// putPublication publishes the API to the portal, or replaces its publication there (200 either
// way), and applies the plugin effects in the same transaction.
func (a *API) putPublication(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, err := readPublicationInput(o)
	if err != nil {
		return err
	}
	ctx, region, now := r.Context(), regionOf(r), a.now()
	var pub core.Publication
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		api, err := getAPI(ctx, tx, region, r.PathValue("apiId"))
		if err != nil {
			return err
		}
		portal, err := getPortal(ctx, tx, region, r.PathValue("portalId"))
		if err != nil {
			return err
		}
		created := now
		current, err := tx.GetPublication(ctx, region, api.ID, portal.ID)
		switch {
		case err == nil:
			created = current.CreatedAt
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		pub = core.ResolvePublication(in, api.ID, portal, created, now)
		if pub.AuthStrategyID != nil {
			if _, err := tx.GetAuthStrategy(ctx, region, *pub.AuthStrategyID); errors.Is(err, store.ErrNotFound) {
				field, reason := "auth_strategy_ids", fmt.Sprintf("no application auth strategy with id %s exists in region %s", *pub.AuthStrategyID, region)
				if !in.AuthStrategyIDs.Set {
					reason = fmt.Sprintf("the default application auth strategy %s of portal %s no longer exists: name a strategy or send null", *pub.AuthStrategyID, portal.ID)
				}
				return core.Invalid(core.Violation{Field: field, Rule: "missing_reference", Source: "body", Reason: reason})
			} else if err != nil {
				return err
			}
			// An edit of the strategy on another replica either commits before the plugin below
			// reads the strategy, or waits and then finds this publication among its users.
			if _, err := tx.LockRows(ctx, "auth_strategies", "id", *pub.AuthStrategyID); err != nil {
				return err
			}
		}
		if err := tx.PutPublication(ctx, pub); err != nil {
			return err
		}
		return a.reconcileKAA(ctx, tx, region, api.ID)
	})
	return respond(w, err, http.StatusOK, toPublicationJSON(pub, false))
}

func (a *API) getPublication(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var pub core.Publication
	err := a.store.View(ctx, func(tx *store.Tx) error {
		var err error
		pub, err = getPublication(ctx, tx, regionOf(r), r.PathValue("apiId"), r.PathValue("portalId"))
		return err
	})
	return respond(w, err, http.StatusOK, toPublicationJSON(pub, false))
}

// deletePublication unpublishes the API from the portal; the managed plugin loses that portal's
// strategy, and goes away with the last publication that had one.
func (a *API) deletePublication(w http.ResponseWriter, r *http.Request) error {
	ctx, region := r.Context(), regionOf(r)
	err := a.store.WithTx(ctx, func(tx *store.Tx) error {
		pub, err := getPublication(ctx, tx, region, r.PathValue("apiId"), r.PathValue("portalId"))
		if err != nil {
			return err
		}
		if err := tx.DeletePublication(ctx, region, pub.APIID, pub.PortalID); err != nil {
			return err
		}
		return a.reconcileKAA(ctx, tx, region, pub.APIID)
	})
	return noContent(w, err)
}

func (a *API) listPublications(w http.ResponseWriter, r *http.Request) error {
	page, filters, err := listParamsWithIDs(r, store.PublicationSortFields, []string{"api_name", "portal_name"},
		[]string{"api_id", "portal_id", "auth_strategy_id"})
	if err != nil {
		return err
	}
	var (
		list  []core.Publication
		total int
	)
	err = a.store.View(r.Context(), func(tx *store.Tx) error {
		list, total, err = tx.ListPublications(r.Context(), regionOf(r), store.PublicationFilter{
			APIID: filters["api_id"], PortalID: filters["portal_id"], AuthStrategyID: filters["auth_strategy_id"],
			APIName: filters["api_name"], PortalName: filters["portal_name"],
		}, page)
		return err
	})
	if err != nil {
		return err
	}
	data := make([]publicationJSON, len(list))
	for i, p := range list {
		data[i] = toPublicationJSON(p, true)
	}
	writeJSON(w, http.StatusOK, newListResponse(data, page, total))
	return nil
}

// portalPublicationJSON is Konnect's PublicationListItem: a publication as a portal lists it.
type portalPublicationJSON struct {
	APIID                    string   `json:"api_id"`
	PortalIDs                []string `json:"portal_ids"`
	EntityType               string   `json:"entity_type"`
	AutoApproveRegistrations bool     `json:"auto_approve_registrations"`
	AuthStrategyIDs          []string `json:"auth_strategy_ids"`
	Visibility               string   `json:"visibility"`
	CreatedAt                string   `json:"created_at"`
	UpdatedAt                string   `json:"updated_at"`
}

// portalPublicationSortFields are those of the portal's list: the portal is given by the path.
var portalPublicationSortFields = map[string]string{"api_id": store.PublicationSortFields["api_id"],
	"api_name": store.PublicationSortFields["api_name"], "created_at": "created_at", "updated_at": "updated_at"}

// listPortalPublications lists the APIs published to one portal.
func (a *API) listPortalPublications(w http.ResponseWriter, r *http.Request) error {
	page, filters, err := listParamsWithIDs(r, portalPublicationSortFields, []string{"api_name"}, []string{"api_id", "auth_strategy_id"})
	if err != nil {
		return err
	}
	ctx, region := r.Context(), regionOf(r)
	var (
		list  []core.Publication
		total int
	)
	err = a.store.View(ctx, func(tx *store.Tx) error {
		portal, err := getPortal(ctx, tx, region, r.PathValue("portalId"))
		if err != nil {
			return err
		}
		list, total, err = tx.ListPublications(ctx, region, store.PublicationFilter{
			PortalID: store.TextFilter{Op: store.OpEq, Value: portal.ID},
			APIID:    filters["api_id"], AuthStrategyID: filters["auth_strategy_id"], APIName: filters["api_name"],
		}, page)
		return err
	})
	if err != nil {
		return err
	}
	data := make([]portalPublicationJSON, len(list))
	for i, p := range list {
		j := toPublicationJSON(p, false)
		data[i] = portalPublicationJSON{APIID: p.APIID, PortalIDs: []string{p.PortalID}, EntityType: "api",
			AutoApproveRegistrations: j.AutoApproveRegistrations, AuthStrategyIDs: j.AuthStrategyIDs,
			Visibility: j.Visibility, CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt}
	}
	writeJSON(w, http.StatusOK, newListResponse(data, page, total))
	return nil
}

func getPublication(ctx context.Context, tx *store.Tx, region, apiID, portalID string) (core.Publication, error) {
	if _, err := getAPI(ctx, tx, region, apiID); err != nil {
		return core.Publication{}, err
	}
	if _, err := getPortal(ctx, tx, region, portalID); err != nil {
		return core.Publication{}, err
	}
	pub, err := tx.GetPublication(ctx, region, apiID, portalID)
	if errors.Is(err, store.ErrNotFound) {
		return pub, errorf(http.StatusNotFound, "API %s is not published to portal %s", apiID, portalID)
	}
	return pub, err
}
