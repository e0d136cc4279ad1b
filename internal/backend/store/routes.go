package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// routeEntity is the stored JSON of a gateway route, without id, name, service and timestamps.
type routeEntity struct {
	Protocols               []string `json:"protocols"`
	Methods                 []string `json:"methods"`
	Hosts                   []string `json:"hosts"`
	Paths                   []string `json:"paths"`
	HTTPSRedirectStatusCode int      `json:"https_redirect_status_code"`
	PathHandling            string   `json:"path_handling"`
	PreserveHost            bool     `json:"preserve_host"`
	RegexPriority           int      `json:"regex_priority"`
	RequestBuffering        bool     `json:"request_buffering"`
	ResponseBuffering       bool     `json:"response_buffering"`
	StripPath               bool     `json:"strip_path"`
	Tags                    []string `json:"tags"`
}

const routeColumns = `id, region, control_plane_id, service_id, name, entity, created_at, updated_at`

// PutRoute inserts or replaces a gateway route.
func (t *Tx) PutRoute(ctx context.Context, rt core.GatewayRoute) error {
	entity, err := json.Marshal(routeEntity{
		Protocols: rt.Protocols, Methods: rt.Methods, Hosts: rt.Hosts, Paths: rt.Paths,
		HTTPSRedirectStatusCode: rt.HTTPSRedirectStatusCode, PathHandling: rt.PathHandling,
		PreserveHost: rt.PreserveHost, RegexPriority: rt.RegexPriority, RequestBuffering: rt.RequestBuffering,
		ResponseBuffering: rt.ResponseBuffering, StripPath: rt.StripPath, Tags: rt.Tags,
	})
	if err != nil {
		return err
	}
	return t.exec(ctx, "put route", `INSERT INTO gateway_routes (`+routeColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (id) DO UPDATE SET service_id = excluded.service_id, name = excluded.name,
			entity = excluded.entity, updated_at = excluded.updated_at`,
		rt.ID, rt.Region, rt.ControlPlaneID, rt.ServiceID, rt.Name, string(entity), rt.CreatedAt, rt.UpdatedAt)
}

// GetRoute returns the route of the control plane with this id, or ErrNotFound.
func (t *Tx) GetRoute(ctx context.Context, region, controlPlaneID, id string) (core.GatewayRoute, error) {
	return queryOne(ctx, t, scanRoute, `SELECT `+routeColumns+` FROM gateway_routes
		WHERE region = $1 AND control_plane_id = $2 AND id = $3`, region, controlPlaneID, id)
}

// GetRouteByName returns the route of the control plane with this name, or ErrNotFound.
func (t *Tx) GetRouteByName(ctx context.Context, region, controlPlaneID, name string) (core.GatewayRoute, error) {
	return queryOne(ctx, t, scanRoute, `SELECT `+routeColumns+` FROM gateway_routes
		WHERE region = $1 AND control_plane_id = $2 AND name = $3`, region, controlPlaneID, name)
}

// RouteNameTaken reports whether another route of the control plane has this name.
func (t *Tx) RouteNameTaken(ctx context.Context, controlPlaneID, name, exceptID string) (bool, error) {
	if err := t.lockValue(ctx, "gateway_routes.name", controlPlaneID, name); err != nil {
		return false, err
	}
	n, err := t.count(ctx, "check route name", `SELECT COUNT(*) FROM gateway_routes WHERE control_plane_id = $1 AND name = $2 AND id <> $3`,
		controlPlaneID, name, exceptID)
	return n > 0, err
}

// RouteIDTaken reports whether a route with this id exists anywhere, so that an upsert with a
// chosen id cannot take over another control plane's route.
func (t *Tx) RouteIDTaken(ctx context.Context, id string) (bool, error) {
	if err := t.lockValue(ctx, "gateway_routes.id", id); err != nil {
		return false, err
	}
	n, err := t.count(ctx, "check route id", `SELECT COUNT(*) FROM gateway_routes WHERE id = $1`, id)
	return n > 0, err
}

// ListRoutes returns a page of the control plane's routes in creation order, only those of
// serviceID when it is not nil, and whether more follow.
func (t *Tx) ListRoutes(ctx context.Context, region, controlPlaneID string, serviceID *string, f KongFilter, page KongPage) ([]core.GatewayRoute, bool, error) {
	w := &where{}
	w.add("region = " + w.arg(region))
	w.add("control_plane_id = " + w.arg(controlPlaneID))
	if serviceID != nil {
		w.add("service_id = " + w.arg(*serviceID))
	}
	w.text("name", f.Name)
	w.tags(t.d, "entity", "tags", f)
	return listKongPage(ctx, t, "routes", routeColumns, "gateway_routes", w, page, scanRoute)
}

// DeleteRoute removes a route.
func (t *Tx) DeleteRoute(ctx context.Context, region, controlPlaneID, id string) error {
	return t.execOne(ctx, "delete route", `DELETE FROM gateway_routes WHERE region = $1 AND control_plane_id = $2 AND id = $3`,
		region, controlPlaneID, id)
}

func scanRoute(sc scanner) (core.GatewayRoute, error) {
	var (
		rt     core.GatewayRoute
		entity string
		e      routeEntity
	)
	if err := sc.Scan(&rt.ID, &rt.Region, &rt.ControlPlaneID, &rt.ServiceID, &rt.Name, &entity, &rt.CreatedAt, &rt.UpdatedAt); err != nil {
		return rt, err
	}
	if err := json.Unmarshal([]byte(entity), &e); err != nil {
		return rt, fmt.Errorf("store: route %s: %w", rt.ID, err)
	}
	rt.Protocols, rt.Methods, rt.Hosts, rt.Paths = e.Protocols, e.Methods, e.Hosts, e.Paths
	rt.HTTPSRedirectStatusCode, rt.PathHandling, rt.PreserveHost = e.HTTPSRedirectStatusCode, e.PathHandling, e.PreserveHost
	rt.RegexPriority, rt.RequestBuffering, rt.ResponseBuffering = e.RegexPriority, e.RequestBuffering, e.ResponseBuffering
	rt.StripPath, rt.Tags = e.StripPath, e.Tags
	return rt, nil
}
