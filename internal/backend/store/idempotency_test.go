package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

func testPortal(n int, name string) core.Portal {
	id := fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
	return core.NewPortal(core.PortalInput{Name: core.Val(name)}, id, core.DefaultRegion, time.Now())
}

func portalExists(t *testing.T, s *Store, ctx context.Context, id string) bool {
	t.Helper()
	var exists bool
	err := s.View(ctx, func(tx *Tx) error {
		_, err := tx.GetPortal(ctx, core.DefaultRegion, id)
		exists = err == nil
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return exists
}

func TestHoldJoinsWithTxAndView(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTestStore(t)
		ctx := context.Background()
		kept, undone, discarded := testPortal(1, "kept"), testPortal(2, "undone"), testPortal(3, "discarded")
		errStep := errors.New("step failed")

		err := s.Hold(ctx, func(ctx context.Context, _ *Tx) error {
			if err := s.WithTx(ctx, func(tx *Tx) error { return tx.InsertPortal(ctx, kept) }); err != nil {
				return err
			}
			// A failed step is undone alone, and its error reaches the caller unchanged.
			err := s.WithTx(ctx, func(tx *Tx) error {
				if err := tx.InsertPortal(ctx, undone); err != nil {
					return err
				}
				return errStep
			})
			if err != errStep { //nolint:errorlint // the very error fn returned is what callers compare
				t.Errorf("failed step returned %v, want %v", err, errStep)
			}
			// Views read the held transaction, so they see its work before it commits.
			if !portalExists(t, s, ctx, kept.ID) || portalExists(t, s, ctx, undone.ID) {
				t.Error("a view in the held transaction does not see exactly the work that was kept")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !portalExists(t, s, ctx, kept.ID) || portalExists(t, s, ctx, undone.ID) {
			t.Error("after commit: want the kept portal only")
		}

		// When the held function fails, every step it took is rolled back, successful ones included.
		err = s.Hold(ctx, func(ctx context.Context, _ *Tx) error {
			if err := s.WithTx(ctx, func(tx *Tx) error { return tx.InsertPortal(ctx, discarded) }); err != nil {
				return err
			}
			return errStep
		})
		if !errors.Is(err, errStep) {
			t.Fatalf("Hold returned %v, want %v", err, errStep)
		}
		if portalExists(t, s, ctx, discarded.ID) {
			t.Error("a rolled back Hold left its work behind")
		}
	})
}

func TestIdempotencyRecordsExpireAndPurgeInBatches(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTestStore(t)
		ctx := context.Background()
		now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		record := func(i int, expires time.Time) core.IdempotencyRecord {
			return core.IdempotencyRecord{LookupHash: fmt.Sprintf("hash-%d", i), Credential: "admin:a", Fingerprint: "f",
				Sealed: []byte{1, 2, 3}, CreatedAt: expires.Add(-core.IdempotencyRetention), ExpiresAt: expires}
		}
		err := s.WithTx(ctx, func(tx *Tx) error {
			for i := range 250 {
				if err := tx.PutIdempotencyRecord(ctx, record(i, now.Add(-time.Minute))); err != nil {
					return err
				}
			}
			return tx.PutIdempotencyRecord(ctx, record(999, now.Add(time.Hour)))
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.WithTx(ctx, func(tx *Tx) error {
			if _, err := tx.GetIdempotencyRecord(ctx, "hash-1", "admin:a", now); !errors.Is(err, ErrNotFound) {
				t.Errorf("expired record: %v, want ErrNotFound", err)
			}
			if _, err := tx.GetIdempotencyRecord(ctx, "hash-999", "admin:b", now); !errors.Is(err, ErrNotFound) {
				t.Errorf("record of another credential: %v, want ErrNotFound", err)
			}
			if r, err := tx.GetIdempotencyRecord(ctx, "hash-999", "admin:a", now); err != nil || string(r.Sealed) != "\x01\x02\x03" {
				t.Errorf("live record: %+v, %v", r, err)
			}
			for _, want := range []int{100, 100, 50, 0} {
				n, err := tx.PurgeIdempotencyRecords(ctx, now, 100)
				if err != nil {
					return err
				}
				if n != want {
					t.Errorf("purged %d, want %d", n, want)
				}
			}
			left, err := tx.CountIdempotencyRecords(ctx)
			if left != 1 {
				t.Errorf("%d records left, want the live one", left)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
