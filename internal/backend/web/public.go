package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// apiCard is one API of the catalogue.
type apiCard struct {
	Slug, Name, Version, Description string
	Private                          bool
}

// catalogueView is the data of the catalogue page.
type catalogueView struct {
	Query string
	APIs  []apiCard
}

// home shows the portal's home page.
func (s *Site) home(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return s.render(w, r, page{Name: "public/home.html", Title: "Home"})
}

// contentPage shows the page of the content tree at the request's path.
func (s *Site) contentPage(_ http.ResponseWriter, _ *http.Request, _ *viewer) error {
	return errNotFound
}

// catalogue lists the APIs the viewer may see, filtered by ?q=.
func (s *Site) catalogue(w http.ResponseWriter, r *http.Request, v *viewer) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	cards, err := s.publishedAPIs(r.Context(), v, "")
	if err != nil {
		return err
	}
	var shown []apiCard
	for _, c := range cards {
		if matches(c, q) {
			shown = append(shown, c)
		}
	}
	return s.render(w, r, page{Name: "public/catalogue.html", Title: "APIs", Data: catalogueView{Query: q, APIs: shown}})
}

// matches reports whether the API's name, slug or description contains every word of q, in any case.
func matches(c apiCard, q string) bool {
	text := strings.ToLower(c.Name + " " + c.Slug + " " + c.Description)
	for _, word := range strings.Fields(strings.ToLower(q)) {
		if !strings.Contains(text, word) {
			return false
		}
	}
	return true
}

// apiPage shows one API with its reference and documents.
func (s *Site) apiPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	cards, err := s.publishedAPIs(r.Context(), v, r.PathValue("slug"))
	if err != nil {
		return err
	}
	if len(cards) == 0 {
		return errNotFound
	}
	return s.render(w, r, page{Name: "public/api.html", Title: cards[0].Name, Data: cards[0]})
}

// apiDocument shows one document of an API.
func (s *Site) apiDocument(_ http.ResponseWriter, _ *http.Request, _ *viewer) error {
	return errNotFound
}

// publishedAPIs returns the APIs published to the viewer's portal that the viewer may see, or
// only the one with slug when slug is not empty.
func (s *Site) publishedAPIs(ctx context.Context, v *viewer, slug string) ([]apiCard, error) {
	var apis []service.PortalAPI
	if slug != "" {
		a, err := s.svc.API(ctx, v.Portal, v.Developer, slug)
		if service.KindOf(err) == service.NotFound || (err == nil && a.API.Slug != slug) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		apis = append(apis, a)
	} else {
		var err error
		if apis, _, err = s.svc.APIs(ctx, v.Portal, v.Developer, store.Page{Size: 10000, Number: 1}); err != nil {
			return nil, err
		}
	}
	out := make([]apiCard, 0, len(apis))
	for _, pa := range apis {
		c := apiCard{Slug: pa.API.Slug, Name: pa.API.Name, Private: pa.Publication.Visibility != core.VisibilityPublic}
		if pa.API.Version != nil {
			c.Version = *pa.API.Version
		}
		if pa.API.Description != nil {
			c.Description = *pa.API.Description
		}
		out = append(out, c)
	}
	return out, nil
}
