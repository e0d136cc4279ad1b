package store

import (
	"context"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
	"time"
)

// Two stores on one database file stand for two processes serving it: a commit through one
// closes the channel the other handed out.
func TestChangedSeesCommitsOfAnotherProcess(t *testing.T) {
	eachDialect(t, testChangedSeesCommitsOfAnotherProcess)
}

func testChangedSeesCommitsOfAnotherProcess(t *testing.T) {
	ctx := context.Background()
	dsn := newTestDSN(t)
	a, b := openTest(t, dsn), openTest(t, dsn)

	for round := range 3 {
		changed := a.Changed()
		if err := b.WithTx(ctx, func(tx *Tx) error {
			return tx.exec(ctx, "touch", `UPDATE admin_tokens SET created_at = created_at`)
		}); err != nil {
			t.Fatal(err)
		}
		select {
		case <-changed:
		case <-time.After(20 * ChangePollInterval):
			t.Fatalf("round %d: a commit through the other store was not signalled", round)
		}
	}
}

func TestChangedSeesOwnCommitsAtOnce(t *testing.T) { eachDialect(t, testChangedSeesOwnCommitsAtOnce) }

func testChangedSeesOwnCommitsAtOnce(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	changed := s.Changed()
	if err := s.WithTx(ctx, func(*Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
	default:
		t.Fatal("the store's own commit did not close the channel")
	}
	before, err := s.changeCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WithBookkeepingTx(ctx, func(*Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if after, err := s.changeCount(ctx); err != nil || after != before {
		t.Fatalf("bookkeeping moved the change counter from %d to %d (%v)", before, after, err)
	}
}

// On PostgreSQL another process's commit reaches the waiters through a notification, without
// waiting for a reading of the counter: here the counter is read only once an hour.
func TestChangedHearsNotificationsOnPostgres(t *testing.T) {
	if !postgresTests() {
		t.Skip("no PostgreSQL server: set " + pgtest.EnvServer + " (scripts/with-postgres.sh does)")
	}
	saved := changePollInterval
	changePollInterval = time.Hour
	t.Cleanup(func() { changePollInterval = saved })
	ctx := context.Background()
	dsn := pgtest.Database(t)
	a, b := openTest(t, dsn), openTest(t, dsn)
	for round := range 3 {
		changed := a.Changed()
		if err := b.WithTx(ctx, func(*Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
		select {
		case <-changed:
		case <-time.After(30 * time.Second):
			t.Fatalf("round %d: no notification of the other store's commit arrived", round)
		}
	}
}
