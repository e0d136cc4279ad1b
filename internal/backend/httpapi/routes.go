package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// routeJSON is Kong's route entity. Stream routing and header matching are not supported, so
// their fields are always null.
type routeJSON struct {
	ID                      string      `json:"id"`
	Name                    *string     `json:"name"`
	Protocols               []string    `json:"protocols"`
	Methods                 []string    `json:"methods"`
	Hosts                   []string    `json:"hosts"`
	Paths                   []string    `json:"paths"`
	Headers                 *struct{}   `json:"headers"`
	Snis                    []string    `json:"snis"`
	Sources                 []string    `json:"sources"`
	Destinations            []string    `json:"destinations"`
	HTTPSRedirectStatusCode int         `json:"https_redirect_status_code"`
	PathHandling            string      `json:"path_handling"`
	PreserveHost            bool        `json:"preserve_host"`
	RegexPriority           int         `json:"regex_priority"`
	RequestBuffering        bool        `json:"request_buffering"`
	ResponseBuffering       bool        `json:"response_buffering"`
	StripPath               bool        `json:"strip_path"`
	Tags                    []string    `json:"tags"`
	Service                 *foreignKey `json:"service"`
	CreatedAt               int64       `json:"created_at"`
	UpdatedAt               int64       `json:"updated_at"`
}

func toRouteJSON(rt core.GatewayRoute) routeJSON {
	out := routeJSON{
		ID: rt.ID, Name: rt.Name, Protocols: rt.Protocols, Methods: rt.Methods, Hosts: rt.Hosts, Paths: rt.Paths,
		HTTPSRedirectStatusCode: rt.HTTPSRedirectStatusCode, PathHandling: rt.PathHandling,
		PreserveHost: rt.PreserveHost, RegexPriority: rt.RegexPriority, RequestBuffering: rt.RequestBuffering,
		ResponseBuffering: rt.ResponseBuffering, StripPath: rt.StripPath, Tags: rt.Tags,
		CreatedAt: rt.CreatedAt, UpdatedAt: rt.UpdatedAt,
	}
	if rt.ServiceID != nil {
		out.Service = &foreignKey{ID: *rt.ServiceID}
	}
	return out
}

// readRouteInput reads a Kong route body; withService tells whether the body may name its service
// (the control-plane-wide endpoints) rather than the path. Header matching, stream routing and
// expression routes are accepted as null only.
func readRouteInput(o *object, withService bool) (core.RouteInput, core.Field[string], []core.Violation) {
	in := core.RouteInput{
		Name:                    field[string](o, "name", true),
		Protocols:               field[[]string](o, "protocols", true),
		Methods:                 field[[]string](o, "methods", true),
		Hosts:                   field[[]string](o, "hosts", true),
		Paths:                   field[[]string](o, "paths", true),
		HTTPSRedirectStatusCode: field[int](o, "https_redirect_status_code", true),
		PathHandling:            field[string](o, "path_handling", true),
		PreserveHost:            field[bool](o, "preserve_host", true),
		RegexPriority:           field[int](o, "regex_priority", true),
		RequestBuffering:        field[bool](o, "request_buffering", true),
		ResponseBuffering:       field[bool](o, "response_buffering", true),
		StripPath:               field[bool](o, "strip_path", true),
		Tags:                    field[[]string](o, "tags", true),
	}
	var serviceID core.Field[string]
	if withService {
		if s, null := o.child("service", true); s != nil {
			serviceID = field[string](s, "id", false)
			if !serviceID.Set {
				s.violate(core.RequiredViolation("service.id"))
			}
			s.finish()
		} else if null {
			serviceID = core.Null[string]()
		}
	} else if raw, ok := o.take("service"); ok && !isNull(raw) {
		o.violate(core.InvalidViolation("service", "the path names the route's service: leave service out of the body"))
	}
	for _, name := range []string{"headers", "snis", "sources", "destinations", "expression", "priority"} {
		if raw, ok := o.take(name); ok && !isNull(raw) {
			o.violate(core.InvalidViolation(name, fmt.Sprintf("this server does not support %s on routes: leave it out or send null", name)))
		}
	}
	o.ignore("id", "created_at", "updated_at")
	return in, serviceID, o.finish()
}

// getRoute finds a route in scope by id or, as Kong allows, by name; a route of another service is
// not found through a service path.
func (sc entityScope) getRoute(ctx context.Context, tx *store.Tx, idOrName string) (core.GatewayRoute, error) {
	var (
		rt  core.GatewayRoute
		err error
	)
	if core.IsUUID(idOrName) {
		rt, err = tx.GetRoute(ctx, sc.cp.Region, sc.cp.ID, idOrName)
	} else {
		rt, err = tx.GetRouteByName(ctx, sc.cp.Region, sc.cp.ID, idOrName)
	}
	if err == nil && sc.service != nil && (rt.ServiceID == nil || *rt.ServiceID != sc.service.ID) {
		err = store.ErrNotFound
	}
	if errors.Is(err, store.ErrNotFound) {
		return rt, errorf(http.StatusNotFound, "Route %s not found in control plane %s", idOrName, sc.cp.ID)
	}
	return rt, err
}

func (a *API) listRoutes(w http.ResponseWriter, r *http.Request) error {
	page, filter, err := kongListParams(r.URL.Query(), "size", "offset")
	if err != nil {
		return err
	}
	ctx := r.Context()
	var (
		list []core.GatewayRoute
		more bool
	)
	err = a.store.View(ctx, func(tx *store.Tx) error {
		sc, err := entityScopeOf(ctx, tx, r)
		if err != nil {
			return err
		}
		list, more, err = tx.ListRoutes(ctx, sc.cp.Region, sc.cp.ID, sc.serviceID(), filter, page)
		return err
	})
	return respond(w, err, http.StatusOK, newKongList(mapEach(list, toRouteJSON), page, more))
}

