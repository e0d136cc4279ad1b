package httpapi

import (
	"net/http"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// apiDocumentJSON is Konnect's API document.
type apiDocumentJSON struct {
	ID               string  `json:"id"`
	ParentDocumentID *string `json:"parent_document_id"`
	Title            string  `json:"title"`
	Slug             string  `json:"slug"`
	Status           string  `json:"status"`
	Content          string  `json:"content"`
	CreatedAt        string  `json:"created_at"`
	UpdatedAt        string  `json:"updated_at"`
}

func toAPIDocumentJSON(d core.APIDocument) apiDocumentJSON {
	return apiDocumentJSON{ID: d.ID, ParentDocumentID: d.ParentDocumentID, Title: d.Title, Slug: d.Slug,
		Status: d.Status, Content: d.Content, CreatedAt: formatTime(d.CreatedAt), UpdatedAt: formatTime(d.UpdatedAt)}
}

// apiDocumentSummaryJSON is Konnect's API Document Summary: a document of the tree, without content.
type apiDocumentSummaryJSON struct {
	ID               string                   `json:"id"`
	Title            string                   `json:"title"`
	Slug             string                   `json:"slug"`
	Status           string                   `json:"status"`
	ParentDocumentID *string                  `json:"parent_document_id"`
	CreatedAt        string                   `json:"created_at"`
	UpdatedAt        string                   `json:"updated_at"`
	Children         []apiDocumentSummaryJSON `json:"children"`
}

func toAPIDocumentSummaryJSON(n *core.DocumentNode) apiDocumentSummaryJSON {
	return apiDocumentSummaryJSON{ID: n.ID, Title: n.Title, Slug: n.Slug, Status: n.Status, ParentDocumentID: n.ParentDocumentID,
		CreatedAt: formatTime(n.CreatedAt), UpdatedAt: formatTime(n.UpdatedAt), Children: mapEach(n.Children, toAPIDocumentSummaryJSON)}
}

func readAPIDocumentInput(o *object) (core.APIDocumentInput, error) {
	in := core.APIDocumentInput{
		Content:          field[string](o, "content", false),
		Title:            field[string](o, "title", false),
		Slug:             field[string](o, "slug", true),
		Status:           field[string](o, "status", false),
		ParentDocumentID: field[string](o, "parent_document_id", true),
	}
	o.ignore("id", "created_at", "updated_at")
	return in, core.Invalid(o.finish()...)
}

func (c *content) apiDocumentRoutes() {
	c.route("/v3/apis/{apiId}/documents", map[string]handlerFunc{
		http.MethodGet:  c.listAPIDocuments,
		http.MethodPost: c.createAPIDocument,
	})
	c.route("/v3/apis/{apiId}/documents/{documentId}", map[string]handlerFunc{
		http.MethodGet:    c.getAPIDocument,
		http.MethodPatch:  c.updateAPIDocument,
		http.MethodDelete: c.deleteAPIDocument,
	})
	c.route("/v3/apis/{apiId}/documents/{documentId}/move", map[string]handlerFunc{
		http.MethodPost: c.moveAPIDocument,
	})
}

// listAPIDocuments returns the API's whole document tree; filter[status] chooses the documents
// shown, a document left out hiding those under it.
func (c *content) listAPIDocuments(w http.ResponseWriter, r *http.Request) error {
	_, filters, err := listParams(r, "status")
	if err != nil {
		return err
	}
	tree, err := c.svc.APIDocuments(r.Context(), regionOf(r), r.PathValue("apiId"), func(d core.APIDocument) bool {
		return textMatches(filters["status"], d.Status)
	})
	return respond(w, err, http.StatusOK, map[string][]apiDocumentSummaryJSON{"data": mapEach(tree, toAPIDocumentSummaryJSON)})
}

func (c *content) createAPIDocument(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, err := readAPIDocumentInput(o)
	if err != nil {
		return err
	}
	d, err := c.svc.CreateAPIDocument(r.Context(), regionOf(r), r.PathValue("apiId"), in)
	return respond(w, err, http.StatusCreated, toAPIDocumentJSON(d))
}

func (c *content) getAPIDocument(w http.ResponseWriter, r *http.Request) error {
	d, err := c.svc.APIDocument(r.Context(), regionOf(r), r.PathValue("apiId"), r.PathValue("documentId"))
	return respond(w, err, http.StatusOK, toAPIDocumentJSON(d))
}

func (c *content) updateAPIDocument(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, err := readAPIDocumentInput(o)
	if err != nil {
		return err
	}
	d, err := c.svc.UpdateAPIDocument(r.Context(), regionOf(r), r.PathValue("apiId"), r.PathValue("documentId"), in)
	return respond(w, err, http.StatusOK, toAPIDocumentJSON(d))
}

func (c *content) deleteAPIDocument(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, c.svc.DeleteAPIDocument(r.Context(), regionOf(r), r.PathValue("apiId"), r.PathValue("documentId")))
}

// moveAPIDocument answers 204, as the document does.
func (c *content) moveAPIDocument(w http.ResponseWriter, r *http.Request) error {
	parent, index, err := readMove(w, r, "parent_document_id")
	if err != nil {
		return err
	}
	return noContent(w, c.svc.MoveAPIDocument(r.Context(), regionOf(r), r.PathValue("apiId"), r.PathValue("documentId"), parent, index))
}
