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
	var n int
	if err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM developers WHERE portal_id = $1 AND email = $2`,
		d.PortalID, d.Email).Scan(&n); err != nil {
		return fmt.Errorf("store: check developer email: %w", err)
	}
	if n > 0 {
		return ErrConflict
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO developers (`+developerColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		d.ID, d.Region, d.PortalID, d.Email, d.FullName, string(d.Status), nullString(d.PasswordHash),
		d.EmailVerified, formatTime(d.CreatedAt), formatTime(d.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: insert developer: %w", err)
	}
	return nil
}

// UpdateDeveloper overwrites the mutable fields of a stored developer.
func (t *Tx) UpdateDeveloper(ctx context.Context, d core.Developer) error {
	res, err := t.q.ExecContext(ctx, `UPDATE developers SET full_name = $1, status = $2, password_hash = $3,
		email_verified = $4, updated_at = $5 WHERE region = $6 AND portal_id = $7 AND id = $8`,
		d.FullName, string(d.Status), nullString(d.PasswordHash), d.EmailVerified, formatTime(d.UpdatedAt),
		d.Region, d.PortalID, d.ID)
	if err != nil {
		return fmt.Errorf("store: update developer: %w", err)
	}
	return expectOne(res)
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
	row := t.q.QueryRowContext(ctx, `SELECT `+developerColumns+` FROM developers WHERE `+cond, args...)
	d, err := scanDeveloper(row)
	if errors.Is(err, sql.ErrNoRows) {
		return core.Developer{}, ErrNotFound
	}
	return d, err
}

// ListDevelopers returns one page of the portal's developers in sign-up order, and the total count.
func (t *Tx) ListDevelopers(ctx context.Context, region, portalID string, f DeveloperFilter, page Page) ([]core.Developer, int, error) {
	w := &where{}
	w.add("region = " + w.arg(region))
	w.add("portal_id = " + w.arg(portalID))
	w.text("full_name", f.Name)
	w.text("email", f.Email)
	w.text("status", f.Status)
	var total int
	if err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM developers WHERE `+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count developers: %w", err)
	}
	rows, err := t.q.QueryContext(ctx, `SELECT `+developerColumns+` FROM developers WHERE `+w.String()+
		` ORDER BY created_at, id LIMIT `+w.arg(page.Size)+` OFFSET `+w.arg(page.offset()), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list developers: %w", err)
	}
	defer rows.Close()
	var out []core.Developer
	for rows.Next() {
		d, err := scanDeveloper(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, d)
	}
	return out, total, rows.Err()
}

// DeleteDeveloper removes a developer and, through the schema, their sessions, tokens,
// applications, registrations and keys.
func (t *Tx) DeleteDeveloper(ctx context.Context, region, portalID, id string) error {
	res, err := t.q.ExecContext(ctx, `DELETE FROM developers WHERE region = $1 AND portal_id = $2 AND id = $3`,
		region, portalID, id)
	if err != nil {
		return fmt.Errorf("store: delete developer: %w", err)
	}
	return expectOne(res)
}

// Purposes of developer tokens.
const (
	TokenVerifyEmail   = "verify_email"
	TokenResetPassword = "reset_password"
)

// InsertDeveloperToken stores the hash of a one-time token.
func (t *Tx) InsertDeveloperToken(ctx context.Context, hash, developerID, purpose string, expiresAt time.Time) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO developer_tokens (token_hash, developer_id, purpose, expires_at)
		VALUES ($1, $2, $3, $4)`, hash, developerID, purpose, formatTime(expiresAt))
	if err != nil {
		return fmt.Errorf("store: insert developer token: %w", err)
	}
	return nil
}

