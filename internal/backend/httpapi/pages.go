package httpapi

import (
	"net/http"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// pageJSON is Konnect's PortalPageResponse.
type pageJSON struct {
	ID           string  `json:"id"`
	Slug         string  `json:"slug"`
	Title        string  `json:"title"`
	Content      string  `json:"content"`
	Visibility   string  `json:"visibility"`
	Status       string  `json:"status"`
	Description  *string `json:"description,omitempty"`
	ParentPageID *string `json:"parent_page_id"`
	CreatedAt    string  `json:"created_at"`
	UpdatedAt    string  `json:"updated_at"`
}

func toPageJSON(p core.Page) pageJSON {
	return pageJSON{ID: p.ID, Slug: p.Slug, Title: p.Title, Content: p.Content, Visibility: p.Visibility,
		Status: p.Status, Description: p.Description, ParentPageID: p.ParentPageID,
		CreatedAt: formatTime(p.CreatedAt), UpdatedAt: formatTime(p.UpdatedAt)}
}

// pageInfoJSON is Konnect's PortalPageInfo: a page of the tree, without its content.
type pageInfoJSON struct {
	ID           string         `json:"id"`
	Slug         string         `json:"slug"`
	Title        string         `json:"title"`
	Visibility   string         `json:"visibility"`
	Status       string         `json:"status"`
	Description  *string        `json:"description,omitempty"`
	ParentPageID *string        `json:"parent_page_id"`
	Children     []pageInfoJSON `json:"children"`
	CreatedAt    string         `json:"created_at"`
	UpdatedAt    string         `json:"updated_at"`
}

func toPageInfoJSON(n *core.PageNode) pageInfoJSON {
	return pageInfoJSON{ID: n.ID, Slug: n.Slug, Title: n.Title, Visibility: n.Visibility, Status: n.Status,
		Description: n.Description, ParentPageID: n.ParentPageID, Children: mapEach(n.Children, toPageInfoJSON),
		CreatedAt: formatTime(n.CreatedAt), UpdatedAt: formatTime(n.UpdatedAt)}
}

// readPageInput reads a create or update page body.
func readPageInput(o *object) (core.PageInput, error) {
	in := core.PageInput{
		Slug:         field[string](o, "slug", false),
		Title:        field[string](o, "title", false),
		Content:      field[string](o, "content", false),
		Description:  field[string](o, "description", true),
		Visibility:   field[string](o, "visibility", false),
		Status:       field[string](o, "status", false),
		ParentPageID: field[string](o, "parent_page_id", true),
	}
	return in, core.Invalid(o.finish()...)
}

// pageFilterFields are the text fields the page tree can be filtered by.
var pageFilterFields = []string{"id", "slug", "title", "visibility"}

// pageSortFields are accepted as the document lists them; the tree keeps its own order.
var pageSortFields = map[string]string{"created_at": "created_at", "updated_at": "updated_at", "slug": "slug",
	"title": "title", "visibility": "visibility"}

func (c *content) pageRoutes() {
	c.route("/v3/portals/{portalId}/pages", map[string]handlerFunc{
		http.MethodGet:  c.listPages,
		http.MethodPost: c.createPage,
	})
	c.route("/v3/portals/{portalId}/pages/{pageId}", map[string]handlerFunc{
		http.MethodGet:    c.getPage,
		http.MethodPatch:  c.updatePage,
		http.MethodDelete: c.deletePage,
	})
	c.route("/v3/portals/{portalId}/pages/{pageId}/move", map[string]handlerFunc{
		http.MethodPost: c.movePage,
	})
}

// listPages returns the whole tree, unpaginated as the document says. Filters choose the pages
// shown; a page left out hides the pages under it.
func (c *content) listPages(w http.ResponseWriter, r *http.Request) error {
	_, filters, err := sortedListParams(r, pageSortFields, pageFilterFields...)
	if err != nil {
		return err
	}
	tree, err := c.svc.Pages(r.Context(), regionOf(r), r.PathValue("portalId"), func(p core.Page) bool {
		return textMatches(filters["id"], p.ID) && textMatches(filters["slug"], p.Slug) &&
			textMatches(filters["title"], p.Title) && textMatches(filters["visibility"], p.Visibility)
	})
	return respond(w, err, http.StatusOK, map[string][]pageInfoJSON{"data": mapEach(tree, toPageInfoJSON)})
}

func (c *content) createPage(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, err := readPageInput(o)
	if err != nil {
		return err
	}
	p, err := c.svc.CreatePage(r.Context(), regionOf(r), r.PathValue("portalId"), in)
	return respond(w, err, http.StatusCreated, toPageJSON(p))
}

func (c *content) getPage(w http.ResponseWriter, r *http.Request) error {
	p, err := c.svc.Page(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("pageId"))
	return respond(w, err, http.StatusOK, toPageJSON(p))
}

func (c *content) updatePage(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, err := readPageInput(o)
	if err != nil {
		return err
	}
	p, err := c.svc.UpdatePage(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("pageId"), in)
	return respond(w, err, http.StatusOK, toPageJSON(p))
}

func (c *content) deletePage(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, c.svc.DeletePage(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("pageId")))
}

// movePage answers 201 with no body, as the document does.
func (c *content) movePage(w http.ResponseWriter, r *http.Request) error {
	parent, index, err := readMove(w, r, "parent_page_id")
	if err != nil {
		return err
	}
	if err := c.svc.MovePage(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("pageId"), parent, index); err != nil {
		return err
	}
	w.WriteHeader(http.StatusCreated)
	return nil
}
