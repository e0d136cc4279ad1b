package httpapi

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"
)

// ServeHTTP serves one request with an access log entry and panic recovery around it. The entry
// names method, path (never the query, which may carry tokens), status, duration and region;
// headers, cookies and bodies stay out of the log because they carry credentials.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	securityHeaders(w)
	rw := &statusWriter{ResponseWriter: w}
	region, _, _ := a.regionOfPath(r.URL.Path)
	if hostRegion, ok := regionOfHost(r.Host); ok {
		region = hostRegion // as serve decides, so that the log names the region that answered
	}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler { //nolint:errorlint // a panic value, matched by identity as net/http does
				panic(p) // the handler asked net/http to drop the connection
			}
			instance := traceID()
			a.log.ErrorContext(r.Context(), "panic serving request", "method", r.Method, "path", r.URL.Path,
				"instance", instance, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if rw.status == 0 {
				writeProblemInstance(rw, http.StatusInternalServerError, instance, internalErrorDetail, nil)
			}
		}
		status := rw.status
		if status == 0 {
			status = http.StatusOK
		}
		a.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", status),
			slog.Duration("duration", time.Since(start)),
			slog.String("region", region))
	}()
	a.serve(rw, r)
}

// statusWriter remembers the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(status int) {
	if s.status == 0 && status >= 200 {
		s.status = status
	}
	s.ResponseWriter.WriteHeader(status)
}

func (s *statusWriter) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer (flushing, deadlines).
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
