package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ioTimeout bounds every read and write of one request, so that a stalled server fails the run
// instead of hanging it.
const ioTimeout = 30 * time.Second

// conn is one kept-alive HTTP/1.1 connection of the load loop. It writes requests by hand and
// reads answers with http.ReadResponse: a full http.Client would spend more of the two shared
// cores than the server it measures.
type conn struct {
	addr string // host:port
	nc   net.Conn
	br   *bufio.Reader
	bw   *bufio.Writer
	body bytes.Buffer
	// capture, when set, records the first answer to each method, for the ceiling to replay.
	capture map[string]capturedAnswer
}

// capturedAnswer is an answer of the backend that the ceiling serves back byte for byte.
type capturedAnswer struct {
	Status      int    `json:"status"`
	ContentType string `json:"content_type"`
	Body        []byte `json:"body"`
}

func newConn(addr string) *conn { return &conn{addr: addr} }

func (c *conn) close() {
	if c.nc != nil {
		_ = c.nc.Close()
		c.nc = nil
	}
}

// do sends one request with the given extra header lines ("Name: value") and returns the status
// and the body, which stays valid until the next call.
func (c *conn) do(method, path string, header []string, body []byte) (int, []byte, error) {
	if c.nc == nil {
		nc, err := net.DialTimeout("tcp", c.addr, ioTimeout)
		if err != nil {
			return 0, nil, err
		}
		c.nc, c.br, c.bw = nc, bufio.NewReaderSize(nc, 32<<10), bufio.NewWriterSize(nc, 8<<10)
	}
	_ = c.nc.SetDeadline(time.Now().Add(ioTimeout))
	c.bw.WriteString(method)
	c.bw.WriteByte(' ')
	c.bw.WriteString(path)
	c.bw.WriteString(" HTTP/1.1\r\nHost: ")
	c.bw.WriteString(c.addr)
	c.bw.WriteString("\r\n")
	for _, h := range header {
		c.bw.WriteString(h)
		c.bw.WriteString("\r\n")
	}
	if body != nil {
		c.bw.WriteString("Content-Type: application/json\r\nContent-Length: ")
		c.bw.WriteString(strconv.Itoa(len(body)))
		c.bw.WriteString("\r\n")
	}
	c.bw.WriteString("\r\n")
	c.bw.Write(body)
	if err := c.bw.Flush(); err != nil {
		c.close()
		return 0, nil, err
	}
	res, err := http.ReadResponse(c.br, nil)
	if err != nil {
		c.close()
		return 0, nil, err
	}
	c.body.Reset()
	_, err = c.body.ReadFrom(res.Body)
	_ = res.Body.Close()
	if err != nil || res.Close {
		c.close()
	}
	if err != nil {
		return 0, nil, err
	}
	if c.capture != nil {
		if _, seen := c.capture[method]; !seen {
			c.capture[method] = capturedAnswer{Status: res.StatusCode, ContentType: res.Header.Get("Content-Type"), Body: bytes.Clone(c.body.Bytes())}
		}
	}
	return res.StatusCode, c.body.Bytes(), nil
}

// expect sends a request and fails unless the answer has status want.
func (c *conn) expect(want int, method, path string, header []string, body []byte) ([]byte, error) {
	status, out, err := c.do(method, path, header, body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if status != want {
		return nil, fmt.Errorf("%s %s: HTTP %d, expected %d: %.300s", method, path, status, want, out)
	}
	return out, nil
}

// op is one operation of a case, which may be several requests. worker numbers the connection
// from 0; n numbers the operations of a run, unique across its workers.
type op func(c *conn, worker int, n int64) error

// result is what one case measured at one connection count.
type result struct {
	ops      int
	seconds  float64
	p50, p99 time.Duration
	errors   int
	firstErr string
	rssMB    float64 // the backend's largest resident set while measuring; 0 when unknown
}

func (r result) perSecond() float64 {
	if r.seconds == 0 {
		return 0
	}
	return float64(r.ops) / r.seconds
}

// runLoad runs o on conns connections for warmup, then measures it for duration: operations that
// start in the measured window count, each one's latency from its first byte sent to its last
// byte read. pid, when not 0, is the process whose RSS is sampled meanwhile.
func runLoad(addr string, conns int, warmup, duration time.Duration, o op, pid int) result {
	var (
		counter  atomic.Int64
		mu       sync.Mutex
		all      []time.Duration
		errCount int
		firstErr string
		wg       sync.WaitGroup
	)
	start := time.Now()
	measureFrom, end := start.Add(warmup), start.Add(warmup+duration)
	for worker := range conns {
		wg.Go(func() {
			c := newConn(addr)
			defer c.close()
			lat := make([]time.Duration, 0, 1<<14)
			errs, first := 0, ""
			for {
				t0 := time.Now()
				if !t0.Before(end) {
					break
				}
				err := o(c, worker, counter.Add(1))
				if t0.Before(measureFrom) {
					continue
				}
				if err != nil {
					errs++
					if first == "" {
						first = err.Error()
					}
					// A refused operation may be answered at once; pause so that a broken case
					// does not spin.
					time.Sleep(time.Millisecond)
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			defer mu.Unlock()
			all = append(all, lat...)
			errCount += errs
			if firstErr == "" {
				firstErr = first
			}
		})
	}
	rss := make(chan float64, 1)
	stopRSS := make(chan struct{})
	go func() { rss <- sampleRSS(pid, measureFrom, stopRSS) }()
	wg.Wait()
	close(stopRSS)
	slices.Sort(all)
	r := result{ops: len(all), seconds: duration.Seconds(), errors: errCount, firstErr: firstErr, rssMB: <-rss}
	if len(all) > 0 {
		r.p50 = all[len(all)/2]
		r.p99 = all[min(len(all)-1, len(all)*99/100)]
	}
	return r
}

// sampleRSS returns the largest resident set of process pid, in MB, sampled every 50 ms from
// from until stop is closed; 0 when pid is 0 or /proc cannot tell.
func sampleRSS(pid int, from time.Time, stop <-chan struct{}) float64 {
	if pid == 0 {
		return 0
	}
	time.Sleep(time.Until(from))
	var peak float64
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		if mb, err := procStatusMB(pid, "VmRSS"); err == nil {
			peak = max(peak, mb)
		}
		select {
		case <-stop:
			return peak
		case <-t.C:
		}
	}
}

// procStatusMB reads one kB field of /proc/PID/status (VmRSS, VmHWM) in MB.
func procStatusMB(pid int, field string) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		rest, ok := strings.CutPrefix(line, field+":")
		if !ok {
			continue
		}
		kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
		if err != nil {
			return 0, err
		}
		return kb / 1024, nil
	}
	return 0, errors.New("no " + field + " in /proc status")
}
