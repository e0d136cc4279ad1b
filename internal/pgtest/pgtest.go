package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", for OpenSQL
	_ "modernc.org/sqlite"             // database/sql driver "sqlite", for OpenSQL
)

const (
	// EnvServer names a PostgreSQL server where tests may create databases, as a postgres:// URL
	// whose user may run CREATE DATABASE. When it is set, no server is started.
	EnvServer = "DEVPORTAL_TEST_POSTGRES"
	// EnvStore chooses the store of the tests that open a backend: "postgres" for a fresh
	// PostgreSQL database each, anything else (or nothing) for a SQLite file each.
	EnvStore = "DEVPORTAL_TEST_STORE"
)

// shared is the server of this process, started at the first need.
var shared struct {
	once     sync.Once
	url      string
	instance *Instance
	err      error
}

// ServerURL returns the URL of the server this process's test databases live on:
// DEVPORTAL_TEST_POSTGRES when it is set, else one that the first call starts and that stops
// when the process exits. Its error wraps ErrNoBinaries when there is neither. For TestMain and
// other code without a testing.TB; tests call Server.
func ServerURL() (string, error) {
	shared.once.Do(func() {
		if env := os.Getenv(EnvServer); env != "" {
			if _, err := databaseURL(env, "postgres"); err != nil {
				shared.err = fmt.Errorf("pgtest: %s: %w", EnvServer, err)
				return
			}
			shared.url = env
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		shared.instance, shared.err = Start(ctx, Options{})
		if shared.err == nil {
			shared.url = shared.instance.URL()
		}
	})
	return shared.url, shared.err
}

// Server returns the URL of the PostgreSQL server of this test binary (see ServerURL). Without
// one, it skips the test, or fails it when the CI variable is set, since CI must run every test.
func Server(tb testing.TB) string {
	tb.Helper()
	u, err := ServerURL()
	if errors.Is(err, ErrNoBinaries) && os.Getenv("CI") == "" {
		tb.Skipf("skipping a PostgreSQL test: %v", err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// Database creates an empty database on the test binary's server and returns its URL; it is
// dropped when the test ends, after the test's later cleanups (such as closing a store on it).
func Database(tb testing.TB) string {
	tb.Helper()
	server := Server(tb)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	u, drop, err := CreateDatabase(ctx, server, tb.Name())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := drop(ctx); err != nil {
			tb.Errorf("dropping the test's database: %v", err)
		}
	})
	return u
}

// databaseSeq numbers the databases of this process, so that their names are unique on a
// server that several test binaries share.
var databaseSeq atomic.Int64

// CreateDatabase creates an empty database on the server at serverURL, named after label, and
// returns its URL and the function that drops it (closing any connection still open to it).
func CreateDatabase(ctx context.Context, serverURL, label string) (dbURL string, drop func(context.Context) error, err error) {
	name := fmt.Sprintf("dp_%s_%d_%d", slug(label, 36), os.Getpid(), databaseSeq.Add(1))
	dbURL, err = databaseURL(serverURL, name)
	if err != nil {
		return "", nil, fmt.Errorf("pgtest: %w", err)
	}
	ident := pgx.Identifier{name}.Sanitize()
	if err := execSQL(ctx, serverURL, "CREATE DATABASE "+ident); err != nil {
		return "", nil, fmt.Errorf("pgtest: creating database %s: %w", name, err)
	}
	drop = func(ctx context.Context) error {
		if err := execSQL(ctx, serverURL, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("pgtest: dropping database %s: %w", name, err)
		}
		return nil
	}
	return dbURL, drop, nil
}

// PostgresSelected reports whether DEVPORTAL_TEST_STORE asks for PostgreSQL.
func PostgresSelected() bool { return strings.EqualFold(os.Getenv(EnvStore), "postgres") }

// DB returns where a test's backend keeps its data, for store.Open and backend.Config: a fresh
// PostgreSQL database when DEVPORTAL_TEST_STORE=postgres (see Database), else a SQLite file in
// the test's temporary directory, not yet created. Two calls make two databases; a test that
// restarts a backend on the same data keeps the first answer.
func DB(tb testing.TB) string {
	tb.Helper()
	if PostgresSelected() {
		return Database(tb)
	}
	return filepath.Join(tb.TempDir(), "devportal.db")
}

// NewDB is DB for code without a testing.TB, such as TestMain: the SQLite file goes in dir. The
// returned function drops the PostgreSQL database; for SQLite it does nothing, since dir is the
// caller's to remove.
func NewDB(ctx context.Context, dir, label string) (string, func(context.Context) error, error) {
	if !PostgresSelected() {
		return filepath.Join(dir, "devportal.db"), func(context.Context) error { return nil }, nil
	}
	server, err := ServerURL()
	if err != nil {
		return "", nil, err
	}
	return CreateDatabase(ctx, server, label)
}

// databaseURL returns serverURL with its database replaced by name.
func databaseURL(serverURL, name string) (string, error) {
	u, err := url.Parse(serverURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("want a postgres:// URL, such as postgres://user:password@127.0.0.1:5432/postgres, not %q", redact(serverURL))
	}
	u.Path, u.RawPath = "/"+name, ""
	return u.String(), nil
}

// redact hides a password in a URL that is quoted in an error.
func redact(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return "(not a URL)"
}

func execSQL(ctx context.Context, connURL, sql string) error {
	conn, err := pgx.Connect(ctx, connURL)
	if err != nil {
		return err
	}
	_, err = conn.Exec(ctx, sql)
	return errors.Join(err, conn.Close(ctx))
}

// slug keeps the letters and digits of a test's name, lower case, at most n bytes, so that the
// database's name says which test made it.
func slug(s string, n int) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "_"):
			b.WriteByte('_')
		}
		if b.Len() >= n {
			break
		}
	}
	out := strings.TrimSuffix(b.String(), "_")
	if out == "" {
		return "db"
	}
	return out
}

// OpenSQL opens the database a DB or Database call returned with database/sql, for the few tests
// that reach past the backend into its tables (to age a row as time would, say). SQL given to it
// must mean the same in both dialects.
func OpenSQL(db string) (*sql.DB, error) {
	if u, err := url.Parse(db); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		return sql.Open("pgx", db)
	}
	return sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)")
}
