package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

func TestMigrationsApplyOnceAndReopen(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		path := newTestDSN(t)
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		versions := func(s *Store) []string {
			var out []string
			rows, err := s.db.QueryContext(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var v string
				if err := rows.Scan(&v); err != nil {
					t.Fatal(err)
				}
				out = append(out, v)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			return out
		}
		first := versions(s)
		if len(first) == 0 || first[0] != "0001_foundation" {
			t.Fatalf("recorded migrations = %v", first)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}

		s, err = Open(ctx, path)
		if err != nil {
			t.Fatalf("reopening an up-to-date database: %v", err)
		}
		defer closeStore(t, s)
		if again := versions(s); len(again) != len(first) {
			t.Errorf("migrations recorded again: %v", again)
		}
	})
}

func TestWithTxRollsBack(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := openTestStore(t)
		now := time.Now()
		p := core.NewPortal(core.PortalInput{Name: core.Val("rolled-back")}, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "us", now)
		boom := errors.New("boom")
		err := s.WithTx(ctx, func(tx *Tx) error {
			if err := tx.InsertPortal(ctx, p); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("WithTx returned %v, want the callback's error", err)
		}
		err = s.View(ctx, func(tx *Tx) error {
			_, err := tx.GetPortal(ctx, "us", p.ID)
			return err
		})
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("portal of a failed transaction is visible (err %v)", err)
		}
	})
}

func TestWithTxRollsBackOnPanic(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := openTestStore(t)
		now := time.Now()
		p := core.NewPortal(core.PortalInput{Name: core.Val("panicked")}, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "us", now)
		func() {
			defer func() {
				if r := recover(); r != "boom" {
					t.Errorf("recovered %v, want the callback's panic", r)
				}
			}()
			_ = s.WithTx(ctx, func(tx *Tx) error {
				if err := tx.InsertPortal(ctx, p); err != nil {
					t.Fatal(err)
				}
				panic("boom")
			})
		}()
		err := s.View(ctx, func(tx *Tx) error {
			_, err := tx.GetPortal(ctx, "us", p.ID)
			return err
		})
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("portal of a panicked transaction is visible (err %v)", err)
		}
		// The panicked transaction must not keep the write lock: the next one commits.
		p.ID = "1f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := s.WithTx(wctx, func(tx *Tx) error { return tx.InsertPortal(wctx, p) }); err != nil {
			t.Fatalf("writing after a panicked transaction: %v", err)
		}
	})
}

func TestTimeRoundTrip(t *testing.T) {
	in := time.Date(2026, 3, 4, 5, 6, 7, 891234567, time.FixedZone("x", 3600))
	out, err := parseTime(formatTime(in))
	if err != nil {
		t.Fatal(err)
	}
	if !out.Equal(in.Truncate(time.Microsecond)) || out.Location() != time.UTC {
		t.Errorf("round trip %v -> %v", in, out)
	}
	if a, b := formatTime(in), formatTime(in.Add(time.Second)); a >= b || len(a) != len(b) {
		t.Errorf("formatted times do not sort as text: %s %s", a, b)
	}
}

func TestTimesOutsideFourDigitYearsStayReadable(t *testing.T) {
	for _, in := range []time.Time{
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.FixedZone("west", -5*3600)),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		s := formatTime(in)
		if _, err := parseTime(s); err != nil {
			t.Errorf("formatTime(%v) = %q, which parseTime refuses: %v", in, s, err)
		}
	}
	// A row written before times were clamped.
	got, err := parseTime("10000-01-01T04:59:59.000000Z")
	if err != nil || !got.Equal(maxStoredTime) {
		t.Errorf("parseTime of a five-digit year = %v, %v; want %v", got, err, maxStoredTime)
	}
	if _, err := parseTime("garbage"); err == nil {
		t.Error("parseTime accepted garbage")
	}
}

func TestPageOffsetDoesNotOverflow(t *testing.T) {
	tests := []struct {
		page Page
		want int
	}{
		{Page{Number: 1, Size: 100}, 0},
		{Page{Number: 3, Size: 10}, 20},
		{Page{Number: math.MaxInt, Size: 100}, math.MaxInt},
		{Page{Number: math.MaxInt/100 + 2, Size: 100}, math.MaxInt},
		{Page{Number: 0, Size: 10}, 0},
	}
	for _, tt := range tests {
		if got := tt.page.offset(); got != tt.want {
			t.Errorf("%+v.offset() = %d, want %d", tt.page, got, tt.want)
		}
	}
}

