package service

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// The reads of this file are what a portal's developers and visitors see of its content; the
// website and the developer API both call them. The visibility rule is one for all content:
// unpublished items are never shown; public items are shown to everybody, anonymous visitors
// included; private items only to a signed-in, approved developer (dev not nil). RBAC, where a
// portal turns it on, gives every approved developer the same role, since this server has no
// teams: it changes nothing of what a developer sees.

// PageTree returns the tree of the portal's pages that dev may see (nil dev: an anonymous
// visitor). A page that is hidden hides the pages under it.
func (s *Service) PageTree(ctx context.Context, p core.Portal, dev *core.Developer) ([]*core.PageNode, error) {
	var pages []core.Page
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		pages, err = tx.PortalPages(ctx, p.Region, p.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return core.BuildPageTree(pages, func(pg core.Page) bool {
		return core.ContentVisible(pg.Status, pg.Visibility, dev != nil)
	}), nil
}

// PageByPath returns the published page at path ("/" for the home page, "/guides/start" for a
// nested one), with its children that dev may see. A private page asked for by an anonymous
// visitor is refused as Unauthenticated, so that the website can offer to log in; a page that is
// missing, unpublished, or under a page the viewer may not see is NotFound.
func (s *Service) PageByPath(ctx context.Context, p core.Portal, dev *core.Developer, path string) (*core.PageNode, error) {
	var pages []core.Page
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		pages, err = tx.PortalPages(ctx, p.Region, p.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	// Published pages, private ones included, so that a private page can be told from a missing one.
	published := core.BuildPageTree(pages, func(pg core.Page) bool { return pg.Status == core.StatusPublished })
	n := core.FindPagePath(published, path)
	if n == nil {
		return nil, Errorf(NotFound, "No page exists at %s in this portal.", core.PagePathOf(path))
	}
	if dev == nil && !publicUpTo(pages, n.Page) {
		return nil, &Error{Kind: Unauthenticated, Title: "Unauthorized",
			Detail: "This page is only for the portal's signed-in developers: log in to read it."}
	}
	n.Children = visibleNodes(n.Children, dev != nil)
	return n, nil
}

// publicUpTo reports whether pg and every page above it are public.
func publicUpTo(pages []core.Page, pg core.Page) bool {
	byID := make(map[string]core.Page, len(pages))
	for _, q := range pages {
		byID[q.ID] = q
	}
	for range len(pages) + 1 {
		if pg.Visibility != core.VisibilityPublic {
			return false
		}
		if pg.ParentPageID == nil {
			return true
		}
		pg = byID[*pg.ParentPageID]
	}
	return false
}

// visibleNodes keeps the published pages of a subtree that a viewer may see.
func visibleNodes(nodes []*core.PageNode, signedIn bool) []*core.PageNode {
	out := []*core.PageNode{}
	for _, n := range nodes {
		if core.ContentVisible(n.Status, n.Visibility, signedIn) {
			n.Children = visibleNodes(n.Children, signedIn)
			out = append(out, n)
		}
	}
	return out
}

// PortalCustomization returns the portal's customization: the defaults when nobody changed it.
func (s *Service) PortalCustomization(ctx context.Context, p core.Portal) (core.Customization, error) {
	var c core.Customization
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		c, err = tx.GetCustomization(ctx, p.ID)
		return err
	})
	return c, err
}

// VisibleSnippets returns one page of the portal's snippets that dev may see, and their total.
func (s *Service) VisibleSnippets(ctx context.Context, p core.Portal, dev *core.Developer, f store.SnippetFilter, page store.Page) ([]core.Snippet, int, error) {
	f.Visible, f.SignedIn = true, dev != nil
	var (
		list  []core.Snippet
		total int
	)
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		list, total, err = tx.ListSnippets(ctx, p.Region, p.ID, f, page)
		return err
	})
	return list, total, err
}

// VisibleSnippet returns the snippet named name, if dev may see it; NotFound otherwise.
func (s *Service) VisibleSnippet(ctx context.Context, p core.Portal, dev *core.Developer, name string) (core.Snippet, error) {
	var sn core.Snippet
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		sn, err = tx.GetSnippetByName(ctx, p.Region, p.ID, name)
		return err
	})
	if errors.Is(err, store.ErrNotFound) || err == nil && !core.ContentVisible(sn.Status, sn.Visibility, dev != nil) {
		return core.Snippet{}, Errorf(NotFound, "No snippet named %q exists in this portal.", name)
	}
	return sn, err
}

