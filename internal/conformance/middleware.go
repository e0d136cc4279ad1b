package conformance

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// Violation is one response that does not conform to the Konnect documents.
type Violation struct {
	Method string
	Path   string
	Status int
	Err    error
}

func (v Violation) String() string {
	return fmt.Sprintf("%s %s -> %d: %v", v.Method, v.Path, v.Status, v.Err)
}

// Recorder collects the outcome of every exchange checked by Middleware. It is safe for
// concurrent use.
type Recorder struct {
	mu         sync.Mutex
	checked    int
	violations []Violation
}

// Checked returns how many exchanges were validated against the documents (skipped ones excluded).
func (r *Recorder) Checked() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.checked
}

// Violations returns a copy of the violations recorded so far, in the order they happened.
func (r *Recorder) Violations() []Violation {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Violation(nil), r.violations...)
}

// Err returns nil when every checked response conformed, else an error listing each violation
// on its own line. It suits a TestMain, where there is no testing.TB to fail.
func (r *Recorder) Err() error {
	vs := r.Violations()
	if len(vs) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d checked responses do not conform to the Konnect documents:", len(vs), r.Checked())
	for _, v := range vs {
		b.WriteString("\n  ")
		b.WriteString(v.String())
	}
	return errors.New(b.String())
}

// Report fails t with the listing of Err when any response did not conform.
func (r *Recorder) Report(t testing.TB) {
	t.Helper()
	if err := r.Err(); err != nil {
		t.Error(err)
	}
}

func (r *Recorder) record(req *http.Request, status int, err error) {
	if errors.Is(err, ErrNotInSpec) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checked++
	if err != nil {
		r.violations = append(r.violations, Violation{Method: req.Method, Path: req.URL.Path, Status: status, Err: err})
	}
}

// Middleware wraps next so that every response it writes is checked against specs. The client
// still receives the response unchanged; outcomes go to the returned Recorder.
func Middleware(specs *Specs, next http.Handler) (http.Handler, *Recorder) {
	rec := &Recorder{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var reqBody []byte
		if r.Body != nil {
			var err error
			reqBody, err = io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, "reading request body: "+err.Error(), http.StatusBadRequest)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(reqBody))
		}
		// The handler may change the request it is given, so the check uses a copy taken first.
		orig := r.Clone(r.Context())

		cw := &capture{ResponseWriter: w}
		next.ServeHTTP(cw, r)
		status := cw.status
		if status == 0 {
			status = http.StatusOK
		}
		header := cw.header
		if header == nil {
			header = w.Header().Clone()
		}
		rec.record(orig, status, specs.CheckExchange(orig, reqBody, status, header, cw.body.Bytes()))
	})
	return h, rec
}

// capture passes a response through while keeping its status, headers and body.
type capture struct {
	http.ResponseWriter
	status int
	header http.Header // as sent: handlers may touch the map after the headers are written
	body   bytes.Buffer
}

func (c *capture) WriteHeader(status int) {
	if c.status == 0 && status >= 200 {
		c.status = status
		c.header = c.ResponseWriter.Header().Clone()
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *capture) Write(p []byte) (int, error) {
	if c.status == 0 {
		c.WriteHeader(http.StatusOK)
	}
	c.body.Write(p)
	return c.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer (flushing, deadlines).
func (c *capture) Unwrap() http.ResponseWriter {
	return c.ResponseWriter
}
