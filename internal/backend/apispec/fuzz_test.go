package apispec

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/apispec/apispectest"
)

// FuzzParse feeds Parse arbitrary text: it must answer with a document or an *Error, never panic
// or hang, and the view of any document it accepts must build.
func FuzzParse(f *testing.F) {
	seeds := []string{
		minimalOpenAPI,
		minimalAsyncAPI,
		"",
		"{}",
		"[]",
		"null",
		"openapi: 3.0.3\n",
		"openapi: 3.1.0\ninfo: {title: t, version: v}\n",
		"asyncapi: 3.0.0\ninfo: {title: t, version: v}\noperations: {a: {action: send, channel: {$ref: '#/channels/c'}}}\nchannels: {c: {messages: {m: {payload: {type: string}}}}}\n",
		"openapi: 3.0.3\ninfo: {title: t, version: v}\npaths: {/a: {get: {responses: {'200': {$ref: '#/x'}}}}}\nx: &a {description: d, content: {a/b: {schema: {properties: {p: *a}}}}}\n",
		"openapi: 3.0.3\ninfo: {title: t, version: v}\npaths: {/a: {get: {parameters: [{$ref: '#/components/parameters/p'}], responses: {'200': {description: d}}}}}\ncomponents: {parameters: {p: {$ref: '#/components/parameters/p'}}}\n",
		"a: &a [*a]\n",
		"{\"openapi\": \"3.0.0\", \"info\": {\"title\": \"\\u0000\", \"version\": 1e400}, \"paths\": {}}",
		"openapi: 3.0.3\ninfo: {title: t, version: v}\npaths: {}\ncomponents: {schemas: {A: {allOf: [{$ref: '#/components/schemas/A'}]}, B: {type: [string, 'null'], const: 1}}}\n",
		"--- \n...\n",
		"%YAML 1.2\n---\nopenapi: 3.0.3\n",
		"!!binary aGVsbG8=",
		"? [a, b]\n: c\n",
		"openapi: 3.0.3\ninfo: {title: t, version: v}\npaths: {/a: {get: {responses: {'200': {description: d, content: {x/y: {example: &e {a: [*e]}}}}}}}}\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	for _, content := range apispectest.Examples() {
		f.Add(content)
	}
	f.Fuzz(func(t *testing.T, content []byte) {
		doc, err := Parse(content)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not an *Error: %v", err, err)
			}
			if e.Line < 0 || e.Column < 0 || e.Message == "" {
				t.Fatalf("malformed error %+v", e)
			}
			_ = e.Error()
			return
		}
		if doc.Title == "" || doc.Version == "" || (doc.Kind != KindOpenAPI && doc.Kind != KindAsyncAPI) {
			t.Fatalf("accepted a document without kind, title or version: %+v", doc)
		}
		ref := doc.Reference()
		for _, g := range ref.Groups {
			for _, op := range g.Operations {
				for _, r := range op.Responses {
					for _, m := range r.Content {
						_ = m.Schema.Summary()
					}
				}
			}
		}
	})
}

// FuzzParseJSON compares the JSON reader with the standard library's: they agree on what is JSON
// (up to the nesting bound), and the values read are the same.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		minimalOpenAPI, `{"a":[1,-2.5e+3,true,false,null,"x\u00e9\n"]}`, `[]`, `{}`, `{"a":}`, `{"a":01}`,
		`{"a":"\ud83d\ude00"}`, `{"a":"\ud83d"}`, "{\"a\":\"\xff\"}", `1`, `"s"`, `{"a":1}{}`, ` [ 1 , 2 ] `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, content []byte) {
		root, err := parseJSON(content)
		valid := json.Valid(content)
		if err != nil {
			if valid && err.Message != depthMessage {
				t.Fatalf("standard JSON refused: %v", err)
			}
			return
		}
		if !valid {
			t.Fatalf("accepted text that is not JSON")
		}
		want, err2 := decodeJSON(content)
		if err2 != nil {
			t.Fatal(err2)
		}
		got, err2 := decodeJSON([]byte(exampleJSONUnbounded(root)))
		if err2 != nil {
			t.Fatalf("the tree does not write back as JSON: %v", err2)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("read %#v, want %#v", got, want)
		}
	})
}

// exampleJSONUnbounded writes a tree back as JSON without the example size bound.
func exampleJSONUnbounded(n *yaml.Node) string {
	w := &jsonWriter{}
	w.value(n, 0)
	return w.b.String()
}

// decodeJSON decodes keeping numbers as written, so that no number is out of range.
func decodeJSON(content []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(content))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}
