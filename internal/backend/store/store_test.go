package store

import (
	"context"
	"errors"
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
