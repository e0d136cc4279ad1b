package client

import (
	"context"
	"net/http"
	"net/url"
)

// Theme modes of a portal's customization.
const (
	ThemeModeLight  = "light"
	ThemeModeDark   = "dark"
	ThemeModeSystem = "system"
)

// PortalCustomization is the look of a portal's website: theme, layout,
// menus, the API reference's options and robots.txt. The same type is the
// body of a PUT, which replaces it, and of a PATCH, which merges it into the
// current one: there absent fields (nil pointers and slices, absent
// Nullables) keep their value, and an empty, non-nil slice empties a menu.
type PortalCustomization struct {
	Theme        *PortalTheme        `json:"theme,omitempty"`
	Layout       *string             `json:"layout,omitempty"`
	CSS          Nullable[string]    `json:"css,omitzero"`
	Menu         *PortalMenu         `json:"menu,omitempty"`
	SpecRenderer *PortalSpecRenderer `json:"spec_renderer,omitempty"`
	// Robots is the website's robots.txt; null serves the server's default.
	Robots Nullable[string] `json:"robots,omitzero"`
}

// PortalTheme names a theme and its colours.
type PortalTheme struct {
	Name   *string            `json:"name,omitempty"`
	Mode   *string            `json:"mode,omitempty"`
	Colors *PortalThemeColors `json:"colors,omitempty"`
}

// PortalThemeColors holds the theme's colours as #rgb or #rrggbb.
type PortalThemeColors struct {
	Primary *string `json:"primary,omitempty"`
}

// PortalMenu holds the website's menus.
type PortalMenu struct {
	Main           []PortalMenuItem          `json:"main,omitzero"`
	FooterSections []PortalFooterMenuSection `json:"footer_sections,omitzero"`
	FooterBottom   []PortalMenuItem          `json:"footer_bottom,omitzero"`
}

// PortalMenuItem is a link of a menu.
type PortalMenuItem struct {
	// Path is the absolute path of a page of the portal, with a leading slash.
	Path  string `json:"path"`
	Title string `json:"title"`
	// Visibility private shows the link to signed-in developers only.
	Visibility string `json:"visibility"`
	// External opens the link in a new window.
	External bool `json:"external"`
}

// PortalFooterMenuSection is a titled group of links in the footer.
type PortalFooterMenuSection struct {
	Title string           `json:"title"`
	Items []PortalMenuItem `json:"items"`
}

// PortalSpecRenderer holds the options of the rendered API reference.
type PortalSpecRenderer struct {
	TryItUI               *bool `json:"try_it_ui,omitempty"`
	TryItInsomnia         *bool `json:"try_it_insomnia,omitempty"`
	InfiniteScroll        *bool `json:"infinite_scroll,omitempty"`
	ShowSchemas           *bool `json:"show_schemas,omitempty"`
	HideInternal          *bool `json:"hide_internal,omitempty"`
	HideDeprecated        *bool `json:"hide_deprecated,omitempty"`
	AllowCustomServerURLs *bool `json:"allow_custom_server_urls,omitempty"`
}

func portalCustomizationPath(portalID string) string {
	return "/v3/portals/" + url.PathEscape(portalID) + "/customization"
}

// GetPortalCustomization returns a portal's customization.
func (c *Client) GetPortalCustomization(ctx context.Context, portalID string) (*PortalCustomization, error) {
	var pc PortalCustomization
	if err := c.do(ctx, http.MethodGet, portalCustomizationPath(portalID), nil, nil, &pc); err != nil {
		return nil, err
	}
	return &pc, nil
}

// ReplacePortalCustomization replaces a portal's customization with req;
// what req leaves out takes the server's defaults.
func (c *Client) ReplacePortalCustomization(ctx context.Context, portalID string, req PortalCustomization) (*PortalCustomization, error) {
	var pc PortalCustomization
	if err := c.do(ctx, http.MethodPut, portalCustomizationPath(portalID), nil, req, &pc); err != nil {
		return nil, err
	}
	return &pc, nil
}

// UpdatePortalCustomization merges req into a portal's customization.
func (c *Client) UpdatePortalCustomization(ctx context.Context, portalID string, req PortalCustomization) (*PortalCustomization, error) {
	var pc PortalCustomization
	if err := c.do(ctx, http.MethodPatch, portalCustomizationPath(portalID), nil, req, &pc); err != nil {
		return nil, err
	}
	return &pc, nil
}
