package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

func (c *content) customizationRoutes() {
	c.route("/v3/portals/{portalId}/customization", map[string]handlerFunc{
		http.MethodGet:   c.getCustomization,
		http.MethodPut:   c.putCustomization,
		http.MethodPatch: c.patchCustomization,
	})
}

// getCustomization answers Konnect's PortalCustomization: core.Customization carries its JSON names.
func (c *content) getCustomization(w http.ResponseWriter, r *http.Request) error {
	cu, err := c.svc.Customization(r.Context(), regionOf(r), r.PathValue("portalId"))
	return respond(w, err, http.StatusOK, cu)
}

// putCustomization replaces the customization: what the body leaves out takes its default.
func (c *content) putCustomization(w http.ResponseWriter, r *http.Request) error {
	return c.changeCustomization(w, r, true)
}

// patchCustomization merges the body into the customization; menu lists are replaced whole.
func (c *content) patchCustomization(w http.ResponseWriter, r *http.Request) error {
	return c.changeCustomization(w, r, false)
}

func (c *content) changeCustomization(w http.ResponseWriter, r *http.Request, replace bool) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, err := readCustomizationInput(o)
	if err != nil {
		return err
	}
	cu, err := c.svc.ChangeCustomization(r.Context(), regionOf(r), r.PathValue("portalId"), in, replace)
	return respond(w, err, http.StatusOK, cu)
}

func readCustomizationInput(o *object) (core.CustomizationInput, error) {
	var in core.CustomizationInput
	if theme, _ := o.child("theme", false); theme != nil {
		in.ThemeName = field[string](theme, "name", false)
		in.ThemeMode = field[string](theme, "mode", false)
		if colours, _ := theme.child("colors", false); colours != nil {
			in.PrimaryColour = field[string](colours, "primary", false)
			colours.finish()
		}
		theme.finish()
	}
	in.Layout = field[string](o, "layout", false)
	in.CSS = field[string](o, "css", true)
	in.Robots = field[string](o, "robots", true)
	if menu, _ := o.child("menu", false); menu != nil {
		in.MenuMain = readMenuItems(menu, "main")
		in.MenuFooterBottom = readMenuItems(menu, "footer_bottom")
		in.MenuFooterSections = readFooterSections(menu, "footer_sections")
		menu.finish()
	}
	if renderer, _ := o.child("spec_renderer", false); renderer != nil {
		in.SpecRenderer = map[string]bool{}
		for _, name := range core.SpecRendererOptions {
			if f := field[bool](renderer, name, false); f.HasValue() {
				in.SpecRenderer[name] = f.Value
			}
		}
		renderer.finish()
	}
	return in, core.Invalid(o.finish()...)
}

// items reads name as an array of objects, each handed to read with its own object reader.
func (o *object) items(name string, read func(item *object)) bool {
	raw, ok := o.take(name)
	if !ok {
		return false
	}
	var list []json.RawMessage
	if isNull(raw) || json.Unmarshal(raw, &list) != nil {
		o.violate(core.Violation{Field: o.path(name), Rule: "is_array", Source: "body",
			Reason: fmt.Sprintf("value of %q must be an array of objects", o.path(name))})
		return false
	}
	for i, itemRaw := range list {
		path := fmt.Sprintf("%s[%d]", o.path(name), i)
		var m map[string]json.RawMessage
		if isNull(itemRaw) || json.Unmarshal(itemRaw, &m) != nil {
			o.violate(core.Violation{Field: path, Rule: "is_object", Source: "body",
				Reason: fmt.Sprintf("value of %q must be an object", path)})
			continue
		}
		item := &object{prefix: path + ".", raw: m, used: map[string]bool{}, vs: o.vs}
		read(item)
		item.finish()
	}
	return true
}

// required reads a mandatory field of an item, recording its absence.
func required[T any](o *object, name string) T {
	f := field[T](o, name, false)
	if !f.Set {
		o.violate(core.RequiredViolation(o.path(name)))
	}
	return f.Value
}

func readMenuItems(o *object, name string) core.Field[[]core.MenuItem] {
	list := []core.MenuItem{}
	if !o.items(name, func(item *object) {
		list = append(list, readMenuItem(item))
	}) {
		return core.Field[[]core.MenuItem]{}
	}
	return core.Val(list)
}

func readMenuItem(item *object) core.MenuItem {
	return core.MenuItem{
		Path:       required[string](item, "path"),
		Title:      required[string](item, "title"),
		Visibility: required[string](item, "visibility"),
		External:   required[bool](item, "external"),
	}
}

func readFooterSections(o *object, name string) core.Field[[]core.FooterSection] {
	list := []core.FooterSection{}
	if !o.items(name, func(item *object) {
		s := core.FooterSection{Title: required[string](item, "title"), Items: []core.MenuItem{}}
		if !item.items("items", func(link *object) { s.Items = append(s.Items, readMenuItem(link)) }) {
			item.violate(core.RequiredViolation(item.path("items")))
		}
		list = append(list, s)
	}) {
		return core.Field[[]core.FooterSection]{}
	}
	return core.Val(list)
}
