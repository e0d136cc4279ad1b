package web

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/apispec"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

const tinySpec = `{"openapi":"3.0.3","info":{"title":"T","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"ok"}}}}}}`

func TestSpecCache(t *testing.T) {
	c := newSpecCache(2, 1<<20)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	v1 := core.APIVersion{ID: "v1", SpecContent: tinySpec, UpdatedAt: t0}
	renders := 0
	render := func(*apispec.Reference, core.SpecRenderer) (template.HTML, error) {
		renders++
		return "<p>ref</p>", nil
	}

	first := c.reference(v1)
	if first == nil || c.reference(v1) != first {
		t.Fatalf("a version's reference is not kept: %p then %p", first, c.reference(v1))
	}
	for range 3 {
		if _, err := c.html(v1, core.SpecRenderer{ShowSchemas: true}, render); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.html(v1, core.SpecRenderer{}, render); err != nil {
		t.Fatal(err)
	}
	if renders != 2 {
		t.Errorf("rendered %d times, want once per set of renderer options (2)", renders)
	}

	changed := v1
	changed.UpdatedAt = t0.Add(time.Second)
	changed.SpecContent = strings.Replace(tinySpec, `"title":"T"`, `"title":"Changed"`, 1)
	if got := c.reference(changed); got == first || got.Title != "Changed" {
		t.Errorf("a changed version kept its old reference")
	}

	c.reference(core.APIVersion{ID: "v3", SpecContent: tinySpec, UpdatedAt: t0})
	if len(c.entries) != 2 {
		t.Errorf("cache holds %d entries, want its bound of 2", len(c.entries))
	}
	if _, ok := c.entries[specKey{"v1", t0}]; ok {
		t.Errorf("the least recently used entry was kept")
	}

	if ref := c.reference(core.APIVersion{ID: "bad", SpecContent: "not: [a spec", UpdatedAt: t0}); ref != nil {
		t.Errorf("a specification that does not parse gave a reference")
	}
	if h, err := c.html(core.APIVersion{ID: "bad", SpecContent: "not: [a spec", UpdatedAt: t0}, core.SpecRenderer{}, render); h != "" || err != nil {
		t.Errorf("html of a bad specification = %q, %v; want nothing", h, err)
	}
}

func TestSpecCacheByteBound(t *testing.T) {
	c := newSpecCache(10, 4*len(tinySpec))
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c.reference(core.APIVersion{ID: "a", SpecContent: tinySpec, UpdatedAt: t0})
	c.reference(core.APIVersion{ID: "b", SpecContent: tinySpec, UpdatedAt: t0})
	if len(c.entries) != 1 || c.bytes > c.maxBytes {
		t.Errorf("cache holds %d entries of %d bytes, want 1 within %d", len(c.entries), c.bytes, c.maxBytes)
	}
}
