package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// Registration is an application's registration with an API, with the names its JSON shows.
type Registration struct {
	ID            string
	Region        string
	PortalID      string
	ApplicationID string
	APIID         string
	Status        core.RegistrationStatus
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// Read-only context, joined in.
	ApplicationName string
	DeveloperID     string
	APIName         string
	APIVersion      *string
	APISlug         string
}

// RegistrationFilter restricts a registration list; zero fields do not filter.
type RegistrationFilter struct {
	ApplicationID   string
	DeveloperID     TextFilter
	ApplicationName TextFilter
	APIID           TextFilter
	APIName         TextFilter
	Status          TextFilter
	ID              TextFilter
}

const registrationSelect = `SELECT r.id, r.region, r.portal_id, r.application_id, r.api_id, r.status, r.created_at,
	r.updated_at, ap.name, ap.developer_id, a.name, a.version, a.slug
	FROM application_registrations r
	JOIN applications ap ON ap.id = r.application_id
	JOIN apis a ON a.id = r.api_id`

// InsertRegistration stores a new registration. ErrConflict means the application is already
// registered with the API.
func (t *Tx) InsertRegistration(ctx context.Context, r Registration) error {
	var n int
	if err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM application_registrations WHERE application_id = $1 AND api_id = $2`,
		r.ApplicationID, r.APIID).Scan(&n); err != nil {
		return fmt.Errorf("store: check registration: %w", err)
	}
	if n > 0 {
		return ErrConflict
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO application_registrations
		(id, region, portal_id, application_id, api_id, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		r.ID, r.Region, r.PortalID, r.ApplicationID, r.APIID, string(r.Status), formatTime(r.CreatedAt), formatTime(r.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: insert registration: %w", err)
	}
	return nil
}

// SetRegistrationStatus changes a registration's status.
func (t *Tx) SetRegistrationStatus(ctx context.Context, region, applicationID, id string, status core.RegistrationStatus, updatedAt time.Time) error {
	res, err := t.q.ExecContext(ctx, `UPDATE application_registrations SET status = $1, updated_at = $2
		WHERE region = $3 AND application_id = $4 AND id = $5`, string(status), formatTime(updatedAt), region, applicationID, id)
	if err != nil {
		return fmt.Errorf("store: update registration: %w", err)
	}
	return expectOne(res)
}

// GetRegistration returns a registration of an application, or ErrNotFound.
func (t *Tx) GetRegistration(ctx context.Context, region, applicationID, id string) (Registration, error) {
	r, err := scanRegistration(t.q.QueryRowContext(ctx, registrationSelect+
		` WHERE r.region = $1 AND r.application_id = $2 AND r.id = $3`, region, applicationID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Registration{}, ErrNotFound
	}
	return r, err
}

// ListRegistrations returns one page of a portal's registrations in creation order, and the total.
func (t *Tx) ListRegistrations(ctx context.Context, region, portalID string, f RegistrationFilter, page Page) ([]Registration, int, error) {
	w := &where{}
	w.add("r.region = " + w.arg(region))
	w.add("r.portal_id = " + w.arg(portalID))
	if f.ApplicationID != "" {
		w.add("r.application_id = " + w.arg(f.ApplicationID))
	}
	w.text("ap.developer_id", f.DeveloperID)
	w.text("ap.name", f.ApplicationName)
	w.text("r.api_id", f.APIID)
	w.text("a.name", f.APIName)
	w.text("r.status", f.Status)
	w.text("r.id", f.ID)
	var total int
	if err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM application_registrations r
		JOIN applications ap ON ap.id = r.application_id JOIN apis a ON a.id = r.api_id WHERE `+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count registrations: %w", err)
	}
	rows, err := t.q.QueryContext(ctx, registrationSelect+` WHERE `+w.String()+
		` ORDER BY r.created_at, r.id LIMIT `+w.arg(page.Size)+` OFFSET `+w.arg(page.offset()), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list registrations: %w", err)
	}
	defer rows.Close()
	var out []Registration
	for rows.Next() {
		r, err := scanRegistration(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// CountApplicationRegistrations returns how many registrations an application has.
func (t *Tx) CountApplicationRegistrations(ctx context.Context, applicationID string) (int, error) {
	var n int
	if err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM application_registrations WHERE application_id = $1`,
		applicationID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count registrations: %w", err)
	}
	return n, nil
}

// DeleteRegistration removes a registration.
func (t *Tx) DeleteRegistration(ctx context.Context, region, applicationID, id string) error {
	res, err := t.q.ExecContext(ctx, `DELETE FROM application_registrations WHERE region = $1 AND application_id = $2 AND id = $3`,
		region, applicationID, id)
	if err != nil {
		return fmt.Errorf("store: delete registration: %w", err)
	}
	return expectOne(res)
}

func scanRegistration(s scanner) (Registration, error) {
	var (
		r       Registration
		status  string
		version sql.NullString
		ca, ua  string
	)
	err := s.Scan(&r.ID, &r.Region, &r.PortalID, &r.ApplicationID, &r.APIID, &status, &ca, &ua,
		&r.ApplicationName, &r.DeveloperID, &r.APIName, &version, &r.APISlug)
	if err != nil {
		return Registration{}, err
	}
	r.Status = core.RegistrationStatus(status)
	if version.Valid {
		r.APIVersion = &version.String
	}
	if r.CreatedAt, err = parseTime(ca); err != nil {
		return Registration{}, err
	}
	if r.UpdatedAt, err = parseTime(ua); err != nil {
		return Registration{}, err
	}
	return r, nil
}
