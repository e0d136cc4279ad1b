package httpapi

import "net/http"

// noStore marks a response that carries a secret (a new API key, a token) so that no browser,
// proxy or client cache keeps a copy. Call it before the status is written.
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
}

// securityHeaders sets the headers every response carries: nosniff keeps browsers from reading
// a JSON or problem body as HTML or script.
func securityHeaders(w http.ResponseWriter) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
}
