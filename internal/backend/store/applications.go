package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
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
	_, err = t.q.ExecContext(ctx, `INSERT INTO applications (`+applicationColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		a.ID, a.Region, a.PortalID, a.DeveloperID, a.Name, a.Description, a.AuthStrategyID, a.ClientID,
		string(labels), formatTime(a.CreatedAt), formatTime(a.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: insert application: %w", err)
	}
	return nil
}

// UpdateApplication overwrites the mutable fields of a stored application.
func (t *Tx) UpdateApplication(ctx context.Context, a core.Application) error {
	labels, err := json.Marshal(nonNilLabels(a.Labels))
	if err != nil {
		return err
	}
	res, err := t.q.ExecContext(ctx, `UPDATE applications SET developer_id = $1, name = $2, description = $3,
		labels = $4, updated_at = $5 WHERE region = $6 AND portal_id = $7 AND id = $8`,
		a.DeveloperID, a.Name, a.Description, string(labels), formatTime(a.UpdatedAt), a.Region, a.PortalID, a.ID)
	if err != nil {
		return fmt.Errorf("store: update application: %w", err)
	}
	return expectOne(res)
}

// GetApplication returns an application of the portal, or ErrNotFound.
func (t *Tx) GetApplication(ctx context.Context, region, portalID, id string) (core.Application, error) {
	row := t.q.QueryRowContext(ctx, `SELECT `+applicationColumns+` FROM applications
		WHERE region = $1 AND portal_id = $2 AND id = $3`, region, portalID, id)
	a, err := scanApplication(row)
	if errors.Is(err, sql.ErrNoRows) {
		return core.Application{}, ErrNotFound
	}
	return a, err
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
	var total int
	if err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications WHERE `+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count applications: %w", err)
	}
	rows, err := t.q.QueryContext(ctx, `SELECT `+applicationColumns+` FROM applications WHERE `+w.String()+
		` ORDER BY created_at, id LIMIT `+w.arg(page.Size)+` OFFSET `+w.arg(page.offset()), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list applications: %w", err)
	}
	defer rows.Close()
	var out []core.Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, a)
	}
	return out, total, rows.Err()
}

// DeleteApplication removes an application and, through the schema, its keys and registrations.
func (t *Tx) DeleteApplication(ctx context.Context, region, portalID, id string) error {
	res, err := t.q.ExecContext(ctx, `DELETE FROM applications WHERE region = $1 AND portal_id = $2 AND id = $3`,
		region, portalID, id)
	if err != nil {
		return fmt.Errorf("store: delete application: %w", err)
	}
	return expectOne(res)
}

func scanApplication(s scanner) (core.Application, error) {
	var (
		a           core.Application
		description sql.NullString
		labels      string
		ca, ua      string
	)
	err := s.Scan(&a.ID, &a.Region, &a.PortalID, &a.DeveloperID, &a.Name, &description, &a.AuthStrategyID,
		&a.ClientID, &labels, &ca, &ua)
	if err != nil {
		return core.Application{}, err
	}
	if description.Valid {
		a.Description = &description.String
	}
	if err := json.Unmarshal([]byte(labels), &a.Labels); err != nil {
		return core.Application{}, fmt.Errorf("store: application %s labels: %w", a.ID, err)
	}
	if a.CreatedAt, err = parseTime(ca); err != nil {
		return core.Application{}, err
	}
	if a.UpdatedAt, err = parseTime(ua); err != nil {
		return core.Application{}, err
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
	var n int
	if err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM api_keys WHERE key_hash = $1`, k.Hash).Scan(&n); err != nil {
		return fmt.Errorf("store: check api key: %w", err)
	}
	if n > 0 {
		return ErrConflict
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO api_keys (`+apiKeyColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		k.ID, k.Region, k.ApplicationID, k.DisplayName, k.Hash, k.Hint, k.Origin, optionalTime(k.ExpiresAt),
		formatTime(k.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: insert api key: %w", err)
	}
	return nil
}

// CountAPIKeys returns how many keys an application holds.
func (t *Tx) CountAPIKeys(ctx context.Context, applicationID string) (int, error) {
	var n int
	if err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM api_keys WHERE application_id = $1`, applicationID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count api keys: %w", err)
	}
	return n, nil
}

// GetAPIKey returns a key of an application, or ErrNotFound.
func (t *Tx) GetAPIKey(ctx context.Context, region, applicationID, id string) (core.APIKey, error) {
	row := t.q.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys
		WHERE region = $1 AND application_id = $2 AND id = $3`, region, applicationID, id)
	k, err := scanAPIKey(row)
	if errors.Is(err, sql.ErrNoRows) {
		return core.APIKey{}, ErrNotFound
	}
	return k, err
}

// ListAPIKeys returns one page of an application's keys in creation order, and the total count.
func (t *Tx) ListAPIKeys(ctx context.Context, region, applicationID string, page Page) ([]core.APIKey, int, error) {
	var total int
	if err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM api_keys WHERE region = $1 AND application_id = $2`,
		region, applicationID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count api keys: %w", err)
	}
	rows, err := t.q.QueryContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE region = $1 AND application_id = $2
		ORDER BY created_at, id LIMIT $3 OFFSET $4`, region, applicationID, page.Size, page.offset())
	if err != nil {
		return nil, 0, fmt.Errorf("store: list api keys: %w", err)
	}
	defer rows.Close()
	var out []core.APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, k)
	}
	return out, total, rows.Err()
}

// RenameAPIKey changes a key's display name.
func (t *Tx) RenameAPIKey(ctx context.Context, region, applicationID, id, name string) error {
	res, err := t.q.ExecContext(ctx, `UPDATE api_keys SET display_name = $1 WHERE region = $2 AND application_id = $3 AND id = $4`,
		name, region, applicationID, id)
	if err != nil {
		return fmt.Errorf("store: rename api key: %w", err)
	}
	return expectOne(res)
}

// DeleteAPIKey removes a key.
func (t *Tx) DeleteAPIKey(ctx context.Context, region, applicationID, id string) error {
	res, err := t.q.ExecContext(ctx, `DELETE FROM api_keys WHERE region = $1 AND application_id = $2 AND id = $3`,
		region, applicationID, id)
	if err != nil {
		return fmt.Errorf("store: delete api key: %w", err)
	}
	return expectOne(res)
}

func scanAPIKey(s scanner) (core.APIKey, error) {
	var (
		k   core.APIKey
		exp sql.NullString
		ca  string
	)
	if err := s.Scan(&k.ID, &k.Region, &k.ApplicationID, &k.DisplayName, &k.Hash, &k.Hint, &k.Origin, &exp, &ca); err != nil {
		return core.APIKey{}, err
	}
	var err error
	if exp.Valid {
		if k.ExpiresAt, err = parseTime(exp.String); err != nil {
			return core.APIKey{}, err
		}
	}
	if k.CreatedAt, err = parseTime(ca); err != nil {
		return core.APIKey{}, err
	}
	return k, nil
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
	rows, err := t.q.QueryContext(ctx, `SELECT a.id, a.name, p.id, p.name FROM applications a
		JOIN portals p ON p.id = a.portal_id
		WHERE a.region = $1 AND a.auth_strategy_id = $2 ORDER BY p.name, p.id, a.name, a.id`, region, strategyID)
	if err != nil {
		return nil, fmt.Errorf("store: applications using strategy: %w", err)
	}
	defer rows.Close()
	var out []ApplicationRef
	for rows.Next() {
		var r ApplicationRef
		if err := rows.Scan(&r.ID, &r.Name, &r.PortalID, &r.PortalName); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