func TestTextFilterEscapesLike(t *testing.T) {
	w := &where{}
	w.text("name", TextFilter{Op: OpContains, Value: `50%_off\`})
	if got := w.args[0]; got != `%50\%\_off\\%` {
		t.Errorf("LIKE pattern = %q", got)
	}
	w = &where{}
	w.text("name", TextFilter{Op: OpOeq, Value: "a,b"})
	if w.String() != "(name = $1 OR name = $2)" || len(w.args) != 2 {
		t.Errorf("oeq = %s %v", w.String(), w.args)
	}
	w = &where{}
	w.text("name", TextFilter{})
	if w.String() != "" {
		t.Errorf("zero filter adds %q", w.String())
	}
}

// closeStore closes s and fails the test if the final checkpoint or the close fails.
func closeStore(t *testing.T, s *Store) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Errorf("close store: %v", err)
	}
}

// Databases made before client_id was unique per region may hold duplicates: migration 0007 keeps
// the oldest one's and gives every later application its own id, then adds the unique index.
func TestMigrationClientIDUnique(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		path := newTestDSN(t)
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		// Back to the schema before 0007, with data it allowed.
		for _, q := range []string{`DROP INDEX applications_region_client_id`,
			`DELETE FROM schema_migrations WHERE version = '0007_application_client_id_unique'`} {
			if _, err := s.db.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		id := func(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }
		portals := map[string]string{"us": id(101), "eu": id(102)}
		developers := map[string]string{"us": id(201), "eu": id(202)}
		apps := []core.Application{
			{ID: id(3), Region: "us", ClientID: "shared", CreatedAt: base},                    // oldest: keeps it
			{ID: id(2), Region: "us", ClientID: "shared", CreatedAt: base.Add(time.Minute)},   // later: renamed
			{ID: id(1), Region: "us", ClientID: "shared", CreatedAt: base.Add(time.Minute)},   // same time: renamed too
			{ID: id(4), Region: "eu", ClientID: "shared", CreatedAt: base.Add(time.Hour)},     // other region: keeps it
			{ID: id(5), Region: "us", ClientID: id(6), CreatedAt: base},                       // another's id: renamed
			{ID: id(6), Region: "us", ClientID: "own-choice", CreatedAt: base.Add(time.Hour)}, // unique: kept
		}
		want := map[string]string{id(3): "shared", id(2): id(2), id(1): id(1), id(4): "shared", id(5): id(5), id(6): "own-choice"}
		err = s.WithTx(ctx, func(tx *Tx) error {
			for region, portalID := range portals {
				if err := tx.InsertPortal(ctx, core.NewPortal(core.PortalInput{Name: core.Val("p")}, portalID, region, base)); err != nil {
					return err
				}
				if err := tx.InsertDeveloper(ctx, core.Developer{ID: developers[region], Region: region, PortalID: portalID,
					Email: region + "@example.com", FullName: "D", Status: core.DeveloperApproved, CreatedAt: base, UpdatedAt: base}); err != nil {
					return err
				}
			}
			for _, a := range apps {
				a.PortalID, a.DeveloperID, a.Name, a.AuthStrategyID, a.UpdatedAt = portals[a.Region], developers[a.Region], "app", id(9), a.CreatedAt
				if err := tx.InsertApplication(ctx, a); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		closeStore(t, s)

		s, err = Open(ctx, path)
		if err != nil {
			t.Fatalf("applying 0007 to duplicated client ids: %v", err)
		}
		defer closeStore(t, s)
		err = s.View(ctx, func(tx *Tx) error {
			for _, a := range apps {
				got, err := tx.GetApplication(ctx, a.Region, portals[a.Region], a.ID)
				if err != nil {
					return err
				}
				if got.ClientID != want[a.ID] {
					t.Errorf("application %s: client_id %q, want %q", a.ID, got.ClientID, want[a.ID])
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.WithTx(ctx, func(tx *Tx) error {
			return tx.InsertApplication(ctx, core.Application{ID: id(7), Region: "us", PortalID: portals["us"], DeveloperID: developers["us"],
				Name: "app", AuthStrategyID: id(9), ClientID: "shared", CreatedAt: base, UpdatedAt: base})
		})
		if err == nil {
			t.Error("a second application with client_id shared was stored in us")
		}
	})
}

// TestChangedSignalsCommittedWrites checks which commits close the channel Changed returned:
// WithTx, and a Hold that a WithTx joined, but not bookkeeping writes nor failed transactions.
func TestChangedSignalsCommittedWrites(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := openTestStore(t)
		noop := func(*Tx) error { return nil }
		tests := []struct {
			name   string
			write  func() error
			signal bool
		}{
			{"WithTx", func() error { return s.WithTx(ctx, noop) }, true},
			{"failed WithTx", func() error {
				_ = s.WithTx(ctx, func(*Tx) error { return errors.New("no") })
				return nil
			}, false},
			{"WithBookkeepingTx", func() error { return s.WithBookkeepingTx(ctx, noop) }, false},
			{"Hold with bookkeeping only", func() error {
				return s.Hold(ctx, func(ctx context.Context, _ *Tx) error { return s.WithBookkeepingTx(ctx, noop) })
			}, false},
			{"Hold joined by WithTx", func() error {
				return s.Hold(ctx, func(ctx context.Context, _ *Tx) error { return s.WithTx(ctx, noop) })
			}, true},
			{"rolled back Hold joined by WithTx", func() error {
				_ = s.Hold(ctx, func(ctx context.Context, _ *Tx) error {
					return errors.Join(s.WithTx(ctx, noop), errors.New("no"))
				})
				return nil
			}, false},
		}
		for _, tt := range tests {
			changed := s.Changed()
			if err := tt.write(); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			select {
			case <-changed:
				if !tt.signal {
					t.Errorf("%s closed the change channel", tt.name)
				}
			default:
				if tt.signal {
					t.Errorf("%s left the change channel open", tt.name)
				}
			}
		}
	})
}

// An SQLite database is opened in write-ahead-log mode, which readers rely on to go on while a
// write is under way, and every pooled connection waits out other processes' locks.
func TestSQLiteOpensInWriteAheadLogMode(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "wal.db"))
	ctx := context.Background()
	var mode string
	var timeout int64
	if err := s.db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&timeout); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || timeout != sqliteBusyTimeout.Milliseconds() {
		t.Errorf("journal mode %q, busy timeout %d ms; want wal and %d ms", mode, timeout, sqliteBusyTimeout.Milliseconds())
	}
}
