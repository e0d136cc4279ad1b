package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

const developerColumns = `id, region, portal_id, email, full_name, status, password_hash, email_verified,
	created_at, updated_at`

// DeveloperFilter restricts a developer list; zero fields do not filter.
type DeveloperFilter struct {
	Name   TextFilter
	Email  TextFilter
	Status TextFilter
}

// InsertDeveloper stores a new developer. ErrConflict means the portal already has one with
// this e-mail address.
func (t *Tx) InsertDeveloper(ctx context.Context, d core.Developer) error {
	if err := t.lockValue(ctx, "developers.email", d.PortalID, d.Email); err != nil {
		return err
	}
	n, err := t.count(ctx, "check developer email", `SELECT COUNT(*) FROM developers WHERE portal_id = $1 AND email = $2`,
		d.PortalID, d.Email)
	if err != nil {
		return err
	}
	if n > 0 {
		return ErrConflict
	}
	return t.exec(ctx, "insert developer", `INSERT INTO developers (`+developerColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		d.ID, d.Region, d.PortalID, d.Email, d.FullName, string(d.Status), nullString(d.PasswordHash),
		d.EmailVerified, formatTime(d.CreatedAt), formatTime(d.UpdatedAt))
}

// UpdateDeveloper overwrites the mutable fields of a stored developer; the caller checks that a
// changed e-mail address is free in the portal.
func (t *Tx) UpdateDeveloper(ctx context.Context, d core.Developer) error {
	return t.execOne(ctx, "update developer", `UPDATE developers SET email = $1, full_name = $2, status = $3, password_hash = $4,
		email_verified = $5, updated_at = $6 WHERE region = $7 AND portal_id = $8 AND id = $9`,
		d.Email, d.FullName, string(d.Status), nullString(d.PasswordHash), d.EmailVerified, formatTime(d.UpdatedAt),
		d.Region, d.PortalID, d.ID)
}

// GetDeveloper returns a developer of the portal, or ErrNotFound.
func (t *Tx) GetDeveloper(ctx context.Context, region, portalID, id string) (core.Developer, error) {
	return t.oneDeveloper(ctx, `region = $1 AND portal_id = $2 AND id = $3`, region, portalID, id)
}

// GetDeveloperByEmail returns the developer of the portal with this normalised address, or ErrNotFound.
func (t *Tx) GetDeveloperByEmail(ctx context.Context, region, portalID, email string) (core.Developer, error) {
	return t.oneDeveloper(ctx, `region = $1 AND portal_id = $2 AND email = $3`, region, portalID, email)
}

func (t *Tx) oneDeveloper(ctx context.Context, cond string, args ...any) (core.Developer, error) {
	return queryOne(ctx, t, scanDeveloper, `SELECT `+developerColumns+` FROM developers WHERE `+cond, args...)
}

// ListDevelopers returns one page of the portal's developers in sign-up order, and the total count.
func (t *Tx) ListDevelopers(ctx context.Context, region, portalID string, f DeveloperFilter, page Page) ([]core.Developer, int, error) {
	w := &where{}
	w.add("region = " + w.arg(region))
	w.add("portal_id = " + w.arg(portalID))
	w.text("full_name", f.Name)
	w.text("email", f.Email)
	w.text("status", f.Status)
	return listPage(ctx, t, "developers", developerColumns, "developers", w, creationOrder, page, scanDeveloper)
}

// DeleteDeveloper removes a developer and, through the schema, their sessions, tokens,
// applications, registrations and keys.
func (t *Tx) DeleteDeveloper(ctx context.Context, region, portalID, id string) error {
	return t.execOne(ctx, "delete developer", `DELETE FROM developers WHERE region = $1 AND portal_id = $2 AND id = $3`,
		region, portalID, id)
}

// Purposes of developer tokens.
const (
	TokenVerifyEmail   = "verify_email"
	TokenResetPassword = "reset_password"
)

// InsertDeveloperToken stores the hash of a one-time token.
func (t *Tx) InsertDeveloperToken(ctx context.Context, hash, developerID, purpose string, expiresAt time.Time) error {
	return t.exec(ctx, "insert developer token", `INSERT INTO developer_tokens (token_hash, developer_id, purpose, expires_at)
		VALUES ($1, $2, $3, $4)`, hash, developerID, purpose, formatTime(expiresAt))
}

// TakeDeveloperToken deletes the token with this hash and purpose issued to a developer of the
// portal, returning that developer and when the token expired or expires. ErrNotFound when there
// is no such token.
func (t *Tx) TakeDeveloperToken(ctx context.Context, region, portalID, hash, purpose string) (core.Developer, time.Time, error) {
	d, exp, err := t.PeekDeveloperToken(ctx, region, portalID, hash, purpose)
	if err != nil {
		return d, exp, err
	}
	if err := t.exec(ctx, "delete developer token", `DELETE FROM developer_tokens WHERE token_hash = $1`, hash); err != nil {
		return core.Developer{}, time.Time{}, err
	}
	return d, exp, nil
}

