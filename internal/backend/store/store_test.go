package store

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

func TestMigrationsApplyOnceAndReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
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
}

func TestWithTxRollsBack(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "tx.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore(t, s)
	now := time.Now()
	p := core.NewPortal(core.PortalInput{Name: core.Val("rolled-back")}, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "us", now)
	boom := errors.New("boom")
	err = s.WithTx(ctx, func(tx *Tx) error {
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
}

func TestWithTxRollsBackOnPanic(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "tx.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore(t, s)
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
	err = s.View(ctx, func(tx *Tx) error {
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
