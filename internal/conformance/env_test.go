package conformance

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestSpecsDir(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root %s has no go.mod: %v", root, err)
	}

	t.Setenv(EnvSpecsDir, "")
	if _, err := SpecsDir(); !errors.Is(err, ErrNoSpecs) {
		t.Errorf("unset: got %v, want ErrNoSpecs", err)
	}

	t.Setenv(EnvSpecsDir, "internal/conformance")
	if dir, err := SpecsDir(); err != nil || dir != filepath.Join(root, "internal", "conformance") {
		t.Errorf("relative: got %q, %v; want it resolved against %s", dir, err, root)
	}

	abs := t.TempDir()
	t.Setenv(EnvSpecsDir, abs)
	if dir, err := SpecsDir(); err != nil || dir != abs {
		t.Errorf("absolute: got %q, %v", dir, err)
	}

	t.Setenv(EnvSpecsDir, filepath.Join(abs, "absent"))
	if _, err := SpecsDir(); !errors.Is(err, ErrNoSpecs) {
		t.Errorf("absent directory: got %v, want ErrNoSpecs", err)
	}

	if _, err := Load(abs); err == nil {
		t.Error("Load of a directory without the documents succeeded")
	}
}
