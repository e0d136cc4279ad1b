package store

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// GetIdempotencyRecord returns the record of lookupHash for credential, or ErrNotFound when
// there is none or it expired before now. It first locks lookupHash until the transaction ends,
// so that of concurrent requests with one key the first runs and the others, waiting, find its
// record once it commits: SQLite has one writer at a time anyway, PostgreSQL needs the lock.
func (t *Tx) GetIdempotencyRecord(ctx context.Context, lookupHash, credential string, now time.Time) (core.IdempotencyRecord, error) {
	if err := t.LockKey(ctx, "idempotency:"+lookupHash); err != nil {
		return core.IdempotencyRecord{}, err
	}
	return queryOne(ctx, t, scanIdempotencyRecord,
		`SELECT lookup_hash, credential, fingerprint, sealed, created_at, expires_at FROM idempotency_records
		 WHERE lookup_hash = $1 AND credential = $2 AND expires_at > $3`,
		lookupHash, credential, formatTime(now))
}

func scanIdempotencyRecord(s scanner) (core.IdempotencyRecord, error) {
	var (
		r      core.IdempotencyRecord
		sealed string
	)
	if err := s.Scan(&r.LookupHash, &r.Credential, &r.Fingerprint, &sealed, textTime{&r.CreatedAt}, textTime{&r.ExpiresAt}); err != nil {
		return r, err
	}
	b, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return r, fmt.Errorf("store: idempotency record: %w", err)
	}
	r.Sealed = b
	return r, nil
}

// PutIdempotencyRecord stores r, replacing an expired record of the same lookup hash.
func (t *Tx) PutIdempotencyRecord(ctx context.Context, r core.IdempotencyRecord) error {
	return t.exec(ctx, "store idempotency record",
		`INSERT INTO idempotency_records (lookup_hash, credential, fingerprint, sealed, created_at, expires_at)
		 VALUES ($1, $2, $3, $4, $5, $6)
		 ON CONFLICT (lookup_hash) DO UPDATE SET credential = excluded.credential, fingerprint = excluded.fingerprint,
		     sealed = excluded.sealed, created_at = excluded.created_at, expires_at = excluded.expires_at`,
		r.LookupHash, r.Credential, r.Fingerprint, base64.StdEncoding.EncodeToString(r.Sealed),
		formatTime(r.CreatedAt), formatTime(r.ExpiresAt))
}

// PurgeIdempotencyRecords deletes at most limit records that expired before now, oldest first,
// and returns how many it deleted.
func (t *Tx) PurgeIdempotencyRecords(ctx context.Context, now time.Time, limit int) (int, error) {
	res, err := t.q.ExecContext(ctx,
		`DELETE FROM idempotency_records WHERE lookup_hash IN (
		     SELECT lookup_hash FROM idempotency_records WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)`,
		formatTime(now), limit)
	if err != nil {
		return 0, fmt.Errorf("store: purge idempotency records: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// CountIdempotencyRecords returns how many records are stored, expired ones included.
func (t *Tx) CountIdempotencyRecords(ctx context.Context) (int, error) {
	return t.count(ctx, "count idempotency records", `SELECT COUNT(*) FROM idempotency_records`)
}
