package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

const applicationColumns = `id, region, portal_id, developer_id, name, description, auth_strategy_id,
	client_id, labels, created_at, updated_at`

// ApplicationFilter restricts an application list; zero fields do not filter.
type ApplicationFilter struct {
	// DeveloperID, when set, keeps the applications that developer owns.
	DeveloperID    string
	Name           TextFilter
	AuthStrategyID TextFilter
}

// InsertApplication stores a new application.
func (t *Tx) InsertApplication(ctx context.Context, a core.Application) error {
	labels, err := json.Marshal(nonNilLabels(a.Labels))
	if err != nil {
		return err
	}
	return t.exec(ctx, "insert application", `INSERT INTO applications (`+applicationColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		a.ID, a.Region, a.PortalID, a.DeveloperID, a.Name, a.Description, a.AuthStrategyID, a.ClientID,
		string(labels), formatTime(a.CreatedAt), formatTime(a.UpdatedAt))
}

// UpdateApplication overwrites the mutable fields of a stored application.
func (t *Tx) UpdateApplication(ctx context.Context, a core.Application) error {
	labels, err := json.Marshal(nonNilLabels(a.Labels))
	if err != nil {
		return err
	}
	return t.execOne(ctx, "update application", `UPDATE applications SET developer_id = $1, name = $2, description = $3,
		labels = $4, updated_at = $5 WHERE region = $6 AND portal_id = $7 AND id = $8`,
		a.DeveloperID, a.Name, a.Description, string(labels), formatTime(a.UpdatedAt), a.Region, a.PortalID, a.ID)
}

// GetApplication returns an application of the portal, or ErrNotFound.
func (t *Tx) GetApplication(ctx context.Context, region, portalID, id string) (core.Application, error) {
	return queryOne(ctx, t, scanApplication, `SELECT `+applicationColumns+` FROM applications
		WHERE region = $1 AND portal_id = $2 AND id = $3`, region, portalID, id)
}

// ListApplications returns one page of the portal's applications in creation order, and the total count.
func (t *Tx) ListApplications(ctx context.Context, region, portalID string, f ApplicationFilter, page Page) ([]core.Application, int, error) {
	w := &where{}
	w.add("region = " + w.arg(region))
	w.add("portal_id = " + w.arg(portalID))
	if f.DeveloperID != "" {
		w.add("developer_id = " + w.arg(f.DeveloperID))
	}
	w.text("name", f.Name)
	w.text("auth_strategy_id", f.AuthStrategyID)
	return listPage(ctx, t, "applications", applicationColumns, "applications", w, creationOrder, page, scanApplication)
}

// CountDeveloperApplications returns how many applications a developer owns.
func (t *Tx) CountDeveloperApplications(ctx context.Context, developerID string) (int, error) {
	return t.count(ctx, "count developer applications", `SELECT COUNT(*) FROM applications WHERE developer_id = $1`, developerID)
}

// ApplicationWithClientID returns the application of the region whose client_id is clientID, or
// ErrNotFound. A client_id is unique in its region.
func (t *Tx) ApplicationWithClientID(ctx context.Context, region, clientID string) (core.Application, error) {
	return queryOne(ctx, t, scanApplication, `SELECT `+applicationColumns+` FROM applications
		WHERE region = $1 AND client_id = $2`, region, clientID)
}

// DeleteApplication removes an application and, through the schema, its keys and registrations.
func (t *Tx) DeleteApplication(ctx context.Context, region, portalID, id string) error {
	return t.execOne(ctx, "delete application", `DELETE FROM applications WHERE region = $1 AND portal_id = $2 AND id = $3`,
		region, portalID, id)
}

func scanApplication(s scanner) (core.Application, error) {
	var (
		a      core.Application
		labels string
	)
	err := s.Scan(&a.ID, &a.Region, &a.PortalID, &a.DeveloperID, &a.Name, &a.Description, &a.AuthStrategyID,
		&a.ClientID, &labels, textTime{&a.CreatedAt}, textTime{&a.UpdatedAt})
	if err != nil {
		return core.Application{}, err
	}
	if err := json.Unmarshal([]byte(labels), &a.Labels); err != nil {
		return core.Application{}, fmt.Errorf("store: application %s labels: %w", a.ID, err)
	}
	return a, nil
}

