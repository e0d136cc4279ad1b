package store

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// Replicas that start together on one new database must migrate it once, none failing.
func TestConcurrentOpensMigrateOnce(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		dsn := newTestDSN(t)
		const replicas = 4
		stores := make([]*Store, replicas)
		errs := make([]error, replicas)
		var wg sync.WaitGroup
		for i := range replicas {
			wg.Go(func() { stores[i], errs[i] = Open(ctx, dsn) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("replica %d: %v", i, err)
			}
			t.Cleanup(func() { closeStore(t, stores[i]) })
		}
		files, err := fs.Glob(migrations, stores[0].dialect.migrationDir()+"/*.sql")
		if err != nil {
			t.Fatal(err)
		}
		var recorded int
		if err := stores[0].db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&recorded); err != nil {
			t.Fatal(err)
		}
		if recorded != len(files) {
			t.Errorf("%d migrations recorded, want %d", recorded, len(files))
		}
	})
}

// Both dialects' migrations carry the same versions, so that the two schemas never drift apart.
func TestMigrationVersionsAgree(t *testing.T) {
	versions := func(d dialect) []string {
		names, err := fs.Glob(migrations, d.migrationDir()+"/*.sql")
		if err != nil {
			t.Fatal(err)
		}
		for i, name := range names {
			names[i] = name[len(d.migrationDir())+1:]
		}
		return names
	}
	lite, pg := versions(sqliteDialect), versions(postgresDialect)
	if len(lite) == 0 || !slices.Equal(lite, pg) {
		t.Errorf("SQLite migrations %v, PostgreSQL migrations %v: want the same files", lite, pg)
	}
}

