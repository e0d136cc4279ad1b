package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// chrome is what the layout shows around every page: the site's navigation and footer, and the
// portal's theme.
type chrome struct {
	Nav    []navLink
	Footer []navLink
	// ThemeURL is the portal's theme stylesheet, versioned so that a change shows at once.
	ThemeURL string
	// Layout names the portal's layout choice, as a class of <body>: "layout-sidebar-left" or
	// "layout-sidebar-right".
	Layout string
}

// navLink is one link of a menu.
type navLink struct {
	Label string
	Href  string
	// Current marks the link of the page shown (aria-current="page").
	Current bool
	// External links leave the site; they open with rel="noopener".
	External bool
}

// theme is the portal's colours and layout, from its customization.
type theme struct {
	Primary, PrimaryText, Text, Background string
	Layout                                 string
	Version                                string
	Menu, Footer                           []navLink
}

// defaultTheme is the look of a portal without customization.
var defaultTheme = theme{Layout: "sidebar-left"}

// chrome returns the frame of the page r asks for.
func (s *Site) chrome(r *http.Request, v *viewer) chrome {
	th := s.theme(r, v)
	c := chrome{ThemeURL: "/assets/theme.css?v=" + th.Version, Layout: "layout-" + th.Layout}
	c.Nav = append(c.Nav, navLink{Label: "Home", Href: "/"}, navLink{Label: "APIs", Href: "/apis"})
	if v.SignedIn() {
		c.Nav = append(c.Nav, navLink{Label: "My applications", Href: "/apps"})
	}
	c.Nav = append(c.Nav, th.Menu...)
	c.Footer = th.Footer
	for i := range c.Nav {
		c.Nav[i].Current = isCurrent(r.URL.Path, c.Nav[i].Href)
	}
	return c
}

// isCurrent reports whether the link href leads to path or to a section containing it.
func isCurrent(path, href string) bool {
	if href == "/" {
		return path == "/"
	}
	return strings.HasPrefix(href, "/") && (path == href || strings.HasPrefix(path, href+"/"))
}

// cssColour matches the colour values a theme may set: #rgb, #rrggbb and #rrggbbaa. Anything else
// is dropped, so that no customization can end the declaration and inject rules.
var cssColour = regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$`)

// themeCSS returns the stylesheet that sets the theme's colours as custom properties over the
// defaults of site.css.
func themeCSS(th theme) string {
	var b strings.Builder
	b.WriteString(":root {\n")
	for _, d := range []struct{ prop, value string }{
		{"--color-primary", th.Primary}, {"--color-primary-text", th.PrimaryText},
		{"--color-text", th.Text}, {"--color-background", th.Background},
	} {
		if cssColour.MatchString(d.value) {
			fmt.Fprintf(&b, "  %s: %s;\n", d.prop, d.value)
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// serveTheme serves the portal's theme stylesheet.
func (s *Site) serveTheme(w http.ResponseWriter, r *http.Request) {
	css := themeCSS(s.theme(r, viewerOf(r)))
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	// The address carries the theme's version, so a cached copy is never stale for long.
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write([]byte(css))
}
