package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
)

//go:embed templates
var templateFS embed.FS

// layoutDir holds the base layout and the partials every page may use.
const layoutDir = "templates/layout"

// page is one response rendered from a template.
type page struct {
	// Name is the template file under templates/, "public/home.html".
	Name string
	// Title is the document title, before the portal's name.
	Title string
	// Description is the page's summary for search engines and link previews; empty means the
	// portal's description.
	Description string
	// Status is the HTTP status; zero means 200.
	Status int
	// Notice is a success message shown at the top of the main content (#notice).
	Notice string
	// Data reaches the template as .Data.
	Data any
}

// pageView is what a page template executes with.
type pageView struct {
	Viewer      *viewer
	Title       string
	Description string
	Notice      string
	Chrome      chrome
	Data        any
}

// parsePages parses each page template of templates/<dir>/<name>.html (layout excepted) together
// with the layout's files, keyed by "<dir>/<name>.html".
func parsePages(assets *assetSet) (map[string]*template.Template, error) {
	funcs := templateFuncs(assets)
	funcs["date"] = func(t time.Time) string { return t.UTC().Format("2 January 2006") }
	funcs["datetime"] = func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	funcs["lower"] = strings.ToLower
	base, err := template.New("base").Funcs(funcs).ParseFS(templateFS, layoutDir+"/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: layout templates: %w", err)
	}
	pages := map[string]*template.Template{}
	err = fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".html" || path.Dir(p) == layoutDir {
			return err
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, p)
		if err != nil {
			return fmt.Errorf("web: template %s: %w", p, err)
		}
		pages[strings.TrimPrefix(p, "templates/")] = t
		return nil
	})
	return pages, err
}

// render writes p inside the base layout. The page is executed into a buffer first, so that a
// template failure becomes a clean error page rather than half a page.
func (s *Site) render(w http.ResponseWriter, r *http.Request, p page) error {
	t, ok := s.pages[p.Name]
	if !ok {
		return fmt.Errorf("web: no template %s", p.Name)
	}
	v := viewerOf(r)
	view := pageView{Viewer: v, Title: p.Title, Description: p.Description, Notice: p.Notice, Data: p.Data}
	if v != nil {
		view.Chrome = s.chrome(r, v)
		if view.Description == "" && v.Portal.Description != nil {
			view.Description = *v.Portal.Description
		}
	}
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer releaseBuffer(buf)
	if err := t.ExecuteTemplate(buf, "base.html", view); err != nil {
		return fmt.Errorf("web: render %s: %w", p.Name, err)
	}
	status := p.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", fmt.Sprint(buf.Len()))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
	return nil
}

// renderBuffers are reused between pages: an API page with a large reference is close to a
// megabyte, which would otherwise be allocated, and grown, on every view.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer is the largest buffer kept for reuse, so that one huge page does not pin its
// memory.
const maxPooledBuffer = 4 << 20

func releaseBuffer(buf *bytes.Buffer) {
	if buf.Cap() > maxPooledBuffer {
		return
	}
	buf.Reset()
	renderBuffers.Put(buf)
}

// handlerFunc serves one page; a returned error becomes the matching error page.
type handlerFunc func(w http.ResponseWriter, r *http.Request, v *viewer) error

// handle registers a page handler on the site's mux.
func (s *Site) handle(pattern string, h handlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		v := viewerOf(r)
		if err := h(w, r, v); err != nil {
			s.fail(w, r, v, err)
		}
	})
}

// maxFormBytes bounds a posted form; the site's forms hold a few short fields.
const maxFormBytes = 64 << 10

// post registers a form handler: the body is bounded and parsed, and the CSRF token checked,
// before h runs.
func (s *Site) post(pattern string, h handlerFunc) {
	s.handle(pattern, func(w http.ResponseWriter, r *http.Request, v *viewer) error {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			return &pageError{status: http.StatusBadRequest, message: "The form could not be read: reload the page and send it again."}
		}
		if err := s.checkCSRF(r, v); err != nil {
			return &pageError{status: http.StatusForbidden, message: "This form has expired or was not sent from this site's pages: reload the page and send it again."}
		}
		return h(w, r, v)
	})
}

// pageError is a refusal shown as an error page with its own status and sentence.
type pageError struct {
	status  int
	message string
}

func (e *pageError) Error() string { return e.message }

// errorView is the data of the error page.
type errorView struct {
	Status  int
	Heading string
	Message string
	// Login offers the login link: the page needs a signed-in developer. Next is the page to
	// come back to after logging in.
	Login bool
	Next  string
}

// fail answers with the error page that err calls for. Internal failures are logged and shown
// without details.
func (s *Site) fail(w http.ResponseWriter, r *http.Request, v *viewer, err error) {
	var pe *pageError
	var se *service.Error
	switch {
	case errors.Is(err, errNotFound):
		s.notFound(w, r)
	case errors.As(err, &pe):
		s.errorPage(w, r, errorView{Status: pe.status, Heading: http.StatusText(pe.status), Message: pe.message})
	case errors.As(err, &se) && se.Kind != service.Internal:
		s.serviceError(w, r, v, se)
	default:
		s.serverError(w, r, v, err)
	}
}

// serviceError shows a refusal of an operation as a page.
func (s *Site) serviceError(w http.ResponseWriter, r *http.Request, v *viewer, se *service.Error) {
	ev := errorView{Message: se.Detail}
	switch se.Kind {
	case service.NotFound:
		s.notFound(w, r)
		return
	case service.Unauthenticated:
		ev.Status, ev.Heading, ev.Login = http.StatusUnauthorized, "Please log in", v != nil && v.Accounts()
	case service.Forbidden:
		ev.Status, ev.Heading = http.StatusForbidden, "Not allowed"
	case service.TooManyRequests:
		ev.Status, ev.Heading = http.StatusTooManyRequests, "Too many requests"
		if se.RetryAfter > 0 {
			w.Header().Set("Retry-After", fmt.Sprint(int(se.RetryAfter.Seconds()+0.5)))
		}
	case service.Conflict:
		ev.Status, ev.Heading = http.StatusConflict, "Conflict"
	default:
		ev.Status, ev.Heading = http.StatusBadRequest, "Cannot do that"
	}
	s.errorPage(w, r, ev)
}

// notFound answers with the 404 page.
func (s *Site) notFound(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, errorView{Status: http.StatusNotFound, Heading: "Page not found",
		Message: "There is no page at this address. Check the link, or start again from the home page."})
}

// serverError logs err and answers with the 500 page, which says nothing of the cause.
func (s *Site) serverError(w http.ResponseWriter, r *http.Request, v *viewer, err error) {
	s.log.ErrorContext(r.Context(), "website request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	_ = v
	s.errorPage(w, r, errorView{Status: http.StatusInternalServerError, Heading: "Something went wrong",
		Message: "The page could not be shown because of a problem on our side. Try again in a moment."})
}

// errorPage renders the error page, falling back to plain text when even that fails (or when no
// viewer exists, before the portal is known).
func (s *Site) errorPage(w http.ResponseWriter, r *http.Request, ev errorView) {
	setSecurityHeaders(w.Header())
	if viewerOf(r) != nil {
		if err := s.render(w, r, page{Name: "errors/error.html", Title: ev.Heading, Status: ev.Status, Data: ev}); err == nil {
			return
		} else {
			s.log.ErrorContext(r.Context(), "website error page failed", "error", err)
		}
	}
	http.Error(w, ev.Message, ev.Status)
}
