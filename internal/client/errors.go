package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// APIError is an error response from the API (application/problem+json).
type APIError struct {
	StatusCode        int                `json:"status"`
	Title             string             `json:"title"`
	Type              string             `json:"type,omitempty"`
	Instance          string             `json:"instance"`
	Detail            string             `json:"detail"`
	InvalidParameters []InvalidParameter `json:"invalid_parameters,omitempty"`

	// Method and Path locate the failed request; they are not part of the body.
	Method string `json:"-"`
	Path   string `json:"-"`
}

// InvalidParameter names one rejected field of a request.
type InvalidParameter struct {
	Field  string `json:"field"`
	Rule   string `json:"rule,omitempty"`
	Source string `json:"source,omitempty"`
	Reason string `json:"reason"`
}

// Error returns the request, the status and the server's explanation.
func (e *APIError) Error() string {
	var b strings.Builder
	if e.Method != "" {
		fmt.Fprintf(&b, "%s %s: ", e.Method, e.Path)
	}
	title := e.Title
	if title == "" {
		title = http.StatusText(e.StatusCode)
	}
	fmt.Fprintf(&b, "%d %s", e.StatusCode, title)
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	for _, p := range e.InvalidParameters {
		fmt.Fprintf(&b, "; %s: %s", p.Field, p.Reason)
	}
	return b.String()
}

// DetailText returns the server's detail followed by each invalid parameter,
// for use in user-facing diagnostics.
func (e *APIError) DetailText() string {
	parts := make([]string, 0, 1+len(e.InvalidParameters))
	if e.Detail != "" {
		parts = append(parts, e.Detail)
	} else {
		parts = append(parts, fmt.Sprintf("%d %s", e.StatusCode, http.StatusText(e.StatusCode)))
	}
	for _, p := range e.InvalidParameters {
		parts = append(parts, fmt.Sprintf("%s: %s", p.Field, p.Reason))
	}
	return strings.Join(parts, "\n")
}

// IsNotFound reports whether err is an API error with status 404.
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsConflict reports whether err is an API error with status 409.
func IsConflict(err error) bool { return hasStatus(err, http.StatusConflict) }

// IsBadRequest reports whether err is an API error with status 400.
func IsBadRequest(err error) bool { return hasStatus(err, http.StatusBadRequest) }

func hasStatus(err error, status int) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}

// maxErrorBody bounds how much of a non-JSON error body ends up in an error.
const maxErrorBody = 512

// decodeAPIError builds an APIError from a failed response body. Bodies that are
// not problem documents still produce an error carrying the status and the text.
func decodeAPIError(method, path string, status int, body []byte) *APIError {
	apiErr := &APIError{}
	if err := json.Unmarshal(body, apiErr); err != nil || (apiErr.Title == "" && apiErr.Detail == "") {
		text := strings.TrimSpace(string(body))
		if len(text) > maxErrorBody {
			text = text[:maxErrorBody] + "…"
		}
		apiErr = &APIError{Detail: text}
	}
	apiErr.StatusCode = status
	apiErr.Method = method
	apiErr.Path = path
	return apiErr
}
