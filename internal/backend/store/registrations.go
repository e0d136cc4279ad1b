package store

import (
	"context"
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
	// ApplicationAuthStrategyID and PublicationAuthStrategyID (nil: no application auth) decide
	// whether the registration is suspended (core.RegistrationSuspendedReason).
	ApplicationAuthStrategyID string
	PublicationAuthStrategyID *string
}

// PublicationAuthStrategyIDs returns the strategies the registration's publication accepts.
func (r Registration) PublicationAuthStrategyIDs() []string {
	if r.PublicationAuthStrategyID == nil {
		return nil
	}
	return []string{*r.PublicationAuthStrategyID}
}

// SuspendedReason says why the registration grants no access whatever its status, or "".
func (r Registration) SuspendedReason() string {
	return core.RegistrationSuspendedReason(r.ApplicationAuthStrategyID, r.PublicationAuthStrategyIDs())
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
	// ApplicationAuthStrategyID filters by the strategy of the registration's application.
	ApplicationAuthStrategyID TextFilter
}

const (
	registrationColumns = `r.id, r.region, r.portal_id, r.application_id, r.api_id, r.status, r.created_at,
	r.updated_at, ap.name, ap.developer_id, a.name, a.version, a.slug, ap.auth_strategy_id, pub.auth_strategy_id`
	// registrationFrom joins the application, API and publication that registrations show and are
	// filtered by.
	registrationFrom = `application_registrations r
	JOIN applications ap ON ap.id = r.application_id
	JOIN apis a ON a.id = r.api_id
	JOIN api_publications pub ON pub.api_id = r.api_id AND pub.portal_id = r.portal_id`
)

// InsertRegistration stores a new registration. ErrConflict means the application is already
// registered with the API.
func (t *Tx) InsertRegistration(ctx context.Context, r Registration) error {
	if err := t.lockValue(ctx, "application_registrations", r.ApplicationID, r.APIID); err != nil {
		return err
	}
	n, err := t.count(ctx, "check registration", `SELECT COUNT(*) FROM application_registrations WHERE application_id = $1 AND api_id = $2`,
		r.ApplicationID, r.APIID)
	if err != nil {
		return err
	}
	if n > 0 {
		return ErrConflict
	}
	return t.exec(ctx, "insert registration", `INSERT INTO application_registrations
		(id, region, portal_id, application_id, api_id, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		r.ID, r.Region, r.PortalID, r.ApplicationID, r.APIID, string(r.Status), formatTime(r.CreatedAt), formatTime(r.UpdatedAt))
}

// SetRegistrationStatus changes a registration's status.
func (t *Tx) SetRegistrationStatus(ctx context.Context, region, applicationID, id string, status core.RegistrationStatus, updatedAt time.Time) error {
	return t.execOne(ctx, "update registration", `UPDATE application_registrations SET status = $1, updated_at = $2
		WHERE region = $3 AND application_id = $4 AND id = $5`, string(status), formatTime(updatedAt), region, applicationID, id)
}

// GetRegistration returns a registration of an application, or ErrNotFound.
func (t *Tx) GetRegistration(ctx context.Context, region, applicationID, id string) (Registration, error) {
	return queryOne(ctx, t, scanRegistration, `SELECT `+registrationColumns+` FROM `+registrationFrom+
		` WHERE r.region = $1 AND r.application_id = $2 AND r.id = $3`, region, applicationID, id)
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
	w.text("ap.auth_strategy_id", f.ApplicationAuthStrategyID)
	w.text("r.api_id", f.APIID)
	w.text("a.name", f.APIName)
	w.text("r.status", f.Status)
	w.text("r.id", f.ID)
	return listPage(ctx, t, "registrations", registrationColumns, registrationFrom, w, ` ORDER BY r.created_at, r.id`, page, scanRegistration)
}

// CountApplicationRegistrations returns how many registrations an application has.
func (t *Tx) CountApplicationRegistrations(ctx context.Context, applicationID string) (int, error) {
	return t.count(ctx, "count registrations", `SELECT COUNT(*) FROM application_registrations WHERE application_id = $1`,
		applicationID)
}

// DeleteRegistration removes a registration.
func (t *Tx) DeleteRegistration(ctx context.Context, region, applicationID, id string) error {
	return t.execOne(ctx, "delete registration", `DELETE FROM application_registrations WHERE region = $1 AND application_id = $2 AND id = $3`,
		region, applicationID, id)
}

func scanRegistration(s scanner) (Registration, error) {
	var r Registration
	err := s.Scan(&r.ID, &r.Region, &r.PortalID, &r.ApplicationID, &r.APIID, &r.Status,
		textTime{&r.CreatedAt}, textTime{&r.UpdatedAt}, &r.ApplicationName, &r.DeveloperID, &r.APIName, &r.APIVersion, &r.APISlug,
		&r.ApplicationAuthStrategyID, &r.PublicationAuthStrategyID)
	return r, err
}
