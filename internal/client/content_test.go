package client_test

import (
	"context"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// TestPortalPageTree drives the page calls against the real backend: a new portal's home page,
// a nested page, a move to the top in first place, and a delete.
func TestPortalPageTree(t *testing.T) {
	ctx := context.Background()
	c := newBackendClient(t)
	portal := must(c.CreatePortal(ctx, client.CreatePortalRequest{Name: "content"}))

	pages := must(c.ListPortalPages(ctx, portal.ID))
	if len(pages) != 1 || pages[0].Slug != "/" || pages[0].Status != client.StatusPublished {
		t.Fatalf("a new portal has pages %+v, want its published home page", pages)
	}
	guides := must(c.CreatePortalPage(ctx, portal.ID, client.CreatePortalPageRequest{Slug: "/guides", Content: "# Guides"}))
	intro := must(c.CreatePortalPage(ctx, portal.ID, client.CreatePortalPageRequest{
		Slug: "intro", Content: "---\ntitle: Introduction\n---\n", ParentPageID: &guides.ID,
	}))
	if intro.Title != "Introduction" || intro.ParentPageID == nil || *intro.ParentPageID != guides.ID || intro.Visibility != client.VisibilityPrivate {
		t.Errorf("created %+v", intro)
	}
	tree := must(c.ListPortalPages(ctx, portal.ID))
	if len(tree) != 2 || len(tree[1].Children) != 1 || tree[1].Children[0].ID != intro.ID {
		t.Fatalf("tree %+v, want the intro under guides", tree)
	}

	first := 0
	if err := c.MovePortalPage(ctx, portal.ID, intro.ID, client.MovePortalPageRequest{ParentPageID: client.Null[string](), Index: &first}); err != nil {
		t.Fatal(err)
	}
	tree = must(c.ListPortalPages(ctx, portal.ID))
	if len(tree) != 3 || tree[0].ID != intro.ID {
		t.Fatalf("tree after the move %+v, want the intro first at the top", tree)
	}

	if err := c.DeletePortalPage(ctx, portal.ID, intro.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetPortalPage(ctx, portal.ID, intro.ID); !client.IsNotFound(err) {
		t.Errorf("reading a deleted page: %v, want 404", err)
	}
}

// TestAPIContent drives the version and document calls against the real backend.
func TestAPIContent(t *testing.T) {
	ctx := context.Background()
	c := newBackendClient(t)
	api := must(c.CreateAPI(ctx, client.CreateAPIRequest{Name: "Orders"}))

	v := must(c.CreateAPIVersion(ctx, api.ID, client.APIVersionRequest{Spec: &client.APIVersionContent{
		Content: "openapi: 3.0.3\ninfo:\n  title: Orders\n  version: 1.0.0\npaths: {}\n",
	}}))
	if v.Version != "1.0.0" || v.Spec.Type != client.SpecTypeOAS3 {
		t.Errorf("created version %+v", v)
	}
	versions := must(c.ListAPIVersions(ctx, api.ID, client.ListOptions{}))
	if versions.Meta.Page.Total != 1 || versions.Data[0].ID != v.ID {
		t.Errorf("versions %+v", versions)
	}

	overview := must(c.CreateAPIDocument(ctx, api.ID, client.CreateAPIDocumentRequest{Title: "Overview", Content: "# Overview"}))
	auth := must(c.CreateAPIDocument(ctx, api.ID, client.CreateAPIDocumentRequest{Title: "Auth", Content: "# Auth", ParentDocumentID: &overview.ID}))
	if overview.Slug != "overview" || overview.Status != client.StatusUnpublished {
		t.Errorf("created document %+v", overview)
	}
	last := -1
	if err := c.MoveAPIDocument(ctx, api.ID, auth.ID, client.MoveAPIDocumentRequest{Index: &last}); err != nil {
		t.Fatal(err)
	}
	docs := must(c.ListAPIDocuments(ctx, api.ID))
	if len(docs) != 2 || docs[1].ID != auth.ID || len(docs[0].Children) != 0 {
		t.Fatalf("documents after the move %+v, want auth last at the top", docs)
	}
	if err := c.DeleteAPIVersion(ctx, api.ID, v.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteAPIDocument(ctx, api.ID, auth.ID); err != nil {
		t.Fatal(err)
	}
}
