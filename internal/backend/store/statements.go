package store

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// maxCachedStatements bounds the statement cache. Queries are fixed texts apart from lists,
// whose filters and sorts make a few hundred variants at most; texts beyond the bound run
// unprepared rather than growing the cache without end.
const maxCachedStatements = 1024

// statementCache keeps one *sql.Stmt per query text. database/sql prepares a Stmt on each
// connection the first time it runs there and keeps it for the connection's life, so a kept
// Stmt is a per-connection prepared-statement cache.
type statementCache struct {
	db *sql.DB

	mu     sync.RWMutex
	stmts  map[string]*sql.Stmt
	closed bool
}

func newStatementCache(db *sql.DB) *statementCache {
	return &statementCache{db: db, stmts: map[string]*sql.Stmt{}}
}

// get returns the statement of query, preparing it on first use, or nil when query is not to be
// cached: a script of several statements, a cache that is full or closed, or a query that does
// not prepare (running it unprepared then reports the error).
func (c *statementCache) get(ctx context.Context, query string) *sql.Stmt {
	c.mu.RLock()
	st, ok := c.stmts[query]
	full := c.closed || len(c.stmts) >= maxCachedStatements
	c.mu.RUnlock()
	if ok {
		return st
	}
	if full || strings.Contains(query, ";") {
		return nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.stmts[query]; ok || c.closed || len(c.stmts) >= maxCachedStatements {
		_ = st.Close()
		return prev // nil unless another caller prepared it meanwhile
	}
	c.stmts[query] = st
	return st
}

// close closes every statement; later queries run unprepared.
func (c *statementCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		_ = st.Close()
	}
	c.stmts, c.closed = map[string]*sql.Stmt{}, true
}

// cachedQuerier runs queries through the statement cache, in transaction tx or, when tx is
// nil, on the pool.
type cachedQuerier struct {
	db    *sql.DB
	tx    *sql.Tx
	stmts *statementCache
}

// stmt returns the cached statement of query bound to the transaction, or nil.
func (q cachedQuerier) stmt(ctx context.Context, query string) *sql.Stmt {
	st := q.stmts.get(ctx, query)
	if st != nil && q.tx != nil {
		// Reuses the statement already prepared on the transaction's connection, if any; the
		// returned handle is released when the transaction ends.
		st = q.tx.StmtContext(ctx, st)
	}
	return st
}

func (q cachedQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := q.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	if q.tx != nil {
		return q.tx.ExecContext(ctx, query, args...)
	}
	return q.db.ExecContext(ctx, query, args...)
}

func (q cachedQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := q.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	if q.tx != nil {
		return q.tx.QueryContext(ctx, query, args...)
	}
	return q.db.QueryContext(ctx, query, args...)
}

func (q cachedQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := q.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	if q.tx != nil {
		return q.tx.QueryRowContext(ctx, query, args...)
	}
	return q.db.QueryRowContext(ctx, query, args...)
}
