package service

import (
	"context"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// contentFixture is a portal with pages, two published APIs (one public, one private) with a
// version and documents, in a real store.
type contentFixture struct {
	svc    *Service
	portal core.Portal
	public core.API
}

const fixtureSpec = "openapi: 3.0.3\ninfo:\n  title: Pets\n  version: 1.0.0\npaths:\n  /pets:\n    get:\n      summary: List pets\n      responses:\n        '200':\n          description: ok\n"

func newContentFixture(t *testing.T) contentFixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	svc := New(st, nil)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := core.NewPortal(core.PortalInput{Name: core.Val("readers"), DefaultPageVisibility: core.Val(core.VisibilityPublic)}, "3b1c7d44-0000-4000-8000-000000000001", "us", now)
	mkAPI := func(id, name string, desc string) core.API {
		return core.NewAPI(core.APIInput{Name: core.Val(name), Description: core.Val(desc)}, id, "us", now)
	}
	public := mkAPI("3b1c7d44-0000-4000-8000-000000000002", "Weather", "Forecasts by city")
	private := mkAPI("3b1c7d44-0000-4000-8000-000000000003", "Billing", "Invoices")
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertPortal(ctx, p); err != nil {
			return err
		}
		for _, a := range []core.API{public, private} {
			if err := tx.InsertAPI(ctx, a); err != nil {
				return err
			}
		}
		for _, pub := range []core.Publication{
			{APIID: public.ID, PortalID: p.ID, Region: "us", Visibility: core.VisibilityPublic, CreatedAt: now, UpdatedAt: now},
			{APIID: private.ID, PortalID: p.ID, Region: "us", Visibility: core.VisibilityPrivate, CreatedAt: now, UpdatedAt: now},
		} {
			if err := tx.PutPublication(ctx, pub); err != nil {
				return err
			}
		}
		return tx.InsertPage(ctx, core.DefaultHomePage("3b1c7d44-0000-4000-8000-000000000004", p, now))
	})
	if err != nil {
		t.Fatal(err)
	}
	f := contentFixture{svc: svc, portal: p, public: public}
	page := func(in core.PageInput) core.Page {
		t.Helper()
		pg, err := svc.CreatePage(ctx, "us", p.ID, in)
		if err != nil {
			t.Fatalf("creating page %s: %v", in.Slug.Value, err)
		}
		return pg
	}
	published := core.Val(core.StatusPublished)
	guides := page(core.PageInput{Slug: core.Val("/guides"), Content: core.Val("# Guides"), Status: published})
	members := page(core.PageInput{Slug: core.Val("/members"), Content: core.Val("m"), Status: published, Visibility: core.Val(core.VisibilityPrivate)})
	page(core.PageInput{Slug: core.Val("start"), Content: core.Val("s"), Status: published, ParentPageID: core.Val(guides.ID)})
	page(core.PageInput{Slug: core.Val("inside"), Content: core.Val("i"), Status: published, ParentPageID: core.Val(members.ID)})
	page(core.PageInput{Slug: core.Val("/draft"), Content: core.Val("d")})

	if _, err := svc.CreateAPIVersion(ctx, "us", public.ID, core.APIVersionInput{SpecContent: core.Val(fixtureSpec)}); err != nil {
		t.Fatal(err)
	}
	hidden, err := svc.CreateAPIDocument(ctx, "us", public.ID, core.APIDocumentInput{Title: core.Val("Hidden"), Content: core.Val("x")})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []core.APIDocumentInput{
		{Title: core.Val("Overview"), Content: core.Val("All about the weather"), Status: published},
		{Title: core.Val("Under hidden"), Content: core.Val("x"), Status: published, ParentDocumentID: core.Val(hidden.ID)},
	} {
		if _, err := svc.CreateAPIDocument(ctx, "us", public.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func TestPageByPath(t *testing.T) {
	f := newContentFixture(t)
	dev := &core.Developer{ID: "d"}
	tests := []struct {
		name string
		dev  *core.Developer
		path string
		want Kind // Internal stands for success
	}{
		{"home", nil, "/", Internal},
		{"nested public", nil, "/guides/start", Internal},
		{"without the slash", nil, "guides/start", Internal},
		{"private, anonymous", nil, "/members", Unauthenticated},
		{"under a private page, anonymous", nil, "/members/inside", Unauthenticated},
		{"private, signed in", dev, "/members/inside", Internal},
		{"unpublished", dev, "/draft", NotFound},
		{"missing", nil, "/nowhere", NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := f.svc.PageByPath(context.Background(), f.portal, tt.dev, tt.path)
			if tt.want == Internal {
				if err != nil || n == nil {
					t.Fatalf("PageByPath(%s): %v", tt.path, err)
				}
				return
			}
			if KindOf(err) != tt.want {
				t.Errorf("PageByPath(%s): error %v, want kind %d", tt.path, err, tt.want)
			}
		})
	}
	home, err := f.svc.PageByPath(context.Background(), f.portal, nil, "/guides")
	if err != nil || len(home.Children) != 1 || home.Children[0].Path != "/guides/start" {
		t.Errorf("the page's children: %+v, %v", home, err)
	}
}

func TestPageTreeVisibility(t *testing.T) {
	f := newContentFixture(t)
	count := func(nodes []*core.PageNode) int {
		var n int
		var walk func([]*core.PageNode)
		walk = func(list []*core.PageNode) {
			for _, x := range list {
				n++
				walk(x.Children)
			}
		}
		walk(nodes)
		return n
	}
	anon, err := f.svc.PageTree(context.Background(), f.portal, nil)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := f.svc.PageTree(context.Background(), f.portal, &core.Developer{ID: "d"})
	if err != nil {
		t.Fatal(err)
	}
	if count(anon) != 3 || count(signed) != 5 {
		t.Errorf("anonymous visitors see %d pages (want home, guides, start), developers %d (want 5)", count(anon), count(signed))
	}
}

func TestCatalogueAndPublishedAPI(t *testing.T) {
	f := newContentFixture(t)
	ctx := context.Background()
	dev := &core.Developer{ID: "d"}
	tests := []struct {
		name  string
		dev   *core.Developer
		q     string
		names []string
	}{
		{"anonymous", nil, "", []string{"Weather"}},
		{"signed in", dev, "", []string{"Billing", "Weather"}},
		{"search by description", dev, "INVOICE", []string{"Billing"}},
		{"search finds nothing", nil, "invoice", nil},
		{"like wildcards are text", dev, "%", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, total, err := f.svc.Catalogue(ctx, f.portal, tt.dev, tt.q, store.Page{Size: 10, Number: 1})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, a := range list {
				names = append(names, a.API.Name)
			}
			if total != len(tt.names) || len(names) != len(tt.names) || (len(names) > 0 && names[0] != tt.names[0]) {
				t.Errorf("catalogue %v (total %d), want %v", names, total, tt.names)
			}
		})
	}

	ref, err := f.svc.PublishedAPI(ctx, f.portal, nil, f.public.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if len(ref.Versions) != 1 || ref.Versions[0].SpecContent != fixtureSpec || len(ref.Documents) != 1 || ref.Documents[0].Title != "Overview" {
		t.Errorf("published API: %d versions, documents %+v", len(ref.Versions), ref.Documents)
	}
	if _, err := f.svc.PublishedAPI(ctx, f.portal, nil, "billing"); KindOf(err) != NotFound {
		t.Errorf("a private API for an anonymous visitor: %v", err)
	}
	if _, err := f.svc.PublishedAPIDocument(ctx, f.portal, nil, f.public.ID, "overview"); err != nil {
		t.Errorf("published document: %v", err)
	}
	for _, slug := range []string{"hidden", "under-hidden"} {
		if _, err := f.svc.PublishedAPIDocument(ctx, f.portal, dev, f.public.ID, slug); KindOf(err) != NotFound {
			t.Errorf("document %s: %v, want NotFound (unpublished, or under an unpublished one)", slug, err)
		}
	}

	matches, err := f.svc.SearchReference(ctx, f.portal, nil, "pets", 10)
	if err != nil || len(matches) != 1 || matches[0].Operation == nil || matches[0].Operation.Path != "/pets" {
		t.Errorf("reference search: %+v, %v", matches, err)
	}
}

func TestSearch(t *testing.T) {
	f := newContentFixture(t)
	ctx := context.Background()
	tests := []struct {
		name string
		dev  *core.Developer
		q    string
		want []string // type:name
	}{
		{"an API by description", nil, "forecast", []string{"api:Weather"}},
		{"a page by title", nil, "guides", []string{"page:Guides"}},
		{"private items need a developer", nil, "members", nil},
		{"private page for a developer", &core.Developer{ID: "d"}, "members", []string{"page:Members"}},
		{"empty query", nil, " ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.svc.Search(ctx, f.portal, tt.dev, tt.q, 10)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, r := range got {
				names = append(names, r.Type+":"+r.Name)
			}
			if len(names) != len(tt.want) || (len(names) > 0 && names[0] != tt.want[0]) {
				t.Errorf("Search(%q) = %v, want %v", tt.q, names, tt.want)
			}
		})
	}
}
