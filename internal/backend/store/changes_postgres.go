package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/jackc/pgx/v5"
)

// changeChannel is the PostgreSQL notification channel on which each process announces that it
// committed a change.
const changeChannel = "devportal_changes"

// How long the listener waits before connecting again after losing its connection: doubling
// from the first delay up to the last, so that a database that is down is not hammered.
const (
	listenFirstRetry = 100 * time.Millisecond
	listenLastRetry  = 10 * time.Second
)

// announceChanges starts the notifier, which tells the other processes of this process's
// commits, and the listener, which makes the watcher read the change counter as soon as another
// process tells of one. Notifications are sent after the commit, outside its transaction, so
// that committing never waits for PostgreSQL's notification queue; one notification covers
// every commit made while the one before was being sent.
func (s *Store) announceChanges(dsn string) {
	var id [8]byte
	_, _ = rand.Read(id[:]) // crypto/rand.Read never fails
	self := hex.EncodeToString(id[:])
	s.changes.notify = make(chan struct{}, 1)
	s.goUntilStopped(func(ctx context.Context) {
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.changes.notify:
			}
			// A lost notification only delays the others until their next reading of the counter.
			_, _ = s.db.ExecContext(ctx, `SELECT pg_notify($1, $2)`, changeChannel, self)
		}
	})
	s.goUntilStopped(func(ctx context.Context) { s.listenForChanges(ctx, dsn, self) })
}

// listenForChanges listens on changeChannel on a connection of its own, outside the pool,
// connecting again whenever the connection is lost.
func (s *Store) listenForChanges(ctx context.Context, dsn, self string) {
	delay := listenFirstRetry
	for ctx.Err() == nil {
		if listened := s.listenOnce(ctx, dsn, self); listened {
			delay = listenFirstRetry
		}
		select {
		case <-ctx.Done():
		case <-time.After(delay):
		}
		delay = min(2*delay, listenLastRetry)
	}
}

// listenOnce listens until the connection fails or ctx ends, and reports whether it got as far
// as listening.
func (s *Store) listenOnce(ctx context.Context, dsn, self string) bool {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return false
	}
	defer func() {
		closing, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = conn.Close(closing)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+changeChannel); err != nil {
		return false
	}
	// Notifications sent while no connection listened are gone: the counter tells of their commits.
	s.pokeChanges()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true
		}
		if n.Payload != self {
			s.pokeChanges()
		}
	}
}
