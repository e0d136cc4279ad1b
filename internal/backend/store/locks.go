package store

import (
	"context"
	"slices"
	"strings"
)

// LockKey holds an exclusive lock on key until the transaction ends, so that transactions that
// check and then change something no single row stands for (a name that is still free, the
// managed plugin of an API) take turns. Keys are names the caller makes up, such as
// "api-name:us:payments". On SQLite it does nothing: a write transaction holds the database's
// one write lock from its start. Take the keys one transaction needs in one call, which sorts
// them, so that transactions wanting overlapping keys take them in one order and cannot deadlock.
func (t *Tx) LockKey(ctx context.Context, keys ...string) error {
	if t.d != postgresDialect || len(keys) == 0 {
		return nil
	}
	sorted := slices.Clone(keys)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	for _, key := range sorted {
		// hashtextextended spreads the keys over 64 bits; two keys sharing a hash only share a lock.
		if err := t.exec(ctx, "lock "+key, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, key); err != nil {
			return err
		}
	}
	return nil
}

// LockRows locks the rows of table whose column equals one of values until the transaction ends,
// so that a read-modify-write of them (the KAA reconciliation of an API's plugin, a publication
// being changed) is not interleaved with another. It reports how many rows it locked. table and
// column are names from the code, never from a request. On SQLite it only counts them: a write
// transaction holds the database's one write lock from its start.
func (t *Tx) LockRows(ctx context.Context, table, column string, values ...string) (int, error) {
	if len(values) == 0 {
		return 0, nil
	}
	w := &where{}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	var args []string
	for _, v := range slices.Compact(sorted) {
		args = append(args, w.arg(v))
	}
	// Ordered, so that two transactions locking overlapping sets take the rows in the same order.
	query := `SELECT ` + column + ` FROM ` + table + ` WHERE ` + column + ` IN (` + strings.Join(args, ", ") + `) ORDER BY ` + column + t.d.forUpdate()
	locked, err := queryAll(ctx, t, "lock "+table, scanString, query, w.args...)
	return len(locked), err
}

// lockValue locks the value that a uniqueness check (a *Taken method, an insert that checks
// first) reads, named by its table and column and the columns that scope it, so that two
// transactions checking one value take turns: the second sees the first's row once it commits,
// and answers a conflict as SQLite, one writer at a time, always does. Values that share a
// key by accident only wait for each other.
func (t *Tx) lockValue(ctx context.Context, parts ...string) error {
	return t.LockKey(ctx, strings.Join(parts, ":"))
}

// derefOr is *p, or otherwise when p is nil.
func derefOr(p *string, otherwise string) string {
	if p == nil {
		return otherwise
	}
	return *p
}

// Locked names a table whose objects a read-modify-write locks with LockForUpdate; only the
// constants below are tables, so that no request can name one.
type Locked string

// The tables of the objects that are changed by loading them, applying a change and storing them.
// Settings kept in a portal's own tables (authentication settings, customization) lock the portal,
// since their first change finds no row of theirs to lock; pages and API documents lock their
// portal and API, since a change of one's place reads all of them.
const (
	LockedPortals        Locked = "portals"
	LockedAPIs           Locked = "apis"
	LockedAuthStrategies Locked = "auth_strategies"
	LockedControlPlanes  Locked = "control_planes"
	LockedServices       Locked = "gateway_services"
	LockedRoutes         Locked = "gateway_routes"
	LockedPlugins        Locked = "gateway_plugins"
	LockedDevelopers     Locked = "developers"
	LockedApplications   Locked = "applications"
	LockedRegistrations  Locked = "application_registrations"
	LockedSnippets       Locked = "portal_snippets"
	LockedAPIVersions    Locked = "api_versions"
)

// LockForUpdate locks the row of table whose id is id until the transaction ends. Every change
// that loads an object, applies a partial change and stores the whole object again takes it
// before loading: on PostgreSQL, where replicas' write transactions run side by side at READ
// COMMITTED, two PATCHes of different fields of one object would otherwise both load the old
// object and the later store would undo the earlier one's field. The second waits here for the
// first to commit, and its load, a new statement, then reads what the first stored. A missing
// row locks nothing and the load that follows reports it missing. On SQLite it does nothing: a
// write transaction holds the database's one write lock from its start.
func (t *Tx) LockForUpdate(ctx context.Context, table Locked, id string) error {
	if t.d != postgresDialect {
		return nil
	}
	_, err := t.LockRows(ctx, string(table), "id", id)
	return err
}
