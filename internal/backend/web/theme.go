package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// customization returns the portal's customization, once per request: the layout and the theme
// stylesheet both read it.
func (s *Site) customization(r *http.Request, v *viewer) core.Customization {
	if v.custom != nil {
		return *v.custom
	}
	c, err := s.svc.PortalCustomization(r.Context(), v.Portal)
	if err != nil {
		// The site stays usable in its default look; the cause belongs in the log.
		s.log.WarnContext(r.Context(), "website customization unavailable", "portal", v.Portal.ID, "error", err)
		c = core.DefaultCustomization()
	}
	v.custom = &c
	return c
}

// theme returns the portal's theme from its customization.
func (s *Site) theme(r *http.Request, v *viewer) theme {
	return themeOf(s.customization(r, v), v.SignedIn())
}

// themeOf turns a customization into the theme the layout and stylesheet use; private menu items
// are kept only for a signed-in developer.
func themeOf(c core.Customization, signedIn bool) theme {
	th := theme{Primary: c.Theme.Colors.Primary, Mode: c.Theme.Mode, Layout: "sidebar-left"}
	if cssColour.MatchString(th.Primary) {
		th.PrimaryText = readableOn(th.Primary)
	}
	if c.Layout == "sidebar-right" {
		th.Layout = c.Layout
	}
	if c.CSS != nil {
		th.CSS = *c.CSS
	}
	th.Menu = menuLinks(c.Menu.Main, signedIn)
	for _, sec := range c.Menu.FooterSections {
		if items := menuLinks(sec.Items, signedIn); len(items) > 0 {
			th.FooterSections = append(th.FooterSections, footerSection{Title: sec.Title, Links: items})
		}
	}
	th.Footer = menuLinks(c.Menu.FooterBottom, signedIn)
	th.Version = versionOf(themeCSS(th))
	return th
}

// menuLinks keeps the items a viewer may see, as links.
func menuLinks(items []core.MenuItem, signedIn bool) []navLink {
	var out []navLink
	for _, it := range items {
		if it.Visibility == core.VisibilityPrivate && !signedIn {
			continue
		}
		out = append(out, navLink{Label: it.Title, Href: it.Path, External: it.External})
	}
	return out
}

// versionOf is a short hash of s for cache-busting addresses (FNV-1a).
func versionOf(s string) string {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return strconv.FormatUint(h, 36)
}

// readableOn returns black or white, whichever contrasts more with the colour hex (#rgb or
// #rrggbb), by WCAG relative luminance.
func readableOn(hex string) string {
	h := strings.TrimPrefix(hex, "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	if len(h) < 6 {
		return "#ffffff"
	}
	lum := 0.0
	for i, weight := range []float64{0.2126, 0.7152, 0.0722} {
		c, err := strconv.ParseUint(h[2*i:2*i+2], 16, 8)
		if err != nil {
			return "#ffffff"
		}
		v := float64(c) / 255
		if v <= 0.04045 {
			v /= 12.92
		} else {
			v = math.Pow((v+0.055)/1.055, 2.4)
		}
		lum += weight * v
	}
	// Contrast with white is 1.05/(L+0.05), with black (L+0.05)/0.05; they are equal at L ≈ 0.179.
	if lum > 0.179 {
		return "#000000"
	}
	return "#ffffff"
}
