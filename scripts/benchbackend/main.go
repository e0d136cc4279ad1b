// Command benchbackend is `make bench-backend`: a load generator for the bundled backend. It runs
// `serve` as a child process on loopback with a fresh database, seeds it through the admin API,
// and measures each case with its own HTTP/1.1 load loop (a fixed number of kept-alive
// connections, a warm-up, then a bounded measured window): requests per second, p50 and p99
// latency, the ratio to a trivial Go handler serving the same bytes (the ceiling), and the
// backend's resident memory.
//
//	benchbackend [-connections 8,32] [-duration 5s] [-warmup 1s] [-cases get,list,...]
//	             [-stores sqlite,postgres] [-pprof DIR] [-apis 1000] [-keys 10000]
//
// PostgreSQL is measured on the database DEVPORTAL_BENCH_POSTGRES names (an empty one), else on
// a throwaway server on the same machine (internal/pgtest) when its binaries are installed.
// With -pprof DIR the backend serves net/http/pprof on loopback and a CPU profile of every
// measured window is written to DIR.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// postgresEnv names the variable holding the URL of the PostgreSQL database to measure.
const postgresEnv = "DEVPORTAL_BENCH_POSTGRES"

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "serve-child":
			os.Exit(serveChild(os.Args[2:]))
		case "ceiling-child":
			os.Exit(ceilingChild(os.Args[2:]))
		}
	}
	o, err := parseOptions(os.Args[1:])
	if err == nil {
		err = run(o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchbackend:", err)
		os.Exit(1)
	}
}

// options are the flags of a run.
type options struct {
	connections       []int
	duration, warmup  time.Duration
	cases             []benchCase
	stores            []string
	work, pprofDir    string
	logLevel          string
	apis, keys, users int
}

func parseOptions(args []string) (options, error) {
	fs := flag.NewFlagSet("benchbackend", flag.ContinueOnError)
	var o options
	conns := fs.String("connections", "8,32", "connection counts, comma-separated")
	caseList := fs.String("cases", "all", "cases, comma-separated: "+caseKeys()+", or all")
	stores := fs.String("stores", "sqlite,postgres", "stores, comma-separated; postgres needs $"+postgresEnv+" or PostgreSQL's binaries")
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "measured time of each case at each connection count")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured time before each measured window")
	fs.StringVar(&o.work, "work", "", "work directory (database, logs); default a new one under /dev/shm or the temporary directory")
	fs.StringVar(&o.pprofDir, "pprof", "", "write a CPU profile of the backend for every measured window into this `directory`")
	fs.StringVar(&o.logLevel, "log-level", "warn", "the backend's --log-level; info logs a line per request")
	fs.IntVar(&o.apis, "apis", 1000, "APIs to seed; lists page through them 100 at a time")
	fs.IntVar(&o.keys, "keys", 10_000, "API keys of the gateway data's control plane")
	fs.IntVar(&o.users, "logins", 64, "developer accounts the login case signs in with, in turn")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	for s := range strings.SplitSeq(*conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 1024 {
			return o, fmt.Errorf("-connections %q: give counts between 1 and 1024, such as 8,32", *conns)
		}
		o.connections = append(o.connections, n)
	}
	for k := range strings.SplitSeq(*caseList, ",") {
		found := false
		for _, c := range cases {
			if k == "all" || k == c.key {
				o.cases, found = append(o.cases, c), true
			}
		}
		if !found {
			return o, fmt.Errorf("-cases: unknown case %q: use %s or all", k, caseKeys())
		}
	}
	for s := range strings.SplitSeq(*stores, ",") {
		switch s {
		case "sqlite":
			o.stores = append(o.stores, s)
		case "postgres":
			o.stores = append(o.stores, s)
		default:
			return o, fmt.Errorf("-stores: unknown store %q: use sqlite, postgres or both", s)
		}
	}
	switch {
	case o.duration <= 0 || o.warmup < 0:
		return o, errors.New("-duration must be positive and -warmup not negative")
	case o.apis < 100:
		return o, errors.New("-apis must be at least 100: the list case reads 100 at a time")
	case o.keys < 1 || o.users < 1:
		return o, errors.New("-keys and -logins must be at least 1")
	}
	return o, nil
}

func caseKeys() string {
	keys := make([]string, len(cases))
	for i, c := range cases {
		keys[i] = c.key
	}
	return strings.Join(keys, ", ")
}

// measured is one line of the report.
type measured struct {
	store string
	c     benchCase
	conns int
	r     result
}

