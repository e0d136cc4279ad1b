package cli

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runBackup runs `serve backup` with args and returns its exit code and output.
func runBackup(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = Serve(context.Background(), append([]string{"backup"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestBackupRefusals(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "dp.db")
	if code, _, stderr := runBackup("--db", db, "--to", filepath.Join(dir, "first.db")); code != 2 || !strings.Contains(stderr, "no database at "+db) {
		t.Fatalf("a missing database: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(db); err == nil {
		t.Errorf("backing up a missing database created %s", db)
	}
	t.Setenv(TokenEnv, "spat_Qm4Tz8Rw2Ky6Lp0Vn3Hd7Xs5Jb9Fc1Gt")
	start(t, "--db", db) // serves while the copies are taken
	taken := filepath.Join(dir, "taken.db")
	if err := os.WriteFile(taken, []byte("an earlier backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		say  string
	}{
		{"no --to", []string{"--db", db}, 2, "--to is required"},
		{"stray argument", []string{"--db", db, "--to", filepath.Join(dir, "x.db"), "extra"}, 2, "unexpected arguments: extra"},
		{"PostgreSQL", []string{"--db", "postgres://devportal@db.example/devportal", "--to", filepath.Join(dir, "x.db")}, 2, "pg_dump --format=custom"},
		{"PostgreSQL, the other scheme", []string{"--db", "postgresql://db.example/devportal", "--to", filepath.Join(dir, "x.db")}, 2, "pg_dump"},
		{"existing file", []string{"--db", db, "--to", taken}, 1, taken + " exists: choose another file, or add --force"},
		{"the database itself", []string{"--db", db, "--to", db, "--force"}, 1, "is a file of the database itself"},
		{"its write-ahead log", []string{"--db", db, "--to", db + "-wal", "--force"}, 1, "is a file of the database itself"},
		{"missing directory", []string{"--db", db, "--to", filepath.Join(dir, "none", "x.db")}, 1, "the directory " + filepath.Join(dir, "none") + " does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runBackup(tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.say) {
				t.Errorf("exit %d, stderr %q; want exit %d saying %q", code, stderr, tt.code, tt.say)
			}
		})
	}
	if b, err := os.ReadFile(taken); err != nil || string(b) != "an earlier backup" {
		t.Errorf("a refused backup changed %s: %q, %v", taken, b, err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*partial*")); len(leftovers) > 0 {
		t.Errorf("refused backups left %v", leftovers)
	}
}

func TestBackupWhileServing(t *testing.T) {
	const token = "spat_Qm4Tz8Rw2Ky6Lp0Vn3Hd7Xs5Jb9Fc1Gt"
	t.Setenv(TokenEnv, token)
	dir := t.TempDir()
	db := filepath.Join(dir, "dp.db")
	r := start(t, "--db", db)
	req, _ := http.NewRequest(http.MethodPost, r.url+"/v3/portals", strings.NewReader(`{"name":"copied"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()

	copyPath := filepath.Join(dir, "copy.db")
	code, stdout, stderr := runBackup("--db", db, "--to", copyPath)
	if code != 0 || !strings.Contains(stdout, "backup of "+db+" written to "+copyPath) {
		t.Fatalf("exit %d; stdout %q; stderr %q", code, stdout, stderr)
	}
	info, err := os.Stat(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("the copy has mode %o, want 0600", mode)
	}
	if code, _, stderr := runBackup("--db", db, "--to", copyPath, "--force"); code != 0 {
		t.Fatalf("--force: exit %d, %s", code, stderr)
	}
	if get(t, r.url+"/v3/portals", token) != http.StatusOK {
		t.Errorf("the server stopped answering after the backups")
	}

	r2 := start(t, "--db", copyPath, "--token-file", filepath.Join(dir, "copy-token"))
	if got := get(t, r2.url+"/v3/portals?filter[name]=copied", token); got != http.StatusOK {
		t.Fatalf("listing on the copy: %d", got)
	}
}
