package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// postgresTests reports whether the tests run on PostgreSQL too: when a server is given
// (DEVPORTAL_TEST_POSTGRES) or PostgreSQL is the store the tests ask for (DEVPORTAL_TEST_STORE).
func postgresTests() bool {
	return os.Getenv(pgtest.EnvServer) != "" || pgtest.PostgresSelected()
}

// eachDialect runs test once on SQLite and, when postgresTests, once on PostgreSQL, as
// subtests named for the dialect; newTestDSN and the helpers built on it open stores of the
// dialect of the subtest they are given.
func eachDialect(t *testing.T, test func(t *testing.T)) {
	t.Helper()
	t.Run(sqliteDialect.String(), test)
	if postgresTests() {
		t.Run(postgresDialect.String(), test)
	}
}

// newTestDSN returns the address of a new, empty database for t: a PostgreSQL database when t
// runs under eachDialect's postgres subtest, else an SQLite file in t's temporary directory.
func newTestDSN(t *testing.T) string {
	t.Helper()
	if slices.Contains(strings.Split(t.Name(), "/"), postgresDialect.String()) {
		return pgtest.Database(t)
	}
	return filepath.Join(t.TempDir(), fmt.Sprintf("%d.db", testDatabases.Add(1)))
}

var testDatabases atomic.Int64

// eachStore runs test under eachDialect with a store in a new database of each dialect.
func eachStore(t *testing.T, test func(t *testing.T, s *Store)) {
	t.Helper()
	eachDialect(t, func(t *testing.T) { test(t, openTestStore(t)) })
}

// openTestStore opens a store in a new database of t's dialect, closed when the test ends.
func openTestStore(t *testing.T) *Store {
	t.Helper()
	return openTest(t, newTestDSN(t))
}

// openTest opens the store dsn names, closed when the test ends.
func openTest(t *testing.T, dsn string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeStore(t, s) })
	return s
}
