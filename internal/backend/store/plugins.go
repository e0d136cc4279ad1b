package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

const pluginColumns = `id, region, control_plane_id, service_id, name, enabled, protocols, tags, config,
	managed_api_id, created_at, updated_at`

// PutPlugin inserts or replaces a plugin.
func (t *Tx) PutPlugin(ctx context.Context, p core.GatewayPlugin) error {
	protocols, err := json.Marshal(nonNil(p.Protocols))
	if err != nil {
		return err
	}
	tags, err := json.Marshal(nonNil(p.Tags))
	if err != nil {
		return err
	}
	config, err := json.Marshal(p.Config)
	if err != nil {
		return err
	}
	return t.exec(ctx, "put plugin", `INSERT INTO gateway_plugins (`+pluginColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (id) DO UPDATE SET service_id = excluded.service_id, name = excluded.name,
			enabled = excluded.enabled, protocols = excluded.protocols, tags = excluded.tags,
			config = excluded.config, managed_api_id = excluded.managed_api_id, updated_at = excluded.updated_at`,
		p.ID, p.Region, p.ControlPlaneID, p.ServiceID, p.Name, p.Enabled, string(protocols), string(tags),
		string(config), p.ManagedAPIID, p.CreatedAt, p.UpdatedAt)
}

// GetPlugin returns a plugin of the control plane, or ErrNotFound.
func (t *Tx) GetPlugin(ctx context.Context, region, controlPlaneID, id string) (core.GatewayPlugin, error) {
	return queryOne(ctx, t, scanPlugin, `SELECT `+pluginColumns+` FROM gateway_plugins
		WHERE region = $1 AND control_plane_id = $2 AND id = $3`, region, controlPlaneID, id)
}

// PluginIDTaken reports whether a plugin with this id exists anywhere.
func (t *Tx) PluginIDTaken(ctx context.Context, id string) (bool, error) {
	if err := t.lockValue(ctx, "gateway_plugins.id", id); err != nil {
		return false, err
	}
	n, err := t.count(ctx, "check plugin id", `SELECT COUNT(*) FROM gateway_plugins WHERE id = $1`, id)
	return n > 0, err
}

// PluginNameTaken reports whether the service (or, for nil, the control plane globally) already has
// another plugin of this name: Kong runs one plugin of a name per scope.
func (t *Tx) PluginNameTaken(ctx context.Context, controlPlaneID string, serviceID *string, name, exceptID string) (bool, error) {
	if err := t.lockValue(ctx, "gateway_plugins.name", controlPlaneID, derefOr(serviceID, ""), name); err != nil {
		return false, err
	}
	var n int
	var err error
	if serviceID == nil {
		n, err = t.count(ctx, "check plugin name", `SELECT COUNT(*) FROM gateway_plugins WHERE control_plane_id = $1
			AND service_id IS NULL AND name = $2 AND id <> $3`, controlPlaneID, name, exceptID)
	} else {
		n, err = t.count(ctx, "check plugin name", `SELECT COUNT(*) FROM gateway_plugins WHERE control_plane_id = $1
			AND service_id = $2 AND name = $3 AND id <> $4`, controlPlaneID, *serviceID, name, exceptID)
	}
	return n > 0, err
}

// ListPlugins returns a page of the control plane's plugins (only the service's when serviceID is
// not nil) in creation order, and whether more follow.
func (t *Tx) ListPlugins(ctx context.Context, region, controlPlaneID string, serviceID *string, f KongFilter, page KongPage) ([]core.GatewayPlugin, bool, error) {
	w := &where{}
	w.add("region = " + w.arg(region))
	w.add("control_plane_id = " + w.arg(controlPlaneID))
	if serviceID != nil {
		w.add("service_id = " + w.arg(*serviceID))
	}
	w.text("name", f.Name)
	w.tags(t.d, "tags", "", f)
	return listKongPage(ctx, t, "plugins", pluginColumns, "gateway_plugins", w, page, scanPlugin)
}

// ManagedPluginsOfAPI returns every plugin the backend manages for the API, wherever it is.
func (t *Tx) ManagedPluginsOfAPI(ctx context.Context, region, apiID string) ([]core.GatewayPlugin, error) {
	return queryAll(ctx, t, "list plugins", scanPlugin, `SELECT `+pluginColumns+` FROM gateway_plugins WHERE region = $1 AND managed_api_id = $2
		ORDER BY created_at, id`, region, apiID)
}

// DeletePlugin removes a plugin of the control plane.
func (t *Tx) DeletePlugin(ctx context.Context, region, controlPlaneID, id string) error {
	return t.execOne(ctx, "delete plugin", `DELETE FROM gateway_plugins WHERE region = $1 AND control_plane_id = $2 AND id = $3`,
		region, controlPlaneID, id)
}

func scanPlugin(s scanner) (core.GatewayPlugin, error) {
	var (
		p                       core.GatewayPlugin
		protocols, tags, config string
	)
	err := s.Scan(&p.ID, &p.Region, &p.ControlPlaneID, &p.ServiceID, &p.Name, &p.Enabled, &protocols, &tags, &config,
		&p.ManagedAPIID, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(protocols), &p.Protocols); err != nil {
		return p, fmt.Errorf("store: plugin %s protocols: %w", p.ID, err)
	}
	if err := json.Unmarshal([]byte(tags), &p.Tags); err != nil {
		return p, fmt.Errorf("store: plugin %s tags: %w", p.ID, err)
	}
	// Numbers stay json.Number so that configs come back exactly as given.
	d := json.NewDecoder(bytes.NewReader([]byte(config)))
	d.UseNumber()
	if err := d.Decode(&p.Config); err != nil {
		return p, fmt.Errorf("store: plugin %s config: %w", p.ID, err)
	}
	return p, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
