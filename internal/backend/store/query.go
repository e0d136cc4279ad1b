package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// scanner is what both *sql.Row and *sql.Rows offer, so that one scan function reads either.
// Nullable columns scan straight into pointer fields (*string): database/sql sets them to nil
// for NULL.
type scanner interface{ Scan(dest ...any) error }

// exec runs a statement whose result does not matter beyond success; what names it in the error.
// A write that a unique constraint refuses fails with an error that is ErrConflict too.
func (t *Tx) exec(ctx context.Context, what, query string, args ...any) error {
	if _, err := t.q.ExecContext(ctx, query, args...); err != nil {
		return fmtErr(what, err)
	}
	return nil
}

// execOne runs an update or delete of one object: ErrNotFound when no row matched, or when an
// argument holds text that no row can (a NUL character on PostgreSQL).
func (t *Tx) execOne(ctx context.Context, what, query string, args ...any) error {
	res, err := t.q.ExecContext(ctx, query, args...)
	if isUnstorableText(err) {
		return ErrNotFound
	}
	if err != nil {
		return fmtErr(what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// count runs a SELECT COUNT(*) query; text no row can hold (see execOne) counts none.
func (t *Tx) count(ctx context.Context, what, query string, args ...any) (int, error) {
	var n int
	err := t.q.QueryRowContext(ctx, query, args...).Scan(&n)
	if isUnstorableText(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmtErr(what, err)
	}
	return n, nil
}

// queryOne scans the one row of query, or returns ErrNotFound when there is none (see execOne).
func queryOne[T any](ctx context.Context, t *Tx, scan func(scanner) (T, error), query string, args ...any) (T, error) {
	v, err := scan(t.q.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) || isUnstorableText(err) {
		var zero T
		return zero, ErrNotFound
	}
	return v, err
}

// queryAll scans every row of query. The rows are closed when it returns, so that the caller
// can query again in the same transaction.
func queryAll[T any](ctx context.Context, t *Tx, what string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := t.q.QueryContext(ctx, query, args...)
	if isUnstorableText(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmtErr(what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// listPage returns one page of the rows of from that match w, in order, and how many match in
// all. what names the objects in errors.
func listPage[T any](ctx context.Context, t *Tx, what, columns, from string, w *where, order string, page Page, scan func(scanner) (T, error)) ([]T, int, error) {
	total, err := t.count(ctx, "count "+what, `SELECT COUNT(*) FROM `+from+` WHERE `+w.String(), w.args...)
	if err != nil {
		return nil, 0, err
	}
	// The query is built before w.args is read, as building it adds the LIMIT and OFFSET arguments.
	query := `SELECT ` + columns + ` FROM ` + from + ` WHERE ` + w.String() + order +
		` LIMIT ` + w.arg(page.Size) + ` OFFSET ` + w.arg(page.offset())
	out, err := queryAll(ctx, t, "list "+what, scan, query, w.args...)
	return out, total, err
}

// listKongPage returns a Kong-style page of the rows of table that match w, in creation order,
// and whether more follow: it reads one row beyond the page to know.
func listKongPage[T any](ctx context.Context, t *Tx, what, columns, table string, w *where, page KongPage, scan func(scanner) (T, error)) ([]T, bool, error) {
	query := `SELECT ` + columns + ` FROM ` + table + ` WHERE ` + w.String() +
		` ORDER BY created_at, id LIMIT ` + w.arg(page.Size+1) + ` OFFSET ` + w.arg(page.Offset)
	out, err := queryAll(ctx, t, "list "+what, scan, query, w.args...)
	if err != nil {
		return nil, false, err
	}
	if len(out) > page.Size {
		return out[:page.Size], true, nil
	}
	return out, false, nil
}

// textTime scans a time written by formatTime into *t; NULL, which optionalTime writes for
// no time, scans as the zero time.
type textTime struct{ t *time.Time }

func (d textTime) Scan(src any) error {
	var err error
	switch v := src.(type) {
	case nil:
		*d.t = time.Time{}
	case string:
		*d.t, err = parseTime(v)
	case []byte:
		*d.t, err = parseTime(string(v))
	default:
		err = fmt.Errorf("store: a time column holds %T, not text", src)
	}
	return err
}

// scanString reads a row of one text column.
func scanString(s scanner) (string, error) {
	var v string
	err := s.Scan(&v)
	return v, err
}

// fmtErr names the statement that failed with err; a write a unique constraint refused is
// ErrConflict too, so that the caller answers a conflict where two writers raced for one name.
func fmtErr(what string, err error) error {
	if isUniqueViolation(err) {
		return fmt.Errorf("store: %s: %w (%w)", what, ErrConflict, err)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}
