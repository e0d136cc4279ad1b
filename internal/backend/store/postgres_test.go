package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// postgresTestEnv names a PostgreSQL server, as a connection URL, on which the tests may create
// and drop databases. Without it the tests run on SQLite alone.
const postgresTestEnv = "DEVPORTAL_TEST_POSTGRES"

// eachDialect runs test once on SQLite and, when postgresTestEnv is set, once on PostgreSQL, as
// subtests named for the dialect; newTestDSN and the helpers built on it open stores of the
// dialect of the subtest they are given.
func eachDialect(t *testing.T, test func(t *testing.T)) {
	t.Helper()
	t.Run(sqliteDialect.String(), test)
	if os.Getenv(postgresTestEnv) != "" {
		t.Run(postgresDialect.String(), test)
	}
}

// newTestDSN returns the address of a new, empty database for t: a PostgreSQL database when t
// runs under eachDialect's postgres subtest, else an SQLite file in t's temporary directory.
func newTestDSN(t *testing.T) string {
	t.Helper()
	if slices.Contains(strings.Split(t.Name(), "/"), postgresDialect.String()) {
		return newPostgresDatabase(t, os.Getenv(postgresTestEnv))
	}
	return filepath.Join(t.TempDir(), fmt.Sprintf("%d.db", testDatabases.Add(1)))
}

var testDatabases atomic.Int64

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

// newPostgresDatabase creates an empty database on the server at serverURL, dropped when the test
// ends, and returns its URL.
func newPostgresDatabase(t *testing.T, serverURL string) string {
	t.Helper()
	ctx := context.Background()
	admin, err := sql.Open("pgx", serverURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close() }()
	var suffix [6]byte
	if _, err := rand.Read(suffix[:]); err != nil {
		t.Fatal(err)
	}
	name := "store_test_" + hex.EncodeToString(suffix[:])
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("create a test database on $%s: %v", postgresTestEnv, err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", serverURL)
		if err != nil {
			t.Error(err)
			return
		}
		defer func() { _ = admin.Close() }()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(serverURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