func TestTextFiltersIgnoreTheCaseOfASCIILettersOnly(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		names := []string{"Payments", "PAYMENTS eu", "payment", "Ärger", "ärger", "100% off", "100 percent"}
		err := s.WithTx(ctx, func(tx *Tx) error {
			for i, name := range names {
				if err := tx.InsertPortal(ctx, testPortal(i+1, name)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			filter TextFilter
			want   []string
		}{
			{TextFilter{Op: OpContains, Value: "payMENTS"}, []string{"Payments", "PAYMENTS eu"}},
			{TextFilter{Op: OpContains, Value: "Ä"}, []string{"Ärger"}},
			{TextFilter{Op: OpContains, Value: "0%"}, []string{"100% off"}},
			{TextFilter{Op: OpOcontains, Value: "EU,ärg"}, []string{"PAYMENTS eu", "ärger"}},
			{TextFilter{Op: OpEq, Value: "payments"}, nil},
		}
		for _, tt := range tests {
			var got []string
			err := s.View(ctx, func(tx *Tx) error {
				portals, _, err := tx.ListPortals(ctx, core.DefaultRegion, PortalFilter{Name: tt.filter}, Page{Size: 100, Number: 1})
				for _, p := range portals {
					got = append(got, p.Name)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s %q: %q, want %q", tt.filter.Op, tt.filter.Value, got, tt.want)
			}
		}
	})
}

func TestServiceTagFilters(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		cp := core.ControlPlane{ID: "00000000-0000-4000-8000-0000000000c1", Region: core.DefaultRegion, Name: "cp",
			Labels: map[string]string{}, AuthType: "pinned_client_certs", CreatedAt: time.Now(), UpdatedAt: time.Now()}
		tagged := map[string][]string{"s1": {"a", "b"}, "s2": {"b"}, "s3": nil, "s4": {"c", "a"}}
		err := s.WithTx(ctx, func(tx *Tx) error {
			if err := tx.InsertControlPlane(ctx, cp); err != nil {
				return err
			}
			for i, name := range []string{"s1", "s2", "s3", "s4"} {
				svc := core.GatewayService{ID: "00000000-0000-4000-8000-00000000000" + strconv.Itoa(i+1), Region: cp.Region,
					ControlPlaneID: cp.ID, Name: &name, Protocol: "http", Host: "example.com", Port: 80,
					Enabled: true, Tags: tagged[name], CreatedAt: int64(i + 1), UpdatedAt: int64(i + 1)}
				if err := tx.PutService(ctx, svc); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			filter KongFilter
			want   []string
		}{
			{KongFilter{Tags: []string{"a"}}, []string{"s1", "s4"}},
			{KongFilter{Tags: []string{"a", "b"}}, []string{"s1"}},
			{KongFilter{AnyTags: []string{"b", "c"}}, []string{"s1", "s2", "s4"}},
			{KongFilter{Tags: []string{"z"}}, nil},
		}
		for _, tt := range tests {
			var got []string
			err := s.View(ctx, func(tx *Tx) error {
				services, _, err := tx.ListServices(ctx, cp.Region, cp.ID, tt.filter, KongPage{Size: 100})
				for _, svc := range services {
					got = append(got, *svc.Name)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("tags %v, any %v: %v, want %v", tt.filter.Tags, tt.filter.AnyTags, got, tt.want)
			}
		}
	})
}

// A write that a unique constraint refuses is ErrConflict, whichever database refused it.
func TestUniqueViolationIsConflict(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.WithTx(ctx, func(tx *Tx) error { return tx.InsertPortal(ctx, testPortal(1, "same")) }); err != nil {
			t.Fatal(err)
		}
		err := s.WithTx(ctx, func(tx *Tx) error { return tx.InsertPortal(ctx, testPortal(2, "same")) })
		if !errors.Is(err, ErrConflict) {
			t.Errorf("second portal named same: %v, want ErrConflict", err)
		}
	})
}

// Both databases' refusals are told apart the same way: a duplicate from a dangling reference.
func TestConstraintViolationsAreClassified(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.WithTx(ctx, func(tx *Tx) error { return tx.InsertPortal(ctx, testPortal(1, "taken")) }); err != nil {
			t.Fatal(err)
		}
		duplicate := s.WithTx(ctx, func(tx *Tx) error {
			return tx.exec(ctx, "duplicate", `INSERT INTO admin_tokens (id, token_hash, created_at) VALUES ('a', 'h', 'x'), ('b', 'h', 'x')`)
		})
		dangling := s.WithTx(ctx, func(tx *Tx) error {
			return tx.exec(ctx, "dangling", `UPDATE portals SET default_application_auth_strategy_id = 'missing'`)
		})
		for _, tt := range []struct {
			name              string
			err               error
			unique, reference bool
		}{
			{"duplicate token hash", duplicate, true, false},
			{"missing auth strategy", dangling, false, true},
		} {
			if tt.err == nil || isUniqueViolation(tt.err) != tt.unique || isForeignKeyViolation(tt.err) != tt.reference {
				t.Errorf("%s: %v: unique %v, foreign key %v", tt.name, tt.err, isUniqueViolation(tt.err), isForeignKeyViolation(tt.err))
			}
		}
	})
}

// View reads one snapshot: a commit made while it runs is not half seen.
func TestViewReadsOneSnapshot(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		countPortals := func(tx *Tx) int {
			n, err := tx.count(ctx, "count", `SELECT COUNT(*) FROM portals`)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		err := s.View(ctx, func(tx *Tx) error {
			before := countPortals(tx)
			if err := s.WithTx(ctx, func(w *Tx) error { return w.InsertPortal(ctx, testPortal(1, "committed meanwhile")) }); err != nil {
				return err
			}
			if after := countPortals(tx); after != before {
				t.Errorf("one View counted %d portals, then %d", before, after)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.View(ctx, func(tx *Tx) error {
			if n := countPortals(tx); n != 1 {
				t.Errorf("a later View counts %d portals, want 1", n)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	})
}

// increments runs n concurrent read-modify-write transactions, each adding one to a counter kept
// in a portal's description, each made safe by lock, and returns the final count.
func increments(t *testing.T, s *Store, n int, lock func(ctx context.Context, tx *Tx, portalID string) error) int {
	t.Helper()
	ctx := context.Background()
	p := testPortal(1, "counter")
	zero := "0"
	p.Description = &zero
	if err := s.WithTx(ctx, func(tx *Tx) error { return tx.InsertPortal(ctx, p) }); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			errs <- s.WithTx(ctx, func(tx *Tx) error {
				if err := lock(ctx, tx, p.ID); err != nil {
					return err
				}
				var v string
				if err := tx.q.QueryRowContext(ctx, `SELECT description FROM portals WHERE id = $1`, p.ID).Scan(&v); err != nil {
					return err
				}
				count, err := strconv.Atoi(v)
				if err != nil {
					return err
				}
				return tx.exec(ctx, "count", `UPDATE portals SET description = $1 WHERE id = $2`, strconv.Itoa(count+1), p.ID)
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var final string
	if err := s.db.QueryRowContext(ctx, `SELECT description FROM portals WHERE id = $1`, p.ID).Scan(&final); err != nil {
		t.Fatal(err)
	}
	count, err := strconv.Atoi(final)
	if err != nil {
		t.Fatal(err)
	}
	return count
}

func TestLockRowsSerialisesReadModifyWrite(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		const n = 16
		got := increments(t, s, n, func(ctx context.Context, tx *Tx, portalID string) error {
			locked, err := tx.LockRows(ctx, "portals", "id", portalID, portalID)
			if err == nil && locked != 1 {
				t.Errorf("LockRows locked %d rows, want 1", locked)
			}
			return err
		})
		if got != n {
			t.Errorf("%d increments under LockRows counted %d", n, got)
		}
	})
}

func TestLockForUpdateSerialisesReadModifyWrite(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		const n = 16
		got := increments(t, s, n, func(ctx context.Context, tx *Tx, portalID string) error {
			return tx.LockForUpdate(ctx, LockedPortals, portalID)
		})
		if got != n {
			t.Errorf("%d increments under LockForUpdate counted %d", n, got)
		}
	})
}

// Locking an object that does not exist, or an id no row can hold, locks nothing and leaves the
// transaction usable: the load that follows answers ErrNotFound.
func TestLockForUpdateOfAMissingObject(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for _, id := range []string{"00000000-0000-4000-8000-000000000000", "nul\x00id"} {
			err := s.WithTx(ctx, func(tx *Tx) error {
				if err := tx.LockForUpdate(ctx, LockedPortals, id); err != nil {
					return err
				}
				_, err := tx.GetPortal(ctx, "us", id)
				return err
			})
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("locking and loading the missing portal %q: %v, want ErrNotFound", id, err)
			}
		}
	})
}

func TestLockKeySerialisesReadModifyWrite(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		const n = 16
		got := increments(t, s, n, func(ctx context.Context, tx *Tx, portalID string) error {
			return tx.LockKey(ctx, "counter:"+portalID, "another key")
		})
		if got != n {
			t.Errorf("%d increments under LockKey counted %d", n, got)
		}
	})
}