// CatalogueAPI is an entry of a portal's API catalogue.
type CatalogueAPI = store.PortalAPI

// Catalogue returns one page of the APIs published to the portal that dev may see, by name, and
// their total; q, when not empty, keeps those whose name or description contains it.
func (s *Service) Catalogue(ctx context.Context, p core.Portal, dev *core.Developer, q string, page store.Page) ([]CatalogueAPI, int, error) {
	var (
		list  []CatalogueAPI
		total int
	)
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		list, total, err = tx.CatalogueAPIs(ctx, p.Region, p.ID,
			store.CatalogueFilter{IncludePrivate: dev != nil, Query: strings.TrimSpace(q)}, page)
		return err
	})
	return list, total, err
}

// APIReference is an API as its page on a portal shows it: the API and its publication, its
// versions with their specifications, and the tree of its published documents.
type APIReference struct {
	API         core.API
	Publication core.Publication
	Versions    []core.APIVersion
	Documents   []*core.DocumentNode
}

// PublishedAPI returns the API with the id or slug idOrSlug as published to the portal, with its
// versions and published documents, if dev may see it; NotFound otherwise.
func (s *Service) PublishedAPI(ctx context.Context, p core.Portal, dev *core.Developer, idOrSlug string) (APIReference, error) {
	var ref APIReference
	err := s.store.View(ctx, func(tx *store.Tx) error {
		pa, err := visibleAPI(ctx, tx, p, dev, idOrSlug)
		if err != nil {
			return err
		}
		ref.API, ref.Publication = pa.API, pa.Publication
		if ref.Versions, err = tx.APIVersions(ctx, p.Region, pa.API.ID); err != nil {
			return err
		}
		docs, err := tx.APIDocuments(ctx, p.Region, pa.API.ID)
		if err != nil {
			return err
		}
		ref.Documents = core.BuildDocumentTree(docs, func(d core.APIDocument) bool { return d.Status == core.StatusPublished })
		return nil
	})
	return ref, err
}

// PublishedAPIVersion returns a version of a published API, with its specification, if dev may
// see the API; NotFound otherwise.
func (s *Service) PublishedAPIVersion(ctx context.Context, p core.Portal, dev *core.Developer, apiIDOrSlug, versionID string) (core.APIVersion, error) {
	var v core.APIVersion
	err := s.store.View(ctx, func(tx *store.Tx) error {
		pa, err := visibleAPI(ctx, tx, p, dev, apiIDOrSlug)
		if err != nil {
			return err
		}
		v, err = tx.GetAPIVersion(ctx, p.Region, pa.API.ID, versionID)
		if errors.Is(err, store.ErrNotFound) {
			return Errorf(NotFound, "API %s has no version %s.", apiIDOrSlug, versionID)
		}
		return err
	})
	return v, err
}

// PublishedAPIDocument returns the published document with the id or slug docIDOrSlug of a
// published API, if dev may see the API; NotFound otherwise. A document under an unpublished one
// is not shown either.
func (s *Service) PublishedAPIDocument(ctx context.Context, p core.Portal, dev *core.Developer, apiIDOrSlug, docIDOrSlug string) (core.APIDocument, error) {
	var doc core.APIDocument
	err := s.store.View(ctx, func(tx *store.Tx) error {
		pa, err := visibleAPI(ctx, tx, p, dev, apiIDOrSlug)
		if err != nil {
			return err
		}
		docs, err := tx.APIDocuments(ctx, p.Region, pa.API.ID)
		if err != nil {
			return err
		}
		var find func([]*core.DocumentNode) *core.DocumentNode
		find = func(nodes []*core.DocumentNode) *core.DocumentNode {
			for _, n := range nodes {
				if n.ID == docIDOrSlug || n.Slug == docIDOrSlug {
					return n
				}
				if f := find(n.Children); f != nil {
					return f
				}
			}
			return nil
		}
		n := find(core.BuildDocumentTree(docs, func(d core.APIDocument) bool { return d.Status == core.StatusPublished }))
		if n == nil {
			return Errorf(NotFound, "API %s has no document %s.", apiIDOrSlug, docIDOrSlug)
		}
		doc = n.APIDocument
		return nil
	})
	return doc, err
}

