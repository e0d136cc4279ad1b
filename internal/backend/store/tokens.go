package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// BootstrapAdminTokenID names the admin token configured at start; each start replaces it.
const BootstrapAdminTokenID = "bootstrap"

// PutBootstrapAdminToken stores the hash of the token configured at start, replacing the previous one.
func (t *Tx) PutBootstrapAdminToken(ctx context.Context, hash string) error {
	if err := t.exec(ctx, "replace bootstrap token", `DELETE FROM admin_tokens WHERE id = $1 OR token_hash = $2`, BootstrapAdminTokenID, hash); err != nil {
		return err
	}
	// Replicas starting at the same moment each delete, then insert: on PostgreSQL the second
	// insert meets the first's row, which its delete could not see yet, and takes it over.
	return t.exec(ctx, "insert bootstrap token", `INSERT INTO admin_tokens (id, token_hash, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
		BootstrapAdminTokenID, hash, formatTime(time.Now()))
}

// AdminTokenValid reports whether a token with this hash exists. The final comparison is in
// constant time so that the answer does not depend on how much of the hash matched.
func (t *Tx) AdminTokenValid(ctx context.Context, hash string) (bool, error) {
	var stored string
	err := t.q.QueryRowContext(ctx, `SELECT token_hash FROM admin_tokens WHERE token_hash = $1`, hash).Scan(&stored)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: look up admin token: %w", err)
	}
	return subtle.ConstantTimeCompare([]byte(stored), []byte(hash)) == 1, nil
}

// AdminToken is the stored record of an admin token, without its hash.
type AdminToken struct {
	ID        string
	CreatedAt time.Time
}

// AdminTokenByHash returns the admin token with this hash; found is false when there is none.
func (t *Tx) AdminTokenByHash(ctx context.Context, hash string) (tok AdminToken, found bool, err error) {
	var created string
	err = t.q.QueryRowContext(ctx, `SELECT id, created_at FROM admin_tokens WHERE token_hash = $1`, hash).Scan(&tok.ID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return AdminToken{}, false, nil
	}
	if err != nil {
		return AdminToken{}, false, fmt.Errorf("store: look up admin token: %w", err)
	}
	if tok.CreatedAt, err = parseTime(created); err != nil {
		return AdminToken{}, false, fmt.Errorf("store: admin token %s: created_at: %w", tok.ID, err)
	}
	return tok, true, nil
}