func run(o options) error {
	if o.work == "" {
		parent := os.TempDir()
		if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
			parent = "/dev/shm" // the database waits on no disk shared with other work
		}
		dir, err := os.MkdirTemp(parent, "devportal-bench-backend-")
		if err != nil {
			return err
		}
		defer func() { _ = os.RemoveAll(dir) }()
		o.work = dir
	}
	if o.pprofDir != "" {
		if err := os.MkdirAll(o.pprofDir, 0o755); err != nil {
			return err
		}
	}
	fmt.Printf("benchbackend: %s, %d CPUs, %s per case after %s of warm-up, connections %v, work directory %s\n",
		runtime.Version(), runtime.NumCPU(), o.duration, o.warmup, o.connections, o.work)
	var (
		rows     []measured
		captured = map[string]map[string]capturedAnswer{}
		peaks    = map[string]float64{}
	)
	for _, st := range o.stores {
		r, peak, err := measureStore(o, st, captured)
		rows = append(rows, r...)
		peaks[st] = peak
		if errors.Is(err, pgtest.ErrNoBinaries) {
			fmt.Printf("    PostgreSQL is not measured: %v\n", err)
			continue
		}
		if err != nil {
			printReport(o, rows, peaks)
			return fmt.Errorf("%s: %w", st, err)
		}
	}
	for _, c := range o.cases {
		answers, ok := captured[c.key]
		if c.login || !ok {
			continue
		}
		r, err := measureCeiling(o, c, answers)
		rows = append(rows, r...)
		if err != nil {
			printReport(o, rows, peaks)
			return fmt.Errorf("ceiling of %s: %w", c.key, err)
		}
	}
	printReport(o, rows, peaks)
	return nil
}

// measureStore starts a backend on a fresh database of store st, seeds it and measures every
// case; the first answers of each case go into captured for the ceiling. It returns the rows and
// the backend's peak resident memory over its whole life, seeding included.
func measureStore(o options, st string, captured map[string]map[string]capturedAnswer) ([]measured, float64, error) {
	dir := filepath.Join(o.work, st)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, 0, err
	}
	db := filepath.Join(dir, "devportal.db")
	if st == "postgres" {
		url, stop, err := postgresDatabase(dir)
		if err != nil {
			return nil, 0, err
		}
		defer stop()
		db = url
	}
	token, err := core.GenerateAdminToken()
	if err != nil {
		return nil, 0, err
	}
	args := []string{"serve-child"}
	if o.pprofDir != "" {
		args = append(args, "--pprof-listen", "127.0.0.1:0")
	}
	args = append(args, "--", "--listen", "127.0.0.1:0", "--db", db, "--token-file", filepath.Join(dir, "admin-token"),
		"--log-level", o.logLevel, "--trusted-proxy", "127.0.0.1")
	fmt.Printf("==> %s: starting the backend (log in %s)\n", st, filepath.Join(dir, "backend.log"))
	ch, err := startChild(args, []string{"DEVPORTAL_ADMIN_TOKEN=" + token}, filepath.Join(dir, "backend.log"), o.pprofDir != "", time.Minute)
	if err != nil {
		return nil, 0, err
	}
	pid := ch.cmd.Process.Pid
	var peak float64
	defer func() { ch.stop() }()

	ctx := context.Background()
	c, err := client.New(client.Config{ServerURL: "http://" + ch.addr, Token: token, UserAgent: "benchbackend"})
	if err != nil {
		return nil, 0, err
	}
	admin := []string{"Authorization: Bearer " + token}
	maxConns := slices.Max(o.connections)
	logins := 0
	if slices.ContainsFunc(o.cases, func(c benchCase) bool { return c.login }) {
		logins = o.users
	}
	start := time.Now()
	w, err := seed(ctx, c, ch.addr, admin, seedOptions{apis: o.apis, keys: o.keys, logins: logins, workers: 8, maxConns: maxConns})
	if err != nil {
		return nil, 0, fmt.Errorf("seeding: %w", err)
	}
	fmt.Printf("    seeded %d APIs, %d keys and %d developer accounts in %.1f s\n", o.apis, o.keys, logins, time.Since(start).Seconds())
	node := []string{"Authorization: Bearer " + w.nodeToken}
	var rows []measured
	for _, bc := range o.cases {
		o1 := bc.build(w, admin, node)
		sample := newConn(ch.addr)
		sample.capture = map[string]capturedAnswer{}
		err := o1(sample, 0, 0)
		sample.close()
		if err != nil {
			return rows, peak, fmt.Errorf("%s: %w", bc.key, err)
		}
		if _, seen := captured[bc.key]; !seen {
			captured[bc.key] = sample.capture
		}
		for _, n := range o.connections {
			profile := profileWindow(o, ch.pprof, fmt.Sprintf("%s-%s-%d.pprof", st, bc.key, n))
			r := runLoad(ch.addr, n, o.warmup, o.duration, o1, pid)
			if err := <-profile; err != nil {
				fmt.Println("    profile:", err)
			}
			rows = append(rows, measured{store: st, c: bc, conns: n, r: r})
			printProgress(st, bc, n, r)
		}
	}
	peak, _ = procStatusMB(pid, "VmHWM")
	return rows, peak, nil
}

