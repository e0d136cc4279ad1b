package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

const controlPlaneColumns = `id, region, name, description, labels, auth_type, proxy_urls, created_at, updated_at`

// ControlPlaneFilter restricts a control plane list; zero fields do not filter.
type ControlPlaneFilter struct {
	Name TextFilter
}

// InsertControlPlane stores a new control plane.
func (t *Tx) InsertControlPlane(ctx context.Context, cp core.ControlPlane) error {
	labels, proxies, err := controlPlaneJSON(cp)
	if err != nil {
		return err
	}
	return t.exec(ctx, "insert control plane", `INSERT INTO control_planes (`+controlPlaneColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		cp.ID, cp.Region, cp.Name, cp.Description, labels, cp.AuthType, proxies,
		formatTime(cp.CreatedAt), formatTime(cp.UpdatedAt))
}

// UpdateControlPlane overwrites the mutable fields of a stored control plane.
func (t *Tx) UpdateControlPlane(ctx context.Context, cp core.ControlPlane) error {
	labels, proxies, err := controlPlaneJSON(cp)
	if err != nil {
		return err
	}
	return t.execOne(ctx, "update control plane", `UPDATE control_planes SET name = $1, description = $2, labels = $3,
		auth_type = $4, proxy_urls = $5, updated_at = $6 WHERE region = $7 AND id = $8`,
		cp.Name, cp.Description, labels, cp.AuthType, proxies, formatTime(cp.UpdatedAt), cp.Region, cp.ID)
}

// GetControlPlane returns the control plane with id in region, or ErrNotFound.
func (t *Tx) GetControlPlane(ctx context.Context, region, id string) (core.ControlPlane, error) {
	return queryOne(ctx, t, scanControlPlane,
		`SELECT `+controlPlaneColumns+` FROM control_planes WHERE region = $1 AND id = $2`, region, id)
}

// ControlPlaneNameTaken reports whether another control plane of the region has this name.
func (t *Tx) ControlPlaneNameTaken(ctx context.Context, region, name, exceptID string) (bool, error) {
	if err := t.lockValue(ctx, "control_planes.name", region, name); err != nil {
		return false, err
	}
	n, err := t.count(ctx, "check control plane name", `SELECT COUNT(*) FROM control_planes WHERE region = $1 AND name = $2 AND id <> $3`,
		region, name, exceptID)
	return n > 0, err
}

// ListControlPlanes returns one page of the region's control planes in creation order, and the total.
func (t *Tx) ListControlPlanes(ctx context.Context, region string, f ControlPlaneFilter, page Page) ([]core.ControlPlane, int, error) {
	w := &where{}
	w.add("region = " + w.arg(region))
	w.text("name", f.Name)
	return listPage(ctx, t, "control planes", controlPlaneColumns, "control_planes", w, creationOrder, page, scanControlPlane)
}

// DeleteControlPlane removes a control plane and, through the schema, its services, plugins and nodes.
func (t *Tx) DeleteControlPlane(ctx context.Context, region, id string) error {
	return t.execOne(ctx, "delete control plane", `DELETE FROM control_planes WHERE region = $1 AND id = $2`, region, id)
}

func controlPlaneJSON(cp core.ControlPlane) (labels, proxies string, err error) {
	l, err := json.Marshal(cp.Labels)
	if err != nil {
		return "", "", err
	}
	p, err := json.Marshal(cp.ProxyURLs)
	if err != nil {
		return "", "", err
	}
	return string(l), string(p), nil
}

func scanControlPlane(s scanner) (core.ControlPlane, error) {
	var (
		cp              core.ControlPlane
		labels, proxies string
	)
	err := s.Scan(&cp.ID, &cp.Region, &cp.Name, &cp.Description, &labels, &cp.AuthType, &proxies,
		textTime{&cp.CreatedAt}, textTime{&cp.UpdatedAt})
	if err != nil {
		return core.ControlPlane{}, err
	}
	if err := json.Unmarshal([]byte(labels), &cp.Labels); err != nil {
		return core.ControlPlane{}, fmt.Errorf("store: control plane %s labels: %w", cp.ID, err)
	}
	if err := json.Unmarshal([]byte(proxies), &cp.ProxyURLs); err != nil {
		return core.ControlPlane{}, fmt.Errorf("store: control plane %s proxy urls: %w", cp.ID, err)
	}
	return cp, nil
}
