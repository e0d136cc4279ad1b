package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// contentView is the data of a content page: the page, rendered, and the navigation of the tree.
type contentView struct {
	Title string
	Body  template.HTML
	// HasHeading is set when the body brings its own <h1>, so the page adds none.
	HasHeading bool
	// Tree is the pages the viewer may see, for the side navigation; Current is the page's path.
	Tree    []*core.PageNode
	Current string
	// Children are the page's own sub-pages, listed under it.
	Children []*core.PageNode
	// Default is set when the portal has no home page of its own.
	Default bool
}

// home shows the portal's home page: its page with slug "/", or a default one.
func (s *Site) home(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return s.showPage(w, r, v, "/")
}

// contentPage shows the page of the content tree at the request's path.
func (s *Site) contentPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return s.showPage(w, r, v, r.URL.Path)
}

// showPage renders the page at path, with the side navigation of the pages the viewer may see.
func (s *Site) showPage(w http.ResponseWriter, r *http.Request, v *viewer, path string) error {
	ctx := r.Context()
	n, err := s.svc.PageByPath(ctx, v.Portal, v.Developer, path)
	switch service.KindOf(err) {
	case service.Internal:
		if err != nil {
			return err
		}
	case service.NotFound:
		if path != "/" {
			return errNotFound
		}
		return s.render(w, r, page{Name: "public/page.html", Title: "Home", Data: contentView{Title: v.SiteName(), Default: true}})
	case service.Unauthenticated:
		if !v.Accounts() {
			// Nobody can sign in to this portal, so its private pages are as good as absent.
			return errNotFound
		}
		return s.loginPrompt(w, r, "This page is only for the portal's signed-in developers: log in to read it.")
	default:
		return err
	}
	tree, err := s.svc.PageTree(ctx, v.Portal, v.Developer)
	if err != nil {
		return err
	}
	title := n.Title
	if n.Path == "/" {
		title = ""
	}
	body := renderMarkdown(core.StripFrontMatter(n.Content))
	var description string
	if n.Description != nil {
		description = *n.Description
	}
	return s.render(w, r, page{Name: "public/page.html", Title: title, Description: description, Data: contentView{
		Title: n.Title, Body: body, HasHeading: hasHeading(body),
		Tree: sideTree(tree), Current: n.Path, Children: n.Children,
	}})
}

// sideTree is the part of the page tree the side navigation lists: nothing when the portal has no
// page but its home page, which the header links already.
func sideTree(tree []*core.PageNode) []*core.PageNode {
	if len(tree) == 1 && tree[0].Path == "/" && len(tree[0].Children) == 0 {
		return nil
	}
	return tree
}

// loginPrompt answers 401 with a page that asks the visitor to log in.
func (s *Site) loginPrompt(w http.ResponseWriter, r *http.Request, message string) error {
	return s.render(w, r, page{Name: "errors/error.html", Title: "Please log in", Status: http.StatusUnauthorized,
		Data: errorView{Status: http.StatusUnauthorized, Heading: "Please log in", Message: message, Login: true, Next: r.URL.Path}})
}

// catalogueSize is how many APIs one page of the catalogue lists.
const catalogueSize = 1000

// apiCard is one API of the catalogue.
type apiCard struct {
	Slug, Name, Version, Description string
	Private                          bool
}

// catalogueView is the data of the catalogue page.
type catalogueView struct {
	Query string
	// Cards is the list's entries, rendered; Shown how many.
	Cards template.HTML
	Shown int
	Total int
	// Page is the page of the list shown, from 1; Prev and Next are the neighbours' numbers, 0
	// when there is none.
	Page, Prev, Next int
}

// catalogue lists the APIs the viewer may see, filtered by ?q=.
func (s *Site) catalogue(w http.ResponseWriter, r *http.Request, v *viewer) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	number, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || number < 1 {
		number = 1
	}
	list, total, err := s.svc.Catalogue(r.Context(), v.Portal, v.Developer, q, store.Page{Size: catalogueSize, Number: number})
	if err != nil {
		return err
	}
	cv := catalogueView{Query: q, Total: total, Page: number, Shown: len(list)}
	if number > 1 {
		cv.Prev = number - 1
	}
	if number*catalogueSize < total {
		cv.Next = number + 1
	}
	if cv.Cards, err = s.cards.list(list, s.renderCard); err != nil {
		return err
	}
	return s.render(w, r, page{Name: "public/catalogue.html", Title: "APIs", Data: cv,
		Description: "The APIs of " + v.SiteName() + "."})
}

func cardOf(a core.API, pub core.Publication) apiCard {
	c := apiCard{Slug: a.Slug, Name: a.Name, Private: pub.Visibility != core.VisibilityPublic}
	if a.Version != nil {
		c.Version = *a.Version
	}
	if a.Description != nil {
		c.Description = *a.Description
	}
	return c
}

// hasHeading reports whether rendered markdown has a top-level heading of its own.
func hasHeading(body template.HTML) bool { return strings.Contains(string(body), "<h1") }