// postgresDatabase returns the URL of an empty PostgreSQL database: $DEVPORTAL_BENCH_POSTGRES, or
// a new database on a server started in dir for this run, which stop stops.
func postgresDatabase(dir string) (url string, stop func(), err error) {
	if url := os.Getenv(postgresEnv); url != "" {
		return url, func() {}, nil
	}
	ctx := context.Background()
	// TCP on loopback, as the SQLite backend's clients use: the comparison includes the same
	// network stack on both sides of the backend.
	inst, err := pgtest.Start(ctx, pgtest.Options{TCP: true})
	if errors.Is(err, pgtest.ErrNoBinaries) {
		return "", nil, fmt.Errorf("%w; or set %s to the URL of an empty database", err, postgresEnv)
	}
	if err != nil {
		return "", nil, err
	}
	url, _, err = pgtest.CreateDatabase(ctx, inst.URL(), "bench")
	if err != nil {
		return "", nil, errors.Join(err, inst.Stop())
	}
	fmt.Printf("    PostgreSQL started for this run in %s\n", inst.Dir())
	return url, func() { _ = inst.Stop() }, nil
}

// profileWindow fetches a CPU profile of the backend over the coming measured window into
// o.pprofDir/name; the channel reports when it is written. Without -pprof it does nothing.
func profileWindow(o options, pprofAddr, name string) <-chan error {
	done := make(chan error, 1)
	if o.pprofDir == "" || pprofAddr == "" {
		done <- nil
		return done
	}
	go func() {
		time.Sleep(o.warmup)
		secs := max(1, int(o.duration.Seconds()))
		res, err := (&http.Client{Timeout: o.duration + time.Minute}).Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", pprofAddr, secs))
		if err != nil {
			done <- err
			return
		}
		defer func() { _ = res.Body.Close() }()
		f, err := os.Create(filepath.Join(o.pprofDir, name))
		if err != nil {
			done <- err
			return
		}
		_, err = io.Copy(f, res.Body)
		done <- errors.Join(err, f.Close())
	}()
	return done
}

// measureCeiling serves the captured answers of case c from a trivial handler in a child process
// and measures it like the backend.
func measureCeiling(o options, c benchCase, answers map[string]capturedAnswer) ([]measured, error) {
	file := filepath.Join(o.work, "ceiling-"+c.key+".json")
	b, err := json.Marshal(answers)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(file, b, 0o600); err != nil {
		return nil, err
	}
	ch, err := startChild([]string{"ceiling-child", "--answers", file}, nil, filepath.Join(o.work, "ceiling.log"), false, 30*time.Second)
	if err != nil {
		return nil, err
	}
	defer ch.stop()
	// The ceiling answers with the seeded ids of the backend's answers; the world only names paths.
	w := &world{apiIDs: []string{"ceiling"}, patchIDs: []string{"ceiling"}, controlPlaneID: "ceiling", loginEmails: []string{"ceiling"}}
	o1 := c.build(w, nil, nil)
	var rows []measured
	for _, n := range o.connections {
		r := runLoad(ch.addr, n, o.warmup, o.duration, o1, ch.cmd.Process.Pid)
		rows = append(rows, measured{store: "ceiling", c: c, conns: n, r: r})
		printProgress("ceiling", c, n, r)
	}
	return rows, nil
}

func printProgress(store string, c benchCase, conns int, r result) {
	line := fmt.Sprintf("    %-8s %-38s %3d conns  %9.0f/s  p50 %-9s p99 %-9s RSS %.0f MB", store, c.title, conns, r.perSecond(),
		ms(r.p50), ms(r.p99), r.rssMB)
	if r.errors > 0 {
		line += fmt.Sprintf("  %d errors, first: %s", r.errors, r.firstErr)
	}
	fmt.Println(line)
}

// printReport prints the table of every measured row, each with its ratio to the ceiling of the
// same case and connection count.
func printReport(o options, rows []measured, peaks map[string]float64) {
	ceiling := map[string]float64{}
	for _, m := range rows {
		if m.store == "ceiling" {
			ceiling[fmt.Sprint(m.c.key, m.conns)] = m.r.perSecond()
		}
	}
	fmt.Println()
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "store\tcase\tconns\tops/s\tp50\tp99\tof ceiling\tRSS MB\terrors")
	for _, login := range []bool{false, true} {
		for _, m := range rows {
			if m.c.login != login {
				continue
			}
			ratio := "-"
			if c := ceiling[fmt.Sprint(m.c.key, m.conns)]; c > 0 && m.store != "ceiling" {
				ratio = fmt.Sprintf("%.2f", m.r.perSecond()/c)
			}
			rss := "-"
			if m.store != "ceiling" {
				rss = fmt.Sprintf("%.0f", m.r.rssMB)
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%.0f\t%s\t%s\t%s\t%s\t%d\n", m.store, m.c.title, m.conns, m.r.perSecond(), ms(m.r.p50), ms(m.r.p99), ratio, rss, m.r.errors)
		}
	}
	_ = tw.Flush()
	for _, st := range o.stores {
		if p, ok := peaks[st]; ok && p > 0 {
			fmt.Printf("peak RSS of the %s backend over the whole run, seeding included: %.0f MB\n", st, p)
		}
	}
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64) + " ms"
}
