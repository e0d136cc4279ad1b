package core

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// Content status values: only published pages, snippets and documents reach developers.
const (
	StatusPublished   = "published"
	StatusUnpublished = "unpublished"
)

const (
	pageSlugMax        = 512
	pageTitleMax       = 512
	pageContentMax     = 1000000
	pageDescriptionMax = 160
	// HomePageSlug is the slug of the page a portal shows at its root.
	HomePageSlug = "/"
)

// pageSlugPattern is one path segment, with or without the leading slash Konnect's examples use.
var pageSlugPattern = regexp.MustCompile(`^/?[A-Za-z0-9_.~-]+$`)

// Page is a custom page of a portal, written in markdown. Pages form a tree through ParentPageID;
// Position orders the children of one parent.
type Page struct {
	ID           string
	Region       string
	PortalID     string
	ParentPageID *string
	Position     int
	Slug         string
	Title        string
	Content      string
	Description  *string
	Visibility   string
	Status       string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// PageInput is the body of a create or update page request.
type PageInput struct {
	Slug         Field[string]
	Title        Field[string]
	Content      Field[string]
	Description  Field[string]
	Visibility   Field[string]
	Status       Field[string]
	ParentPageID Field[string]
}

// ValidatePageInput checks a page request; creating requires a slug and content.
func ValidatePageInput(in PageInput, create bool) []Violation {
	var vs []Violation
	switch {
	case create && !in.Slug.HasValue():
		vs = append(vs, RequiredViolation("slug"))
	case in.Slug.HasValue():
		vs = append(vs, CheckPageSlug("slug", in.Slug.Value)...)
	}
	if create && !in.Content.HasValue() {
		vs = append(vs, RequiredViolation("content"))
	}
	vs = append(vs, checkContentFields(in.Title, in.Content, in.Description, pageTitleMax, pageDescriptionMax)...)
	if in.Visibility.HasValue() {
		vs = append(vs, checkEnum("visibility", in.Visibility.Value, VisibilityPublic, VisibilityPrivate)...)
	}
	if in.Status.HasValue() {
		vs = append(vs, checkEnum("status", in.Status.Value, StatusPublished, StatusUnpublished)...)
	}
	if in.ParentPageID.HasValue() && !IsUUID(in.ParentPageID.Value) {
		vs = append(vs, UUIDViolation("parent_page_id"))
	}
	return vs
}

// checkContentFields checks the title, markdown content and description shared by pages,
// snippets and documents.
func checkContentFields(title, content, description Field[string], titleMax, descriptionMax int) []Violation {
	var vs []Violation
	if title.HasValue() {
		vs = append(vs, checkNameString("title", title.Value, 1, titleMax)...)
	}
	if content.HasValue() {
		if len(content.Value) > pageContentMax {
			vs = append(vs, MaxLengthViolation("content", pageContentMax))
		} else {
			vs = append(vs, CheckControlCharacters("content", content.Value, true)...)
		}
	}
	if description.HasValue() && descriptionMax > 0 {
		vs = append(vs, checkString("description", description.Value, 0, descriptionMax)...)
	}
	return vs
}

// CheckPageSlug checks a page slug: "/" for a home page, else one path segment of letters,
// digits, '-', '_', '.' and '~', with or without a leading slash.
func CheckPageSlug(field, slug string) []Violation {
	switch {
	case slug == HomePageSlug:
		return nil
	case len(slug) > pageSlugMax:
		return []Violation{MaxLengthViolation(field, pageSlugMax)}
	case !pageSlugPattern.MatchString(slug):
		return []Violation{{Field: field, Rule: "matches_regex", Source: "body",
			Reason: `must be "/" or one path segment of letters, digits, '-', '_', '.' and '~' (for example "/getting-started"); nest pages with parent_page_id`}}
	}
	return nil
}

// NewPage builds the page a valid create request describes. Visibility defaults to the portal's
// default_page_visibility, status to unpublished; title and description come from the content's
// front matter when it has them (which the document says wins over the request), else the title
// derives from the slug.
func NewPage(in PageInput, id string, portal Portal, position int, now time.Time) Page {
	p := Page{ID: id, Region: portal.Region, PortalID: portal.ID, Position: position,
		Visibility: portal.DefaultPageVisibility, Status: StatusUnpublished, CreatedAt: now}
	if p.Visibility == "" {
		p.Visibility = VisibilityPrivate
	}
	return ApplyPageInput(p, in, now)
}

// ApplyPageInput applies an update request to a page. A null parent moves the page to the top
// level; a null or empty description removes it.
func ApplyPageInput(p Page, in PageInput, now time.Time) Page {
	setValue(&p.Slug, in.Slug)
	setValue(&p.Title, in.Title)
	setValue(&p.Content, in.Content)
	setNullable(&p.Description, in.Description)
	setValue(&p.Visibility, in.Visibility)
	setValue(&p.Status, in.Status)
	setNullable(&p.ParentPageID, in.ParentPageID)
	if fm := ParseFrontMatter(p.Content); in.Content.HasValue() {
		if fm.Title != "" {
			p.Title = fm.Title
		}
		if fm.Description != "" {
			d := fm.Description
			p.Description = &d
		}
	}
	if p.Title == "" {
		p.Title = TitleFromSlug(p.Slug)
	}
	p.Description = emptyAsNone(p.Description)
	p.UpdatedAt = now
	return p
}

// emptyAsNone treats an empty description as none, so that "" removes one as null does.
func emptyAsNone(s *string) *string {
	if s != nil && *s == "" {
		return nil
	}
	return s
}

// TitleFromSlug makes a readable title of a slug: "Home" for "/", else its words capitalised
// ("/getting-started" is "Getting started").
func TitleFromSlug(slug string) string {
	s := strings.Trim(slug, "/")
	if s == "" {
		return "Home"
	}
	s = strings.NewReplacer("-", " ", "_", " ").Replace(s)
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// FrontMatter is what a markdown document's front matter (a block between "---" lines at its
// start) says about the document.
type FrontMatter struct {
	Title       string
	Description string
}

// ParseFrontMatter reads the title and description of the front matter of content, if any. Only
// plain "key: value" lines are read; other keys are ignored.
func ParseFrontMatter(content string) FrontMatter {
	fm, _ := splitFrontMatter(content)
	return fm
}

// StripFrontMatter returns content without its front matter block, for rendering.
func StripFrontMatter(content string) string {
	_, body := splitFrontMatter(content)
	return body
}

func splitFrontMatter(content string) (FrontMatter, string) {
	var fm FrontMatter
	rest, ok := strings.CutPrefix(content, "---\n")
	if !ok {
		rest, ok = strings.CutPrefix(content, "---\r\n")
	}
	if !ok {
		return fm, content
	}
	offset := len(content) - len(rest)
	for line := range strings.Lines(rest) {
		offset += len(line)
		line = strings.TrimRight(line, "\r\n")
		if line == "---" {
			return fm, content[offset:]
		}
		key, value, found := strings.Cut(line, ":")
		if !found {
			continue
		}
		value = unquote(strings.TrimSpace(value))
		switch strings.TrimSpace(key) {
		case "title":
			fm.Title = value
		case "description":
			fm.Description = value
		}
	}
	return FrontMatter{}, content // no closing line: not front matter
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

// DefaultHomePage is the page a new portal starts with, so that its website has something at "/".
func DefaultHomePage(id string, portal Portal, now time.Time) Page {
	name := portal.DisplayName
	if name == "" {
		name = portal.Name
	}
	content := fmt.Sprintf("# Welcome to %s\n\nBrowse the [APIs](/apis) this portal offers.\n", name)
	return Page{ID: id, Region: portal.Region, PortalID: portal.ID, Slug: HomePageSlug, Title: "Home",
		Content: content, Visibility: VisibilityPublic, Status: StatusPublished, CreatedAt: now, UpdatedAt: now}
}

// PageNode is a page in its tree, with the path at which the website shows it.
type PageNode struct {
	Page
	// Path is "/" for a home page, else the slugs of the page and its ancestors joined:
	// "/guides/getting-started".
	Path     string
	Children []*PageNode
}

// PagePathOf joins the slugs of a page's ancestors, outermost first, and its own into its path.
func PagePathOf(slugs ...string) string {
	var segs []string
	for _, s := range slugs {
		if t := strings.Trim(s, "/"); t != "" {
			segs = append(segs, t)
		}
	}
	return "/" + strings.Join(segs, "/")
}

// BuildPageTree arranges pages, given in sibling order (parent, position, creation), as trees.
// keep decides which pages appear; a page that is left out takes its children with it, so that a
// private or unpublished section hides everything under it. A page whose parent is missing from
// pages is not shown.
func BuildPageTree(pages []Page, keep func(Page) bool) []*PageNode {
	children := map[string][]Page{}
	var roots []Page
	for _, p := range pages {
		if p.ParentPageID == nil {
			roots = append(roots, p)
		} else {
			children[*p.ParentPageID] = append(children[*p.ParentPageID], p)
		}
	}
	var build func(list []Page, parentPath string, depth int) []*PageNode
	build = func(list []Page, parentPath string, depth int) []*PageNode {
		out := []*PageNode{}
		if depth > maxTreeDepth {
			return out
		}
		for _, p := range list {
			if keep != nil && !keep(p) {
				continue
			}
			n := &PageNode{Page: p, Path: PagePathOf(parentPath, p.Slug)}
			n.Children = build(children[p.ID], n.Path, depth+1)
			out = append(out, n)
		}
		return out
	}
	return build(roots, "", 0)
}

// maxTreeDepth bounds the walk of page and document trees; the rules that place a page never
// make a cycle, and this keeps a damaged database from looping forever.
const maxTreeDepth = 64

// FindPagePath returns the node at path in trees, or nil.
func FindPagePath(trees []*PageNode, path string) *PageNode {
	path = PagePathOf(path)
	for _, n := range trees {
		if n.Path == path {
			return n
		}
		if strings.HasPrefix(path, strings.TrimSuffix(n.Path, "/")+"/") || n.Path == "/" {
			if found := FindPagePath(n.Children, path); found != nil {
				return found
			}
		}
	}
	return nil
}

// ContentVisible reports whether a developer may see an item of a portal's content: published,
// and public or the viewer signed in as an approved developer.
func ContentVisible(status, visibility string, signedIn bool) bool {
	return status == StatusPublished && (visibility == VisibilityPublic || signedIn)
}

// IsDescendant reports whether candidate is id itself or one of its descendants, given the
// parent of each node; moving id under such a node would make a cycle.
func IsDescendant(parentOf map[string]*string, id, candidate string) bool {
	for range maxTreeDepth + 1 {
		if candidate == id {
			return true
		}
		p := parentOf[candidate]
		if p == nil {
			return false
		}
		candidate = *p
	}
	return true
}

// MoveIndex turns a requested sibling index into a position among n siblings (the moved item
// excluded): negative counts from the end (-1 is last), and out-of-range indexes clamp.
func MoveIndex(index, n int) int {
	if index < 0 {
		index = n + 1 + index
	}
	return max(0, min(index, n))
}
