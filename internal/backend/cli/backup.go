package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// backup runs `serve backup`: a consistent copy of a SQLite database, taken while the backend may
// be serving from it. It returns the process exit code: 0 when the copy is written, 2 for usage
// errors, 1 otherwise.
func backup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("serve backup", flag.ContinueOnError)
	flags.SetOutput(stderr)
	db := flags.String("db", "./devportal.db", "SQLite database `file` to copy, the one serve --db uses")
	to := flags.String("to", "", "`file` to write the copy to (mode 0600); required")
	force := flags.Bool("force", false, "replace the file given by --to when it exists")
	flags.Usage = func() {
		writeLine(stderr, "Usage: terraform-provider-devportal serve backup --to FILE [--db FILE] [--force]")
		writeLine(stderr, "\nWrites a consistent copy of the backend's SQLite database, also while serve runs on it.")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil {
		return 2
	}
	switch {
	case flags.NArg() > 0:
		writeLine(stderr, "serve backup: unexpected arguments:", strings.Join(flags.Args(), " "))
		return 2
	case *to == "":
		writeLine(stderr, "serve backup: --to is required: name the file to write the copy to, such as --to devportal-backup.db")
		return 2
	case store.IsPostgresURL(*db):
		writeLine(stderr, "serve backup: --db names a PostgreSQL database, which PostgreSQL's own tools copy consistently while "+
			"the backend serves: pg_dump --format=custom --file=devportal.dump 'postgres://...', and pg_restore --dbname='postgres://...' "+
			"devportal.dump into an empty database to restore it. serve backup copies SQLite databases.")
		return 2
	}
	// Opening a missing file would create an empty database and copy that.
	if _, err := os.Stat(strings.TrimPrefix(*db, "sqlite:")); errors.Is(err, fs.ErrNotExist) {
		writeLine(stderr, "serve backup: there is no database at "+*db+": give --db the file that serve --db uses")
		return 2
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		writeLine(stderr, "serve backup:", err)
		return 1
	}
	err = st.Backup(ctx, *to, *force)
	// The copy stands whatever closing says: closing only folds the write-ahead log into the
	// database file, which the serving process also does.
	if cerr := st.Close(); cerr != nil {
		writeLine(stderr, "serve backup: closing the database:", cerr)
	}
	if errors.Is(err, store.ErrBackupExists) {
		writeLine(stderr, "serve backup: "+*to+" exists: choose another file, or add --force to replace it")
		return 1
	}
	if err != nil {
		writeLine(stderr, "serve backup:", err)
		return 1
	}
	size := ""
	if info, err := os.Stat(*to); err == nil {
		size = fmt.Sprintf(" (%d bytes)", info.Size())
	}
	writeLine(stdout, "backup of "+*db+" written to "+*to+size)
	return 0
}
