package store

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// Two transactions check that a token is free and insert it; the second checked before the first
// committed. Its insert collides, it runs again and its own check then refuses, as it would have
// had the two run one after the other.
func TestWriteRunsAgainAfterACollision(t *testing.T) {
	if !postgresTests() {
		t.Skip("transactions run side by side only on PostgreSQL: set " + pgtest.EnvServer + " (scripts/with-postgres.sh does)")
	}
	ctx := context.Background()
	s := openTest(t, pgtest.Database(t))
	errTaken := errors.New("token taken")
	insertIfFree := func(id string, checked func()) func(*Tx) error {
		return func(tx *Tx) error {
			n, err := tx.count(ctx, "check token", `SELECT COUNT(*) FROM admin_tokens WHERE token_hash = 'shared'`)
			if err != nil {
				return err
			}
			if n > 0 {
				return errTaken
			}
			checked()
			return tx.exec(ctx, "insert token", `INSERT INTO admin_tokens (id, token_hash, created_at) VALUES ($1, 'shared', 'now')`, id)
		}
	}
	firstInserted, secondChecked := make(chan struct{}), make(chan struct{})
	firstDone := make(chan error, 1)
	go func() {
		firstDone <- s.WithTx(ctx, func(tx *Tx) error {
			if err := insertIfFree("first", func() {})(tx); err != nil {
				return err
			}
			close(firstInserted)
			<-secondChecked // commits only once the second has checked
			return nil
		})
	}()
	<-firstInserted
	var runs atomic.Int32
	err := s.WithTx(ctx, func(tx *Tx) error {
		n := runs.Add(1)
		return insertIfFree("second", func() {
			if n == 1 {
				close(secondChecked)
			}
		})(tx)
	})
	if err := <-firstDone; err != nil {
		t.Fatalf("first transaction: %v", err)
	}
	if !errors.Is(err, errTaken) || runs.Load() != 2 {
		t.Fatalf("second transaction ran %d times and ended with %v; want two runs and its own refusal", runs.Load(), err)
	}
}
