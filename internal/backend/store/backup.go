package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrBackupExists is returned by Backup when the file to write exists and may not be replaced.
var ErrBackupExists = errors.New("the backup file exists")

// Backup writes a consistent copy of the database to path while the database stays in use:
// SQLite's VACUUM INTO reads it in one read transaction, so the copy is the database as of one
// commit, whatever other connections and processes write meanwhile, and it blocks none of them.
// The copy is written to a new file beside path (mode 0600: it holds password and key hashes)
// and moved onto path only once complete, so that path never holds half a copy. An existing path
// is refused with ErrBackupExists unless overwrite is set; the database itself is always refused.
func (s *Store) Backup(ctx context.Context, path string, overwrite bool) (err error) {
	if s.dialect != sqliteDialect {
		return errors.New("store: backup copies SQLite databases; copy a PostgreSQL database with pg_dump")
	}
	target, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	if err := s.refuseLiveFiles(ctx, target); err != nil {
		return err
	}
	if _, err := os.Lstat(target); err == nil && !overwrite {
		return fmt.Errorf("%w: %s", ErrBackupExists, target)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: backup to %s: %w", target, err)
	}
	dir := filepath.Dir(target)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return fmt.Errorf("store: backup: the directory %s does not exist; create it first or write the copy elsewhere", dir)
	}
	// VACUUM INTO writes into a file that is missing or empty; an empty one made here has the
	// mode the copy must have.
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".partial-*")
	if err != nil {
		return fmt.Errorf("store: backup to %s: %w", target, err)
	}
	tmpPath := tmp.Name()
	defer func() {
		if err != nil {
			_ = os.Remove(tmpPath)
		}
	}()
	if err := errors.Join(tmp.Chmod(0o600), tmp.Close()); err != nil {
		return fmt.Errorf("store: backup to %s: %w", target, err)
	}
	if _, err := s.db.ExecContext(ctx, "VACUUM INTO $1", tmpPath); err != nil {
		return fmt.Errorf("store: backup to %s: %w", target, err)
	}
	// VACUUM INTO does not flush the copy to disk; a backup must survive a crash just after it.
	if err := syncFile(tmpPath); err != nil {
		return fmt.Errorf("store: backup to %s: %w", target, err)
	}
	if overwrite {
		err = os.Rename(tmpPath, target)
	} else if err = os.Link(tmpPath, target); err == nil { // fails, unlike Rename, when target appeared meanwhile
		err = os.Remove(tmpPath)
	} else if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%w: %s", ErrBackupExists, target)
	}
	if err != nil {
		return fmt.Errorf("store: backup to %s: %w", target, err)
	}
	if err := syncFile(dir); err != nil {
		return fmt.Errorf("store: backup to %s: %w", target, err)
	}
	return nil
}

// refuseLiveFiles refuses a backup onto the database's own file or its -wal, -shm or -journal
// file, which --force would otherwise replace.
func (s *Store) refuseLiveFiles(ctx context.Context, target string) error {
	var seq int
	var name, live string
	if err := s.db.QueryRowContext(ctx, "PRAGMA database_list").Scan(&seq, &name, &live); err != nil {
		return fmt.Errorf("store: backup: finding the database's file: %w", err)
	}
	if live == "" {
		return nil // an in-memory database has no file to protect
	}
	targetInfo, terr := os.Stat(target)
	for _, file := range []string{live, live + "-wal", live + "-shm", live + "-journal"} {
		same := filepath.Clean(file) == target
		if info, err := os.Stat(file); err == nil && terr == nil && os.SameFile(info, targetInfo) {
			same = true
		}
		if same {
			return fmt.Errorf("store: backup: %s is a file of the database itself; write the copy to another file", target)
		}
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}
