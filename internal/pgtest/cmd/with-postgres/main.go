// Command with-postgres runs a command beside a throwaway PostgreSQL server, with
// DEVPORTAL_TEST_POSTGRES set to the server's URL so that every test binary the command runs
// creates its databases there instead of starting a server of its own, and stops the server when
// the command ends. It exits with the command's status.
//
//	go run ./internal/pgtest/cmd/with-postgres go test ./internal/backend/...
//
// Where DEVPORTAL_TEST_POSTGRES is already set, it runs the command against that server. Where
// no PostgreSQL binaries are installed, it says so and exits 0 without running the command, or 1
// when the CI variable is set.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: with-postgres COMMAND [ARG...]")
		return 2
	}
	if os.Getenv(pgtest.EnvServer) == "" {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		in, err := pgtest.Start(ctx, pgtest.Options{MaxConnections: 800})
		cancel()
		if errors.Is(err, pgtest.ErrNoBinaries) && os.Getenv("CI") == "" {
			fmt.Fprintf(os.Stderr, "with-postgres: skipping %q: %v\n", args, err)
			return 0
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "with-postgres:", err)
			return 1
		}
		defer func() {
			if err := in.Stop(); err != nil {
				fmt.Fprintln(os.Stderr, "with-postgres:", err)
			}
		}()
		if err := os.Setenv(pgtest.EnvServer, in.URL()); err != nil {
			fmt.Fprintln(os.Stderr, "with-postgres:", err)
			return 1
		}
		fmt.Fprintf(os.Stderr, "with-postgres: PostgreSQL serves in %s (log: postgres.log)\n", in.Dir())
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// An interrupt at the terminal reaches the command through the process group; this process
	// outlives it to stop the server.
	signal.Ignore(syscall.SIGINT)
	terms := make(chan os.Signal, 1)
	signal.Notify(terms, syscall.SIGTERM, syscall.SIGHUP)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "with-postgres:", err)
		return 127
	}
	go func() {
		for sig := range terms {
			_ = cmd.Process.Signal(sig)
		}
	}()
	err := cmd.Wait()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		return exit.ExitCode()
	default:
		fmt.Fprintln(os.Stderr, "with-postgres:", err)
		return 1
	}
}
