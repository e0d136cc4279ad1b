package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// changeSlots is how many rows change_counter has (migration 0014).
const changeSlots = 16

// ChangePollInterval is how often a process reads the change counter, while someone waits on
// Changed, to learn of the commits of the other processes serving the same database. A commit
// of this process wakes its waiters at once; on PostgreSQL the others' commits do too, through
// notifications, and the counter is what catches a notification lost with its connection.
const ChangePollInterval = 500 * time.Millisecond

// changePollInterval is ChangePollInterval; tests that must see notifications alone lengthen it.
var changePollInterval = ChangePollInterval

// changeWatch hands out the channels of Changed and closes them when this process commits a
// change or the change counter shows that another process did.
type changeWatch struct {
	mu      sync.Mutex
	changed chan struct{} // closed and replaced after every change
	// watched is whether the current channel was handed out: the counter is read only then.
	watched bool
	// seen is the counter's sum when a change was last signalled from it.
	seen int64
	// poke makes the watcher read the counter now rather than at its next tick.
	poke chan struct{}
	// notify asks the notifier to tell the other processes of a commit; nil on SQLite.
	notify chan struct{}
	// stops stop the goroutines of the watch and wait for them, last started first.
	stops []func()
}

func newChangeWatch() *changeWatch {
	return &changeWatch{changed: make(chan struct{}), poke: make(chan struct{}, 1)}
}

// Changed returns a channel that is closed when the next change commits, in this process or in
// another process serving the same database. Take it before reading, so that a commit during
// the read is not missed. Another process's commit is seen within ChangePollInterval.
func (s *Store) Changed() <-chan struct{} {
	c := s.changes
	c.mu.Lock()
	defer c.mu.Unlock()
	c.watched = true
	return c.changed
}

// signalChange wakes the waiters of this process after one of its commits, and tells the other
// processes on a PostgreSQL database at once rather than at their next reading of the counter.
func (s *Store) signalChange() {
	s.wakeWaiters()
	if s.changes.notify != nil {
		select {
		case s.changes.notify <- struct{}{}:
		default: // a notification is already due; it covers this commit too
		}
	}
}

// wakeWaiters closes the channel Changed returned.
func (s *Store) wakeWaiters() {
	c := s.changes
	c.mu.Lock()
	defer c.mu.Unlock()
	close(c.changed)
	c.changed = make(chan struct{})
	c.watched = false
}

// countChange adds one to a slot of the change counter in the caller's transaction, so that the
// other processes learn of the change when it commits and never before.
func (t *Tx) countChange(ctx context.Context) error {
	return t.exec(ctx, "count the change", `UPDATE change_counter SET value = value + 1 WHERE slot = $1`,
		rand.IntN(changeSlots))
}

// countingChange is fn followed by countChange. The count comes last, so that on a database with
// concurrent writers the counter's row is held only while the transaction commits.
func countingChange(ctx context.Context, fn func(*Tx) error) func(*Tx) error {
	return func(tx *Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return tx.countChange(ctx)
	}
}

// changeCount returns the sum of the change counter: it grows with every committed change.
func (s *Store) changeCount(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT CAST(COALESCE(SUM(value), 0) AS BIGINT) FROM change_counter`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: read the change counter: %w", err)
	}
	return n, nil
}

// watchChanges starts the goroutine that reads the change counter every changePollInterval while a
// channel of Changed is out, and signals a change when the sum has grown. The sum only grows, so
// a commit made after a channel was handed out always makes a later reading differ from seen.
func (s *Store) watchChanges(ctx context.Context) error {
	start, err := s.changeCount(ctx)
	if err != nil {
		return err
	}
	c := s.changes
	c.seen = start
	interval := changePollInterval
	s.goUntilStopped(func(ctx context.Context) {
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			case <-c.poke:
			}
			s.readChangeCount(ctx)
		}
	})
	return nil
}

// readChangeCount signals a change when the counter grew since it last did and someone waits.
// A failed read is left to the next tick: the waiters then learn of the change a little later,
// never not at all.
func (s *Store) readChangeCount(ctx context.Context) {
	c := s.changes
	c.mu.Lock()
	watched := c.watched
	c.mu.Unlock()
	if !watched {
		return
	}
	n, err := s.changeCount(ctx)
	if err != nil {
		return
	}
	c.mu.Lock()
	grew := n != c.seen
	c.seen = n
	c.mu.Unlock()
	if grew {
		s.wakeWaiters()
	}
}

// pokeChanges makes the watcher read the counter now, for a sign that another process committed.
func (s *Store) pokeChanges() {
	select {
	case s.changes.poke <- struct{}{}:
	default: // a reading is already due
	}
}

// stopWatchingChanges stops the watch's goroutines, before the database closes.
func (s *Store) stopWatchingChanges() {
	stops := s.changes.stops
	for i := len(stops) - 1; i >= 0; i-- {
		stops[i]()
	}
	s.changes.stops = nil
}

// goUntilStopped runs fn in a goroutine until stopWatchingChanges cancels its context. It
// outlives the context of Open, which may be a request's or a test's.
func (s *Store) goUntilStopped(fn func(ctx context.Context)) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(ctx)
	}()
	s.changes.stops = append(s.changes.stops, func() {
		cancel()
		<-done
	})
}
