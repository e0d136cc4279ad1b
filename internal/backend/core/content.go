package core

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

const (
	snippetNameMax    = 512
	snippetTitleMax   = 512
	documentTitleMax  = 512
	documentSlugMax   = 512
	versionNameMax    = 255
	menuTextMax       = 512
	menuItemsMax      = 100
	customizationText = 100000 // css and robots
)

var (
	snippetNamePattern  = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	documentSlugPattern = regexp.MustCompile(`^[\w-]+$`)
	hexColorPattern     = regexp.MustCompile(`^#([a-fA-F0-9]{6}|[a-fA-F0-9]{3})$`)
)

// Snippet is a named piece of markdown that pages of a portal can include.
type Snippet struct {
	ID          string
	Region      string
	PortalID    string
	Name        string
	Title       string
	Content     string
	Description *string
	Visibility  string
	Status      string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// SnippetInput is the body of a create or update snippet request.
type SnippetInput struct {
	Name        Field[string]
	Title       Field[string]
	Content     Field[string]
	Description Field[string]
	Visibility  Field[string]
	Status      Field[string]
}

// ValidateSnippetInput checks a snippet request; creating requires a name and content.
func ValidateSnippetInput(in SnippetInput, create bool) []Violation {
	var vs []Violation
	switch {
	case create && !in.Name.HasValue():
		vs = append(vs, RequiredViolation("name"))
	case in.Name.HasValue() && len(in.Name.Value) > snippetNameMax:
		vs = append(vs, MaxLengthViolation("name", snippetNameMax))
	case in.Name.HasValue() && !snippetNamePattern.MatchString(in.Name.Value):
		vs = append(vs, Violation{Field: "name", Rule: "matches_regex", Source: "body",
			Reason: "must contain only letters, digits, '-' and '_', as pages refer to a snippet by its name"})
	}
	if create && !in.Content.HasValue() {
		vs = append(vs, RequiredViolation("content"))
	}
	vs = append(vs, checkContentFields(in.Title, in.Content, in.Description, snippetTitleMax, pageDescriptionMax)...)
	if in.Visibility.HasValue() {
		vs = append(vs, checkEnum("visibility", in.Visibility.Value, VisibilityPublic, VisibilityPrivate)...)
	}
	if in.Status.HasValue() {
		vs = append(vs, checkEnum("status", in.Status.Value, StatusPublished, StatusUnpublished)...)
	}
	return vs
}

// NewSnippet builds the snippet a valid create request describes; visibility defaults to the
// portal's default_page_visibility, status to unpublished, the title to the name.
func NewSnippet(in SnippetInput, id string, portal Portal, now time.Time) Snippet {
	s := Snippet{ID: id, Region: portal.Region, PortalID: portal.ID, Visibility: portal.DefaultPageVisibility,
		Status: StatusUnpublished, CreatedAt: now}
	if s.Visibility == "" {
		s.Visibility = VisibilityPrivate
	}
	return ApplySnippetInput(s, in, now)
}

// ApplySnippetInput applies an update request; the front matter's title and description win over
// the request's, as the document says.
func ApplySnippetInput(s Snippet, in SnippetInput, now time.Time) Snippet {
	setValue(&s.Name, in.Name)
	setValue(&s.Title, in.Title)
	setValue(&s.Content, in.Content)
	setNullable(&s.Description, in.Description)
	setValue(&s.Visibility, in.Visibility)
	setValue(&s.Status, in.Status)
	if in.Content.HasValue() {
		fm := ParseFrontMatter(s.Content)
		if fm.Title != "" {
			s.Title = fm.Title
		}
		if fm.Description != "" {
			d := fm.Description
			s.Description = &d
		}
	}
	if s.Title == "" {
		s.Title = s.Name
	}
	s.Description = emptyAsNone(s.Description)
	s.UpdatedAt = now
	return s
}

// Spec types of an API version, as the documents name them.
const (
	SpecTypeOpenAPI3 = "oas3"
	SpecTypeAsyncAPI = "asyncapi"
)

// APIVersion is a version of an API with its specification (OpenAPI 3.x or AsyncAPI), kept as the
// text that was uploaded.
type APIVersion struct {
	ID          string
	Region      string
	APIID       string
	Version     string
	SpecType    string
	SpecContent string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// APIVersionInput is the body of a create or update API version request.
type APIVersionInput struct {
	Version     Field[string]
	SpecContent Field[string]
}

// ValidateAPIVersionInput checks the fields of a version request on their own; creating requires
// the specification. The specification's content is checked by the caller's parser.
func ValidateAPIVersionInput(in APIVersionInput, create bool) []Violation {
	var vs []Violation
	if in.Version.HasValue() {
		vs = append(vs, checkNameString("version", in.Version.Value, 1, versionNameMax)...)
	}
	switch {
	case create && !in.SpecContent.HasValue():
		vs = append(vs, RequiredViolation("spec.content"))
	case in.SpecContent.HasValue() && strings.TrimSpace(in.SpecContent.Value) == "":
		vs = append(vs, MinLengthViolation("spec.content", 1))
	}
	return vs
}

// NewAPIVersion builds a version. The version name defaults to the one the specification
// declares (specVersion); without either the request is refused.
func NewAPIVersion(in APIVersionInput, id string, api API, specType, specVersion string, now time.Time) (APIVersion, []Violation) {
	v := APIVersion{ID: id, Region: api.Region, APIID: api.ID, CreatedAt: now}
	return ApplyAPIVersionInput(v, in, specType, specVersion, now)
}

// ApplyAPIVersionInput applies an update request. A new specification replaces the stored one;
// specType and specVersion describe it (ignored when in has none).
func ApplyAPIVersionInput(v APIVersion, in APIVersionInput, specType, specVersion string, now time.Time) (APIVersion, []Violation) {
	if in.SpecContent.HasValue() {
		v.SpecContent = in.SpecContent.Value
		v.SpecType = specType
		if !in.Version.HasValue() && v.Version == "" {
			v.Version = specVersion
		}
	}
	setValue(&v.Version, in.Version)
	v.UpdatedAt = now
	if v.Version == "" {
		return v, []Violation{{Field: "version", Rule: "required", Source: "body",
			Reason: "version must be provided if not included in spec.content (as info.version)"}}
	}
	return v, checkNameString("version", v.Version, 1, versionNameMax)
}

// APIDocument is a markdown document of an API's reference. Documents form a tree through
// ParentDocumentID; Position orders the children of one parent. Slugs are unique per API, so
// that a document has one address on the website.
type APIDocument struct {
	ID               string
	Region           string
	APIID            string
	ParentDocumentID *string
	Position         int
	Slug             string
	Title            string
	Content          string
	Status           string
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// APIDocumentInput is the body of a create or update API document request.
type APIDocumentInput struct {
	Content          Field[string]
	Title            Field[string]
	Slug             Field[string]
	Status           Field[string]
	ParentDocumentID Field[string]
}

// ValidateAPIDocumentInput checks a document request; creating requires content, and a title
// (in the request or the content's front matter) or a slug.
func ValidateAPIDocumentInput(in APIDocumentInput, create bool) []Violation {
	var vs []Violation
	if create && !in.Content.HasValue() {
		vs = append(vs, RequiredViolation("content"))
	}
	if create && !in.Title.HasValue() && !in.Slug.HasValue() && in.Content.HasValue() && ParseFrontMatter(in.Content.Value).Title == "" {
		vs = append(vs, Violation{Field: "title", Rule: "required", Source: "body",
			Reason: "give the document a title (or a slug, or a title in the content's front matter)"})
	}
	vs = append(vs, checkContentFields(in.Title, in.Content, Field[string]{}, documentTitleMax, 0)...)
	if in.Slug.HasValue() {
		switch {
		case len(in.Slug.Value) > documentSlugMax:
			vs = append(vs, MaxLengthViolation("slug", documentSlugMax))
		case !documentSlugPattern.MatchString(in.Slug.Value):
			vs = append(vs, Violation{Field: "slug", Rule: "matches_regex", Source: "body",
				Reason: "must contain only letters, digits, '_' and '-'"})
		}
	}
	if in.Status.HasValue() {
		vs = append(vs, checkEnum("status", in.Status.Value, StatusPublished, StatusUnpublished)...)
	}
	if in.ParentDocumentID.HasValue() && !IsUUID(in.ParentDocumentID.Value) {
		vs = append(vs, UUIDViolation("parent_document_id"))
	}
	return vs
}

// NewAPIDocument builds the document a valid create request describes: unpublished unless said
// otherwise, the title from the request, else the front matter, else the slug; the slug from the
// request, else slugify(title).
func NewAPIDocument(in APIDocumentInput, id string, api API, position int, now time.Time) APIDocument {
	d := APIDocument{ID: id, Region: api.Region, APIID: api.ID, Position: position, Status: StatusUnpublished, CreatedAt: now}
	return ApplyAPIDocumentInput(d, in, now)
}

// ApplyAPIDocumentInput applies an update request; a null slug goes back to slugify(title) and
// a null parent moves the document to the top level.
func ApplyAPIDocumentInput(d APIDocument, in APIDocumentInput, now time.Time) APIDocument {
	setValue(&d.Content, in.Content)
	setValue(&d.Title, in.Title)
	setValue(&d.Slug, in.Slug)
	setValue(&d.Status, in.Status)
	setNullable(&d.ParentDocumentID, in.ParentDocumentID)
	if d.Title == "" {
		if fm := ParseFrontMatter(d.Content); fm.Title != "" {
			d.Title = fm.Title
		} else {
			d.Title = TitleFromSlug(d.Slug)
		}
	}
	if d.Slug == "" || in.Slug.Null {
		d.Slug = DefaultAPISlug(d.Title, nil)
	}
	d.UpdatedAt = now
	return d
}

// DocumentNode is an API document in its tree.
type DocumentNode struct {
	APIDocument
	Children []*DocumentNode
}

// BuildDocumentTree arranges documents, given in sibling order, as trees; keep decides which
// appear, and a document left out hides its children.
func BuildDocumentTree(docs []APIDocument, keep func(APIDocument) bool) []*DocumentNode {
	children := map[string][]APIDocument{}
	var roots []APIDocument
	for _, d := range docs {
		if d.ParentDocumentID == nil {
			roots = append(roots, d)
		} else {
			children[*d.ParentDocumentID] = append(children[*d.ParentDocumentID], d)
		}
	}
	var build func(list []APIDocument, depth int) []*DocumentNode
	build = func(list []APIDocument, depth int) []*DocumentNode {
		out := []*DocumentNode{}
		if depth > maxTreeDepth {
			return out
		}
		for _, d := range list {
			if keep != nil && !keep(d) {
				continue
			}
			out = append(out, &DocumentNode{APIDocument: d, Children: build(children[d.ID], depth+1)})
		}
		return out
	}
	return build(roots, 0)
}

// Customization is how a portal's website looks: theme, layout, menus and the specification
// renderer's options. The JSON names are those of the document; the store keeps it as JSON.
type Customization struct {
	Theme        CustomizationTheme `json:"theme"`
	Layout       string             `json:"layout"`
	CSS          *string            `json:"css"`
	Menu         CustomizationMenu  `json:"menu"`
	SpecRenderer SpecRenderer       `json:"spec_renderer"`
	Robots       *string            `json:"robots"`
}

// CustomizationTheme is the website's theme.
type CustomizationTheme struct {
	Name   string       `json:"name"`
	Mode   string       `json:"mode"`
	Colors ThemeColours `json:"colors"`
}

// ThemeColours are the theme's colours, as hex values ("#1155cb").
type ThemeColours struct {
	Primary string `json:"primary"`
}

// CustomizationMenu holds the website's menus.
type CustomizationMenu struct {
	Main           []MenuItem      `json:"main"`
	FooterSections []FooterSection `json:"footer_sections"`
	FooterBottom   []MenuItem      `json:"footer_bottom"`
}

// MenuItem is a link of a menu; private items show only to signed-in developers.
type MenuItem struct {
	Path       string `json:"path"`
	Title      string `json:"title"`
	Visibility string `json:"visibility"`
	External   bool   `json:"external"`
}

// FooterSection is a titled group of footer links.
type FooterSection struct {
	Title string     `json:"title"`
	Items []MenuItem `json:"items"`
}

// SpecRenderer holds the options of the API reference's rendering.
type SpecRenderer struct {
	TryItUI               bool `json:"try_it_ui"`
	TryItInsomnia         bool `json:"try_it_insomnia"`
	InfiniteScroll        bool `json:"infinite_scroll"`
	ShowSchemas           bool `json:"show_schemas"`
	HideInternal          bool `json:"hide_internal"`
	HideDeprecated        bool `json:"hide_deprecated"`
	AllowCustomServerURLs bool `json:"allow_custom_server_urls"`
}

// Theme modes.
const (
	ThemeModeLight  = "light"
	ThemeModeDark   = "dark"
	ThemeModeSystem = "system"
)

// DefaultCustomization is the customization of a portal nobody customized, and what PUT starts
// from: the document's defaults for the renderer, a light theme, and a main menu that links the
// API catalogue.
func DefaultCustomization() Customization {
	return Customization{
		Theme:  CustomizationTheme{Name: "default", Mode: ThemeModeLight, Colors: ThemeColours{Primary: "#1155cb"}},
		Layout: "default",
		Menu: CustomizationMenu{
			Main:           []MenuItem{{Path: "/apis", Title: "APIs", Visibility: VisibilityPublic}},
			FooterSections: []FooterSection{},
			FooterBottom:   []MenuItem{},
		},
		SpecRenderer: SpecRenderer{TryItUI: true, TryItInsomnia: true, InfiniteScroll: true, ShowSchemas: true,
			AllowCustomServerURLs: true},
	}
}

// CustomizationInput is the body of a PUT or PATCH customization request, field by field; the
// menu lists are replaced whole.
type CustomizationInput struct {
	ThemeName          Field[string]
	ThemeMode          Field[string]
	PrimaryColour      Field[string]
	Layout             Field[string]
	CSS                Field[string]
	Robots             Field[string]
	MenuMain           Field[[]MenuItem]
	MenuFooterSections Field[[]FooterSection]
	MenuFooterBottom   Field[[]MenuItem]
	// SpecRenderer holds the renderer options given, by their JSON names.
	SpecRenderer map[string]bool
}

// SpecRendererOptions are the JSON names of the renderer's options.
var SpecRendererOptions = []string{"try_it_ui", "try_it_insomnia", "infinite_scroll", "show_schemas",
	"hide_internal", "hide_deprecated", "allow_custom_server_urls"}

// ValidateCustomizationInput checks a customization request.
func ValidateCustomizationInput(in CustomizationInput) []Violation {
	var vs []Violation
	if in.ThemeName.HasValue() {
		vs = append(vs, checkNameString("theme.name", in.ThemeName.Value, 1, menuTextMax)...)
	}
	if in.ThemeMode.HasValue() {
		vs = append(vs, checkEnum("theme.mode", in.ThemeMode.Value, ThemeModeLight, ThemeModeDark, ThemeModeSystem)...)
	}
	if in.PrimaryColour.HasValue() && !hexColorPattern.MatchString(in.PrimaryColour.Value) {
		vs = append(vs, Violation{Field: "theme.colors.primary", Rule: "matches_regex", Source: "body",
			Reason: `must be a valid hex color value such as "#1155cb"`})
	}
	if in.Layout.HasValue() {
		vs = append(vs, checkNameString("layout", in.Layout.Value, 1, menuTextMax)...)
	}
	if in.CSS.HasValue() {
		vs = append(vs, checkString("css", in.CSS.Value, 0, customizationText)...)
	}
	if in.Robots.HasValue() {
		vs = append(vs, checkString("robots", in.Robots.Value, 0, customizationText)...)
	}
	vs = append(vs, checkMenuItems("menu.main", in.MenuMain.Value)...)
	vs = append(vs, checkMenuItems("menu.footer_bottom", in.MenuFooterBottom.Value)...)
	if len(in.MenuFooterSections.Value) > menuItemsMax {
		vs = append(vs, MaxItemsViolation("menu.footer_sections", menuItemsMax))
	}
	for i, s := range in.MenuFooterSections.Value {
		name := fmt.Sprintf("menu.footer_sections[%d]", i)
		vs = append(vs, checkNameString(name+".title", s.Title, 1, menuTextMax)...)
		vs = append(vs, checkMenuItems(name+".items", s.Items)...)
	}
	return vs
}

func checkMenuItems(field string, items []MenuItem) []Violation {
	if len(items) > menuItemsMax {
		return []Violation{MaxItemsViolation(field, menuItemsMax)}
	}
	var vs []Violation
	for i, it := range items {
		name := fmt.Sprintf("%s[%d]", field, i)
		vs = append(vs, checkNameString(name+".path", it.Path, 1, menuTextMax)...)
		vs = append(vs, checkNameString(name+".title", it.Title, 1, menuTextMax)...)
		vs = append(vs, checkEnum(name+".visibility", it.Visibility, VisibilityPublic, VisibilityPrivate)...)
		if !it.External && !strings.HasPrefix(it.Path, "/") {
			vs = append(vs, InvalidViolation(name+".path", "a link within the portal starts with '/'; set external to true for a link to another site"))
		}
		if it.External && !strings.HasPrefix(it.Path, "https://") && !strings.HasPrefix(it.Path, "http://") {
			vs = append(vs, InvalidViolation(name+".path", "an external link must be an http:// or https:// address"))
		}
	}
	return vs
}

// ApplyCustomizationInput merges a request into c: PATCH applies it to the stored customization,
// PUT to DefaultCustomization. A null css or robots removes it.
func ApplyCustomizationInput(c Customization, in CustomizationInput) Customization {
	setValue(&c.Theme.Name, in.ThemeName)
	setValue(&c.Theme.Mode, in.ThemeMode)
	setValue(&c.Theme.Colors.Primary, in.PrimaryColour)
	setValue(&c.Layout, in.Layout)
	setNullable(&c.CSS, in.CSS)
	setNullable(&c.Robots, in.Robots)
	if in.MenuMain.Set {
		c.Menu.Main = nonNil(in.MenuMain.Value)
	}
	if in.MenuFooterSections.Set {
		c.Menu.FooterSections = nonNil(in.MenuFooterSections.Value)
	}
	if in.MenuFooterBottom.Set {
		c.Menu.FooterBottom = nonNil(in.MenuFooterBottom.Value)
	}
	for name, v := range in.SpecRenderer {
		switch name {
		case "try_it_ui":
			c.SpecRenderer.TryItUI = v
		case "try_it_insomnia":
			c.SpecRenderer.TryItInsomnia = v
		case "infinite_scroll":
			c.SpecRenderer.InfiniteScroll = v
		case "show_schemas":
			c.SpecRenderer.ShowSchemas = v
		case "hide_internal":
			c.SpecRenderer.HideInternal = v
		case "hide_deprecated":
			c.SpecRenderer.HideDeprecated = v
		case "allow_custom_server_urls":
			c.SpecRenderer.AllowCustomServerURLs = v
		}
	}
	return c
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
