package store

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestDatabaseFilesBelongToTheirOwner checks that a new database, its write-ahead log and its
// shared-memory file are readable by their owner only, and that a missing data directory is
// created for the owner only.
func TestDatabaseFilesBelongToTheirOwner(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data", "devportal")
	path := filepath.Join(dir, "dp.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	// A write while the store is open makes SQLite create the -wal and -shm files.
	if err := s.WithTx(ctx, func(tx *Tx) error {
		return tx.PutBootstrapAdminToken(ctx, "hash-of-a-token")
	}); err != nil {
		t.Fatal(err)
	}
	wantMode(t, dir, 0o700)
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		wantMode(t, name, 0o600)
	}
}

// TestExistingDatabaseFilesAreNarrowed checks that a database left readable by others, as an
// older version created it, is narrowed to its owner when opened, and that an existing directory
// keeps its mode.
func TestExistingDatabaseFilesAreNarrowed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "dp.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	if err := s.WithTx(ctx, func(tx *Tx) error {
		return tx.PutBootstrapAdminToken(ctx, "hash-of-another-token")
	}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		wantMode(t, name, 0o600)
	}
	wantMode(t, dir, 0o755)
}

func wantMode(t *testing.T, name string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s has mode %#o, want %#o", name, got, want)
	}
}
