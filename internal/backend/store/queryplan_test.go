package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// recordingQuerier passes queries on and records each text with its arguments.
type recordingQuerier struct {
	querier
	seen *[]recordedQuery
}

type recordedQuery struct {
	what  string
	query string
	args  []any
}

func (r recordingQuerier) record(query string, args []any) {
	*r.seen = append(*r.seen, recordedQuery{query: query, args: args})
}

func (r recordingQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	r.record(query, args)
	return r.querier.ExecContext(ctx, query, args...)
}

func (r recordingQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	r.record(query, args)
	return r.querier.QueryContext(ctx, query, args...)
}

func (r recordingQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	r.record(query, args)
	return r.querier.QueryRowContext(ctx, query, args...)
}

// TestHotQueriesUseIndexes runs the queries of lists, filters, reads of one object, publication,
// service links and gateway data, and fails when SQLite's plan for one of them scans a whole
// table: with thousands of APIs such a query costs in proportion to all of them.
func TestHotQueriesUseIndexes(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore(t, s)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	page := Page{Size: 100, Number: 2}
	contains := TextFilter{Op: OpContains, Value: "orders"}
	eq := TextFilter{Op: OpEq, Value: "x"}
	// Each step runs store methods as the API's handlers do; the ids need not exist, as only
	// the plans matter. Errors such as ErrNotFound are expected and ignored.
	steps := map[string]func(tx *Tx){
		// Pages of a region's list: walking the region in order is what they are for.
		"list APIs":   func(tx *Tx) { _, _, _ = tx.ListAPIs(ctx, "us", APIFilter{}, page) },
		"filter APIs": func(tx *Tx) { _, _, _ = tx.ListAPIs(ctx, "us", APIFilter{Name: contains, ID: eq, Version: eq}, page) },
		"sort APIs": func(tx *Tx) {
			_, _, _ = tx.ListAPIs(ctx, "us", APIFilter{}, Page{Size: 10, Sort: []Sort{{Field: "name"}}})
		},
		// Everything else finds its rows through an index on what it looks for.
		"API list extras":  func(tx *Tx) { _, _ = tx.APIExtrasOf(ctx, "us", []string{"a", "b", "c"}) },
		"get API":          func(tx *Tx) { _, _ = tx.GetAPI(ctx, "us", "a") },
		"API name taken":   func(tx *Tx) { _, _ = tx.APINameTaken(ctx, "us", "n", nil, "a") },
		"API slug taken":   func(tx *Tx) { _, _ = tx.APISlugTaken(ctx, "us", "s", "a") },
		"get publication":  func(tx *Tx) { _, _ = tx.GetPublication(ctx, "us", "a", "p") },
		"API publications": func(tx *Tx) { _, _ = tx.PublicationsOfAPI(ctx, "us", "a") },
		"list publications": func(tx *Tx) {
			_, _, _ = tx.ListPublications(ctx, "us", PublicationFilter{APIID: eq, PortalID: eq}, page)
		},
		"put publication":    func(tx *Tx) { _ = tx.PutPublication(ctx, core.Publication{Region: "us", APIID: "a", PortalID: "p"}) },
		"delete publication": func(tx *Tx) { _ = tx.DeletePublication(ctx, "us", "a", "p") },
		"API link":           func(tx *Tx) { _, _ = tx.ImplementationOfAPI(ctx, "us", "a") },
		"service link":       func(tx *Tx) { _, _ = tx.ImplementationOfService(ctx, "s") },
		"get link":           func(tx *Tx) { _, _ = tx.GetImplementation(ctx, "us", "a", "i") },
		"list links":         func(tx *Tx) { _, _, _ = tx.ListImplementations(ctx, "us", ImplementationFilter{APIID: eq}, page) },
		"delete link":        func(tx *Tx) { _ = tx.DeleteImplementation(ctx, "us", "a", "i") },
		"managed plugins":    func(tx *Tx) { _, _ = tx.ManagedPluginsOfAPI(ctx, "us", "a") },
		"approved grants":    func(tx *Tx) { _, _ = tx.ApprovedGrants(ctx, "us", "cp") },
		"gateway key hashes": func(tx *Tx) { _, _ = tx.ActiveKeyHashesOfControlPlane(ctx, "us", "cp", now) },
		"admin token":        func(tx *Tx) { _, _ = tx.AdminTokenValid(ctx, "h") },
		"node token":         func(tx *Tx) { _, _ = tx.NodeTokenByHash(ctx, "h") },
	}
	regionPages := map[string]bool{"list APIs": true, "filter APIs": true, "sort APIs": true, "list publications": true, "list links": true}
	for name, step := range steps {
		t.Run(name, func(t *testing.T) {
			var seen []recordedQuery
			// A rolled-back transaction: the steps that write leave nothing behind.
			err := s.WithTx(ctx, func(tx *Tx) error {
				step(&Tx{q: recordingQuerier{querier: tx.q, seen: &seen}, d: tx.d})
				for _, q := range seen {
					plan := queryPlan(ctx, t, tx, q)
					t.Logf("%s", strings.Join(plan, "; "))
					for _, line := range plan {
						if fullScan(line) {
							t.Errorf("%s scans a whole table (%s):\n%s", name, line, q.query)
						}
						if !regionPages[name] && strings.HasSuffix(line, "(region=?)") {
							t.Errorf("%s reads every row of the region (%s):\n%s", name, line, q.query)
						}
					}
				}
				return errRollback
			})
			if err != errRollback {
				t.Fatal(err)
			}
			if len(seen) == 0 {
				t.Fatalf("%s ran no query", name)
			}
		})
	}
}

var errRollback = sqlErr("rolled back on purpose")

type sqlErr string

func (e sqlErr) Error() string { return string(e) }

// queryPlan returns the detail lines of SQLite's plan for q.
func queryPlan(ctx context.Context, t *testing.T, tx *Tx, q recordedQuery) []string {
	t.Helper()
	rows, err := tx.q.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q.query, q.args...)
	if err != nil {
		t.Fatalf("explaining %s: %v", q.query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		out = append(out, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// fullScan reports whether a plan line reads a whole table rather than searching an index:
// "SCAN apis" does, "SEARCH apis USING INDEX …" and "SCAN … USING COVERING INDEX" of a
// subquery's few rows do not.
func fullScan(line string) bool {
	rest, ok := strings.CutPrefix(line, "SCAN ")
	return ok && !strings.Contains(rest, " USING ") && !strings.HasPrefix(rest, "CONSTANT ROW")
}

func TestFullScan(t *testing.T) {
	for line, want := range map[string]bool{
		"SCAN apis": true,
		"SCAN k":    true,
		"SEARCH apis USING INDEX apis_region_order (region=?)":         false,
		"SCAN apis USING INDEX apis_region_order":                      false,
		"SEARCH k USING INDEX api_keys_application (application_id=?)": false,
		"USE TEMP B-TREE FOR ORDER BY":                                 false,
		"SCAN CONSTANT ROW":                                            false,
	} {
		if got := fullScan(line); got != want {
			t.Errorf("fullScan(%q) = %v, want %v", line, got, want)
		}
	}
}
