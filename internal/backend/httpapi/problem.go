package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// problem is an application/problem+json body as Konnect sends it.
type problem struct {
	Status            int            `json:"status"`
	Title             string         `json:"title"`
	Type              string         `json:"type,omitempty"`
	Instance          string         `json:"instance"`
	Detail            string         `json:"detail"`
	InvalidParameters []invalidParam `json:"invalid_parameters,omitempty"`
}

// invalidParam is one item of invalid_parameters.
type invalidParam struct {
	Field   string   `json:"field"`
	Rule    string   `json:"rule,omitempty"`
	Reason  string   `json:"reason"`
	Source  string   `json:"source,omitempty"`
	Choices []string `json:"choices,omitempty"`
	Minimum *int     `json:"minimum,omitempty"`
	Maximum *int     `json:"maximum,omitempty"`
}

// httpError is an error with the status and detail the client should see.
type httpError struct {
	status int
	detail string
}

func (e *httpError) Error() string { return e.detail }

func errorf(status int, format string, args ...any) error {
	return &httpError{status: status, detail: fmt.Sprintf(format, args...)}
}

func notFound(kind, id string) error {
	return errorf(http.StatusNotFound, "%s %s not found in this region", kind, id)
}

// orNotFound turns the store's ErrNotFound into the 404 that names the object; other errors,
// and nil, pass unchanged.
func orNotFound(err error, kind, id string) error {
	if errors.Is(err, store.ErrNotFound) {
		return notFound(kind, id)
	}
	return err
}

// titles are the problem titles Konnect uses; validation failures are "Invalid Request".
var titles = map[int]string{
	http.StatusBadRequest:            "Invalid Request",
	http.StatusUnauthorized:          "Unauthorized",
	http.StatusForbidden:             "Forbidden",
	http.StatusNotFound:              "Not Found",
	http.StatusMethodNotAllowed:      "Method Not Allowed",
	http.StatusRequestTimeout:        "Request Timeout",
	http.StatusConflict:              "Conflict",
	http.StatusUnsupportedMediaType:  "Unsupported Media Type",
	http.StatusRequestEntityTooLarge: "Request Entity Too Large",
	http.StatusInternalServerError:   "Internal Server Error",
}

func traceID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "kong:trace:" + hex.EncodeToString(b[:])
}

// maxReportedViolations bounds invalid_parameters: a body with thousands of mistakes gets the
// first ones and their count, not an answer many times its own size.
const maxReportedViolations = 20

func writeProblem(w http.ResponseWriter, status int, detail string, vs []core.Violation) {
	writeProblemInstance(w, status, traceID(), detail, vs)
}

// writeProblemInstance is writeProblem with the instance id given, for answers that the log
// must be able to point at.
func writeProblemInstance(w http.ResponseWriter, status int, instance, detail string, vs []core.Violation) {
	title, ok := titles[status]
	if !ok {
		title = http.StatusText(status)
	}
	p := problem{
		Status:   status,
		Title:    title,
		Type:     fmt.Sprintf("https://httpstatuses.com/%d", status),
		Instance: instance,
		Detail:   detail,
	}
	if len(vs) > maxReportedViolations {
		p.Detail = fmt.Sprintf("%s: %d of %d listed, %d more not shown; correct these and send the request again to see the rest.",
			detail, maxReportedViolations, len(vs), len(vs)-maxReportedViolations)
		vs = vs[:maxReportedViolations]
	}
	for _, v := range vs {
		src := v.Source
		if src == "" {
			src = "body"
		}
		p.InvalidParameters = append(p.InvalidParameters, invalidParam{
			Field: v.Field, Rule: v.Rule, Reason: v.Reason, Source: src,
			Choices: v.Choices, Minimum: v.Minimum, Maximum: v.Maximum,
		})
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}

// writeError renders err; errors that are not client errors are logged and become a 500.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	err = fromService(err)
	var he *httpError
	var ve *core.ValidationError
	switch {
	case errors.As(err, &ve):
		writeProblem(w, http.StatusBadRequest, "Invalid Parameters", ve.Violations)
	case errors.As(err, &he):
		writeProblem(w, he.status, he.detail, nil)
	case errors.Is(err, store.ErrNotFound):
		writeProblem(w, http.StatusNotFound, "Not found", nil)
	case errors.Is(err, store.ErrConflict):
		// A write that collided twice with concurrent changes (store.WithTx runs it again once).
		writeProblem(w, http.StatusConflict, "The change collided with concurrent changes to the same objects: send it again.", nil)
	default:
		instance := traceID()
		a.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "instance", instance, "error", err)
		writeProblemInstance(w, http.StatusInternalServerError, instance, internalErrorDetail, nil)
	}
}

// internalErrorDetail is the detail of every 500: the cause is in the log, under the instance id.
const internalErrorDetail = "The server could not complete the request; see its log for the cause under this instance id."

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// respond ends a handler: it writes body as JSON with status, or, when the work that produced
// body failed, discards it and returns err for route to answer with a problem.
func respond(w http.ResponseWriter, err error, status int, body any) error {
	if err != nil {
		return err
	}
	writeJSON(w, status, body)
	return nil
}

// noContent ends a handler that answers 204 on success, as respond does for bodies.
func noContent(w http.ResponseWriter, err error) error {
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
