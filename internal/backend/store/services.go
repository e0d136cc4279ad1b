package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// KongPage selects a page of a Kong-style list: Size items after skipping Offset.
type KongPage struct {
	Size   int
	Offset int
}

// KongFilter restricts a Kong-style list; zero fields do not filter.
type KongFilter struct {
	// Tags are all required (AND); AnyTags are alternatives (OR). Kong's "a,b" and "a/b".
	Tags    []string
	AnyTags []string
	Name    TextFilter
}

// serviceEntity is the stored JSON of a gateway service, without id, name and timestamps.
type serviceEntity struct {
	Protocol       string   `json:"protocol"`
	Host           string   `json:"host"`
	Port           int      `json:"port"`
	Path           *string  `json:"path"`
	Retries        int      `json:"retries"`
	ConnectTimeout int      `json:"connect_timeout"`
	WriteTimeout   int      `json:"write_timeout"`
	ReadTimeout    int      `json:"read_timeout"`
	Enabled        bool     `json:"enabled"`
	Tags           []string `json:"tags"`
	TLSVerify      *bool    `json:"tls_verify"`
	TLSVerifyDepth *int     `json:"tls_verify_depth"`
	CACertificates []string `json:"ca_certificates"`
}

const serviceColumns = `id, region, control_plane_id, name, entity, created_at, updated_at`

// PutService inserts or replaces a gateway service.
func (t *Tx) PutService(ctx context.Context, s core.GatewayService) error {
	entity, err := json.Marshal(serviceEntity{
		Protocol: s.Protocol, Host: s.Host, Port: s.Port, Path: s.Path, Retries: s.Retries,
		ConnectTimeout: s.ConnectTimeout, WriteTimeout: s.WriteTimeout, ReadTimeout: s.ReadTimeout,
		Enabled: s.Enabled, Tags: s.Tags, TLSVerify: s.TLSVerify, TLSVerifyDepth: s.TLSVerifyDepth,
		CACertificates: s.CACertificates,
	})
	if err != nil {
		return err
	}
	return t.exec(ctx, "put service", `INSERT INTO gateway_services (`+serviceColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, entity = excluded.entity, updated_at = excluded.updated_at`,
		s.ID, s.Region, s.ControlPlaneID, s.Name, string(entity), s.CreatedAt, s.UpdatedAt)
}

// GetService returns the service of the control plane with this id, or ErrNotFound.
func (t *Tx) GetService(ctx context.Context, region, controlPlaneID, id string) (core.GatewayService, error) {
	return queryOne(ctx, t, scanService, `SELECT `+serviceColumns+` FROM gateway_services
		WHERE region = $1 AND control_plane_id = $2 AND id = $3`, region, controlPlaneID, id)
}

// GetServiceByName returns the service of the control plane with this name, or ErrNotFound.
func (t *Tx) GetServiceByName(ctx context.Context, region, controlPlaneID, name string) (core.GatewayService, error) {
	return queryOne(ctx, t, scanService, `SELECT `+serviceColumns+` FROM gateway_services
		WHERE region = $1 AND control_plane_id = $2 AND name = $3`, region, controlPlaneID, name)
}

// ServiceNameTaken reports whether another service of the control plane has this name.
func (t *Tx) ServiceNameTaken(ctx context.Context, controlPlaneID, name, exceptID string) (bool, error) {
	if err := t.lockValue(ctx, "gateway_services.name", controlPlaneID, name); err != nil {
		return false, err
	}
	n, err := t.count(ctx, "check service name", `SELECT COUNT(*) FROM gateway_services WHERE control_plane_id = $1 AND name = $2 AND id <> $3`,
		controlPlaneID, name, exceptID)
	return n > 0, err
}

// ServiceIDTaken reports whether a service with this id exists anywhere, so that an upsert with a
// chosen id cannot take over another control plane's service.
func (t *Tx) ServiceIDTaken(ctx context.Context, id string) (bool, error) {
	if err := t.lockValue(ctx, "gateway_services.id", id); err != nil {
		return false, err
	}
	n, err := t.count(ctx, "check service id", `SELECT COUNT(*) FROM gateway_services WHERE id = $1`, id)
	return n > 0, err
}

// ListServices returns a page of the control plane's services in creation order and whether more follow.
func (t *Tx) ListServices(ctx context.Context, region, controlPlaneID string, f KongFilter, page KongPage) ([]core.GatewayService, bool, error) {
	w := &where{}
	w.add("region = " + w.arg(region))
	w.add("control_plane_id = " + w.arg(controlPlaneID))
	w.text("name", f.Name)
	w.tags(t.d, "entity", "tags", f)
	return listKongPage(ctx, t, "services", serviceColumns, "gateway_services", w, page, scanService)
}

// DeleteService removes a service and, through the schema, its plugins.
func (t *Tx) DeleteService(ctx context.Context, region, controlPlaneID, id string) error {
	return t.execOne(ctx, "delete service", `DELETE FROM gateway_services WHERE region = $1 AND control_plane_id = $2 AND id = $3`,
		region, controlPlaneID, id)
}

func scanService(sc scanner) (core.GatewayService, error) {
	var (
		s      core.GatewayService
		entity string
		e      serviceEntity
	)
	if err := sc.Scan(&s.ID, &s.Region, &s.ControlPlaneID, &s.Name, &entity, &s.CreatedAt, &s.UpdatedAt); err != nil {
		return s, err
	}
	if err := json.Unmarshal([]byte(entity), &e); err != nil {
		return s, fmt.Errorf("store: service %s: %w", s.ID, err)
	}
	s.Protocol, s.Host, s.Port, s.Path, s.Retries = e.Protocol, e.Host, e.Port, e.Path, e.Retries
	s.ConnectTimeout, s.WriteTimeout, s.ReadTimeout = e.ConnectTimeout, e.WriteTimeout, e.ReadTimeout
	s.Enabled, s.Tags, s.TLSVerify, s.TLSVerifyDepth, s.CACertificates = e.Enabled, e.Tags, e.TLSVerify, e.TLSVerifyDepth, e.CACertificates
	return s, nil
}

// tags adds Kong's tag filters on a JSON array: column itself, or its member key when key is
// not empty.
func (w *where) tags(d dialect, column, key string, f KongFilter) {
	for _, tag := range f.Tags {
		w.add(d.jsonArrayHas(column, key, w.arg(tag)))
	}
	if len(f.AnyTags) > 0 {
		var ors []string
		for _, tag := range f.AnyTags {
			ors = append(ors, d.jsonArrayHas(column, key, w.arg(tag)))
		}
		w.add("(" + strings.Join(ors, " OR ") + ")")
	}
}
