package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/apispec/apispectest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// renderAPIPage renders the page of an API whose one version has the specification in file.
func renderAPIPage(t *testing.T, file string, renderer core.SpecRenderer) string {
	t.Helper()
	spec, ok := apispectest.Examples()[file]
	if !ok {
		t.Fatalf("no example document %s", file)
	}
	s := New(nil, nil)
	version := core.APIVersion{ID: "v1", Version: "1.0.0", SpecContent: string(spec), UpdatedAt: time.Now()}
	ref := s.specs.reference(version)
	if ref == nil {
		t.Fatalf("%s does not parse", file)
	}
	custom := core.DefaultCustomization()
	custom.SpecRenderer = renderer
	v := &viewer{Portal: core.Portal{ID: "p1", Name: "Acme"}, custom: &custom}
	r := httptest.NewRequest(http.MethodGet, "/apis/pets", nil)
	r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, v))
	w := httptest.NewRecorder()
	html, err := s.specs.html(version, renderer, s.renderReference)
	if err != nil {
		t.Fatal(err)
	}
	err = s.render(w, r, page{Name: "public/api.html", Title: "Pets", Data: apiView{
		API: apiCard{Slug: "pets", Name: "Pets"}, Versions: []core.APIVersion{version}, Version: &version,
		Reference: ref, ReferenceHTML: html, Renderer: renderer,
	}})
	if err != nil {
		t.Fatal(err)
	}
	return w.Body.String()
}

func TestAPIPageRendersTheReference(t *testing.T) {
	body := renderAPIPage(t, "petstore-openapi-3.0.yaml", core.DefaultCustomization().SpecRenderer)
	for _, want := range []string{
		"<h1>Pets</h1>", `<section id="reference"`, `<section id="documents"`,
		`<section class="operation"`, `data-method="GET"`, `data-path="/pets"`,
		`<table class="parameters">`, "Responses", `<ul class="schema">`,
		"<code>apikey</code>", // descriptions are markdown
	} {
		if !strings.Contains(body, want) {
			t.Errorf("API page lacks %q", want)
		}
	}
	ops := regexp.MustCompile(`<section class="operation" id="[^"]+" data-method="([A-Z]+)" data-path="([^"]+)"`).FindAllStringSubmatch(body, -1)
	if len(ops) < 3 {
		t.Errorf("API page shows %d operations, want the petstore's", len(ops))
	}

	hidden := renderAPIPage(t, "petstore-openapi-3.0.yaml", core.SpecRenderer{ShowSchemas: false})
	if strings.Contains(hidden, `<ul class="schema">`) {
		t.Errorf("schemas shown although the portal's renderer hides them")
	}
}

func TestAPIPageRendersAsyncAPIChannels(t *testing.T) {
	for _, file := range []string{"accounts-asyncapi-2.6.yaml", "streetlights-asyncapi-3.0.yaml"} {
		body := renderAPIPage(t, file, core.DefaultCustomization().SpecRenderer)
		if !strings.Contains(body, `data-channel="`) {
			t.Errorf("%s: no channel on the page", file)
		}
	}
}
