package store

import (
	"context"
	"crypto/rand"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/mail"
)

func queueMail(t *testing.T, s *Store, id, portalID string, at time.Time) {
	t.Helper()
	ctx := context.Background()
	err := s.WithTx(ctx, func(tx *Tx) error {
		return tx.EnqueueMail(ctx, id, mail.Message{Region: core.DefaultRegion, PortalID: portalID, To: "dev@example.com",
			Subject: "Verify " + id, Body: "text " + id, HTML: "<p>html " + id + "</p>", Link: "http://p.localhost/verify-email?token=t-" + id,
			Token: "t-" + id, SentAt: at})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMailQueueClaimsOldestDueMessageOnce(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := storeWithPortals(t, portalA)
		now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		queueMail(t, s, "m2", portalA, now.Add(time.Second))
		queueMail(t, s, "m1", portalA, now)

		if _, ok, err := s.ClaimMail(ctx, now.Add(-time.Second), "early", time.Minute); err != nil || ok {
			t.Fatalf("claim before any message is due: ok=%v err=%v", ok, err)
		}
		q, ok, err := s.ClaimMail(ctx, now.Add(2*time.Second), "c1", time.Minute)
		if err != nil || !ok {
			t.Fatalf("claim: ok=%v err=%v", ok, err)
		}
		if q.ID != "m1" || q.Claim != "c1" || q.Attempts != 0 || q.Message.HTML != "<p>html m1</p>" || q.Message.Token != "t-m1" ||
			q.Message.Link == "" || !q.Message.SentAt.Equal(now) {
			t.Fatalf("claimed %+v", q)
		}
		q2, ok, err := s.ClaimMail(ctx, now.Add(2*time.Second), "c2", time.Minute)
		if err != nil || !ok || q2.ID != "m2" {
			t.Fatalf("second claim took %+v ok=%v err=%v, want m2", q2, ok, err)
		}
		if _, ok, err := s.ClaimMail(ctx, now.Add(2*time.Second), "c3", time.Minute); err != nil || ok {
			t.Fatalf("a held message was claimed again: ok=%v err=%v", ok, err)
		}
		// The hold of a sender that died lapses: the message is due again, and the dead sender's
		// outcome no longer counts.
		at, ok, err := s.NextMailAttempt(ctx)
		if err != nil || !ok || !at.Equal(now.Add(2*time.Second+time.Minute)) {
			t.Fatalf("next attempt = %v ok=%v err=%v, want the end of the first hold", at, ok, err)
		}
		again, ok, err := s.ClaimMail(ctx, now.Add(2*time.Minute), "c4", time.Minute)
		if err != nil || !ok || again.ID != "m1" {
			t.Fatalf("lapsed hold: claimed %+v ok=%v err=%v, want m1", again, ok, err)
		}
		if err := s.MailSent(ctx, q); !errors.Is(err, ErrMailClaimLost) {
			t.Fatalf("outcome of a lapsed hold: %v, want ErrMailClaimLost", err)
		}
		if err := s.MailSent(ctx, again); err != nil {
			t.Fatal(err)
		}
		if err := s.MailSent(ctx, again); !errors.Is(err, ErrMailClaimLost) {
			t.Fatalf("sent twice: %v, want ErrMailClaimLost", err)
		}
	})
}

func TestMailQueueConcurrentClaimsTakeDifferentMessages(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := storeWithPortals(t, portalA)
		now := time.Now().UTC()
		const n = 8
		for i := range n {
			queueMail(t, s, string(rune('a'+i)), portalA, now)
		}
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for range n * 2 {
			wg.Go(func() {
				q, ok, err := s.ClaimMail(ctx, now, rand.Text(), time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					mu.Lock()
					seen[q.ID]++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != n {
			t.Errorf("claimed %d distinct messages, want %d: %v", len(seen), n, seen)
		}
		for id, c := range seen {
			if c != 1 {
				t.Errorf("message %s claimed %d times", id, c)
			}
		}
	})
}

func TestMailQueueRetryThenFailErasesTheBody(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := storeWithPortals(t, portalA)
		now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		queueMail(t, s, "m1", portalA, now)

		q, _, err := s.ClaimMail(ctx, now, "c1", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RetryMail(ctx, q, now.Add(30*time.Second), "dial tcp: connection refused"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.ClaimMail(ctx, now.Add(29*time.Second), "c2", time.Minute); ok {
			t.Fatal("claimed before its next attempt")
		}
		q, ok, err := s.ClaimMail(ctx, now.Add(30*time.Second), "c3", time.Minute)
		if err != nil || !ok || q.Attempts != 1 {
			t.Fatalf("retry: %+v ok=%v err=%v, want attempts 1", q, ok, err)
		}
		if err := s.FailMail(ctx, q, now.Add(time.Minute), "550 no such user"); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := s.NextMailAttempt(ctx); err != nil || ok {
			t.Fatalf("a failed message is still due: ok=%v err=%v", ok, err)
		}
		var rows []QueuedMail
		err = s.View(ctx, func(tx *Tx) error {
			rows, err = tx.MailQueue(ctx, core.DefaultRegion, portalA)
			return err
		})
		if err != nil || len(rows) != 1 {
			t.Fatalf("queue: %+v err=%v", rows, err)
		}
		if r := rows[0]; r.Status != MailFailed || r.Attempts != 2 || r.LastError != "550 no such user" || r.To != "dev@example.com" {
			t.Errorf("failed row: %+v", r)
		}
		var body, html, link, token string
		err = s.db.QueryRowContext(ctx, `SELECT body_text, body_html, link, token FROM mail_queue WHERE id = 'm1'`).Scan(&body, &html, &link, &token)
		if err != nil || body+html+link+token != "" {
			t.Errorf("a failed message keeps its body %q %q %q %q (err %v)", body, html, link, token, err)
		}

		// Failed records are forgotten after FailedMailKept, when a later message is queued.
		queueMail(t, s, "m2", portalA, now.Add(time.Minute+FailedMailKept))
		err = s.View(ctx, func(tx *Tx) error {
			rows, err = tx.MailQueue(ctx, core.DefaultRegion, portalA)
			return err
		})
		if err != nil || len(rows) != 1 || rows[0].ID != "m2" {
			t.Fatalf("queue after the retention: %+v err=%v", rows, err)
		}
	})
}

func TestMailQueueOnlyHoldsCommittedMessages(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := storeWithPortals(t, portalA)
		refused := errors.New("the change is refused")
		err := s.WithTx(ctx, func(tx *Tx) error {
			if err := tx.EnqueueMail(ctx, "m1", mail.Message{Region: core.DefaultRegion, PortalID: portalA, To: "x@example.com", SentAt: time.Now()}); err != nil {
				return err
			}
			return refused
		})
		if !errors.Is(err, refused) {
			t.Fatal(err)
		}
		if _, ok, err := s.NextMailAttempt(ctx); err != nil || ok {
			t.Fatalf("a rolled-back change left a message: ok=%v err=%v", ok, err)
		}
	})
}
