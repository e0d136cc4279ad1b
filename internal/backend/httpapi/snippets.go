package httpapi

import (
	"net/http"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// snippetJSON is Konnect's PortalSnippetResponse.
type snippetJSON struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Title       string  `json:"title"`
	Content     string  `json:"content"`
	Visibility  string  `json:"visibility"`
	Status      string  `json:"status"`
	Description *string `json:"description,omitempty"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
}

func toSnippetJSON(s core.Snippet) snippetJSON {
	return snippetJSON{ID: s.ID, Name: s.Name, Title: s.Title, Content: s.Content, Visibility: s.Visibility,
		Status: s.Status, Description: s.Description, CreatedAt: formatTime(s.CreatedAt), UpdatedAt: formatTime(s.UpdatedAt)}
}

// snippetInfoJSON is an item of a snippet list: the snippet without its content.
type snippetInfoJSON struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Title       string  `json:"title"`
	Visibility  string  `json:"visibility"`
	Status      string  `json:"status"`
	Description *string `json:"description,omitempty"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
}

func toSnippetInfoJSON(s core.Snippet) snippetInfoJSON {
	return snippetInfoJSON{ID: s.ID, Name: s.Name, Title: s.Title, Visibility: s.Visibility, Status: s.Status,
		Description: s.Description, CreatedAt: formatTime(s.CreatedAt), UpdatedAt: formatTime(s.UpdatedAt)}
}

func readSnippetInput(o *object) (core.SnippetInput, error) {
	in := core.SnippetInput{
		Name:        field[string](o, "name", false),
		Title:       field[string](o, "title", false),
		Content:     field[string](o, "content", false),
		Description: field[string](o, "description", true),
		Visibility:  field[string](o, "visibility", false),
		Status:      field[string](o, "status", false),
	}
	return in, core.Invalid(o.finish()...)
}

// snippetFilterFields are the text fields snippet lists can be filtered by.
var snippetFilterFields = []string{"id", "name", "title", "visibility", "status"}

func snippetFilter(filters map[string]store.TextFilter) store.SnippetFilter {
	return store.SnippetFilter{ID: filters["id"], Name: filters["name"], Title: filters["title"],
		Visibility: filters["visibility"], Status: filters["status"]}
}

func (c *content) snippetRoutes() {
	c.route("/v3/portals/{portalId}/snippets", map[string]handlerFunc{
		http.MethodGet:  c.listSnippets,
		http.MethodPost: c.createSnippet,
	})
	c.route("/v3/portals/{portalId}/snippets/{snippetId}", map[string]handlerFunc{
		http.MethodGet:    c.getSnippet,
		http.MethodPatch:  c.updateSnippet,
		http.MethodDelete: c.deleteSnippet,
	})
}

func (c *content) listSnippets(w http.ResponseWriter, r *http.Request) error {
	page, filters, err := sortedListParams(r, store.SnippetSortFields, snippetFilterFields...)
	if err != nil {
		return err
	}
	list, total, err := c.svc.Snippets(r.Context(), regionOf(r), r.PathValue("portalId"), snippetFilter(filters), page)
	return respond(w, err, http.StatusOK, newListResponse(mapEach(list, toSnippetInfoJSON), page, total))
}

func (c *content) createSnippet(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, err := readSnippetInput(o)
	if err != nil {
		return err
	}
	s, err := c.svc.CreateSnippet(r.Context(), regionOf(r), r.PathValue("portalId"), in)
	return respond(w, err, http.StatusCreated, toSnippetJSON(s))
}

func (c *content) getSnippet(w http.ResponseWriter, r *http.Request) error {
	s, err := c.svc.Snippet(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("snippetId"))
	return respond(w, err, http.StatusOK, toSnippetJSON(s))
}

func (c *content) updateSnippet(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, err := readSnippetInput(o)
	if err != nil {
		return err
	}
	s, err := c.svc.UpdateSnippet(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("snippetId"), in)
	return respond(w, err, http.StatusOK, toSnippetJSON(s))
}

func (c *content) deleteSnippet(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, c.svc.DeleteSnippet(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("snippetId")))
}
