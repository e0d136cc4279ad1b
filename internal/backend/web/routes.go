package web

import "net/http"

// routes registers every path of the website (see the package documentation for the handler
// conventions).
func (s *Site) routes() {
	s.mux.HandleFunc("GET /assets/theme.css", s.serveTheme)
	s.mux.HandleFunc("GET /assets/{name}", s.serveAsset)
	s.mux.HandleFunc("GET /robots.txt", s.serveRobots)
	s.publicRoutes()
	s.accountRoutes()
	// Everything no route above takes: a page of the content tree for GET, 405 otherwise.
	s.handle("/", func(w http.ResponseWriter, r *http.Request, v *viewer) error {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			return &pageError{status: http.StatusMethodNotAllowed, message: "This address only shows a page; it takes no form."}
		}
		return s.contentPage(w, r, v)
	})
}

// publicRoutes registers what any visitor reads: the content pages and the API catalogue.
func (s *Site) publicRoutes() {
	s.handle("GET /{$}", s.home)
	s.handle("GET /apis", s.catalogue)
	s.handle("GET /apis/{slug}", s.apiPage)
	s.handle("GET /apis/{slug}/docs/{doc...}", s.apiDocument)
}
