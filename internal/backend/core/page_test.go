package core

import (
	"strings"
	"testing"
	"time"
)

// firstViolation returns "field rule" of the first violation, or "" when there is none.
func firstViolation(vs []Violation) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0].Field + " " + vs[0].Rule
}

func TestValidatePageInput(t *testing.T) {
	tests := []struct {
		name   string
		in     PageInput
		create bool
		want   string
	}{
		{"minimal create", PageInput{Slug: Val("/start"), Content: Val("x")}, true, ""},
		{"home slug", PageInput{Slug: Val("/"), Content: Val("x")}, true, ""},
		{"slug without slash", PageInput{Slug: Val("start"), Content: Val("x")}, true, ""},
		{"create needs slug", PageInput{Content: Val("x")}, true, "slug required"},
		{"create needs content", PageInput{Slug: Val("s")}, true, "content required"},
		{"update needs nothing", PageInput{}, false, ""},
		{"nested slug", PageInput{Slug: Val("a/b")}, false, "slug matches_regex"},
		{"slug with space", PageInput{Slug: Val("/a b")}, false, "slug matches_regex"},
		{"slug too long", PageInput{Slug: Val("/" + strings.Repeat("s", 512))}, false, "slug max_length"},
		{"empty title", PageInput{Title: Val("")}, false, "title min_length"},
		{"content too long", PageInput{Content: Val(strings.Repeat("c", 1000001))}, false, "content max_length"},
		{"description too long", PageInput{Description: Val(strings.Repeat("d", 161))}, false, "description max_length"},
		{"bad visibility", PageInput{Visibility: Val("secret")}, false, "visibility enum"},
		{"bad status", PageInput{Status: Val("draft")}, false, "status enum"},
		{"parent not a uuid", PageInput{ParentPageID: Val("p1")}, false, "parent_page_id is_uuid"},
		{"null parent", PageInput{ParentPageID: Null[string]()}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := firstViolation(ValidatePageInput(tt.in, tt.create))
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewPageDefaults(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name                    string
		portalVisibility        string
		in                      PageInput
		title, visibility, desc string
	}{
		{"title from slug", "public", PageInput{Slug: Val("/getting-started"), Content: Val("x")}, "Getting started", "public", ""},
		{"home title", "private", PageInput{Slug: Val("/"), Content: Val("x")}, "Home", "private", ""},
		{"front matter wins", "public", PageInput{Slug: Val("/a"), Title: Val("Request"), Content: Val("---\ntitle: \"Matter\"\ndescription: About\n---\nbody")}, "Matter", "public", "About"},
		{"given visibility", "public", PageInput{Slug: Val("/a"), Content: Val("x"), Visibility: Val("private")}, "A", "private", ""},
		{"no portal default", "", PageInput{Slug: Val("/a"), Content: Val("x")}, "A", "private", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewPage(tt.in, "id", Portal{ID: "p", Region: "us", DefaultPageVisibility: tt.portalVisibility}, 0, now)
			desc := ""
			if p.Description != nil {
				desc = *p.Description
			}
			if p.Title != tt.title || p.Visibility != tt.visibility || desc != tt.desc || p.Status != StatusUnpublished {
				t.Errorf("page %+v: want title %q, visibility %q, description %q, unpublished", p, tt.title, tt.visibility, tt.desc)
			}
		})
	}
}

func TestFrontMatter(t *testing.T) {
	tests := []struct {
		name, content, title, body string
	}{
		{"none", "# Hello", "", "# Hello"},
		{"title", "---\ntitle: Hi\n---\n# Hello", "Hi", "# Hello"},
		{"quoted", "---\ntitle: 'Hi: there'\n---\nbody", "Hi: there", "body"},
		{"crlf", "---\r\ntitle: Hi\r\n---\r\nbody", "Hi", "body"},
		{"unclosed", "---\ntitle: Hi\nbody", "", "---\ntitle: Hi\nbody"},
		{"not at start", "x\n---\ntitle: Hi\n---\n", "", "x\n---\ntitle: Hi\n---\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseFrontMatter(tt.content).Title; got != tt.title {
				t.Errorf("title %q, want %q", got, tt.title)
			}
			if got := StripFrontMatter(tt.content); got != tt.body {
				t.Errorf("body %q, want %q", got, tt.body)
			}
		})
	}
}

func TestPagePathOf(t *testing.T) {
	tests := []struct {
		slugs []string
		want  string
	}{
		{[]string{"/"}, "/"},
		{nil, "/"},
		{[]string{"/guides"}, "/guides"},
		{[]string{"guides", "/start"}, "/guides/start"},
		{[]string{"/", "child"}, "/child"},
		{[]string{"/a/", "b/"}, "/a/b"},
	}
	for _, tt := range tests {
		if got := PagePathOf(tt.slugs...); got != tt.want {
			t.Errorf("PagePathOf(%q) = %q, want %q", tt.slugs, got, tt.want)
		}
	}
}