// PeekDeveloperToken is TakeDeveloperToken without deleting the token.
func (t *Tx) PeekDeveloperToken(ctx context.Context, region, portalID, hash, purpose string) (core.Developer, time.Time, error) {
	var devID, exp string
	err := t.q.QueryRowContext(ctx, `SELECT k.developer_id, k.expires_at FROM developer_tokens k
		JOIN developers d ON d.id = k.developer_id
		WHERE k.token_hash = $1 AND k.purpose = $2 AND d.region = $3 AND d.portal_id = $4`,
		hash, purpose, region, portalID).Scan(&devID, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return core.Developer{}, time.Time{}, ErrNotFound
	}
	if err != nil {
		return core.Developer{}, time.Time{}, fmt.Errorf("store: look up developer token: %w", err)
	}
	expiresAt, err := parseTime(exp)
	if err != nil {
		return core.Developer{}, time.Time{}, err
	}
	d, err := t.GetDeveloper(ctx, region, portalID, devID)
	return d, expiresAt, err
}

// DeleteDeveloperTokens removes a developer's outstanding tokens of one purpose.
func (t *Tx) DeleteDeveloperTokens(ctx context.Context, developerID, purpose string) error {
	return t.exec(ctx, "delete developer tokens", `DELETE FROM developer_tokens WHERE developer_id = $1 AND purpose = $2`, developerID, purpose)
}

// KeepDeveloperTokens removes a developer's tokens of one purpose that expired at or before now, and
// of the others all but the keep that expire last, making room for a new one among keep+1.
func (t *Tx) KeepDeveloperTokens(ctx context.Context, developerID, purpose string, keep int, now time.Time) error {
	if err := t.exec(ctx, "delete expired developer tokens", `DELETE FROM developer_tokens
		WHERE developer_id = $1 AND purpose = $2 AND expires_at <= $3`, developerID, purpose, formatTime(now)); err != nil {
		return err
	}
	return t.exec(ctx, "delete old developer tokens", `DELETE FROM developer_tokens
		WHERE developer_id = $1 AND purpose = $2 AND token_hash NOT IN (
			SELECT token_hash FROM developer_tokens WHERE developer_id = $1 AND purpose = $2
			ORDER BY expires_at DESC, token_hash LIMIT $3)`, developerID, purpose, max(keep, 0))
}

// PurgeUnverifiedDevelopers deletes at most limit developers who signed up at or before createdBefore
// and never verified their address (so never set a password), and reports how many it deleted.
func (t *Tx) PurgeUnverifiedDevelopers(ctx context.Context, createdBefore time.Time, limit int) (int, error) {
	res, err := t.q.ExecContext(ctx, `DELETE FROM developers WHERE id IN (
		SELECT id FROM developers WHERE email_verified = $1 AND password_hash IS NULL AND created_at <= $2
		ORDER BY created_at LIMIT $3)`, false, formatTime(createdBefore), limit)
	if err != nil {
		return 0, fmt.Errorf("store: purge unverified developers: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// InsertSession stores the hash of a new session token.
func (t *Tx) InsertSession(ctx context.Context, hash, developerID string, created, expiresAt time.Time) error {
	return t.exec(ctx, "insert session", `INSERT INTO developer_sessions (token_hash, developer_id, created_at, expires_at)
		VALUES ($1, $2, $3, $4)`, hash, developerID, formatTime(created), formatTime(expiresAt))
}

// SessionDeveloper returns the developer of the portal holding the unexpired session with this
// hash, or ErrNotFound.
func (t *Tx) SessionDeveloper(ctx context.Context, region, portalID, hash string, now time.Time) (core.Developer, error) {
	return queryOne(ctx, t, scanDeveloper, `SELECT `+prefixed("d.", developerColumns)+` FROM developer_sessions s
		JOIN developers d ON d.id = s.developer_id
		WHERE s.token_hash = $1 AND s.expires_at > $2 AND d.region = $3 AND d.portal_id = $4`,
		hash, formatTime(now), region, portalID)
}

// DeleteSession ends the session with this hash, if any.
func (t *Tx) DeleteSession(ctx context.Context, hash string) error {
	return t.exec(ctx, "delete session", `DELETE FROM developer_sessions WHERE token_hash = $1`, hash)
}

// DeleteDeveloperSessions ends every session of a developer.
func (t *Tx) DeleteDeveloperSessions(ctx context.Context, developerID string) error {
	return t.exec(ctx, "delete developer sessions", `DELETE FROM developer_sessions WHERE developer_id = $1`, developerID)
}

// DeleteExpiredSessions removes sessions that expired at or before now.
func (t *Tx) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	return t.exec(ctx, "delete expired sessions", `DELETE FROM developer_sessions WHERE expires_at <= $1`, formatTime(now))
}

func scanDeveloper(s scanner) (core.Developer, error) {
	var (
		d    core.Developer
		hash sql.NullString
	)
	err := s.Scan(&d.ID, &d.Region, &d.PortalID, &d.Email, &d.FullName, &d.Status, &hash, &d.EmailVerified,
		textTime{&d.CreatedAt}, textTime{&d.UpdatedAt})
	d.PasswordHash = hash.String
	return d, err
}
