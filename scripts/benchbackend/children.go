package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	_ "net/http/pprof" // served by serve-child --pprof-listen only
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/cli"
)

// serveChild is the backend process: `serve` itself, with the profiler on a listener of its own
// when --pprof-listen is given. Arguments after "--" go to serve.
func serveChild(args []string) int {
	fs := flag.NewFlagSet("serve-child", flag.ExitOnError)
	pprofListen := fs.String("pprof-listen", "", "address of the profiler's listener; empty: no profiler")
	_ = fs.Parse(args)
	if *pprofListen != "" {
		l, err := net.Listen("tcp", *pprofListen)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchbackend serve-child:", err)
			return 1
		}
		fmt.Printf("pprof listening on http://%s\n", l.Addr())
		go func() { _ = http.Serve(l, http.DefaultServeMux) }() //nolint:gosec // loopback, the benchmark's own
	}
	return cli.Serve(context.Background(), fs.Args(), os.Stdout, os.Stderr)
}

// ceilingChild serves the captured answers of a case, by method, as fast as net/http can: the
// ceiling the backend is compared with.
func ceilingChild(args []string) int {
	fs := flag.NewFlagSet("ceiling-child", flag.ExitOnError)
	answersFile := fs.String("answers", "", "JSON file of the answers by method")
	_ = fs.Parse(args)
	b, err := os.ReadFile(*answersFile)
	var answers map[string]capturedAnswer
	if err == nil {
		err = json.Unmarshal(b, &answers)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchbackend ceiling-child:", err)
		return 1
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchbackend ceiling-child:", err)
		return 1
	}
	fmt.Printf("ceiling listening on http://%s\n", l.Addr())
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		a, ok := answers[r.Method]
		if !ok {
			http.Error(w, "no answer captured for "+r.Method, http.StatusMethodNotAllowed)
			return
		}
		if a.ContentType != "" {
			w.Header().Set("Content-Type", a.ContentType)
		}
		w.WriteHeader(a.Status)
		_, _ = w.Write(a.Body)
	})}
	if err := srv.Serve(l); err != nil {
		fmt.Fprintln(os.Stderr, "benchbackend ceiling-child:", err)
		return 1
	}
	return 0
}

// child is a running child process and the addresses it announced.
type child struct {
	cmd   *exec.Cmd
	addr  string // host:port of its HTTP listener
	pprof string // host:port of its profiler; "" without one
	done  chan error
}

// startChild runs this program again with args, its output appended to logFile, and waits (at
// most timeout) for the line announcing what it listens on ("... listening on http://ADDR");
// with wantPprof it also waits for the profiler's line.
func startChild(args, env []string, logFile string, wantPprof bool, timeout time.Duration) (*child, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	log, err := os.OpenFile(logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = log
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, errors.Join(err, log.Close())
	}
	if err := cmd.Start(); err != nil {
		return nil, errors.Join(err, log.Close())
	}
	c := &child{cmd: cmd, done: make(chan error, 1)}
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			fmt.Fprintln(log, sc.Text())
			select {
			case lines <- sc.Text():
			default: // nobody waits any more: the line is in the log
			}
		}
		close(lines)
		c.done <- cmd.Wait()
		_ = log.Close()
	}()
	deadline := time.After(timeout)
	for c.addr == "" || (wantPprof && c.pprof == "") {
		select {
		case line, ok := <-lines:
			if !ok {
				return nil, fmt.Errorf("%s exited before it listened; see %s", args[0], logFile)
			}
			_, url, found := strings.Cut(line, " listening on http://")
			switch {
			case !found:
			case strings.HasPrefix(line, "pprof "):
				c.pprof = url
			default:
				c.addr = url
			}
		case <-deadline:
			c.stop()
			return nil, fmt.Errorf("%s did not listen within %s; see %s", args[0], timeout, logFile)
		}
	}
	return c, nil
}

// stop asks the child to stop, killing it when it has not within 20 seconds.
func (c *child) stop() {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(20 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}