// TakeDeveloperToken deletes the token with this hash and purpose issued to a developer of the
// portal, returning that developer and when the token expired or expires. ErrNotFound when there
// is no such token.
func (t *Tx) TakeDeveloperToken(ctx context.Context, region, portalID, hash, purpose string) (core.Developer, time.Time, error) {
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
	if _, err := t.q.ExecContext(ctx, `DELETE FROM developer_tokens WHERE token_hash = $1`, hash); err != nil {
		return core.Developer{}, time.Time{}, fmt.Errorf("store: delete developer token: %w", err)
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
	_, err := t.q.ExecContext(ctx, `DELETE FROM developer_tokens WHERE developer_id = $1 AND purpose = $2`, developerID, purpose)
	if err != nil {
		return fmt.Errorf("store: delete developer tokens: %w", err)
	}
	return nil
}

// InsertSession stores the hash of a new session token.
func (t *Tx) InsertSession(ctx context.Context, hash, developerID string, created, expiresAt time.Time) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO developer_sessions (token_hash, developer_id, created_at, expires_at)
		VALUES ($1, $2, $3, $4)`, hash, developerID, formatTime(created), formatTime(expiresAt))
	if err != nil {
		return fmt.Errorf("store: insert session: %w", err)
	}
	return nil
}

// SessionDeveloper returns the developer of the portal holding the unexpired session with this
// hash, or ErrNotFound.
func (t *Tx) SessionDeveloper(ctx context.Context, region, portalID, hash string, now time.Time) (core.Developer, error) {
	row := t.q.QueryRowContext(ctx, `SELECT `+prefixed("d.", developerColumns)+` FROM developer_sessions s
		JOIN developers d ON d.id = s.developer_id
		WHERE s.token_hash = $1 AND s.expires_at > $2 AND d.region = $3 AND d.portal_id = $4`,
		hash, formatTime(now), region, portalID)
	d, err := scanDeveloper(row)
	if errors.Is(err, sql.ErrNoRows) {
		return core.Developer{}, ErrNotFound
	}
	return d, err
}

// DeleteSession ends the session with this hash, if any.
func (t *Tx) DeleteSession(ctx context.Context, hash string) error {
	if _, err := t.q.ExecContext(ctx, `DELETE FROM developer_sessions WHERE token_hash = $1`, hash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteDeveloperSessions ends every session of a developer.
func (t *Tx) DeleteDeveloperSessions(ctx context.Context, developerID string) error {
	if _, err := t.q.ExecContext(ctx, `DELETE FROM developer_sessions WHERE developer_id = $1`, developerID); err != nil {
		return fmt.Errorf("store: delete developer sessions: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions that expired at or before now.
func (t *Tx) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	if _, err := t.q.ExecContext(ctx, `DELETE FROM developer_sessions WHERE expires_at <= $1`, formatTime(now)); err != nil {
		return fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return nil
}

// LoginFailures returns the times of the failed logins recorded for an address on a portal after since.
func (t *Tx) LoginFailures(ctx context.Context, portalID, email string, since time.Time) ([]time.Time, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT failed_at FROM login_failures
		WHERE portal_id = $1 AND email = $2 AND failed_at > $3`, portalID, email, formatTime(since))
	if err != nil {
		return nil, fmt.Errorf("store: list login failures: %w", err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		at, err := parseTime(s)
		if err != nil {
			return nil, err
		}
		out = append(out, at)
	}
	return out, rows.Err()
}

// RecordLoginFailure notes a failed login and forgets failures of the address older than retainAfter.
func (t *Tx) RecordLoginFailure(ctx context.Context, portalID, email string, at, retainAfter time.Time) error {
	if _, err := t.q.ExecContext(ctx, `DELETE FROM login_failures WHERE portal_id = $1 AND email = $2 AND failed_at <= $3`,
		portalID, email, formatTime(retainAfter)); err != nil {
		return fmt.Errorf("store: prune login failures: %w", err)
	}
	if _, err := t.q.ExecContext(ctx, `INSERT INTO login_failures (portal_id, email, failed_at) VALUES ($1, $2, $3)`,
		portalID, email, formatTime(at)); err != nil {
		return fmt.Errorf("store: record login failure: %w", err)
	}
	return nil
}

// ClearLoginFailures forgets the failed logins of an address after a successful one.
func (t *Tx) ClearLoginFailures(ctx context.Context, portalID, email string) error {
	if _, err := t.q.ExecContext(ctx, `DELETE FROM login_failures WHERE portal_id = $1 AND email = $2`, portalID, email); err != nil {
		return fmt.Errorf("store: clear login failures: %w", err)
	}
	return nil
}

func scanDeveloper(s scanner) (core.Developer, error) {
	var (
		d              core.Developer
		status, ca, ua string
		hash           sql.NullString
	)
	err := s.Scan(&d.ID, &d.Region, &d.PortalID, &d.Email, &d.FullName, &status, &hash, &d.EmailVerified, &ca, &ua)
	if err != nil {
		return core.Developer{}, err
	}
	d.Status = core.DeveloperStatus(status)
	d.PasswordHash = hash.String
	if d.CreatedAt, err = parseTime(ca); err != nil {
		return core.Developer{}, err
	}
	if d.UpdatedAt, err = parseTime(ua); err != nil {
		return core.Developer{}, err
	}
	return d, nil
}