func (a *API) getRoute(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var rt core.GatewayRoute
	err := a.store.View(ctx, func(tx *store.Tx) error {
		sc, err := entityScopeOf(ctx, tx, r)
		if err != nil {
			return err
		}
		rt, err = sc.getRoute(ctx, tx, r.PathValue("routeId"))
		return err
	})
	return respond(w, err, http.StatusOK, toRouteJSON(rt))
}

func (a *API) createRoute(w http.ResponseWriter, r *http.Request) error {
	return a.putRoute(w, r, "", http.StatusCreated)
}

func (a *API) upsertRoute(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("routeId")
	if !core.IsUUID(id) {
		return core.Invalid(core.Violation{Field: "id", Rule: "is_uuid", Source: "path",
			Reason: "routes are created or replaced by id: the path must end with a UUID"})
	}
	return a.putRoute(w, r, id, http.StatusOK)
}

// putRoute creates (id "" or unknown) or replaces a route, Kong style: the body describes the whole
// route and absent fields take their defaults. The service it names must be in the same control plane.
func (a *API) putRoute(w http.ResponseWriter, r *http.Request, id string, status int) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, bodyService, vs := readRouteInput(o, r.PathValue("serviceId") == "")
	if len(vs) > 0 {
		return core.Invalid(vs...)
	}
	ctx, now := r.Context(), a.now().Unix()
	var rt core.GatewayRoute
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		sc, err := entityScopeOf(ctx, tx, r)
		if err != nil {
			return err
		}
		var serviceID *string
		switch {
		case sc.service != nil:
			serviceID = &sc.service.ID
		case bodyService.HasValue():
			s, err := tx.GetService(ctx, sc.cp.Region, sc.cp.ID, bodyService.Value)
			if errors.Is(err, store.ErrNotFound) {
				return core.Invalid(core.Violation{Field: "service.id", Rule: "missing_reference", Source: "body",
					Reason: fmt.Sprintf("no service with id %s exists in control plane %s: create the service first or name one of its services", bodyService.Value, sc.cp.ID)})
			}
			if err != nil {
				return err
			}
			serviceID = &s.ID
		}
		created := now
		if id == "" {
			id = uuid.NewString()
		} else {
			if err := tx.LockForUpdate(ctx, store.LockedRoutes, id); err != nil {
				return err
			}
			current, err := tx.GetRoute(ctx, sc.cp.Region, sc.cp.ID, id)
			switch {
			case err == nil:
				if sc.service != nil && (current.ServiceID == nil || *current.ServiceID != sc.service.ID) {
					return errorf(http.StatusConflict, "Route %s belongs to another service: replace it through /core-entities/routes/%s.", id, id)
				}
				created = current.CreatedAt
			case !errors.Is(err, store.ErrNotFound):
				return err
			default:
				taken, err := tx.RouteIDTaken(ctx, id)
				if err != nil {
					return err
				}
				if taken {
					return errorf(http.StatusConflict, "Route id %s is already used by a route of another control plane: choose another id.", id)
				}
			}
		}
		var vs []core.Violation
		rt, vs = core.BuildGatewayRoute(in, id, sc.cp.Region, sc.cp.ID, serviceID, created, now)
		if err := core.Invalid(vs...); err != nil {
			return err
		}
		if rt.Name != nil {
			taken, err := tx.RouteNameTaken(ctx, sc.cp.ID, *rt.Name, rt.ID)
			if err != nil {
				return err
			}
			if taken {
				return errorf(http.StatusConflict, "Control plane %q (%s) already has a route named %q: choose another name.", sc.cp.Name, sc.cp.ID, *rt.Name)
			}
		}
		return tx.PutRoute(ctx, rt)
	})
	if err != nil {
		return err
	}
	writeJSON(w, status, toRouteJSON(rt))
	return nil
}

// deleteRoute deletes a route; as in Kong, deleting a missing route succeeds.
func (a *API) deleteRoute(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	err := a.store.WithTx(ctx, func(tx *store.Tx) error {
		sc, err := entityScopeOf(ctx, tx, r)
		if err != nil {
			return err
		}
		rt, err := sc.getRoute(ctx, tx, r.PathValue("routeId"))
		if err != nil {
			var he *httpError
			if errors.As(err, &he) && he.status == http.StatusNotFound {
				return nil
			}
			return err
		}
		return tx.DeleteRoute(ctx, rt.Region, rt.ControlPlaneID, rt.ID)
	})
	return noContent(w, err)
}

// serviceRoutesError refuses to delete a service that routes still send traffic to, as Kong does,
// naming the first routes so that the caller knows what to delete or move.
func serviceRoutesError(ctx context.Context, tx *store.Tx, s core.GatewayService) error {
	const shown = 5
	routes, more, err := tx.ListRoutes(ctx, s.Region, s.ControlPlaneID, &s.ID, store.KongFilter{}, store.KongPage{Size: shown})
	if err != nil || len(routes) == 0 {
		return err
	}
	labels := make([]string, len(routes))
	for i, rt := range routes {
		labels[i] = routeLabel(rt)
	}
	list := strings.Join(labels, ", ")
	if more {
		list += " and more"
	}
	return errorf(http.StatusConflict,
		"Service %s still has routes: %s. Delete those routes or point them at another service before deleting the service.",
		serviceLabel(s), list)
}

func routeLabel(rt core.GatewayRoute) string {
	if rt.Name != nil {
		return fmt.Sprintf("%q (%s)", *rt.Name, rt.ID)
	}
	return rt.ID
}
