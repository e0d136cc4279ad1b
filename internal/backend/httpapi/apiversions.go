package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/apispec"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// apiVersionJSON is Konnect's API version, with the specification's content.
type apiVersionJSON struct {
	ID        string   `json:"id"`
	Version   string   `json:"version"`
	Spec      specJSON `json:"spec"`
	CreatedAt string   `json:"created_at"`
	UpdatedAt string   `json:"updated_at"`
}

// specJSON is a version's specification; Content is left out of summaries.
type specJSON struct {
	Content            *string          `json:"content,omitempty"`
	Type               string           `json:"type"`
	ValidationMessages []validationJSON `json:"validation_messages,omitempty"`
}

type validationJSON struct {
	Message string `json:"message"`
}

func toAPIVersionJSON(v core.APIVersion) apiVersionJSON {
	content := v.SpecContent
	return apiVersionJSON{ID: v.ID, Version: v.Version, Spec: specJSON{Content: &content, Type: v.SpecType},
		CreatedAt: formatTime(v.CreatedAt), UpdatedAt: formatTime(v.UpdatedAt)}
}

func toAPIVersionSummaryJSON(v core.APIVersion) apiVersionJSON {
	out := toAPIVersionJSON(v)
	out.Spec.Content = nil
	return out
}

// readAPIVersionInput reads a create or update version body: version and spec.content.
func readAPIVersionInput(o *object) (core.APIVersionInput, error) {
	var in core.APIVersionInput
	in.Version = field[string](o, "version", false)
	if spec, _ := o.child("spec", false); spec != nil {
		in.SpecContent = field[string](spec, "content", false)
		spec.readOnly("type", "validation_messages")
		spec.finish()
	}
	o.ignore("id", "created_at", "updated_at")
	return in, core.Invalid(o.finish()...)
}

func (c *content) apiVersionRoutes() {
	c.route("/v3/apis/{apiId}/versions", map[string]handlerFunc{
		http.MethodGet:  c.listAPIVersions,
		http.MethodPost: c.createAPIVersion,
	})
	c.route("/v3/apis/{apiId}/versions/{versionId}", map[string]handlerFunc{
		http.MethodGet:    c.getAPIVersion,
		http.MethodPatch:  c.updateAPIVersion,
		http.MethodDelete: c.deleteAPIVersion,
	})
}

func (c *content) listAPIVersions(w http.ResponseWriter, r *http.Request) error {
	page, filters, err := sortedListParams(r, store.APIVersionSortFields, "type", "version")
	if err != nil {
		return err
	}
	list, total, err := c.svc.APIVersions(r.Context(), regionOf(r), r.PathValue("apiId"),
		store.APIVersionFilter{Type: filters["type"], Version: filters["version"]}, page)
	return respond(w, err, http.StatusOK, newListResponse(mapEach(list, toAPIVersionSummaryJSON), page, total))
}

func (c *content) createAPIVersion(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, err := readAPIVersionInput(o)
	if err != nil {
		return err
	}
	v, err := c.svc.CreateAPIVersion(r.Context(), regionOf(r), r.PathValue("apiId"), in)
	return respond(w, err, http.StatusCreated, toAPIVersionJSON(v))
}

func (c *content) getAPIVersion(w http.ResponseWriter, r *http.Request) error {
	v, err := c.svc.APIVersion(r.Context(), regionOf(r), r.PathValue("apiId"), r.PathValue("versionId"))
	return respond(w, err, http.StatusOK, toAPIVersionJSON(v))
}

// updateAPIVersion accepts the document's force parameter: this server does not enforce access
// control per operation, so removing operations is never refused.
func (c *content) updateAPIVersion(w http.ResponseWriter, r *http.Request) error {
	switch r.URL.Query().Get("force") {
	case "", "true", "false":
	default:
		v := queryViolation("force", "enum", "must be one of [true, false]")
		v.Choices = []string{"true", "false"}
		return core.Invalid(v)
	}
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, err := readAPIVersionInput(o)
	if err != nil {
		return err
	}
	v, err := c.svc.UpdateAPIVersion(r.Context(), regionOf(r), r.PathValue("apiId"), r.PathValue("versionId"), in)
	return respond(w, err, http.StatusOK, toAPIVersionJSON(v))
}

func (c *content) deleteAPIVersion(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, c.svc.DeleteAPIVersion(r.Context(), regionOf(r), r.PathValue("apiId"), r.PathValue("versionId")))
}

// apiSpec is a specification given as spec_content on an API request, checked.
type apiSpec struct {
	doc     *apispec.Document
	content string
}

func readAPISpec(content string) (*apiSpec, error) {
	doc, err := service.CheckSpec("spec_content", content)
	if err != nil {
		return nil, err
	}
	return &apiSpec{doc: doc, content: content}, nil
}

// store keeps the specification as the API's version, in the API request's transaction; a nil
// spec (none given) stores nothing.
func (s *apiSpec) store(ctx context.Context, tx *store.Tx, api core.API, now time.Time) error {
	if s == nil {
		return nil
	}
	return service.PutAPISpec(ctx, tx, api, s.doc, s.content, now)
}