func nonNilLabels(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

const apiKeyColumns = `id, region, application_id, display_name, key_hash, hint, origin, expires_at, created_at`

// InsertAPIKey stores a new key. ErrConflict means a key with the same secret already exists.
func (t *Tx) InsertAPIKey(ctx context.Context, k core.APIKey) error {
	if err := t.lockValue(ctx, "api_keys.key_hash", k.Hash); err != nil {
		return err
	}
	n, err := t.count(ctx, "check api key", `SELECT COUNT(*) FROM api_keys WHERE key_hash = $1`, k.Hash)
	if err != nil {
		return err
	}
	if n > 0 {
		return ErrConflict
	}
	return t.exec(ctx, "insert api key", `INSERT INTO api_keys (`+apiKeyColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		k.ID, k.Region, k.ApplicationID, k.DisplayName, k.Hash, k.Hint, k.Origin, optionalTime(k.ExpiresAt),
		formatTime(k.CreatedAt))
}

// CountAPIKeys returns how many keys an application holds.
func (t *Tx) CountAPIKeys(ctx context.Context, applicationID string) (int, error) {
	return t.count(ctx, "count api keys", `SELECT COUNT(*) FROM api_keys WHERE application_id = $1`, applicationID)
}

// GetAPIKey returns a key of an application, or ErrNotFound.
func (t *Tx) GetAPIKey(ctx context.Context, region, applicationID, id string) (core.APIKey, error) {
	return queryOne(ctx, t, scanAPIKey, `SELECT `+apiKeyColumns+` FROM api_keys
		WHERE region = $1 AND application_id = $2 AND id = $3`, region, applicationID, id)
}

// ListAPIKeys returns one page of an application's keys in creation order, and the total count.
func (t *Tx) ListAPIKeys(ctx context.Context, region, applicationID string, page Page) ([]core.APIKey, int, error) {
	w := &where{}
	w.add("region = " + w.arg(region))
	w.add("application_id = " + w.arg(applicationID))
	return listPage(ctx, t, "api keys", apiKeyColumns, "api_keys", w, creationOrder, page, scanAPIKey)
}

// RenameAPIKey changes a key's display name.
func (t *Tx) RenameAPIKey(ctx context.Context, region, applicationID, id, name string) error {
	return t.execOne(ctx, "rename api key", `UPDATE api_keys SET display_name = $1 WHERE region = $2 AND application_id = $3 AND id = $4`,
		name, region, applicationID, id)
}

// DeleteAPIKey removes a key.
func (t *Tx) DeleteAPIKey(ctx context.Context, region, applicationID, id string) error {
	return t.execOne(ctx, "delete api key", `DELETE FROM api_keys WHERE region = $1 AND application_id = $2 AND id = $3`,
		region, applicationID, id)
}

func scanAPIKey(s scanner) (core.APIKey, error) {
	var k core.APIKey
	err := s.Scan(&k.ID, &k.Region, &k.ApplicationID, &k.DisplayName, &k.Hash, &k.Hint, &k.Origin,
		textTime{&k.ExpiresAt}, textTime{&k.CreatedAt})
	return k, err
}

func optionalTime(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: formatTime(t), Valid: true}
}

// ApplicationRef names an application and its portal, for messages about it.
type ApplicationRef struct {
	ID         string
	Name       string
	PortalID   string
	PortalName string
}

// ApplicationsUsingAuthStrategy lists the applications of the region that use the strategy.
func (t *Tx) ApplicationsUsingAuthStrategy(ctx context.Context, region, strategyID string) ([]ApplicationRef, error) {
	return queryAll(ctx, t, "applications using strategy", func(s scanner) (ApplicationRef, error) {
		var r ApplicationRef
		err := s.Scan(&r.ID, &r.Name, &r.PortalID, &r.PortalName)
		return r, err
	}, `SELECT a.id, a.name, p.id, p.name FROM applications a
		JOIN portals p ON p.id = a.portal_id
		WHERE a.region = $1 AND a.auth_strategy_id = $2 ORDER BY p.name, p.id, a.name, a.id`, region, strategyID)
}