// testPages is a tree: Home, Guides (with Start, private, and Deep under Start), Draft.
func testPages() []Page {
	return []Page{
		{ID: "home", Slug: "/", Title: "Home", Status: StatusPublished, Visibility: VisibilityPublic},
		{ID: "guides", Slug: "/guides", Title: "Guides", Status: StatusPublished, Visibility: VisibilityPublic},
		{ID: "draft", Slug: "/draft", Title: "Draft", Status: StatusUnpublished, Visibility: VisibilityPublic},
		{ID: "start", ParentPageID: ptr("guides"), Slug: "start", Title: "Start", Status: StatusPublished, Visibility: VisibilityPrivate},
		{ID: "deep", ParentPageID: ptr("start"), Slug: "deep", Title: "Deep", Status: StatusPublished, Visibility: VisibilityPublic},
	}
}

func flatten(nodes []*PageNode) []string {
	var out []string
	for _, n := range nodes {
		out = append(out, n.Path)
		out = append(out, flatten(n.Children)...)
	}
	return out
}

func TestBuildPageTree(t *testing.T) {
	tests := []struct {
		name     string
		signedIn bool
		want     string
	}{
		{"anonymous", false, "/,/guides"},
		{"signed in", true, "/,/guides,/guides/start,/guides/start/deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree := BuildPageTree(testPages(), func(p Page) bool { return ContentVisible(p.Status, p.Visibility, tt.signedIn) })
			if got := strings.Join(flatten(tree), ","); got != tt.want {
				t.Errorf("paths %s, want %s", got, tt.want)
			}
		})
	}
	all := BuildPageTree(testPages(), nil)
	if got := strings.Join(flatten(all), ","); got != "/,/guides,/guides/start,/guides/start/deep,/draft" {
		t.Errorf("unfiltered tree %s", got)
	}
	for path, want := range map[string]string{"/": "home", "/guides/start/deep": "deep", "guides/start": "start", "/nowhere": "", "/guides/nowhere": ""} {
		got := ""
		if n := FindPagePath(all, path); n != nil {
			got = n.ID
		}
		if got != want {
			t.Errorf("FindPagePath(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestIsDescendant(t *testing.T) {
	parentOf := map[string]*string{"guides": nil, "start": ptr("guides"), "deep": ptr("start"), "other": nil}
	tests := []struct {
		id, candidate string
		want          bool
	}{
		{"guides", "guides", true},
		{"guides", "deep", true},
		{"start", "deep", true},
		{"deep", "guides", false},
		{"guides", "other", false},
	}
	for _, tt := range tests {
		if got := IsDescendant(parentOf, tt.id, tt.candidate); got != tt.want {
			t.Errorf("IsDescendant(%s, %s) = %v, want %v", tt.id, tt.candidate, got, tt.want)
		}
	}
	// A cycle in damaged data ends the walk.
	loop := map[string]*string{"a": ptr("b"), "b": ptr("a")}
	if !IsDescendant(loop, "x", "a") {
		t.Error("a cycle should count as a descendant, so that nothing is placed in it")
	}
}

func TestMoveIndex(t *testing.T) {
	tests := []struct{ index, n, want int }{
		{0, 3, 0}, {2, 3, 2}, {3, 3, 3}, {9, 3, 3}, {-1, 3, 3}, {-2, 3, 2}, {-9, 3, 0}, {0, 0, 0}, {-1, 0, 0},
	}
	for _, tt := range tests {
		if got := MoveIndex(tt.index, tt.n); got != tt.want {
			t.Errorf("MoveIndex(%d, %d) = %d, want %d", tt.index, tt.n, got, tt.want)
		}
	}
}

func TestContentVisible(t *testing.T) {
	tests := []struct {
		status, visibility string
		signedIn, want     bool
	}{
		{StatusPublished, VisibilityPublic, false, true},
		{StatusPublished, VisibilityPrivate, false, false},
		{StatusPublished, VisibilityPrivate, true, true},
		{StatusUnpublished, VisibilityPublic, true, false},
	}
	for _, tt := range tests {
		if got := ContentVisible(tt.status, tt.visibility, tt.signedIn); got != tt.want {
			t.Errorf("ContentVisible(%s, %s, %v) = %v", tt.status, tt.visibility, tt.signedIn, got)
		}
	}
}

func TestDefaultHomePage(t *testing.T) {
	p := DefaultHomePage("id", Portal{ID: "p", Name: "acme", DisplayName: "Acme"}, time.Now())
	if p.Slug != HomePageSlug || p.Status != StatusPublished || p.Visibility != VisibilityPublic || !strings.Contains(p.Content, "Acme") {
		t.Errorf("home page %+v", p)
	}
}

func TestEmptyDescriptionRemovesIt(t *testing.T) {
	now := time.Now()
	p := NewPage(PageInput{Slug: Val("/a"), Content: Val("x"), Description: Val("About")}, "id", Portal{}, 0, now)
	if p = ApplyPageInput(p, PageInput{Description: Val("")}, now); p.Description != nil {
		t.Errorf("page description %q, want none", *p.Description)
	}
	s := NewSnippet(SnippetInput{Name: Val("s"), Content: Val("x"), Description: Val("")}, "id", Portal{}, now)
	if s.Description != nil {
		t.Errorf("snippet description %q, want none", *s.Description)
	}
}
