// Package web is the portal website: the HTML front end that the backend serves on each portal's
// own domain (core.Portal.DefaultDomain, any port). It calls the same operations as the developer
// JSON API (package service), which keeps its /api/v3 paths on that origin, and renders
// server-side with html/template; pages work without JavaScript.
//
// Conventions for page handlers:
//   - a handler is a handlerFunc registered in routes() with s.handle, or with s.post for a form,
//     which bounds and parses the body and checks the CSRF token before the handler runs;
//   - it receives the request's *viewer (portal, signed-in developer, CSRF token) and returns an
//     error, which becomes the HTML error page: errNotFound or a service NotFound gives 404, a
//     *pageError its own status and sentence, other service refusals a page with their detail,
//     anything else is logged and shown as a 500 without details;
//   - s.render(w, r, page{Name: "dir/name.html", Title: ..., Data: ...}) executes the template
//     file templates/dir/name.html, which defines "content" (and may define "head"), inside the
//     base layout (templates/layout/base.html); the data reaches the template as .Data, the
//     viewer as .Viewer;
//   - every form carries {{template "csrf" .}}.
package web
