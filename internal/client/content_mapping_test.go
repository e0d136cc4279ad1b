package client

import (
	"encoding/json"
	"testing"
)

// TestContentRequestBodies checks what the content requests put on the wire: absent fields stay
// out, a null parent moves to the top of the tree, and an empty menu is sent as [] to empty it.
func TestContentRequestBodies(t *testing.T) {
	s := func(v string) *string { return &v }
	on := true
	tests := []struct {
		name string
		body any
		want string
	}{
		{"page create, server defaults", CreatePortalPageRequest{Slug: "/guides", Content: "# Guides"},
			`{"slug":"/guides","content":"# Guides"}`},
		{"page create under a parent", CreatePortalPageRequest{Slug: "intro", Content: "x", Visibility: "public", Status: "published", ParentPageID: s("p")},
			`{"slug":"intro","content":"x","visibility":"public","status":"published","parent_page_id":"p"}`},
		{"page update to the top", UpdatePortalPageRequest{Title: s("T"), ParentPageID: Null[string]()},
			`{"title":"T","parent_page_id":null}`},
		{"page update removing the description", UpdatePortalPageRequest{Description: Null[string]()}, `{"description":null}`},
		{"page move to the end", MovePortalPageRequest{ParentPageID: Value("p"), Index: new(-1)},
			`{"parent_page_id":"p","index":-1}`},
		{"snippet update", UpdatePortalSnippetRequest{Name: s("banner"), Status: s("published")},
			`{"name":"banner","status":"published"}`},
		{"customization patch of the theme mode", PortalCustomization{Theme: &PortalTheme{Mode: s("dark")}},
			`{"theme":{"mode":"dark"}}`},
		{"customization patch emptying the main menu", PortalCustomization{Menu: &PortalMenu{Main: []PortalMenuItem{}}},
			`{"menu":{"main":[]}}`},
		{"customization patch clearing css", PortalCustomization{CSS: Null[string](), SpecRenderer: &PortalSpecRenderer{TryItUI: &on}},
			`{"css":null,"spec_renderer":{"try_it_ui":true}}`},
		{"customization footer section", PortalCustomization{Menu: &PortalMenu{FooterSections: []PortalFooterMenuSection{{Title: "More", Items: []PortalMenuItem{}}}}},
			`{"menu":{"footer_sections":[{"title":"More","items":[]}]}}`},
		{"version create without a version", APIVersionRequest{Spec: &APIVersionContent{Content: "openapi: 3.0.3"}},
			`{"spec":{"content":"openapi: 3.0.3"}}`},
		{"version update of the version alone", APIVersionRequest{Version: s("2.0.0")}, `{"version":"2.0.0"}`},
		{"document create", CreateAPIDocumentRequest{Content: "# Auth", Title: "Auth", Status: "published"},
			`{"content":"# Auth","title":"Auth","status":"published"}`},
		{"document update to the top", UpdateAPIDocumentRequest{Slug: s("auth"), ParentDocumentID: Null[string]()},
			`{"slug":"auth","parent_document_id":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("body = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestPortalCustomizationDecoding checks that a menu the server reports empty stays apart from one
// it leaves out, and that a null css reads as null.
func TestPortalCustomizationDecoding(t *testing.T) {
	var pc PortalCustomization
	if err := json.Unmarshal([]byte(`{"layout":"Default","css":null,"menu":{"main":[],"footer_bottom":[{"path":"/terms","title":"Terms","visibility":"public","external":false}]}}`), &pc); err != nil {
		t.Fatal(err)
	}
	if pc.Menu == nil || pc.Menu.Main == nil || len(pc.Menu.Main) != 0 || pc.Menu.FooterSections != nil || len(pc.Menu.FooterBottom) != 1 {
		t.Errorf("menu = %+v", pc.Menu)
	}
	if !pc.CSS.IsNull() || !pc.Robots.IsZero() || pc.Layout == nil || *pc.Layout != "Default" {
		t.Errorf("css %+v, robots %+v, layout %v", pc.CSS, pc.Robots, pc.Layout)
	}
}