// Two serializable transactions that read and then write one row collide on PostgreSQL; the one
// that fails runs again and both increments count. (SQLite's writers never collide.)
func TestSerializableTxRetriesCollisions(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		if s.dialect != postgresDialect {
			t.Skip("SQLite runs one write transaction at a time: nothing collides")
		}
		ctx := context.Background()
		p := testPortal(1, "counter")
		zero := "0"
		p.Description = &zero
		if err := s.WithTx(ctx, func(tx *Tx) error { return tx.InsertPortal(ctx, p) }); err != nil {
			t.Fatal(err)
		}
		// Both first attempts read before either writes, so that one of them must fail.
		var bothRead sync.WaitGroup
		bothRead.Add(2)
		var attempts sync.Map
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range 2 {
			wg.Go(func() {
				errs[i] = s.WithSerializableTx(ctx, func(tx *Tx) error {
					var v string
					if err := tx.q.QueryRowContext(ctx, `SELECT description FROM portals WHERE id = $1`, p.ID).Scan(&v); err != nil {
						return err
					}
					if _, again := attempts.LoadOrStore(i, true); !again {
						bothRead.Done()
						waitGroupOrTimeout(t, &bothRead)
					}
					count, err := strconv.Atoi(v)
					if err != nil {
						return err
					}
					return tx.exec(ctx, "count", `UPDATE portals SET description = $1 WHERE id = $2`, strconv.Itoa(count+1), p.ID)
				})
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var final string
		if err := s.db.QueryRowContext(ctx, `SELECT description FROM portals WHERE id = $1`, p.ID).Scan(&final); err != nil {
			t.Fatal(err)
		}
		if final != "2" {
			t.Errorf("two serializable increments counted %s", final)
		}
	})
}

// waitGroupOrTimeout waits for wg, failing the test rather than hanging if it never finishes.
func waitGroupOrTimeout(t *testing.T, wg *sync.WaitGroup) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Error("the other transaction never read")
	}
}
