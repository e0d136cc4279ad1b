package apispec_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/apispec"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/apispec/apispectest"
)

func TestSyntheticOpenAPI(t *testing.T) {
	for _, lines := range []int{1, 500, 5000, 20000} {
		content := apispectest.SyntheticOpenAPI(lines)
		got := bytes.Count(content, []byte{'\n'})
		if got < lines || got > lines+200 {
			t.Errorf("SyntheticOpenAPI(%d) has %d lines", lines, got)
		}
		doc, err := apispec.Parse(content)
		if err != nil {
			t.Fatalf("SyntheticOpenAPI(%d) does not parse: %v", lines, err)
		}
		ref := doc.Reference()
		if len(ref.Groups) == 0 || ref.Truncated {
			t.Errorf("SyntheticOpenAPI(%d): %d groups, truncated %v", lines, len(ref.Groups), ref.Truncated)
		}
	}
}

// The JSON reader and the YAML reader build the same view of the same document.
func TestSyntheticJSONMatchesYAML(t *testing.T) {
	fromYAML, err := apispec.Parse(apispectest.SyntheticOpenAPI(2000))
	if err != nil {
		t.Fatal(err)
	}
	fromJSON, err := apispec.Parse(apispectest.SyntheticOpenAPIJSON(2000))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromYAML.Reference(), fromJSON.Reference()) {
		t.Error("the views of the YAML and JSON forms of one document differ")
	}
}

// BenchmarkParseReference5000 measures what an API page costs before its cache is warm: parsing a
// 5,000-line document and building its view.
func BenchmarkParseReference5000(b *testing.B) {
	content := apispectest.SyntheticOpenAPI(5000)
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := apispec.Parse(content)
		if err != nil {
			b.Fatal(err)
		}
		_ = doc.Reference()
	}
}

func BenchmarkParse5000(b *testing.B) {
	content := apispectest.SyntheticOpenAPI(5000)
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := apispec.Parse(content); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReference5000(b *testing.B) {
	doc, err := apispec.Parse(apispectest.SyntheticOpenAPI(5000))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = doc.Reference()
	}
}

// BenchmarkParseReference5000JSON is the same document written as JSON, the form most tools
// export.
func BenchmarkParseReference5000JSON(b *testing.B) {
	content := apispectest.SyntheticOpenAPIJSON(5000)
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := apispec.Parse(content)
		if err != nil {
			b.Fatal(err)
		}
		_ = doc.Reference()
	}
}
