package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/mail"
)

// storeWithPortals opens a fresh store holding portals with the given ids.
func storeWithPortals(t *testing.T, ids ...string) *Store {
	t.Helper()
	ctx := context.Background()
	s := openTestStore(t)
	err := s.WithTx(ctx, func(tx *Tx) error {
		for _, id := range ids {
			p := core.NewPortal(core.PortalInput{Name: core.Val("portal " + id)}, id, core.DefaultRegion, time.Now())
			if err := tx.InsertPortal(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const (
	portalA = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	portalB = "1f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
)

func TestPruneThrottleEventsForgetsEverySubject(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := storeWithPortals(t, portalA, portalB)
		t0 := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
		err := s.WithTx(ctx, func(tx *Tx) error {
			return tx.RecordThrottleEvents(ctx,
				ThrottleEvent{PortalID: portalA, Kind: EventLoginFailure, Subject: "old one", At: t0, ExpiresAt: t0.Add(time.Minute)},
				ThrottleEvent{PortalID: portalB, Kind: EventSignUp, Subject: "old other", At: t0, ExpiresAt: t0.Add(time.Minute)},
				ThrottleEvent{PortalID: portalA, Kind: EventLoginFailure, Subject: "live", At: t0, ExpiresAt: t0.Add(time.Hour)})
		})
		if err != nil {
			t.Fatal(err)
		}
		// Pruning on behalf of one subject forgets the expired events of all of them.
		if err := s.WithTx(ctx, func(tx *Tx) error { return tx.PruneThrottleEvents(ctx, t0.Add(2*time.Minute)) }); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM throttle_events`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d events left (%v), want the live one", n, err)
		}
	})
}

func TestOutboxKeepsUnexpiredMessagesUpToItsCapacity(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := storeWithPortals(t, portalA, portalB)
		t0 := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
		send := func(portalID string, i int, lifetime time.Duration) {
			t.Helper()
			at := t0.Add(time.Duration(i) * time.Second)
			m := OutboxMessage{ID: fmt.Sprintf("m-%s-%d", portalID[:2], i), ExpiresAt: at.Add(lifetime),
				Message: mail.Message{Region: core.DefaultRegion, PortalID: portalID, To: "a@example.com", Subject: fmt.Sprint(i), SentAt: at}}
			if err := s.WithTx(ctx, func(tx *Tx) error { return tx.InsertOutboxMessage(ctx, m, 3) }); err != nil {
				t.Fatal(err)
			}
		}
		subjects := func(portalID string, at time.Time) []string {
			t.Helper()
			var msgs []mail.Message
			var total int
			err := s.View(ctx, func(tx *Tx) error {
				var err error
				msgs, total, err = tx.OutboxMessages(ctx, core.DefaultRegion, portalID, at, Page{Number: 1, Size: 10})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, m := range msgs {
				out = append(out, m.Subject)
			}
			if total != len(out) {
				t.Errorf("total %d, listed %d", total, len(out))
			}
			return out
		}
		send(portalA, 0, time.Second) // expires before the next one is sent
		send(portalA, 1, time.Hour)
		send(portalA, 2, time.Hour)
		send(portalB, 3, time.Hour)
		if got := fmt.Sprint(subjects(portalA, t0.Add(3*time.Second))); got != "[2 1]" {
			t.Errorf("portal A: %s, want the unexpired messages newest first", got)
		}
		send(portalA, 4, time.Hour)
		send(portalA, 5, time.Hour)
		if got := fmt.Sprint(subjects(portalA, t0.Add(6*time.Second))); got != "[5 4 2]" {
			t.Errorf("portal A at capacity: %s, want the newest three", got)
		}
		if got := fmt.Sprint(subjects(portalB, t0.Add(6*time.Second))); got != "[3]" {
			t.Errorf("portal B: %s; another portal's messages must not push its out", got)
		}
		if got := fmt.Sprint(subjects(portalA, t0.Add(2*time.Hour))); got != "[]" {
			t.Errorf("after the tokens expired: %s", got)
		}
	})
}
