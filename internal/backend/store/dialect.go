package store

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlitelib "modernc.org/sqlite/lib"
)

// dialect is the SQL database a store runs on. Queries are written once, with $n placeholders and
// standard SQL; the few constructs the two databases spell differently go through its methods.
type dialect int

const (
	sqliteDialect dialect = iota
	postgresDialect
)

func (d dialect) String() string {
	if d == postgresDialect {
		return "postgres"
	}
	return "sqlite"
}

// jsonArrayHas is a condition that holds when the JSON array stored as text in column (or, when
// key is not empty, under that key of the JSON object in column) holds the string arg.
func (d dialect) jsonArrayHas(column, key, arg string) string {
	if d == postgresDialect {
		array := "(" + column + ")::jsonb"
		if key != "" {
			array = "(" + array + " -> '" + key + "')"
		}
		return "COALESCE(" + array + " @> jsonb_build_array(" + arg + "::text), false)"
	}
	array := column
	if key != "" {
		array = "json_extract(" + column + ", '$." + key + "')"
	}
	return "EXISTS (SELECT 1 FROM json_each(" + array + ") WHERE value = " + arg + ")"
}

// forUpdate ends a SELECT whose rows the transaction is about to change, so that a concurrent
// transaction changing the same rows waits for this one. SQLite needs none: its write
// transactions take the database's one write lock when they begin.
func (d dialect) forUpdate() string {
	if d == postgresDialect {
		return " FOR UPDATE"
	}
	return ""
}

// skipLocked ends a SELECT that claims one row among many (a queue), so that concurrent claimers
// take different rows rather than waiting for each other.
func (d dialect) skipLocked() string {
	if d == postgresDialect {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// PostgreSQL's SQLSTATE codes the store tells apart.
const (
	pgUniqueViolation      = "23505"
	pgForeignKeyViolation  = "23503"
	pgSerializationFailure = "40001"
	pgUntranslatable       = "22P05"
	pgNotInRepertoire      = "22021"
	pgDeadlockDetected     = "40P01"
)

// isUniqueViolation reports whether err is a write refused by a primary key or unique constraint.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == pgUniqueViolation
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		code := liteErr.Code()
		return code == sqlitelib.SQLITE_CONSTRAINT_UNIQUE || code == sqlitelib.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isForeignKeyViolation reports whether err is a write refused by a foreign key: a row that refers
// to one that does not exist (any more), or the deletion of a row others still refer to.
func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == pgForeignKeyViolation
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return liteErr.Code() == sqlitelib.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}

// isBusy reports whether err is SQLite refusing a lock another connection holds.
func isBusy(err error) bool {
	var liteErr *sqlite.Error
	return errors.As(err, &liteErr) && liteErr.Code()&0xff == sqlitelib.SQLITE_BUSY
}

// isUnstorableText reports whether err refused an argument as text that the database cannot
// hold: PostgreSQL's text has no NUL character, which SQLite's has. No stored row can match such
// an argument, so lookups treat it as matching nothing.
func isUnstorableText(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == pgNotInRepertoire || pgErr.Code == pgUntranslatable)
}

// isRetryable reports whether err ended a transaction that may succeed when run again from the
// start: PostgreSQL gave up on it to keep concurrent transactions serialisable or to break a
// deadlock. SQLite's write transactions never meet either, as they run one at a time.
func isRetryable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == pgSerializationFailure || pgErr.Code == pgDeadlockDetected
	}
	return false
}

// containsPattern is the LIKE pattern, for the ESCAPE '\' clause, that matches text containing
// s. Text filters ignore the case of ASCII letters, and only of those, on both databases:
// SQLite's LIKE and lower() fold ASCII letters alone, and so does PostgreSQL's lower() on the
// "C" collation every text column has there, while its LIKE folds nothing. Callers compare
// lower(column) with the pattern, whose ASCII letters are folded here.
func containsPattern(s string) string {
	return "%" + escapeLike(asciiLower(s)) + "%"
}

func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
}
