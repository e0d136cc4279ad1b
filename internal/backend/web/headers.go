package web

import "net/http"

// contentSecurityPolicy allows only this origin's scripts, styles and images (and data: images),
// so that nothing a page's content smuggles in can run; no page has inline script or style.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

// setSecurityHeaders sets the headers every response of the website carries.
func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
}

// noReferrer keeps a page's address out of the Referer of every request it leads to: for pages
// whose URL carries a token (e-mail verification, password reset).
func noReferrer(w http.ResponseWriter) { w.Header().Set("Referrer-Policy", "no-referrer") }

// noStore keeps a response out of every cache: for pages that show a secret once.
func noStore(w http.ResponseWriter) { w.Header().Set("Cache-Control", "no-store") }
