package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrNotFound is returned when a looked-up object does not exist in the region.
var ErrNotFound = errors.New("not found")

// Store is the backend's database.
type Store struct {
	db      *sql.DB
	changes *changeWatch
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx runs queries, inside a transaction for WithTx and directly on the pool for View.
type Tx struct {
	q querier
}

// Open opens (creating if missing) the SQLite database at path and applies pending migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("store: empty database path")
	}
	if err := prepareFiles(path); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// Deleted rows are overwritten, so that spent tokens in the outbox do not linger in free pages.
	q.Add("_pragma", "secure_delete(1)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &Store{db: db, changes: newChangeWatch()}
	if err := s.migrate(ctx); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	if err := s.watchChanges(ctx, ChangePollInterval); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return s, nil
}

// prepareFiles creates the database's directory (mode 0700) when it is missing and the database
// file (mode 0600), and narrows the modes of an existing database and its -wal and -shm files to
// 0600: they hold password and key hashes and the outbox's links, and SQLite creates the -wal and
// -shm files with the database file's mode. An existing directory is left as it is, since it may
// be one the user shares with other files.
func prepareFiles(path string) error {
	dir := filepath.Dir(path)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("create the data directory: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(name, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("restrict %s to its owner: %w", name, err)
		}
	}
	return nil
}

// Close checkpoints the write-ahead log into the main file and closes the database.
func (s *Store) Close() error {
	s.stopWatchingChanges()
	_, cerr := s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	if err := s.db.Close(); err != nil {
		return err
	}
	return cerr
}

// WithTx runs fn in one write transaction, committed when fn returns nil and rolled back otherwise.
// Under a context from Hold it runs in the held transaction instead, within a savepoint that is
// rolled back when fn fails, so that a failed step leaves the rest of the held work intact. A
// commit closes the channel Changed returned, in this process and, through the change counter it
// adds to, in the others serving the same database.
func (s *Store) WithTx(ctx context.Context, fn func(*Tx) error) error {
	h := s.heldIn(ctx)
	counted := func(tx *Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		// Last, so that on a database with concurrent writers the counter's row is held briefly.
		return tx.countChange(ctx)
	}
	if err := s.withTx(ctx, counted); err != nil {
		return err
	}
	if h != nil {
		h.changed = true // signalled when the held transaction commits
		return nil
	}
	s.signalChange()
	return nil
}

// WithBookkeepingTx is WithTx for writes that change nothing a Changed watcher reads (a node's
// last ping, a token's last use), so that they do not wake every waiting node configuration
// request.
func (s *Store) WithBookkeepingTx(ctx context.Context, fn func(*Tx) error) error {
	return s.withTx(ctx, fn)
}

func (s *Store) withTx(ctx context.Context, fn func(*Tx) error) error {
	if h := s.heldIn(ctx); h != nil {
		return h.savepoint(ctx, fn)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	// Rolls back on error and on panic alike, so that a failed request never holds the write
	// lock; after a commit it is a no-op.
	defer func() { _ = tx.Rollback() }()
	if err := fn(&Tx{q: tx}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// View runs read-only fn without a write transaction, so reads never wait for writers. Under a
// context from Hold it reads in the held transaction, so that it sees the work done so far.
func (s *Store) View(ctx context.Context, fn func(*Tx) error) error {
	if h := s.heldIn(ctx); h != nil {
		return fn(h.tx)
	}
	return fn(&Tx{q: s.db})
}

// Hold runs fn in one write transaction that every WithTx and View call made with the context fn
// receives joins, so that work spread over several calls commits or rolls back as one. The
// transaction is committed when fn returns nil and rolled back otherwise. SQLite has one writer at
// a time, so a second Hold waits until the first ends. The commit closes the channel Changed
// returned when a WithTx call joined it; writes made on the Tx fn receives, and through
// WithBookkeepingTx, are bookkeeping.
func (s *Store) Hold(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	if h := s.heldIn(ctx); h != nil {
		return h.savepoint(ctx, func(tx *Tx) error { return fn(ctx, tx) })
	}
	h := &held{store: s}
	err := s.withTx(ctx, func(tx *Tx) error {
		h.tx = tx
		return fn(context.WithValue(ctx, heldKey{}, h), tx)
	})
	if err == nil && h.changed {
		s.signalChange()
	}
	return err
}

type heldKey struct{}

// held is the transaction of a Hold, with the depth of the savepoints open in it and whether a
// WithTx call joined it.
type held struct {
	store   *Store
	tx      *Tx
	depth   int
	changed bool
}

func (s *Store) heldIn(ctx context.Context) *held {
	h, ok := ctx.Value(heldKey{}).(*held)
	if !ok || h.store != s {
		return nil
	}
	return h
}

// savepoint runs fn in a savepoint of the held transaction, undone when fn fails.
func (h *held) savepoint(ctx context.Context, fn func(*Tx) error) error {
	h.depth++
	defer func() { h.depth-- }()
	name := fmt.Sprintf("held_%d", h.depth)
	if err := h.tx.exec(ctx, "savepoint", "SAVEPOINT "+name); err != nil {
		return err
	}
	if err := fn(h.tx); err != nil {
		// A panic skips this; Hold's rollback then undoes the whole transaction.
		undo := errors.Join(h.tx.exec(ctx, "roll back to savepoint", "ROLLBACK TO SAVEPOINT "+name),
			h.tx.exec(ctx, "release savepoint", "RELEASE SAVEPOINT "+name))
		if undo != nil {
			return errors.Join(err, undo)
		}
		return err // unwrapped, so that callers comparing it see the error fn returned
	}
	return h.tx.exec(ctx, "release savepoint", "RELEASE SAVEPOINT "+name)
}

func (s *Store) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	return s.withTx(ctx, func(tx *Tx) error {
		if _, err := tx.q.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    TEXT PRIMARY KEY,
			applied_at TEXT NOT NULL
		)`); err != nil {
			return fmt.Errorf("store: create schema_migrations: %w", err)
		}
		for _, name := range names {
			version := strings.TrimSuffix(strings.TrimPrefix(name, "migrations/"), ".sql")
			var n int
			if err := tx.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
				return fmt.Errorf("store: read schema_migrations: %w", err)
			}
			if n > 0 {
				continue
			}
			body, err := migrations.ReadFile(name)
			if err != nil {
				return err
			}
			if _, err := tx.q.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("store: apply migration %s: %w", version, err)
			}
			if _, err := tx.q.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`,
				version, formatTime(time.Now())); err != nil {
				return fmt.Errorf("store: record migration %s: %w", version, err)
			}
		}
		return nil
	})
}

// timeLayout has a fixed width so that text order is time order.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// The range of stored times: four-digit years, as the layout writes them. The API keeps
// every time it stores far inside it; formatTime clamps rather than writing text that
// parseTime could not read back.
var (
	minStoredTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	maxStoredTime = time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)
)

func formatTime(t time.Time) string {
	t = t.UTC()
	switch {
	case t.Before(minStoredTime):
		t = minStoredTime
	case t.After(maxStoredTime):
		t = maxStoredTime
	}
	return t.Format(timeLayout)
}

// parseTime reads a stored time. A year of more than four digits, which an older version could
// write, reads as the latest storable time, so that one such row cannot break a whole list.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		if year, _, ok := strings.Cut(s, "-"); ok && len(year) > 4 && strings.Trim(year, "0123456789") == "" {
			return maxStoredTime, nil
		}
	}
	return t, err
}
