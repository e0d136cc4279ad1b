package store

import (
	"context"
	"time"
)

// Implementation links an API to the gateway service that implements it.
type Implementation struct {
	ID             string
	Region         string
	APIID          string
	ControlPlaneID string
	ServiceID      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// ImplementationSortFields are the fields link lists can be sorted by, with their columns.
var ImplementationSortFields = map[string]string{"id": "id", "api_id": "api_id", "control_plane_id": "control_plane_id",
	"service_id": "service_id", "created_at": "created_at", "updated_at": "updated_at"}

// ImplementationFilter restricts an implementation list; zero fields do not filter.
type ImplementationFilter struct {
	ID             TextFilter
	APIID          TextFilter
	ServiceID      TextFilter
	ControlPlaneID TextFilter
}

const implementationColumns = `id, region, api_id, control_plane_id, service_id, created_at, updated_at`

// InsertImplementation stores a service link.
func (t *Tx) InsertImplementation(ctx context.Context, im Implementation) error {
	return t.exec(ctx, "insert implementation", `INSERT INTO api_implementations (`+implementationColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		im.ID, im.Region, im.APIID, im.ControlPlaneID, im.ServiceID, formatTime(im.CreatedAt), formatTime(im.UpdatedAt))
}

// GetImplementation returns a link of the API by id, or ErrNotFound.
func (t *Tx) GetImplementation(ctx context.Context, region, apiID, id string) (Implementation, error) {
	return t.oneImplementation(ctx, `WHERE region = $1 AND api_id = $2 AND id = $3`, region, apiID, id)
}

// ImplementationOfAPI returns the API's link, or ErrNotFound when it has none.
func (t *Tx) ImplementationOfAPI(ctx context.Context, region, apiID string) (Implementation, error) {
	return t.oneImplementation(ctx, `WHERE region = $1 AND api_id = $2`, region, apiID)
}

// ImplementationOfService returns the link of a service, or ErrNotFound when it serves no API.
func (t *Tx) ImplementationOfService(ctx context.Context, serviceID string) (Implementation, error) {
	return t.oneImplementation(ctx, `WHERE service_id = $1`, serviceID)
}

func (t *Tx) oneImplementation(ctx context.Context, cond string, args ...any) (Implementation, error) {
	return queryOne(ctx, t, scanImplementation, `SELECT `+implementationColumns+` FROM api_implementations `+cond, args...)
}

// ImplementationsOfControlPlane returns the links to services of the control plane.
func (t *Tx) ImplementationsOfControlPlane(ctx context.Context, region, controlPlaneID string) ([]Implementation, error) {
	return queryAll(ctx, t, "list implementations", scanImplementation, `SELECT `+implementationColumns+` FROM api_implementations
		WHERE region = $1 AND control_plane_id = $2 ORDER BY created_at, id`, region, controlPlaneID)
}

// ListImplementations returns one page of the region's links, sorted by page.Sort and then in
// creation order, and the total count.
func (t *Tx) ListImplementations(ctx context.Context, region string, f ImplementationFilter, page Page) ([]Implementation, int, error) {
	w := &where{}
	w.add("region = " + w.arg(region))
	w.text("id", f.ID)
	w.text("api_id", f.APIID)
	w.text("service_id", f.ServiceID)
	w.text("control_plane_id", f.ControlPlaneID)
	return listPage(ctx, t, "implementations", implementationColumns, "api_implementations", w,
		page.orderBy(ImplementationSortFields), page, scanImplementation)
}

// DeleteImplementation removes a link of the API.
func (t *Tx) DeleteImplementation(ctx context.Context, region, apiID, id string) error {
	return t.execOne(ctx, "delete implementation", `DELETE FROM api_implementations WHERE region = $1 AND api_id = $2 AND id = $3`,
		region, apiID, id)
}

func scanImplementation(s scanner) (Implementation, error) {
	var im Implementation
	err := s.Scan(&im.ID, &im.Region, &im.APIID, &im.ControlPlaneID, &im.ServiceID,
		textTime{&im.CreatedAt}, textTime{&im.UpdatedAt})
	return im, err
}
