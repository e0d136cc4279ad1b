package pgtest

import (
	"context"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestDatabaseIsFreshAndDropped(t *testing.T) {
	server := Server(t)
	ctx := context.Background()
	var first string
	t.Run("first", func(t *testing.T) {
		first = Database(t)
		conn, err := pgx.Connect(ctx, first)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = conn.Close(ctx) }()
		if _, err := conn.Exec(ctx, "CREATE TABLE greeting (word text NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		// A connection still open when the test ends must not keep its database from being dropped.
		leftOpen, err := pgx.Connect(ctx, first)
		if err != nil {
			t.Fatal(err)
		}
		_ = leftOpen
	})
	second := Database(t)
	if second == first {
		t.Fatalf("two databases share the URL %s", first)
	}
	conn, err := pgx.Connect(ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(ctx) }()
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE tablename = 'greeting'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("a new database holds another test's table")
	}
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close(ctx) }()
	firstName := strings.TrimPrefix(mustPath(t, first), "/")
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", firstName).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("database %s outlived its test", firstName)
	}
}

func TestServerSettings(t *testing.T) {
	if os.Getenv(EnvServer) != "" {
		t.Skip("the server named by " + EnvServer + " is configured by its owner")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, Database(t))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(ctx) }()
	for name, want := range map[string]string{"fsync": "off", "server_encoding": "UTF8", "max_connections": "400"} {
		var got string
		if err := conn.QueryRow(ctx, "SELECT current_setting($1)", name).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s = %s, want %s", name, got, want)
		}
	}
	var lower string
	if err := conn.QueryRow(ctx, "SELECT lower('ÉCOLE')").Scan(&lower); err != nil {
		t.Fatal(err)
	}
	if lower != "école" {
		t.Logf("lower('ÉCOLE') = %q: the server runs in the C locale", lower)
	}
}

func TestStartStopOverTCP(t *testing.T) {
	if _, err := FindBinaries(); errors.Is(err, ErrNoBinaries) && os.Getenv("CI") == "" {
		t.Skip(err)
	}
	ctx := context.Background()
	in, err := Start(ctx, Options{TCP: true, MaxConnections: 20})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(in.URL(), "postgres://postgres@127.0.0.1:") {
		t.Errorf("URL %s does not reach the server over TCP", in.URL())
	}
	conn, err := pgx.Connect(ctx, in.URL())
	if err != nil {
		t.Fatal(err)
	}
	_ = conn.Close(ctx)
	if err := in.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(in.Dir()); !os.IsNotExist(err) {
		t.Errorf("the server's directory %s is still there after Stop (%v)", in.Dir(), err)
	}
	if _, err := pgx.Connect(ctx, in.URL()); err == nil {
		t.Errorf("the server still accepts connections after Stop")
	}
}

func TestDatabaseURL(t *testing.T) {
	tests := []struct {
		server, want string
		wantErr      bool
	}{
		{"postgres://u:p@127.0.0.1:5432/postgres?sslmode=disable", "postgres://u:p@127.0.0.1:5432/dp_x?sslmode=disable", false},
		{"postgresql://u@db.example/", "postgresql://u@db.example/dp_x", false},
		{"postgres://postgres@/postgres?host=%2Ftmp%2Fdp-pg-1", "postgres://postgres@/dp_x?host=%2Ftmp%2Fdp-pg-1", false},
		{"host=/tmp user=postgres", "", true},
		{"mysql://u@h/db", "", true},
	}
	for _, tt := range tests {
		got, err := databaseURL(tt.server, "dp_x")
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("databaseURL(%q) = %q, %v; want %q, error %v", tt.server, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestSlug(t *testing.T) {
	tests := map[string]string{
		"TestAccAPI_basic/sub-test#01": "testaccapi_basic_sub_test_01",
		"":                             "db",
		"///":                          "db",
		strings.Repeat("a", 50):        strings.Repeat("a", 36),
	}
	for in, want := range tests {
		if got := slug(in, 36); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseVersion(t *testing.T) {
	if parseVersion("15")[0] != 15 || len(parseVersion("9.6")) != 2 || parseVersion("x") != nil {
		t.Errorf("parseVersion reads directory names wrongly")
	}
}

func mustPath(t *testing.T, s string) string {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}
