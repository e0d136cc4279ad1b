package store

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestHotQueriesUseIndexesOnPostgres is TestHotQueriesUseIndexes for PostgreSQL: with sequential
// scans priced out of reach, a plan that still reads a whole table has no index to use instead.
// (On the few rows of a test database the planner would otherwise scan every table.)
func TestHotQueriesUseIndexesOnPostgres(t *testing.T) {
	if !postgresTests() {
		t.Skip("runs on PostgreSQL only: set DEVPORTAL_TEST_POSTGRES or DEVPORTAL_TEST_STORE=postgres")
	}
	t.Run(postgresDialect.String(), func(t *testing.T) {
		ctx := context.Background()
		s := openTestStore(t)
		steps, _ := hotQuerySteps(ctx)
		for name, step := range steps {
			t.Run(name, func(t *testing.T) {
				var seen []recordedQuery
				err := s.WithTx(ctx, func(tx *Tx) error {
					// SET LOCAL ends with the transaction, which is rolled back.
					if err := tx.exec(ctx, "price out sequential scans", `SET LOCAL enable_seqscan = off`); err != nil {
						return err
					}
					// A savepoint per step, so that a step's expected error leaves the
					// transaction usable for explaining its queries.
					if err := tx.exec(ctx, "savepoint", `SAVEPOINT step`); err != nil {
						return err
					}
					step(&Tx{q: recordingQuerier{querier: tx.q, seen: &seen}, d: tx.d})
					if err := tx.exec(ctx, "roll back the step", `ROLLBACK TO SAVEPOINT step`); err != nil {
						return err
					}
					for _, q := range seen {
						plan := postgresPlan(ctx, t, tx, q)
						t.Logf("%s", strings.Join(plan, "; "))
						for _, line := range plan {
							if strings.Contains(line, "Seq Scan on ") {
								t.Errorf("%s scans a whole table (%s):\n%s", name, strings.TrimSpace(line), q.query)
							}
						}
					}
					return errRollback
				})
				if !errors.Is(err, errRollback) {
					t.Fatal(err)
				}
				if len(seen) == 0 {
					t.Fatalf("%s ran no query", name)
				}
			})
		}
	})
}

// postgresPlan returns the lines of PostgreSQL's plan for q.
func postgresPlan(ctx context.Context, t *testing.T, tx *Tx, q recordedQuery) []string {
	t.Helper()
	rows, err := tx.q.QueryContext(ctx, "EXPLAIN "+q.query, q.args...)
	if err != nil {
		t.Fatalf("explaining %s: %v", q.query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		out = append(out, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
