package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// implementationJSON is Konnect's API implementation for a gateway service; APIID is set in lists only.
type implementationJSON struct {
	ID        string                    `json:"id"`
	APIID     string                    `json:"api_id,omitempty"`
	Service   implementationServiceJSON `json:"service"`
	CreatedAt string                    `json:"created_at"`
	UpdatedAt string                    `json:"updated_at"`
}

type implementationServiceJSON struct {
	ControlPlaneID        string         `json:"control_plane_id"`
	ID                    string         `json:"id"`
	AuthStrategySyncError *syncErrorJSON `json:"auth_strategy_sync_error,omitempty"`
}

// syncErrorJSON is Konnect's AuthStrategyApiSyncError: why the strategy is not enforced on the service.
type syncErrorJSON struct {
	Message string `json:"message"`
}

// implementationView renders a link with its sync error: set while a node of the control plane runs
// a gateway too old for application auth, and gone as soon as no such node is registered.
func implementationView(ctx context.Context, tx *store.Tx, im store.Implementation, withAPIID bool) (implementationJSON, error) {
	out := implementationJSON{ID: im.ID, Service: implementationServiceJSON{ControlPlaneID: im.ControlPlaneID, ID: im.ServiceID},
		CreatedAt: formatTime(im.CreatedAt), UpdatedAt: formatTime(im.UpdatedAt)}
	if withAPIID {
		out.APIID = im.APIID
	}
	node, outdated, err := outdatedNode(ctx, tx, im.Region, im.ControlPlaneID)
	if err != nil {
		return out, err
	}
	if outdated {
		out.Service.AuthStrategySyncError = &syncErrorJSON{Message: core.OutdatedGatewayNodeMessage(node)}
	}
	return out, nil
}

// readImplementationInput reads {"service": {"control_plane_id", "id"}}.
func readImplementationInput(o *object) (controlPlaneID, serviceID string, err error) {
	cpRaw, hasCP := o.take("control_plane")
	hasCP = hasCP && !isNull(cpRaw)
	if hasCP {
		o.violate(core.InvalidViolation("control_plane",
			"this server links APIs to gateway services only: send service with control_plane_id and id"))
	}
	s, null := o.child("service", false)
	switch {
	case s != nil:
		cp := field[string](s, "control_plane_id", false)
		id := field[string](s, "id", false)
		s.ignore("auth_strategy_sync_error")
		for _, f := range []struct {
			name string
			v    core.Field[string]
		}{{"control_plane_id", cp}, {"id", id}} {
			switch {
			case !f.v.Set:
				s.violate(core.RequiredViolation("service." + f.name))
			case !core.IsUUID(f.v.Value):
				s.violate(core.UUIDViolation("service." + f.name))
			}
		}
		s.finish()
		controlPlaneID, serviceID = cp.Value, id.Value
	case !null && !hasCP:
		o.violate(core.RequiredViolation("service"))
	}
	o.ignore("id", "created_at", "updated_at")
	return controlPlaneID, serviceID, core.Invalid(o.finish()...)
}