// visibleAPI returns the API with id or slug idOrSlug published to p, if dev may see it.
func visibleAPI(ctx context.Context, tx *store.Tx, p core.Portal, dev *core.Developer, idOrSlug string) (store.PortalAPI, error) {
	list, _, err := tx.CatalogueAPIs(ctx, p.Region, p.ID, store.CatalogueFilter{IncludePrivate: dev != nil, IDOrSlug: idOrSlug},
		store.Page{Size: 1, Number: 1})
	if err != nil {
		return store.PortalAPI{}, err
	}
	if len(list) == 0 {
		return store.PortalAPI{}, Errorf(NotFound, "API %s not found in this portal.", idOrSlug)
	}
	return list[0], nil
}

// SearchResult is one match of a portal search: an API or a page.
type SearchResult struct {
	// Type is "api" or "page".
	Type string
	ID   string
	// Name is the API's name or the page's title; Description its description, if any.
	Name        string
	Description string
	// Slug is the API's slug; Path the page's path on the website.
	Slug string
	Path string
}

// Search returns what of the portal matches q, for dev: the APIs whose name or description
// contains it, then the pages whose title, description or content does, at most limit in all.
func (s *Service) Search(ctx context.Context, p core.Portal, dev *core.Developer, q string, limit int) ([]SearchResult, error) {
	q = strings.TrimSpace(q)
	if q == "" || limit <= 0 {
		return []SearchResult{}, nil
	}
	apis, _, err := s.Catalogue(ctx, p, dev, q, store.Page{Size: limit, Number: 1})
	if err != nil {
		return nil, err
	}
	out := make([]SearchResult, 0, limit)
	for _, a := range apis {
		r := SearchResult{Type: "api", ID: a.API.ID, Name: a.API.Name, Slug: a.API.Slug}
		if a.API.Description != nil {
			r.Description = *a.API.Description
		}
		out = append(out, r)
	}
	tree, err := s.PageTree(ctx, p, dev)
	if err != nil {
		return nil, err
	}
	needle := strings.ToLower(q)
	var walk func([]*core.PageNode)
	walk = func(nodes []*core.PageNode) {
		for _, n := range nodes {
			if len(out) >= limit {
				return
			}
			desc := ""
			if n.Description != nil {
				desc = *n.Description
			}
			if strings.Contains(strings.ToLower(n.Title), needle) || strings.Contains(strings.ToLower(desc), needle) ||
				strings.Contains(strings.ToLower(core.StripFrontMatter(n.Content)), needle) {
				out = append(out, SearchResult{Type: "page", ID: n.ID, Name: n.Title, Description: desc, Path: n.Path})
			}
			walk(n.Children)
		}
	}
	walk(tree)
	return out, nil
}

// contentNotFound is the NotFound of an object of the content that names where it was looked for.
func contentNotFound(kind, id, where string) error {
	return &Error{Kind: NotFound, Detail: fmt.Sprintf("%s %s not found in %s", kind, id, where)}
}

// PortalSignIn returns the sign-in settings of the portal, for the portal context developers read.
func (s *Service) PortalSignIn(ctx context.Context, p core.Portal) (core.PortalAuthSettings, error) {
	var a core.PortalAuthSettings
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		a, err = tx.GetPortalAuthSettings(ctx, p.Region, p.ID)
		return err
	})
	return a, err
}

// VersionsOf returns the versions of each of the APIs, by API id, without reading them one
// transaction at a time; the developer API lists them as an API's specifications.
func (s *Service) VersionsOf(ctx context.Context, region string, apiIDs ...string) (map[string][]core.APIVersion, error) {
	out := make(map[string][]core.APIVersion, len(apiIDs))
	err := s.store.View(ctx, func(tx *store.Tx) error {
		for _, id := range apiIDs {
			vs, err := tx.APIVersions(ctx, region, id)
			if err != nil {
				return err
			}
			out[id] = vs
		}
		return nil
	})
	return out, err
}
