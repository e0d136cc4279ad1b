package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// content serves the portals' content: the admin endpoints of pages, snippets, customization, API
// versions and API documents, and what developers read of them. Its handlers decode, call one
// operation of the service and encode.
type content struct {
	a   *API
	svc *service.Service
}

// contentRoutes registers the content endpoints of the admin API and of the developer API.
func (a *API) contentRoutes() {
	c := &content{a: a, svc: a.svc}
	c.pageRoutes()
	c.snippetRoutes()
	c.customizationRoutes()
	c.apiVersionRoutes()
	c.apiDocumentRoutes()
	c.developerRoutes()
}

// route registers admin endpoints.
func (c *content) route(path string, methods map[string]handlerFunc) { c.a.route(path, methods) }

// devRoute registers a developer endpoint open to anonymous visitors.
func (c *content) devRoute(path string, h devHandler) {
	c.a.devRoute(path, anyone, map[string]devHandler{http.MethodGet: h})
}

// writeSpecRaw answers with a specification's content as JSON, as the developer API's raw
// endpoints do; a YAML specification is converted. Content that cannot be converted (which the
// upload check makes unlikely) goes out as YAML text.
func writeSpecRaw(w http.ResponseWriter, content string) {
	if json.Valid([]byte(content)) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(content))
		return
	}
	var v any
	if err := yaml.Unmarshal([]byte(content), &v); err == nil {
		if out, err := json.Marshal(v); err == nil {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(out)
			return
		}
	}
	w.Header().Set("Content-Type", "application/yaml")
	_, _ = w.Write([]byte(content))
}

// readMove reads a move request: the new parent (absent or null: the top level) under parentField,
// and the index among its siblings.
func readMove(w http.ResponseWriter, r *http.Request, parentField string) (core.Field[string], core.Field[int], error) {
	o, err := readObject(w, r)
	if err != nil {
		return core.Field[string]{}, core.Field[int]{}, err
	}
	parent := field[string](o, parentField, true)
	index := field[int](o, "index", false)
	if err := core.Invalid(o.finish()...); err != nil {
		return parent, index, err
	}
	return parent, index, nil
}

// textMatches applies a text filter in memory, for the lists that are trees; a zero filter
// keeps everything.
func textMatches(f store.TextFilter, v string) bool {
	switch f.Op {
	case "":
		return true
	case store.OpEq:
		return v == f.Value
	case store.OpNeq:
		return v != f.Value
	case store.OpContains:
		return strings.Contains(strings.ToLower(v), strings.ToLower(f.Value))
	case store.OpOeq:
		for item := range strings.SplitSeq(f.Value, ",") {
			if v == item {
				return true
			}
		}
	case store.OpOcontains:
		for item := range strings.SplitSeq(f.Value, ",") {
			if strings.Contains(strings.ToLower(v), strings.ToLower(item)) {
				return true
			}
		}
	}
	return false
}

// devPageInfoJSON is a page of the developer API's tree.
type devPageInfoJSON struct {
	ID           string            `json:"id"`
	Slug         string            `json:"slug"`
	Title        string            `json:"title"`
	Visibility   string            `json:"visibility"`
	Description  *string           `json:"description,omitempty"`
	ParentPageID *string           `json:"parent_page_id"`
	CreatedAt    string            `json:"created_at"`
	UpdatedAt    string            `json:"updated_at"`
	Children     []devPageInfoJSON `json:"children"`
}

func toDevPageInfoJSON(n *core.PageNode) devPageInfoJSON {
	return devPageInfoJSON{ID: n.ID, Slug: n.Slug, Title: n.Title, Visibility: n.Visibility, Description: n.Description,
		ParentPageID: n.ParentPageID, CreatedAt: formatTime(n.CreatedAt), UpdatedAt: formatTime(n.UpdatedAt),
		Children: mapEach(n.Children, toDevPageInfoJSON)}
}

// devPageJSON is a page as the developer API returns it.
type devPageJSON struct {
	ID           string  `json:"id"`
	Title        string  `json:"title"`
	Slug         string  `json:"slug"`
	Content      string  `json:"content"`
	Visibility   string  `json:"visibility"`
	Description  *string `json:"description,omitempty"`
	ParentPageID *string `json:"parent_page_id"`
	CreatedAt    string  `json:"created_at"`
	UpdatedAt    string  `json:"updated_at"`
}

