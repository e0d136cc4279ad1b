package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// PostgreSQL pool limits: enough connections for the requests of a replica at full load, few
// enough that several replicas stay within the server's default max_connections of 100.
const (
	postgresMaxConns        = 32
	postgresConnMaxIdleTime = 5 * time.Minute
)

// openPostgres connects to the PostgreSQL database that the URL dsn names and applies pending
// migrations. The store has neither statement cache nor writer gate: pgx prepares each query
// once per connection itself, and PostgreSQL runs writers that do not conflict side by side.
func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	where := redactedURL(dsn)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", where, err)
	}
	db.SetMaxOpenConns(postgresMaxConns)
	db.SetMaxIdleConns(postgresMaxConns)
	db.SetConnMaxIdleTime(postgresConnMaxIdleTime)
	if err := db.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("store: connect to %s: %w", where, err), db.Close())
	}
	s := &Store{db: db, dialect: postgresDialect, changes: newChangeWatch()}
	if err := s.migrate(ctx); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	if err := s.watchChanges(ctx); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	s.announceChanges(dsn)
	return s, nil
}

// redactedURL is dsn for messages: without its password, which may be in the URL.
func redactedURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "the PostgreSQL URL given (unreadable as a URL)"
	}
	return u.Redacted()
}
