// Package web is the portal website: the HTML front end that the backend serves on each portal's
// own domain (core.Portal.DefaultDomain, any port). It calls the same operations as the developer
// JSON API, which keeps its /api/v3 paths on that origin, and renders server-side with
// html/template; pages work without JavaScript.
//
// Conventions for page handlers:
//   - a handler is a method of *Site registered in routes(); it receives the request's *viewer
//     (portal, signed-in developer, CSRF token) and returns an error, which becomes the HTML
//     error page (errNotFound → 404; anything else is logged and shown as a 500 without details);
//   - s.render(w, r, v, status, "dir/name.html", title, data) executes the template file
//     templates/dir/name.html, which defines "content" (and may define "head"), inside the base
//     layout (templates/layout/base.html); the data reaches the template as .Data, the viewer as
//     .Viewer;
//   - every form carries {{template "csrf" .}}; POST handlers are registered with s.post, which
//     checks the token before the handler runs.
package web
