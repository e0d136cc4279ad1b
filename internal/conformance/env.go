package conformance

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// EnvSpecsDir names the environment variable holding the directory of the Konnect documents.
// A relative value is taken from the module root, as CI sets it.
const EnvSpecsDir = "KONNECT_SPECS_DIR"

// ErrNoSpecs reports that the Konnect documents are not available to this run.
var ErrNoSpecs = errors.New("Konnect OpenAPI documents unavailable") //nolint:staticcheck // ST1005: Konnect is a proper noun

// SpecsDir returns the absolute directory named by KONNECT_SPECS_DIR, or an error wrapping
// ErrNoSpecs that says why the documents cannot be used.
func SpecsDir() (string, error) {
	dir := os.Getenv(EnvSpecsDir)
	if dir == "" {
		return "", fmt.Errorf("%w: %s is not set", ErrNoSpecs, EnvSpecsDir)
	}
	if !filepath.IsAbs(dir) {
		root, err := moduleRoot()
		if err != nil {
			return "", fmt.Errorf("%w: resolving %s=%q: %w", ErrNoSpecs, EnvSpecsDir, dir, err)
		}
		dir = filepath.Join(root, dir)
	}
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		return "", fmt.Errorf("%w: %s=%q is not a directory", ErrNoSpecs, EnvSpecsDir, dir)
	}
	return dir, nil
}

// SpecsDirFromEnv returns the directory of the Konnect documents, or skips t saying why not.
func SpecsDirFromEnv(t testing.TB) string {
	t.Helper()
	dir, err := SpecsDir()
	if err != nil {
		t.Skipf("skipping conformance checks: %v", err)
	}
	return dir
}

// loaded caches documents per directory: loading all five takes a noticeable fraction of a second.
var loaded sync.Map // dir -> func() (*Specs, error)

// SpecsFromEnv returns the documents of SpecsDirFromEnv, loaded once per process; it skips t when
// they are unavailable and fails it when they do not load.
func SpecsFromEnv(t testing.TB) *Specs {
	t.Helper()
	dir := SpecsDirFromEnv(t)
	specs, err := LoadCached(dir)
	if err != nil {
		t.Fatalf("loading Konnect documents: %v", err)
	}
	return specs
}

// LoadCached is Load, done once per directory for the life of the process.
func LoadCached(dir string) (*Specs, error) {
	once, _ := loaded.LoadOrStore(dir, sync.OnceValues(func() (*Specs, error) { return Load(dir) }))
	return once.(func() (*Specs, error))()
}

// moduleRoot finds the directory holding go.mod, starting from the working directory that
// go test gives each package.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
