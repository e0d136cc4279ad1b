package web

import "net/http"

// theme returns the portal's theme; until portals have a customization, every portal has the
// default one.
func (s *Site) theme(_ *http.Request, _ *viewer) theme { return defaultTheme }
