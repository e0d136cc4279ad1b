package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"path"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/apispec"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
)

// apiView is the data of an API's page.
type apiView struct {
	API apiCard
	// Versions are the API's versions with a specification, newest first; Version is the one
	// shown (nil when the API has none).
	Versions []core.APIVersion
	Version  *core.APIVersion
	// Reference is the shown version's specification as the page renders it; ReferenceHTML its
	// rendered section, the same for every visitor.
	Reference     *apispec.Reference
	ReferenceHTML template.HTML
	// Renderer holds the portal's options for the reference (schemas shown, deprecated hidden).
	Renderer  core.SpecRenderer
	Documents []*core.DocumentNode
	// Registrable is set when applications register with the API for credentials: the portal has
	// developer accounts and the publication names an auth strategy.
	Registrable bool
}

// documentView is the data of an API document's page.
type documentView struct {
	API   apiCard
	Title string
	Body  template.HTML
	// HasHeading is set when the body brings its own <h1>.
	HasHeading bool
	Documents  []*core.DocumentNode
	Current    string
}

// apiPage shows one API with its reference and documents; ?version= picks a version by id or
// name, the newest otherwise.
func (s *Site) apiPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	ref, err := s.publishedAPI(r, v)
	if err != nil {
		return err
	}
	av := apiView{API: cardOf(ref.API, ref.Publication), Documents: ref.Documents,
		Renderer: s.customization(r, v).SpecRenderer, Registrable: v.Accounts() && ref.Publication.AuthStrategyID != nil}
	for i := len(ref.Versions) - 1; i >= 0; i-- {
		av.Versions = append(av.Versions, ref.Versions[i])
	}
	want := r.URL.Query().Get("version")
	for i := range av.Versions {
		if want == "" || av.Versions[i].ID == want || av.Versions[i].Version == want {
			av.Version = &av.Versions[i]
			break
		}
	}
	if want != "" && av.Version == nil {
		return errNotFound
	}
	if av.Version != nil {
		av.Reference = s.specs.reference(*av.Version)
		if av.ReferenceHTML, err = s.specs.html(*av.Version, av.Renderer, s.renderReference); err != nil {
			return err
		}
	}
	return s.render(w, r, page{Name: "public/api.html", Title: ref.API.Name, Description: av.API.Description, Data: av})
}

// apiDocument shows one document of an API; its address ends with the document's slug, after its
// ancestors' slugs when it is nested.
func (s *Site) apiDocument(w http.ResponseWriter, r *http.Request, v *viewer) error {
	ref, err := s.publishedAPI(r, v)
	if err != nil {
		return err
	}
	slug := path.Base("/" + r.PathValue("doc"))
	doc, err := s.svc.PublishedAPIDocument(r.Context(), v.Portal, v.Developer, ref.API.ID, slug)
	if err != nil {
		return err
	}
	body := renderMarkdown(core.StripFrontMatter(doc.Content))
	return s.render(w, r, page{Name: "public/document.html", Title: doc.Title + " · " + ref.API.Name, Data: documentView{
		API: cardOf(ref.API, ref.Publication), Title: doc.Title, Body: body, HasHeading: hasHeading(body),
		Documents: ref.Documents, Current: doc.Slug,
	}})
}

// publishedAPI returns the API the path's {slug} names, if the viewer may see it; a private API
// asked for by an anonymous visitor is as absent as a missing one, since saying it exists would
// leak its name.
func (s *Site) publishedAPI(r *http.Request, v *viewer) (service.APIReference, error) {
	slug := r.PathValue("slug")
	ref, err := s.svc.PublishedAPI(r.Context(), v.Portal, v.Developer, slug)
	if err != nil {
		return ref, err
	}
	if ref.API.Slug != slug {
		// The service also finds APIs by id; the website has one address per API.
		return ref, errNotFound
	}
	return ref, nil
}

// renderReference renders the reference section of an API page, which depends only on the
// specification and the portal's renderer options.
func (s *Site) renderReference(ref *apispec.Reference, o core.SpecRenderer) (template.HTML, error) {
	var buf bytes.Buffer
	if err := s.pages["public/api.html"].ExecuteTemplate(&buf, "reference", referenceArgs{Ref: ref, Renderer: o}); err != nil {
		return "", fmt.Errorf("web: render reference: %w", err)
	}
	return template.HTML(buf.String()), nil // produced by html/template, escaped there
}
