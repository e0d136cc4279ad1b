//go:build cpuprofile

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

// startProfile writes a CPU profile of this provider process to DEVPORTAL_CPUPROFILE_DIR, one file
// per process, when that variable names a directory; it answers the function that ends the
// profile and also writes the process's heap profile there. Only builds with the cpuprofile tag have it: scripts/bench.sh with PROFILE set.
func startProfile() (stop func()) {
	dir := os.Getenv("DEVPORTAL_CPUPROFILE_DIR")
	if dir == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("provider-%d.pprof", os.Getpid())))
	if err != nil {
		fmt.Fprintf(os.Stderr, "cpu profile: %v\n", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "cpu profile: %v\n", err)
		_ = f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
		// What stays reachable once every request is served.
		runtime.GC()
		if h, err := os.Create(filepath.Join(dir, fmt.Sprintf("provider-%d.heap.pprof", os.Getpid()))); err == nil {
			_ = pprof.Lookup("heap").WriteTo(h, 0)
			_ = h.Close()
		}
	}
}