// createImplementation links an API to a gateway service and applies the managed plugin when the
// API is published with a strategy. Refused: a second link of the API or of the service (409), an
// unknown control plane or service (400), and a control plane with a node too old for application
// auth (400). A control plane without nodes is accepted: enforcement starts when nodes join.
func (a *API) createImplementation(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	cpID, serviceID, err := readImplementationInput(o)
	if err != nil {
		return err
	}
	ctx, region, now := r.Context(), regionOf(r), a.now()
	var out implementationJSON
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		api, err := getAPI(ctx, tx, region, r.PathValue("apiId"))
		if err != nil {
			return err
		}
		if _, err := tx.GetControlPlane(ctx, region, cpID); errors.Is(err, store.ErrNotFound) {
			return core.Invalid(core.Violation{Field: "service.control_plane_id", Rule: "missing_reference", Source: "body",
				Reason: fmt.Sprintf("no control plane with id %s exists in region %s", cpID, region)})
		} else if err != nil {
			return err
		}
		svc, err := tx.GetService(ctx, region, cpID, serviceID)
		if errors.Is(err, store.ErrNotFound) {
			return core.Invalid(core.Violation{Field: "service.id", Rule: "missing_reference", Source: "body",
				Reason: fmt.Sprintf("no service with id %s exists in control plane %s", serviceID, cpID)})
		} else if err != nil {
			return err
		}
		if existing, err := tx.ImplementationOfAPI(ctx, region, api.ID); err == nil {
			return errorf(http.StatusConflict,
				"API %s (%s) is already linked to service %s of control plane %s (implementation %s): an API has at most one service link; delete that link first to move it.",
				core.APILabel(api.Name, api.Version), api.ID, existing.ServiceID, existing.ControlPlaneID, existing.ID)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if other, err := tx.ImplementationOfService(ctx, svc.ID); err == nil {
			otherAPI, err := tx.GetAPI(ctx, region, other.APIID)
			if err != nil {
				return err
			}
			return errorf(http.StatusConflict,
				"Service %s already serves API %s (%s): a gateway service implements a single API; link another service or unlink that API first.",
				serviceLabel(svc), core.APILabel(otherAPI.Name, otherAPI.Version), otherAPI.ID)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		node, outdated, err := outdatedNode(ctx, tx, region, cpID)
		if err != nil {
			return err
		}
		if outdated {
			return core.Invalid(core.Violation{Field: "service.control_plane_id", Rule: "invalid", Source: "body",
				Reason: core.OutdatedGatewayNodeMessage(node) + ": upgrade or remove that node before linking"})
		}
		im := store.Implementation{ID: uuid.NewString(), Region: region, APIID: api.ID, ControlPlaneID: cpID,
			ServiceID: svc.ID, CreatedAt: now, UpdatedAt: now}
		if err := tx.InsertImplementation(ctx, im); err != nil {
			return err
		}
		if err := a.reconcileKAA(ctx, tx, region, api.ID); err != nil {
			return err
		}
		out, err = implementationView(ctx, tx, im, false)
		return err
	})
	return respond(w, err, http.StatusCreated, out)
}

func (a *API) getImplementation(w http.ResponseWriter, r *http.Request) error {
	ctx, region := r.Context(), regionOf(r)
	var out implementationJSON
	err := a.store.View(ctx, func(tx *store.Tx) error {
		im, err := getImplementation(ctx, tx, region, r.PathValue("apiId"), r.PathValue("implementationId"))
		if err != nil {
			return err
		}
		out, err = implementationView(ctx, tx, im, false)
		return err
	})
	return respond(w, err, http.StatusOK, out)
}

// deleteImplementation unlinks the API; the managed plugin leaves the service with it.
func (a *API) deleteImplementation(w http.ResponseWriter, r *http.Request) error {
	ctx, region := r.Context(), regionOf(r)
	err := a.store.WithTx(ctx, func(tx *store.Tx) error {
		im, err := getImplementation(ctx, tx, region, r.PathValue("apiId"), r.PathValue("implementationId"))
		if err != nil {
			return err
		}
		if err := tx.DeleteImplementation(ctx, region, im.APIID, im.ID); err != nil {
			return err
		}
		return a.reconcileKAA(ctx, tx, region, im.APIID)
	})
	return noContent(w, err)
}

func (a *API) listImplementations(w http.ResponseWriter, r *http.Request) error {
	page, filters, err := listParamsWithIDs(r, store.ImplementationSortFields, nil, []string{"id", "api_id", "service_id", "control_plane_id"})
	if err != nil {
		return err
	}
	ctx, region := r.Context(), regionOf(r)
	var (
		data  []implementationJSON
		total int
	)
	err = a.store.View(ctx, func(tx *store.Tx) error {
		list, n, err := tx.ListImplementations(ctx, region, store.ImplementationFilter{
			ID: filters["id"], APIID: filters["api_id"], ServiceID: filters["service_id"], ControlPlaneID: filters["control_plane_id"],
		}, page)
		if err != nil {
			return err
		}
		total = n
		for _, im := range list {
			v, err := implementationView(ctx, tx, im, true)
			if err != nil {
				return err
			}
			data = append(data, v)
		}
		return nil
	})
	return respond(w, err, http.StatusOK, newListResponse(data, page, total))
}

func getImplementation(ctx context.Context, tx *store.Tx, region, apiID, id string) (store.Implementation, error) {
	if _, err := getAPI(ctx, tx, region, apiID); err != nil {
		return store.Implementation{}, err
	}
	im, err := tx.GetImplementation(ctx, region, apiID, id)
	return im, orNotFound(err, "API implementation", id)
}
