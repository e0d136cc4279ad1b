package provider

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

func TestPortalPageRequests(t *testing.T) {
	planned := portalPageModel{
		PortalID: types.StringValue("p"), Slug: types.StringValue("/guides"), Title: types.StringUnknown(),
		Content: types.StringValue("# Guides"), Description: types.StringUnknown(), Visibility: types.StringUnknown(),
		Status: types.StringValue("published"), ParentPageID: types.StringNull(),
	}
	tests := []struct {
		name string
		body any
		want string
	}{
		{"create leaves computed values to the server", portalPageCreateRequest(planned),
			`{"slug":"/guides","content":"# Guides","status":"published"}`},
		{"create with everything", portalPageCreateRequest(portalPageModel{
			Slug: types.StringValue("intro"), Title: types.StringValue("Intro"), Content: types.StringValue("x"),
			Description: types.StringValue("About"), Visibility: types.StringValue("public"), Status: types.StringValue("unpublished"),
			ParentPageID: types.StringValue("parent"),
		}), `{"slug":"intro","title":"Intro","content":"x","visibility":"public","status":"unpublished","description":"About","parent_page_id":"parent"}`},
		{"create with an empty description sends none", portalPageCreateRequest(portalPageModel{
			Slug: types.StringValue("a"), Content: types.StringValue("x"), Description: types.StringValue(""),
		}), `{"slug":"a","content":"x"}`},
		{"adopting the home page sends every configured value", portalPageAdoptRequest(client.CreatePortalPageRequest{
			Slug: "/", Content: "# Hi", Status: "published", Description: new("Start"),
		}), `{"slug":"/","content":"# Hi","status":"published","description":"Start"}`},
	}
	state := portalPageModel{
		ID: types.StringValue("id"), PortalID: types.StringValue("p"), Slug: types.StringValue("/a"), Title: types.StringValue("A"),
		Content: types.StringValue("old"), Description: types.StringValue("d"), Visibility: types.StringValue("private"),
		Status: types.StringValue("unpublished"), ParentPageID: types.StringValue("parent"),
	}
	moved := state
	moved.ParentPageID = types.StringNull()
	moved.Description = types.StringValue("")
	moved.Content = types.StringValue("new")
	tests = append(tests,
		struct {
			name string
			body any
			want string
		}{"update to the top, removing the description", portalPageUpdateRequest(state, moved),
			`{"content":"new","description":"","parent_page_id":null}`},
		struct {
			name string
			body any
			want string
		}{"update without changes", portalPageUpdateRequest(state, state), `{}`},
	)
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

func TestPortalPageFromAPI(t *testing.T) {
	var m portalPageModel
	m.fromAPI(&client.PortalPage{ID: "id", Slug: "/", Title: "Home", Content: "x", Visibility: "public", Status: "published"})
	if m.Description.ValueString() != "" || m.Description.IsNull() || !m.ParentPageID.IsNull() {
		t.Errorf("description %v, parent %v: want \"\" and null", m.Description, m.ParentPageID)
	}
}

func TestSnippetAndDocumentRequests(t *testing.T) {
	snippet := portalSnippetModel{
		Name: types.StringValue("banner"), Title: types.StringValue("Banner"), Content: types.StringValue("x"),
		Description: types.StringValue("d"), Visibility: types.StringValue("public"), Status: types.StringValue("published"),
	}
	renamed := snippet
	renamed.Name = types.StringValue("notice")
	renamed.Description = types.StringValue("")
	doc := apiDocumentModel{
		Title: types.StringUnknown(), Slug: types.StringValue("auth"), Content: types.StringValue("# Auth"),
		Status: types.StringValue("published"), ParentDocumentID: types.StringNull(),
	}
	child := doc
	child.Title = types.StringValue("Auth")
	child.ParentDocumentID = types.StringValue("parent")
	tests := []struct {
		name string
		body any
		want string
	}{
		{"snippet create", portalSnippetCreateRequest(snippet),
			`{"name":"banner","title":"Banner","content":"x","visibility":"public","status":"published","description":"d"}`},
		{"snippet rename removing the description", portalSnippetUpdateRequest(snippet, renamed),
			`{"name":"notice","description":""}`},
		{"document create without a title", apiDocumentCreateRequest(doc),
			`{"content":"# Auth","slug":"auth","status":"published"}`},
		{"document moved under a parent", apiDocumentUpdateRequest(child, doc), `{"parent_document_id":null}`},
		{"document moved to the top", apiDocumentUpdateRequest(doc, child), `{"title":"Auth","parent_document_id":"parent"}`},
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

func TestParseFrontMatter(t *testing.T) {
	tests := []struct {
		name, content string
		want          frontMatter
	}{
		{"none", "# Title\n", frontMatter{}},
		{"title and quoted description", "---\ntitle: Getting started\ndescription: \"First steps\"\nlayout: x\n---\n# Hi\n",
			frontMatter{Title: "Getting started", Description: "First steps"}},
		{"windows line ends", "---\r\ntitle: 'Win'\r\n---\r\nbody", frontMatter{Title: "Win"}},
		{"never closed", "---\ntitle: Open\n# body", frontMatter{}},
		{"not at the start", "\n---\ntitle: Late\n---\n", frontMatter{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseFrontMatter(tt.content); got != tt.want {
				t.Errorf("parseFrontMatter = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestValidateFrontMatter(t *testing.T) {
	content := types.StringValue("---\ntitle: Guides\ndescription: All guides\n---\n")
	tests := []struct {
		name               string
		content            types.String
		title, description types.String
		wantErrors         int
	}{
		{"agreeing", content, types.StringValue("Guides"), types.StringNull(), 0},
		{"left to the front matter", content, types.StringNull(), types.StringNull(), 0},
		{"contradicting both", content, types.StringValue("Other"), types.StringValue(""), 2},
		{"no front matter", types.StringValue("# x"), types.StringValue("Other"), types.StringValue("d"), 0},
		{"unknown content", types.StringUnknown(), types.StringValue("Other"), types.StringNull(), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diags := validateFrontMatter(tt.content, tt.title, tt.description)
			if diags.ErrorsCount() != tt.wantErrors {
				t.Errorf("errors = %v, want %d", diags, tt.wantErrors)
			}
		})
	}
}

const petsYAML = `openapi: 3.0.3
info:
  title: Pets
  version: "1.2.0"
paths: {}
`

func TestSameSpec(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"identical", petsYAML, petsYAML, true},
		{"JSON of the same document", petsYAML, `{"paths":{},"info":{"version":"1.2.0","title":"Pets"},"openapi":"3.0.3"}`, true},
		{"reindented with a comment", petsYAML, "# pets\nopenapi: '3.0.3'\ninfo: {title: Pets, version: '1.2.0'}\npaths: {}\n", true},
		{"another version", petsYAML, strings.Replace(petsYAML, "1.2.0", "1.3.0", 1), false},
		{"a number instead of a string", petsYAML, strings.Replace(petsYAML, `"1.2.0"`, "1.2", 1), false},
		{"not a document", petsYAML, "openapi: [", false},
		{"both empty", "", "", true},
		{"empty against a document", "", petsYAML, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sameSpec(tt.a, tt.b); got != tt.want {
				t.Errorf("sameSpec = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSpecInfoVersion(t *testing.T) {
	tests := map[string]string{
		petsYAML: "1.2.0",
		`{"asyncapi":"2.6.0","info":{"title":"Events","version":"3"}}`: "3",
		"openapi: 3.1.0\ninfo:\n  title: x\n  version: 1.0\n":          "1.0",
		"openapi: 3.1.0\ninfo:\n  title: x\n":                          "",
		"- a list":                                                     "",
		"openapi: [":                                                   "",
	}
	for content, want := range tests {
		if got := specInfoVersion(content); got != want {
			t.Errorf("specInfoVersion(%q) = %q, want %q", content, got, want)
		}
	}
}

func TestSpecProblem(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"openapi", petsYAML, ""},
		{"asyncapi json", `{"asyncapi":"3.0.0","info":{"title":"E","version":"1"}}`, ""},
		{"broken yaml names the line", "openapi: 3.0.3\ninfo:\n  title: [x\n", "line"},
		{"a list", "- a\n- b\n", "JSON object or YAML mapping"},
		{"swagger", "swagger: '2.0'\ninfo: {}\n", "Swagger 2.0"},
		{"no kind", "info:\n  title: x\n", "neither an `openapi` nor an `asyncapi` field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := specProblem(tt.content)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("specProblem = %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

func TestPlanAPIVersion(t *testing.T) {
	spec := func(s string) specContent { return specContent{StringValue: types.StringValue(s)} }
	state := &apiVersionModel{Version: types.StringValue("1.2.0"), Spec: spec(petsYAML), SpecType: types.StringValue("oas3")}
	newer := strings.Replace(petsYAML, "1.2.0", "2.0.0", 1)
	tests := []struct {
		name            string
		configured      types.String
		plan            apiVersionModel
		state           *apiVersionModel
		version, typeOf string // "?" is unknown
	}{
		{"create takes info.version", types.StringNull(),
			apiVersionModel{Version: types.StringUnknown(), Spec: spec(petsYAML), SpecType: types.StringUnknown()}, nil, "1.2.0", "?"},
		{"create with a configured name", types.StringValue("v1"),
			apiVersionModel{Version: types.StringValue("v1"), Spec: spec(petsYAML), SpecType: types.StringUnknown()}, nil, "v1", "?"},
		{"create from a specification not known yet", types.StringNull(),
			apiVersionModel{Version: types.StringUnknown(), Spec: specContent{StringValue: types.StringUnknown()}, SpecType: types.StringUnknown()}, nil, "?", "?"},
		{"a new specification moves the name along", types.StringNull(),
			apiVersionModel{Version: types.StringValue("1.2.0"), Spec: spec(newer), SpecType: types.StringValue("oas3")}, state, "2.0.0", "?"},
		{"the same document in JSON changes nothing", types.StringNull(),
			apiVersionModel{Version: types.StringValue("1.2.0"), Spec: spec(`{"openapi":"3.0.3","info":{"title":"Pets","version":"1.2.0"},"paths":{}}`), SpecType: types.StringValue("oas3")},
			state, "1.2.0", "oas3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := tt.plan
			planAPIVersion(tt.configured, &plan, tt.state)
			show := func(v types.String) string {
				if v.IsUnknown() {
					return "?"
				}
				return v.ValueString()
			}
			if show(plan.Version) != tt.version || show(plan.SpecType) != tt.typeOf {
				t.Errorf("version %s, spec_type %s; want %s, %s", show(plan.Version), show(plan.SpecType), tt.version, tt.typeOf)
			}
		})
	}
}

func TestAPIVersionUpdateRequest(t *testing.T) {
	spec := func(s string) specContent { return specContent{StringValue: types.StringValue(s)} }
	state := apiVersionModel{Version: types.StringValue("1.2.0"), Spec: spec(petsYAML)}
	reformatted := state
	reformatted.Spec = spec(`{"openapi":"3.0.3","info":{"title":"Pets","version":"1.2.0"},"paths":{}}`)
	renamed := state
	renamed.Version = types.StringValue("v1")
	for name, tt := range map[string]struct {
		plan apiVersionModel
		want string
	}{
		"reformatted only":      {reformatted, `{}`},
		"renamed":               {renamed, `{"version":"v1"}`},
		"another specification": {apiVersionModel{Version: types.StringValue("1.2.0"), Spec: spec("openapi: 3.1.0")}, `{"spec":{"content":"openapi: 3.1.0"}}`},
	} {
		got, _ := json.Marshal(apiVersionUpdateRequest(state, tt.plan))
		if string(got) != tt.want {
			t.Errorf("%s: body = %s, want %s", name, got, tt.want)
		}
	}
}

func TestSpecContentSemanticEquality(t *testing.T) {
	ctx := context.Background()
	old := specContent{StringValue: types.StringValue(petsYAML)}
	same := specContent{StringValue: types.StringValue(`{"openapi":"3.0.3","info":{"title":"Pets","version":"1.2.0"},"paths":{}}`)}
	other := specContent{StringValue: types.StringValue("openapi: 3.1.0")}
	if eq, _ := old.StringSemanticEquals(ctx, same); !eq {
		t.Error("the same document in JSON is not semantically equal")
	}
	if eq, _ := old.StringSemanticEquals(ctx, other); eq {
		t.Error("another document is semantically equal")
	}
	v, err := (specContentType{}).ValueFromTerraform(ctx, mustTerraformValue(t, types.StringValue("x")))
	if err != nil || !v.Equal(specContent{StringValue: types.StringValue("x")}) {
		t.Errorf("ValueFromTerraform = %v, %v", v, err)
	}
}

func mustTerraformValue(t *testing.T, v attr.Value) tftypes.Value {
	t.Helper()
	tv, err := v.ToTerraformValue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tv
}

func TestMenuLinkProblem(t *testing.T) {
	tests := []struct {
		path     string
		external bool
		want     string
	}{
		{"/apis", false, ""},
		{"https://status.example.com", true, ""},
		{"http://example.com", true, ""},
		{"apis", false, "starts with '/'"},
		{"https://example.com", false, "needs external = true"},
		{"/apis", true, "http:// or https://"},
	}
	for _, tt := range tests {
		got := menuLinkProblem(tt.path, tt.external)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("menuLinkProblem(%q, %v) = %q, want %q", tt.path, tt.external, got, tt.want)
		}
	}
}

// TestPortalCustomizationMapping checks that the PATCH carries only what the configuration sets,
// with the links' defaults filled in, and that the server's answer maps back to full state.
func TestPortalCustomizationMapping(t *testing.T) {
	ctx := context.Background()
	item := func(path, title string, visibility attr.Value, external attr.Value) attr.Value {
		return types.ObjectValueMust(menuItemAttrTypes, map[string]attr.Value{
			"path": types.StringValue(path), "title": types.StringValue(title), "visibility": visibility, "external": external,
		})
	}
	cfg := portalCustomizationModel{
		PortalID: types.StringValue("p"),
		Theme: types.ObjectValueMust(themeAttrTypes, map[string]attr.Value{
			"name": types.StringNull(), "mode": types.StringValue("dark"), "colors": types.ObjectNull(themeColorsAttrTypes),
		}),
		Layout: types.StringNull(), CSS: types.StringValue(""), Robots: types.StringNull(),
		Menu: types.ObjectValueMust(menuAttrTypes, map[string]attr.Value{
			"main": types.ListValueMust(menuItemType, []attr.Value{
				item("/apis", "APIs", types.StringNull(), types.BoolNull()),
				item("https://status.example.com", "Status", types.StringValue("private"), types.BoolValue(true)),
			}),
			"footer_sections": types.ListNull(footerSectionAttrType),
			"footer_bottom":   types.ListValueMust(menuItemType, []attr.Value{}),
		}),
		SpecRenderer: types.ObjectNull(specRendererAttrTypes),
	}
	body, diags := portalCustomizationPatch(ctx, cfg)
	if diags.HasError() {
		t.Fatal(diags)
	}
	got, _ := json.Marshal(body)
	want := `{"theme":{"mode":"dark"},"css":"","menu":{"main":[{"path":"/apis","title":"APIs","visibility":"public","external":false},` +
		`{"path":"https://status.example.com","title":"Status","visibility":"private","external":true}],"footer_bottom":[]}}`
	if string(got) != want {
		t.Errorf("PATCH = %s\nwant    %s", got, want)
	}

	var answer client.PortalCustomization
	if err := json.Unmarshal([]byte(`{"theme":{"name":"default","mode":"dark","colors":{"primary":"#1155cb"}},"layout":"default","css":"","robots":null,`+
		`"menu":{"main":[{"path":"/apis","title":"APIs","visibility":"public","external":false}],"footer_sections":[{"title":"More","items":[]}],"footer_bottom":[]},`+
		`"spec_renderer":{"try_it_ui":true,"try_it_insomnia":true,"infinite_scroll":true,"show_schemas":true,"hide_internal":false,"hide_deprecated":false,"allow_custom_server_urls":true}}`), &answer); err != nil {
		t.Fatal(err)
	}
	m := portalCustomizationModel{PortalID: types.StringValue("p")}
	if diags := m.fromAPI(&answer); diags.HasError() {
		t.Fatal(diags)
	}
	if m.ID.ValueString() != "p" || m.CSS.ValueString() != "" || m.CSS.IsNull() || !m.Robots.IsNull() || m.Layout.ValueString() != "default" {
		t.Errorf("id %v, css %v, robots %v, layout %v", m.ID, m.CSS, m.Robots, m.Layout)
	}
	var theme customizationThemeModel
	_ = m.Theme.As(ctx, &theme, objectAsOptions)
	var menu customizationMenuModel
	_ = m.Menu.As(ctx, &menu, objectAsOptions)
	if theme.Mode.ValueString() != "dark" || len(menu.Main.Elements()) != 1 || len(menu.FooterSections.Elements()) != 1 || menu.FooterBottom.IsNull() {
		t.Errorf("theme %+v, menu %+v", theme, menu)
	}
	var sr specRendererModel
	_ = m.SpecRenderer.As(ctx, &sr, objectAsOptions)
	if !sr.TryItUI.ValueBool() || sr.HideInternal.ValueBool() || sr.HideInternal.IsNull() {
		t.Errorf("spec_renderer %+v", sr)
	}
}

// TestContentWireFields checks that the fields the server names in refusals of content requests
// land on the attributes that hold them.
func TestContentWireFields(t *testing.T) {
	tests := []struct {
		fields      wireFields
		field, path string
		name        string
	}{
		{pageWireFields, "parent_page_id", "parent_page_id", "parent_page_id"},
		{snippetWireFields, "name", "name", "name"},
		{apiVersionWireFields, "spec.content", "spec", "spec"},
		{apiVersionWireFields, "version", "version", "version"},
		{apiDocumentWireFields, "slug", "slug", "slug"},
		{customizationWireFields, "theme.colors.primary", "theme.colors.primary", "theme.colors.primary"},
		{customizationWireFields, "menu.footer_sections[0].items[2].path", "menu.footer_sections", "menu.footer_sections[0].items[2].path"},
		{customizationWireFields, "spec_renderer.try_it_ui", "spec_renderer", "spec_renderer.try_it_ui"},
	}
	for _, tt := range tests {
		p, name, ok := tt.fields.attribute(tt.field)
		if !ok || p.String() != tt.path || name != tt.name {
			t.Errorf("attribute(%q) = %q, %q, %v; want %q, %q", tt.field, p, name, ok, tt.path, tt.name)
		}
	}
}
