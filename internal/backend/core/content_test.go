package core

import (
	"strings"
	"testing"
	"time"
)

func TestValidateSnippetInput(t *testing.T) {
	tests := []struct {
		name   string
		in     SnippetInput
		create bool
		want   string
	}{
		{"minimal", SnippetInput{Name: Val("banner"), Content: Val("x")}, true, ""},
		{"create needs name", SnippetInput{Content: Val("x")}, true, "name required"},
		{"create needs content", SnippetInput{Name: Val("b")}, true, "content required"},
		{"name with space", SnippetInput{Name: Val("a b")}, false, "name matches_regex"},
		{"name too long", SnippetInput{Name: Val(strings.Repeat("n", 513))}, false, "name max_length"},
		{"bad status", SnippetInput{Status: Val("live")}, false, "status enum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := firstViolation(ValidateSnippetInput(tt.in, tt.create)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSnippetTitle(t *testing.T) {
	now := time.Now()
	s := NewSnippet(SnippetInput{Name: Val("banner"), Content: Val("x")}, "id", Portal{DefaultPageVisibility: VisibilityPublic}, now)
	if s.Title != "banner" || s.Visibility != VisibilityPublic {
		t.Errorf("snippet %+v: the title defaults to the name, visibility to the portal's", s)
	}
	s = ApplySnippetInput(s, SnippetInput{Content: Val("---\ntitle: Banner\n---\nx")}, now)
	if s.Title != "Banner" {
		t.Errorf("front matter title: %q", s.Title)
	}
}

func TestAPIVersionName(t *testing.T) {
	now := time.Now()
	api := API{ID: "a", Region: "us"}
	tests := []struct {
		name        string
		in          APIVersionInput
		specVersion string
		want        string
		violation   string
	}{
		{"from the request", APIVersionInput{Version: Val("v2"), SpecContent: Val("s")}, "1.0.0", "v2", ""},
		{"from the specification", APIVersionInput{SpecContent: Val("s")}, "1.0.0", "1.0.0", ""},
		{"neither", APIVersionInput{SpecContent: Val("s")}, "", "", "version required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, vs := NewAPIVersion(tt.in, "id", api, SpecTypeOpenAPI3, tt.specVersion, now)
			if got := firstViolation(vs); got != tt.violation || (tt.violation == "" && v.Version != tt.want) {
				t.Errorf("version %q, violation %q; want %q, %q", v.Version, got, tt.want, tt.violation)
			}
		})
	}
	// A new specification keeps a version name that was set.
	v, _ := NewAPIVersion(APIVersionInput{Version: Val("v1"), SpecContent: Val("a")}, "id", api, SpecTypeOpenAPI3, "1", now)
	v, _ = ApplyAPIVersionInput(v, APIVersionInput{SpecContent: Val("b")}, SpecTypeAsyncAPI, "2", now)
	if v.Version != "v1" || v.SpecContent != "b" || v.SpecType != SpecTypeAsyncAPI {
		t.Errorf("replaced specification: %+v", v)
	}
	if got := firstViolation(ValidateAPIVersionInput(APIVersionInput{}, true)); got != "spec.content required" {
		t.Errorf("create without a specification: %q", got)
	}
}

func TestAPIDocumentInput(t *testing.T) {
	tests := []struct {
		name   string
		in     APIDocumentInput
		create bool
		want   string
	}{
		{"title", APIDocumentInput{Title: Val("Intro"), Content: Val("x")}, true, ""},
		{"slug only", APIDocumentInput{Slug: Val("intro"), Content: Val("x")}, true, ""},
		{"front matter title", APIDocumentInput{Content: Val("---\ntitle: Intro\n---\n")}, true, ""},
		{"no title at all", APIDocumentInput{Content: Val("x")}, true, "title required"},
		{"no content", APIDocumentInput{Title: Val("t")}, true, "content required"},
		{"bad slug", APIDocumentInput{Slug: Val("a b")}, false, "slug matches_regex"},
		{"bad parent", APIDocumentInput{ParentDocumentID: Val("x")}, false, "parent_document_id is_uuid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := firstViolation(ValidateAPIDocumentInput(tt.in, tt.create)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	now := time.Now()
	d := NewAPIDocument(APIDocumentInput{Title: Val("Getting Started!"), Content: Val("x")}, "id", API{ID: "a"}, 0, now)
	if d.Slug != "getting-started" || d.Status != StatusUnpublished {
		t.Errorf("document %+v: slug from the title, unpublished", d)
	}
	d = ApplyAPIDocumentInput(d, APIDocumentInput{Title: Val("Other"), Slug: Null[string]()}, now)
	if d.Slug != "other" {
		t.Errorf("a null slug goes back to the title's: %q", d.Slug)
	}
}

func TestBuildDocumentTree(t *testing.T) {
	docs := []APIDocument{
		{ID: "a", Slug: "a", Status: StatusPublished},
		{ID: "b", Slug: "b", Status: StatusUnpublished},
		{ID: "c", ParentDocumentID: ptr("b"), Slug: "c", Status: StatusPublished},
		{ID: "d", ParentDocumentID: ptr("a"), Slug: "d", Status: StatusPublished},
	}
	tree := BuildDocumentTree(docs, func(d APIDocument) bool { return d.Status == StatusPublished })
	if len(tree) != 1 || tree[0].ID != "a" || len(tree[0].Children) != 1 || tree[0].Children[0].ID != "d" {
		t.Errorf("published tree %+v: an unpublished document hides its children", tree)
	}
}

func TestCustomization(t *testing.T) {
	tests := []struct {
		name string
		in   CustomizationInput
		want string
	}{
		{"empty", CustomizationInput{}, ""},
		{"colour", CustomizationInput{PrimaryColour: Val("#abc")}, ""},
		{"bad colour", CustomizationInput{PrimaryColour: Val("blue")}, "theme.colors.primary matches_regex"},
		{"bad mode", CustomizationInput{ThemeMode: Val("dim")}, "theme.mode enum"},
		{"internal link", CustomizationInput{MenuMain: Val([]MenuItem{{Path: "/apis", Title: "APIs", Visibility: "public"}})}, ""},
		{"relative link", CustomizationInput{MenuMain: Val([]MenuItem{{Path: "apis", Title: "APIs", Visibility: "public"}})}, "menu.main[0].path invalid"},
		{"external link", CustomizationInput{MenuFooterBottom: Val([]MenuItem{{Path: "javascript:x", Title: "X", Visibility: "public", External: true}})}, "menu.footer_bottom[0].path invalid"},
		{"bad item visibility", CustomizationInput{MenuMain: Val([]MenuItem{{Path: "/a", Title: "A", Visibility: "all"}})}, "menu.main[0].visibility enum"},
		{"section title", CustomizationInput{MenuFooterSections: Val([]FooterSection{{Title: ""}})}, "menu.footer_sections[0].title min_length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := firstViolation(ValidateCustomizationInput(tt.in)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	css := "body{}"
	c := ApplyCustomizationInput(DefaultCustomization(), CustomizationInput{ThemeMode: Val(ThemeModeDark), CSS: Val(css),
		SpecRenderer: map[string]bool{"hide_deprecated": true}, MenuMain: Val[[]MenuItem](nil)})
	if c.Theme.Mode != ThemeModeDark || c.Theme.Colors.Primary != "#1155cb" || c.CSS == nil || !c.SpecRenderer.HideDeprecated ||
		!c.SpecRenderer.TryItUI || c.Menu.Main == nil || len(c.Menu.Main) != 0 {
		t.Errorf("merged customization %+v", c)
	}
	c = ApplyCustomizationInput(c, CustomizationInput{CSS: Null[string]()})
	if c.CSS != nil {
		t.Errorf("a null css removes it: %v", *c.CSS)
	}
}
