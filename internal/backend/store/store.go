package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql migrations/postgres/*.sql
var migrations embed.FS

// ErrNotFound is returned when a looked-up object does not exist in the region.
var ErrNotFound = errors.New("not found")

// Store is the backend's database: an SQLite file or a PostgreSQL database.
type Store struct {
	db      *sql.DB
	dialect dialect
	changes *changeWatch

	// writer admits one write transaction at a time. SQLite has one writer per database: without
	// the gate, concurrent writers each hold a connection and retry inside SQLite until the
	// busy timeout, which cost PATCH most of its throughput and gave it second-long tails.
	// PostgreSQL runs writers that do not conflict side by side, and leaves it nil.
	writer chan struct{}
	// stmts holds a prepared statement per query text, so that each connection parses a query
	// once instead of on every call (SQLite's parser was about 40% of a read's CPU). Nil when
	// the driver caches statements itself, as pgx does.
	stmts *statementCache
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx runs queries inside a transaction: a write transaction for WithTx and Hold, a read-only one
// for View.
type Tx struct {
	q querier
	d dialect
}

// SQLite pool settings. Every SQLite connection runs the pragmas and reads the schema when it
// opens, which cost a read more than the read itself while the pool kept only database/sql's
// default of two idle connections; keeping as many idle as the busiest moments use avoids that,
// and closing those idle for minutes gives their memory back when the load is gone.
const (
	sqliteMaxIdleConns    = 32
	sqliteConnMaxIdleTime = 5 * time.Minute
)

// Open opens the database dsn names and applies pending migrations. A postgres:// or
// postgresql:// URL opens that PostgreSQL database; anything else is the path of an SQLite file,
// optionally written sqlite:PATH, created if missing.
func Open(ctx context.Context, dsn string) (*Store, error) {
	if IsPostgresURL(dsn) {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"))
}

// IsPostgresURL reports whether Open reads dsn as a PostgreSQL connection URL rather than an
// SQLite file, so that callers can place files they keep beside an SQLite database.
func IsPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// sqliteBusyTimeout is how long an SQLite connection waits for another process's lock.
const sqliteBusyTimeout = 10 * time.Second

// enableWAL puts the database at path in write-ahead-log mode, which lets readers go on while one
// writer works; the mode is stored in the file, so it is set once here rather than by every
// connection. Switching a new database's mode needs its exclusive lock, and SQLite answers
// SQLITE_BUSY at once, without waiting out the busy timeout, when another process opening the
// same new file holds a lock at that moment; so the switch is tried again, for at most the busy
// timeout.
func enableWAL(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout("+strconv.FormatInt(sqliteBusyTimeout.Milliseconds(), 10)+")")
	if err != nil {
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	defer func() { _ = db.Close() }()
	deadline := time.Now().Add(sqliteBusyTimeout)
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		var mode string
		err := db.QueryRowContext(ctx, `PRAGMA journal_mode=WAL`).Scan(&mode)
		switch {
		case err == nil && strings.EqualFold(mode, "wal"):
			return nil
		case err == nil:
			return fmt.Errorf("store: %s: SQLite kept journal mode %q instead of write-ahead logging; "+
				"put the database on a local file system", path, mode)
		case !isBusy(err) || time.Now().After(deadline):
			return fmt.Errorf("store: %s: switch to write-ahead logging: %w", path, err)
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return fmt.Errorf("store: %s: switch to write-ahead logging: %w", path, ctx.Err())
		case <-timer.C:
		}
	}
}

func openSQLite(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("store: empty database path")
	}
	if err := prepareFiles(path); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if err := enableWAL(ctx, path); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(sqliteBusyTimeout.Milliseconds(), 10)+")")
	q.Add("_pragma", "synchronous(NORMAL)")
	// Deleted rows are overwritten, so that spent tokens in the outbox do not linger in free pages.
	q.Add("_pragma", "secure_delete(1)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	db.SetMaxIdleConns(sqliteMaxIdleConns)
	db.SetConnMaxIdleTime(sqliteConnMaxIdleTime)
	s := &Store{db: db, dialect: sqliteDialect, changes: newChangeWatch(), writer: make(chan struct{}, 1), stmts: newStatementCache(db)}
	if err := s.migrate(ctx); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	if err := s.watchChanges(ctx); err != nil {
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

// Close closes the database, first checkpointing SQLite's write-ahead log into the main file.
func (s *Store) Close() error {
	s.stopWatchingChanges()
	var cerr error
	if s.dialect == sqliteDialect {
		_, cerr = s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	}
	if s.stmts != nil {
		s.stmts.close()
	}
	if err := s.db.Close(); err != nil {
		return err
	}
	return cerr
}

// WithTx runs fn in one write transaction, committed when fn returns nil and rolled back otherwise.
// Under a context from Hold it runs in the held transaction instead, within a savepoint that is
// rolled back when fn fails, so that a failed step leaves the rest of the held work intact. A
// commit closes the channel Changed returned, in this process and, through the change counter it
// adds to, in the others serving the same database. A write a constraint refused because of a
// concurrent transaction runs again (rerunOnCollision).
func (s *Store) WithTx(ctx context.Context, fn func(*Tx) error) error {
	h := s.heldIn(ctx)
	if err := s.rerunOnCollision(ctx, func() error { return s.withTx(ctx, countingChange(ctx, fn)) }); err != nil {
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

// WithSerializableTx is WithTx at the serializable isolation level: on PostgreSQL the
// transaction commits only if running it alone would have given the same result, and is run
// again from the start when it collides with a concurrent one, up to maxTxAttempts times. It
// suits read-modify-write work spread over many rows that row locks would not all cover. On
// SQLite every write transaction already is serializable. Under a context from Hold it joins the
// held transaction, at that transaction's level.
func (s *Store) WithSerializableTx(ctx context.Context, fn func(*Tx) error) error {
	if h := s.heldIn(ctx); h != nil {
		h.changed = true
		return h.savepoint(ctx, countingChange(ctx, fn))
	}
	var opts *sql.TxOptions
	if s.dialect == postgresDialect {
		opts = &sql.TxOptions{Isolation: sql.LevelSerializable}
	}
	if err := s.retrying(ctx, func() error { return s.runTx(ctx, opts, countingChange(ctx, fn)) }); err != nil {
		return err
	}
	s.signalChange()
	return nil
}

// maxTxAttempts bounds how often a transaction that PostgreSQL aborted because of concurrent
// ones (a serialization failure or a deadlock) is run again.
const maxTxAttempts = 8

func (s *Store) withTx(ctx context.Context, fn func(*Tx) error) error {
	if h := s.heldIn(ctx); h != nil {
		return h.savepoint(ctx, fn)
	}
	return s.retrying(ctx, func() error { return s.runTx(ctx, nil, fn) })
}

// runTx runs fn in one transaction begun with opts, committed when fn returns nil. A write
// transaction first waits for the writer gate, when the store has one.
func (s *Store) runTx(ctx context.Context, opts *sql.TxOptions, fn func(*Tx) error) error {
	if s.writer != nil && (opts == nil || !opts.ReadOnly) {
		select {
		case s.writer <- struct{}{}:
		case <-ctx.Done():
			return fmt.Errorf("store: begin: %w", ctx.Err())
		}
		defer func() { <-s.writer }()
	}
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	// Rolls back on error and on panic alike, so that a failed request never holds the write
	// lock; after a commit it is a no-op.
	defer func() { _ = tx.Rollback() }()
	if err := fn(s.newTx(tx)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// newTx returns the Tx of transaction tx, its queries prepared once per connection when the
// store caches statements.
func (s *Store) newTx(tx *sql.Tx) *Tx {
	if s.stmts == nil {
		return &Tx{q: tx, d: s.dialect}
	}
	return &Tx{q: cachedQuerier{db: s.db, tx: tx, stmts: s.stmts}, d: s.dialect}
}

// outsideTx returns a Tx whose queries run on the pool, each in a transaction of its own: for
// reads of one statement, which reads one snapshot without an explicit transaction.
func (s *Store) outsideTx() *Tx {
	if s.stmts == nil {
		return &Tx{q: s.db, d: s.dialect}
	}
	return &Tx{q: cachedQuerier{db: s.db, stmts: s.stmts}, d: s.dialect}
}

// retrying runs attempt until it succeeds, fails for a reason other than concurrency, or has
// run maxTxAttempts times, waiting a random and growing time between attempts so that the
// transactions that collided do not collide again. Only whole transactions are retried, so the
// functions they run must leave nothing behind outside the database when they fail.
func (s *Store) retrying(ctx context.Context, attempt func() error) error {
	for n := 1; ; n++ {
		err := attempt()
		if err == nil || n == maxTxAttempts || !isRetryable(err) {
			return err
		}
		timer := time.NewTimer(time.Duration(rand.Int64N(int64(time.Millisecond) << n)))
		select {
		case <-ctx.Done():
			timer.Stop()
			return err
		case <-timer.C:
		}
	}
}

// readOnly begins View's transactions: one snapshot for every query of fn, so that a list and
// its total, or the parts of a gateway's configuration, agree with each other. SQLite's deferred
// transaction reads one snapshot of its write-ahead log; PostgreSQL needs repeatable read for it.
func (s *Store) readOnly() *sql.TxOptions {
	if s.dialect == postgresDialect {
		return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return &sql.TxOptions{ReadOnly: true}
}

// View runs read-only fn in a read transaction, so that its queries read one snapshot and never
// wait for writers. Under a context from Hold it reads in the held transaction, so that it sees
// the work done so far.
func (s *Store) View(ctx context.Context, fn func(*Tx) error) error {
	if h := s.heldIn(ctx); h != nil {
		return fn(h.tx)
	}
	return s.retrying(ctx, func() error { return s.runTx(ctx, s.readOnly(), fn) })
}

// Hold runs fn in one write transaction that every WithTx and View call made with the context fn
// receives joins, so that work spread over several calls commits or rolls back as one. The
// transaction is committed when fn returns nil and rolled back otherwise. SQLite has one writer at
// a time, so a second Hold waits until the first ends; on PostgreSQL two Holds run side by side
// and wait only for the rows and keys (LockKey) they both lock. A Hold is never retried, since fn
// may have done more than database work: its transaction fails as a whole instead. The commit
// closes the channel Changed returned when a WithTx call joined it; writes made on the Tx fn
// receives, and through WithBookkeepingTx, are bookkeeping.
func (s *Store) Hold(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	if h := s.heldIn(ctx); h != nil {
		return h.savepoint(ctx, func(tx *Tx) error { return fn(ctx, tx) })
	}
	h := &held{store: s}
	err := s.runTx(ctx, nil, func(tx *Tx) error {
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

// migrationLockKey is the PostgreSQL advisory lock that migrating holds, so that replicas starting
// at the same moment apply each migration once: the second waits for the first to commit and then
// finds nothing left to do. The value is arbitrary; it only has to be this program's own.
const migrationLockKey = 0x64657670_6f727431 // "devport1"

// migrationDir holds each dialect's migrations. Both sets have the same file names, which are the
// versions schema_migrations records, so that the two schemas are always at the same version.
func (d dialect) migrationDir() string {
	if d == postgresDialect {
		return "migrations/postgres"
	}
	return "migrations"
}

func (s *Store) migrate(ctx context.Context) error {
	dir := s.dialect.migrationDir()
	names, err := fs.Glob(migrations, dir+"/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	return s.withTx(ctx, func(tx *Tx) error {
		if s.dialect == postgresDialect {
			if err := tx.exec(ctx, "lock migrations", `SELECT pg_advisory_xact_lock($1)`, int64(migrationLockKey)); err != nil {
				return err
			}
		}
		if _, err := tx.q.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    TEXT PRIMARY KEY,
			applied_at TEXT NOT NULL
		)`); err != nil {
			return fmt.Errorf("store: create schema_migrations: %w", err)
		}
		for _, name := range names {
			version := strings.TrimSuffix(strings.TrimPrefix(name, dir+"/"), ".sql")
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
