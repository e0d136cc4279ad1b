package web

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// chrome is what the layout shows around every page: the site's navigation and footer, and the
// portal's theme.
type chrome struct {
	Nav            []navLink
	Footer         []navLink
	FooterSections []footerSection
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

// theme is the portal's look, from its customization.
type theme struct {
	// Primary is the brand colour; PrimaryText the colour that reads on it.
	Primary, PrimaryText string
	// Mode is light, dark or system (the visitor's preference).
	Mode string
	// Layout is "sidebar-left" or "sidebar-right": where the navigation of pages goes.
	Layout string
	// CSS is the portal's own stylesheet, served after the theme's rules.
	CSS string
	// Version changes whenever the stylesheet does.
	Version        string
	Menu, Footer   []navLink
	FooterSections []footerSection
}

// footerSection is a titled group of footer links.
type footerSection struct {
	Title string
	Links []navLink
}

// chrome returns the frame of the page r asks for.
func (s *Site) chrome(r *http.Request, v *viewer) chrome {
	th := s.theme(r, v)
	c := chrome{ThemeURL: "/assets/theme.css?v=" + th.Version, Layout: "layout-" + th.Layout}
	c.Nav = append(c.Nav, navLink{Label: "Home", Href: "/"})
	c.Nav = append(c.Nav, th.Menu...)
	// The catalogue is always reachable, whatever the menu holds.
	if !slices.ContainsFunc(th.Menu, func(l navLink) bool { return l.Href == "/apis" }) {
		c.Nav = append(c.Nav, navLink{Label: "APIs", Href: "/apis"})
	}
	if v.SignedIn() {
		c.Nav = append(c.Nav, navLink{Label: "My applications", Href: "/apps"})
	}
	c.Footer, c.FooterSections = th.Footer, th.FooterSections
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

// darkColours are the colours of the dark mode, chosen for a contrast of at least 4.5:1.
const darkColours = `  --color-text: #e6edf3;
  --color-muted: #9da7b3;
  --color-background: #0d1117;
  --color-surface: #161b22;
  --color-border: #30363d;
  --color-error: #ff7b72;
  --color-notice: #3fb950;
`

// themeCSS returns the stylesheet that sets the theme's colours as custom properties over the
// defaults of site.css, followed by the portal's own CSS.
func themeCSS(th theme) string {
	var b strings.Builder
	b.WriteString(":root {\n")
	if cssColour.MatchString(th.Primary) && cssColour.MatchString(th.PrimaryText) {
		fmt.Fprintf(&b, "  --color-primary: %s;\n  --color-primary-text: %s;\n", th.Primary, th.PrimaryText)
	}
	if th.Mode == "dark" {
		b.WriteString(darkColours)
	}
	b.WriteString("}\n")
	if th.Mode == "system" {
		b.WriteString("@media (prefers-color-scheme: dark) {\n:root {\n" + darkColours + "}\n}\n")
	}
	if th.CSS != "" {
		b.WriteString("\n/* The portal's own styles. */\n")
		b.WriteString(th.CSS)
		b.WriteString("\n")
	}
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

// defaultRobots lets crawlers read the site; a portal's customization may say otherwise.
const defaultRobots = "User-agent: *\nAllow: /\n"

// serveRobots serves the portal's robots.txt, from its customization's robots field.
func (s *Site) serveRobots(w http.ResponseWriter, r *http.Request) {
	body := defaultRobots
	if c := s.customization(r, viewerOf(r)); c.Robots != nil {
		body = *c.Robots
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(body))
}