// devSnippetJSON is a snippet as the developer API returns it; Content is left out of lists.
type devSnippetJSON struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Title       string  `json:"title"`
	Content     *string `json:"content,omitempty"`
	Visibility  string  `json:"visibility"`
	Description *string `json:"description,omitempty"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
}

func toDevSnippetJSON(s core.Snippet, withContent bool) devSnippetJSON {
	out := devSnippetJSON{ID: s.ID, Name: s.Name, Title: s.Title, Visibility: s.Visibility, Description: s.Description,
		CreatedAt: formatTime(s.CreatedAt), UpdatedAt: formatTime(s.UpdatedAt)}
	if withContent {
		out.Content = &s.Content
	}
	return out
}

// portalContextJSON is the developer API's PortalContext.
type portalContextJSON struct {
	PortalID              string `json:"portal_id"`
	OrgID                 string `json:"org_id"`
	BasicAuthEnabled      bool   `json:"basic_auth_enabled"`
	OIDCAuthEnabled       bool   `json:"oidc_auth_enabled"`
	SAMLAuthEnabled       bool   `json:"saml_auth_enabled"`
	AuthenticationEnabled bool   `json:"authentication_enabled"`
	RBACEnabled           bool   `json:"rbac_enabled"`
	Name                  string `json:"name"`
	CanonicalDomain       string `json:"canonical_domain"`
}

// orgID stands for the organization the documents' portal context names: this server has one.
const orgID = "00000000-0000-0000-0000-000000000000"

// devVersionJSON is an API version as the developer API returns it; Content is left out of lists.
type devVersionJSON struct {
	ID      string      `json:"id"`
	Version string      `json:"version"`
	Spec    devSpecJSON `json:"spec"`
}

type devSpecJSON struct {
	Type    string  `json:"type"`
	Content *string `json:"content,omitempty"`
}

func toDevVersionJSON(v core.APIVersion, withContent bool) devVersionJSON {
	out := devVersionJSON{ID: v.ID, Version: v.Version, Spec: devSpecJSON{Type: v.SpecType}}
	if withContent {
		out.Spec.Content = &v.SpecContent
	}
	return out
}

// devSpecSummaryJSON is an item of the deprecated specifications list.
type devSpecSummaryJSON struct {
	ID      string `json:"id"`
	APIType string `json:"api_type"`
}

// devDocumentTreeJSON is a document of the developer API's tree.
type devDocumentTreeJSON struct {
	ID               string                `json:"id"`
	ParentDocumentID *string               `json:"parent_document_id"`
	Title            string                `json:"title"`
	Slug             string                `json:"slug"`
	CreatedAt        string                `json:"created_at"`
	UpdatedAt        string                `json:"updated_at"`
	Children         []devDocumentTreeJSON `json:"children"`
}

func toDevDocumentTreeJSON(n *core.DocumentNode) devDocumentTreeJSON {
	return devDocumentTreeJSON{ID: n.ID, ParentDocumentID: n.ParentDocumentID, Title: n.Title, Slug: n.Slug,
		CreatedAt: formatTime(n.CreatedAt), UpdatedAt: formatTime(n.UpdatedAt), Children: mapEach(n.Children, toDevDocumentTreeJSON)}
}

// devDocumentJSON is a document as the developer API returns it.
type devDocumentJSON struct {
	ID               string  `json:"id"`
	ParentDocumentID *string `json:"parent_document_id"`
	Slug             string  `json:"slug"`
	Title            string  `json:"title"`
	Content          string  `json:"content"`
}

// developerRoutes registers what developers read of the content, on /api/v3 of each portal.
func (c *content) developerRoutes() {
	c.devRoute("/pages", c.devListPages)
	c.devRoute("/pages/{pagePath...}", c.devGetPage)
	c.devRoute("/snippets", c.devListSnippets)
	c.devRoute("/snippets/{snippetName}", c.devGetSnippet)
	c.devRoute("/customization", c.devGetCustomization)
	c.devRoute("/portal", c.devGetPortal)
	c.devRoute("/search", c.devSearch)
	c.devRoute("/apis/{apiIdOrSlug}/versions", c.devListVersions)
	c.devRoute("/apis/{apiIdOrSlug}/versions/{versionId}", c.devGetVersion)
	c.devRoute("/apis/{apiIdOrSlug}/versions/{versionId}/raw", c.devGetVersionRaw)
	c.devRoute("/apis/{apiIdOrSlug}/specifications", c.devListSpecifications)
	c.devRoute("/apis/{apiIdOrSlug}/specifications/{specId}", c.devGetSpecification)
	c.devRoute("/apis/{apiIdOrSlug}/specifications/{specId}/raw", c.devGetSpecificationRaw)
	c.devRoute("/apis/{apiIdOrSlug}/documents", c.devListDocuments)
	c.devRoute("/apis/{apiIdOrSlug}/documents/{documentIdOrSlug}", c.devGetDocument)
}

// devListPages returns the page tree the caller may see, unpaginated as the document says.
func (c *content) devListPages(w http.ResponseWriter, r *http.Request, dc devContext) error {
	_, filters, err := sortedListParams(r, pageSortFields, "slug", "title", "visibility")
	if err != nil {
		return err
	}
	tree, err := c.svc.PageTree(r.Context(), dc.portal, dc.developer)
	if err != nil {
		return err
	}
	tree = filterPageTree(tree, func(n *core.PageNode) bool {
		return textMatches(filters["slug"], n.Slug) && textMatches(filters["title"], n.Title) && textMatches(filters["visibility"], n.Visibility)
	})
	writeJSON(w, http.StatusOK, map[string][]devPageInfoJSON{"data": mapEach(tree, toDevPageInfoJSON)})
	return nil
}

func filterPageTree(nodes []*core.PageNode, keep func(*core.PageNode) bool) []*core.PageNode {
	out := []*core.PageNode{}
	for _, n := range nodes {
		if keep(n) {
			n.Children = filterPageTree(n.Children, keep)
			out = append(out, n)
		}
	}
	return out
}

// devGetPage returns the page at pagePath ("getting-started", "guides/start"; "home", unless a
// page has that path, or nothing for the home page). A private page is not found for anonymous callers, as the document lists
// no other answer.
func (c *content) devGetPage(w http.ResponseWriter, r *http.Request, dc devContext) error {
	path := r.PathValue("pagePath")
	n, err := c.svc.PageByPath(r.Context(), dc.portal, dc.developer, "/"+path)
	if service.KindOf(err) == service.NotFound && path == "home" {
		n, err = c.svc.PageByPath(r.Context(), dc.portal, dc.developer, core.HomePageSlug)
	}
	if service.KindOf(err) == service.Unauthenticated {
		return errorf(http.StatusNotFound, "No page exists at %s in this portal.", core.PagePathOf(path))
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, devPageJSON{ID: n.ID, Title: n.Title, Slug: n.Slug, Content: n.Content, Visibility: n.Visibility,
		Description: n.Description, ParentPageID: n.ParentPageID, CreatedAt: formatTime(n.CreatedAt), UpdatedAt: formatTime(n.UpdatedAt)})
	return nil
}

func (c *content) devListSnippets(w http.ResponseWriter, r *http.Request, dc devContext) error {
	page, filters, err := sortedListParams(r, store.SnippetSortFields, "name", "title", "visibility")
	if err != nil {
		return err
	}
	list, total, err := c.svc.VisibleSnippets(r.Context(), dc.portal, dc.developer, snippetFilter(filters), page)
	return respond(w, err, http.StatusOK, newListResponse(mapEach(list, func(s core.Snippet) devSnippetJSON {
		return toDevSnippetJSON(s, false)
	}), page, total))
}

func (c *content) devGetSnippet(w http.ResponseWriter, r *http.Request, dc devContext) error {
	s, err := c.svc.VisibleSnippet(r.Context(), dc.portal, dc.developer, r.PathValue("snippetName"))
	return respond(w, err, http.StatusOK, toDevSnippetJSON(s, true))
}

func (c *content) devGetCustomization(w http.ResponseWriter, r *http.Request, dc devContext) error {
	cu, err := c.svc.PortalCustomization(r.Context(), dc.portal)
	return respond(w, err, http.StatusOK, cu)
}

func (c *content) devGetPortal(w http.ResponseWriter, r *http.Request, dc devContext) error {
	auth, err := c.svc.PortalSignIn(r.Context(), dc.portal)
	p := dc.portal
	name := p.DisplayName
	if name == "" {
		name = p.Name
	}
	return respond(w, err, http.StatusOK, portalContextJSON{PortalID: p.ID, OrgID: orgID,
		BasicAuthEnabled: auth.BasicAuthEnabled, OIDCAuthEnabled: auth.OIDCAuthEnabled, SAMLAuthEnabled: auth.SAMLAuthEnabled,
		AuthenticationEnabled: p.AuthenticationEnabled, RBACEnabled: p.RBACEnabled, Name: name, CanonicalDomain: p.CanonicalDomain()})
}

func (c *content) devListVersions(w http.ResponseWriter, r *http.Request, dc devContext) error {
	page, _, err := listParams(r)
	if err != nil {
		return err
	}
	ref, err := c.svc.PublishedAPI(r.Context(), dc.portal, dc.developer, r.PathValue("apiIdOrSlug"))
	if err != nil {
		return err
	}
	list := pageOf(ref.Versions, page)
	writeJSON(w, http.StatusOK, newListResponse(mapEach(list, func(v core.APIVersion) devVersionJSON {
		return toDevVersionJSON(v, false)
	}), page, len(ref.Versions)))
	return nil
}

// pageOf cuts one page out of a list read whole.
func pageOf[T any](list []T, page store.Page) []T {
	start := min(len(list), (page.Number-1)*page.Size)
	return list[start:min(len(list), start+page.Size)]
}

func (c *content) devGetVersion(w http.ResponseWriter, r *http.Request, dc devContext) error {
	v, err := c.svc.PublishedAPIVersion(r.Context(), dc.portal, dc.developer, r.PathValue("apiIdOrSlug"), r.PathValue("versionId"))
	return respond(w, err, http.StatusOK, toDevVersionJSON(v, true))
}

func (c *content) devGetVersionRaw(w http.ResponseWriter, r *http.Request, dc devContext) error {
	v, err := c.svc.PublishedAPIVersion(r.Context(), dc.portal, dc.developer, r.PathValue("apiIdOrSlug"), r.PathValue("versionId"))
	if err != nil {
		return err
	}
	writeSpecRaw(w, v.SpecContent)
	return nil
}

// devListSpecifications is the deprecated name of the versions list: a version is a specification.
func (c *content) devListSpecifications(w http.ResponseWriter, r *http.Request, dc devContext) error {
	page, _, err := listParams(r)
	if err != nil {
		return err
	}
	ref, err := c.svc.PublishedAPI(r.Context(), dc.portal, dc.developer, r.PathValue("apiIdOrSlug"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newListResponse(mapEach(pageOf(ref.Versions, page), func(v core.APIVersion) devSpecSummaryJSON {
		return devSpecSummaryJSON{ID: v.ID, APIType: v.SpecType}
	}), page, len(ref.Versions)))
	return nil
}

func (c *content) devGetSpecification(w http.ResponseWriter, r *http.Request, dc devContext) error {
	v, err := c.svc.PublishedAPIVersion(r.Context(), dc.portal, dc.developer, r.PathValue("apiIdOrSlug"), r.PathValue("specId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": v.ID, "api_type": v.SpecType, "content": v.SpecContent})
	return nil
}

// devGetSpecificationRaw answers the specification's text as a JSON string, as the deprecated
// endpoint's document says (the versions' raw endpoint answers the specification itself).
func (c *content) devGetSpecificationRaw(w http.ResponseWriter, r *http.Request, dc devContext) error {
	v, err := c.svc.PublishedAPIVersion(r.Context(), dc.portal, dc.developer, r.PathValue("apiIdOrSlug"), r.PathValue("specId"))
	return respond(w, err, http.StatusOK, v.SpecContent)
}

func (c *content) devListDocuments(w http.ResponseWriter, r *http.Request, dc devContext) error {
	ref, err := c.svc.PublishedAPI(r.Context(), dc.portal, dc.developer, r.PathValue("apiIdOrSlug"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string][]devDocumentTreeJSON{"data": mapEach(ref.Documents, toDevDocumentTreeJSON)})
	return nil
}

// devGetDocument returns a published document as JSON; with Accept: text/markdown, its markdown.
func (c *content) devGetDocument(w http.ResponseWriter, r *http.Request, dc devContext) error {
	d, err := c.svc.PublishedAPIDocument(r.Context(), dc.portal, dc.developer, r.PathValue("apiIdOrSlug"), r.PathValue("documentIdOrSlug"))
	if err != nil {
		return err
	}
	if strings.Contains(r.Header.Get("Accept"), "text/markdown") {
		w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
		_, _ = w.Write([]byte(d.Content))
		return nil
	}
	writeJSON(w, http.StatusOK, devDocumentJSON{ID: d.ID, ParentDocumentID: d.ParentDocumentID, Slug: d.Slug, Title: d.Title, Content: d.Content})
	return nil
}

// searchJSON is the developer API's SearchResults: one page, as this server answers every search
// in one.
type searchJSON struct {
	Meta struct {
		Page struct {
			Size     int     `json:"size"`
			Next     *string `json:"next"`
			Previous *string `json:"previous"`
		} `json:"page"`
	} `json:"meta"`
	Data []searchResultJSON `json:"data"`
}

type searchResultJSON struct {
	ID          string            `json:"id"`
	Type        string            `json:"type"`
	Name        string            `json:"name"`
	Match       string            `json:"match"`
	Description string            `json:"description"`
	Attributes  map[string]string `json:"attributes"`
	Relations   map[string]string `json:"relations"`
}

// devSearch searches the reference of the APIs the caller may see: operations of their
// specifications and their published documents.
func (c *content) devSearch(w http.ResponseWriter, r *http.Request, dc devContext) error {
	page, vs := parsePage(r.URL.Query())
	if err := core.Invalid(vs...); err != nil {
		return err
	}
	matches, err := c.svc.SearchReference(r.Context(), dc.portal, dc.developer, r.URL.Query().Get("q"), page.Size)
	if err != nil {
		return err
	}
	var out searchJSON
	out.Meta.Page.Size = page.Size
	out.Data = []searchResultJSON{}
	for _, m := range matches {
		description := ""
		if m.API.Description != nil {
			description = *m.API.Description
		}
		version := ""
		if m.API.Version != nil {
			version = *m.API.Version
		}
		relations := map[string]string{"api_id": m.API.ID, "spec_id": m.Version.ID, "portal_id": dc.portal.ID, "org_id": orgID,
			"api_slug": m.API.Slug, "api_version": version, "api_description": description}
		if op := m.Operation; op != nil {
			key := m.Version.ID + ":" + op.Method + " " + op.Path
			name := op.Summary
			if name == "" {
				name = op.Method + " " + op.Path
			}
			relations["api_name"] = m.API.Name
			out.Data = append(out.Data, searchResultJSON{ID: key, Type: "operation", Name: name, Match: m.Match, Description: op.Description,
				Attributes: map[string]string{"created_at": formatTime(m.Version.CreatedAt), "updated_at": formatTime(m.Version.UpdatedAt),
					"operation_id": op.OperationID, "operation_key": key, "path": op.Path, "method": op.Method, "scope": "api",
					"summary": op.Summary, "api_description": description, "api_name": m.API.Name, "api_slug": m.API.Slug, "api_version": version},
				Relations: relations})
			continue
		}
		d := m.Document
		parent := ""
		if d.ParentDocumentID != nil {
			parent = *d.ParentDocumentID
		}
		path := "/apis/" + m.API.Slug + "/docs/" + d.Slug
		relations["parent_document_id"], relations["path"], relations["slug"] = parent, path, d.Slug
		out.Data = append(out.Data, searchResultJSON{ID: d.ID, Type: "document", Name: d.Title, Match: m.Match, Description: description,
			Attributes: map[string]string{"created_at": formatTime(d.CreatedAt), "updated_at": formatTime(d.UpdatedAt), "path": path,
				"scope": "api", "api_slug": m.API.Slug, "parent_document_id": parent, "slug": d.Slug},
			Relations: relations})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// devSpecRefJSON is an item of an API's specifications in the developer API: one per version.
type devSpecRefJSON struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// withSpecifications fills the specifications of developer API answers from the APIs' versions.
func (a *API) withSpecifications(r *http.Request, c devContext, apis []portalAPIJSON) ([]portalAPIJSON, error) {
	ids := make([]string, len(apis))
	for i, api := range apis {
		ids[i] = api.ID
	}
	versions, err := a.svc.VersionsOf(r.Context(), c.portal.Region, ids...)
	if err != nil {
		return nil, err
	}
	for i := range apis {
		for _, v := range versions[apis[i].ID] {
			apis[i].Specifications = append(apis[i].Specifications, devSpecRefJSON{ID: v.ID, Type: v.SpecType})
		}
	}
	return apis, nil
}
