package web

import (
	"strings"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

func TestReadableOn(t *testing.T) {
	tests := map[string]string{
		"#000000": "#ffffff",
		"#ffffff": "#000000",
		"#1155cb": "#ffffff",
		"#ffd700": "#000000",
		"#fff":    "#000000",
		"#123":    "#ffffff",
		"#zzzzzz": "#ffffff",
	}
	for colour, want := range tests {
		if got := readableOn(colour); got != want {
			t.Errorf("readableOn(%s) = %s, want %s", colour, got, want)
		}
	}
}

func TestThemeCSS(t *testing.T) {
	css := func(s string) *string { return &s }
	tests := map[string]struct {
		custom      func(*core.Customization)
		want, avoid []string
	}{
		"default": {
			want: []string{"--color-primary: #1155cb;", "--color-primary-text: #ffffff;"},
		},
		"light primary gets dark text": {
			custom: func(c *core.Customization) { c.Theme.Colors.Primary = "#f5f5f5" },
			want:   []string{"--color-primary: #f5f5f5;", "--color-primary-text: #000000;"},
		},
		"a colour that is not a hex value is dropped": {
			custom: func(c *core.Customization) { c.Theme.Colors.Primary = "red;} body{display:none" },
			avoid:  []string{"--color-primary:", "display:none"},
		},
		"dark mode": {
			custom: func(c *core.Customization) { c.Theme.Mode = "dark" },
			want:   []string{"--color-background: #0d1117;"},
			avoid:  []string{"prefers-color-scheme"},
		},
		"system mode follows the visitor": {
			custom: func(c *core.Customization) { c.Theme.Mode = "system" },
			want:   []string{"@media (prefers-color-scheme: dark)"},
		},
		"the portal's own CSS comes last": {
			custom: func(c *core.Customization) { c.CSS = css(".site-name { letter-spacing: .1em; }") },
			want:   []string{"}\n\n/* The portal's own styles. */\n.site-name { letter-spacing: .1em; }"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := core.DefaultCustomization()
			if tc.custom != nil {
				tc.custom(&c)
			}
			got := themeCSS(themeOf(c, false))
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("theme CSS lacks %q:\n%s", w, got)
				}
			}
			for _, a := range tc.avoid {
				if strings.Contains(got, a) {
					t.Errorf("theme CSS has %q:\n%s", a, got)
				}
			}
		})
	}
}

func TestThemeMenus(t *testing.T) {
	c := core.DefaultCustomization()
	c.Layout = "sidebar-right"
	c.Menu.Main = []core.MenuItem{
		{Path: "/guides", Title: "Guides", Visibility: core.VisibilityPublic},
		{Path: "/partners", Title: "Partners", Visibility: core.VisibilityPrivate},
		{Path: "https://status.example.com", Title: "Status", Visibility: core.VisibilityPublic, External: true},
	}
	c.Menu.FooterSections = []core.FooterSection{
		{Title: "Legal", Items: []core.MenuItem{{Path: "/terms", Title: "Terms", Visibility: core.VisibilityPublic}}},
		{Title: "Members", Items: []core.MenuItem{{Path: "/club", Title: "Club", Visibility: core.VisibilityPrivate}}},
	}
	labels := func(links []navLink) string {
		var out []string
		for _, l := range links {
			out = append(out, l.Label)
		}
		return strings.Join(out, ",")
	}
	anon := themeOf(c, false)
	if got := labels(anon.Menu); got != "Guides,Status" {
		t.Errorf("anonymous menu %s, want Guides,Status", got)
	}
	if len(anon.FooterSections) != 1 || anon.FooterSections[0].Title != "Legal" {
		t.Errorf("anonymous footer sections %+v, want Legal only (an empty section is left out)", anon.FooterSections)
	}
	if !anon.Menu[1].External || anon.Layout != "sidebar-right" {
		t.Errorf("external flag or layout lost: %+v", anon)
	}
	if got := labels(themeOf(c, true).Menu); got != "Guides,Partners,Status" {
		t.Errorf("signed-in menu %s, want Guides,Partners,Status", got)
	}
	recoloured := core.DefaultCustomization()
	recoloured.Theme.Colors.Primary = "#aa3300"
	if themeOf(recoloured, false).Version == themeOf(core.DefaultCustomization(), false).Version {
		t.Errorf("the theme's version does not change with its colours, so browsers would keep the old stylesheet")
	}
}

func TestIsCurrent(t *testing.T) {
	tests := []struct {
		path, href string
		want       bool
	}{
		{"/", "/", true},
		{"/apis", "/", false},
		{"/apis", "/apis", true},
		{"/apis/orders", "/apis", true},
		{"/apisx", "/apis", false},
		{"/apis", "https://example.com/apis", false},
	}
	for _, tc := range tests {
		if got := isCurrent(tc.path, tc.href); got != tc.want {
			t.Errorf("isCurrent(%q, %q) = %v, want %v", tc.path, tc.href, got, tc.want)
		}
	}
}
