package apispec

import (
	"fmt"
	"strings"
	"testing"
)

// countSchemas counts the nodes of a schema tree.
func countSchemas(s *Schema) int {
	if s == nil {
		return 0
	}
	n := 1
	for _, p := range s.Properties {
		n += countSchemas(p)
	}
	for _, v := range s.Variants {
		n += countSchemas(v)
	}
	return n + countSchemas(s.Items) + countSchemas(s.AdditionalProperties)
}

func countReference(ref Reference) (items, schemas int) {
	for _, g := range ref.Groups {
		for _, op := range g.Operations {
			items++
			for _, p := range op.Parameters {
				items++
				schemas += countSchemas(p.Schema)
			}
			for _, r := range op.Responses {
				items++
				for _, m := range r.Content {
					items++
					schemas += countSchemas(m.Schema)
				}
			}
		}
	}
	return items, schemas
}

func mustParse(t testing.TB, content string) *Document {
	t.Helper()
	doc, err := Parse([]byte(content))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return doc
}

const header = "openapi: 3.0.3\ninfo: {title: Bounds, version: '1'}\n"

// A chain of components, each with four properties of the next, would expand to 4^30 nodes.
func TestReferenceBoundsSharedComponents(t *testing.T) {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/S0'}\n")
	b.WriteString("components:\n  schemas:\n")
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&b, "    S%d:\n      type: object\n      properties:\n", i)
		for p := 0; p < 4; p++ {
			fmt.Fprintf(&b, "        p%d: {$ref: '#/components/schemas/S%d'}\n", p, i+1)
		}
	}
	b.WriteString("    S30: {type: string}\n")
	ref := mustParse(t, b.String()).Reference()
	_, schemas := countReference(ref)
	if schemas > maxNodesPerSchema+4*maxSchemaDepth {
		t.Errorf("the tree has %d nodes; the bound is about %d", schemas, maxNodesPerSchema)
	}
	if schemas < 100 {
		t.Errorf("the tree has only %d nodes; it should be expanded up to its bound", schemas)
	}
}

func TestReferenceBoundsRecursion(t *testing.T) {
	tests := []struct {
		name   string
		doc    string
		schema string // the Summary of the response schema's first property
	}{
		{"self reference", header + `paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Node'}
components:
  schemas:
    Node:
      type: object
      properties:
        next: {$ref: '#/components/schemas/Node'}
`, "Node (recursive)"},
		{"reference loop without a schema", header + `paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  loop: {$ref: '#/components/schemas/A'}
components:
  schemas:
    A: {$ref: '#/components/schemas/B'}
    B: {$ref: '#/components/schemas/A'}
`, "A (recursive)"},
		{"yaml alias containing itself", header + `paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: &node
                type: object
                properties:
                  child: *node
`, "object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref := mustParse(t, tt.doc).Reference()
			schema := ref.Groups[0].Operations[0].Responses[0].Content[0].Schema
			if len(schema.Properties) == 0 {
				t.Fatalf("the schema has no properties: %+v", schema)
			}
			if got := schema.Properties[0].Summary(); got != tt.schema {
				t.Errorf("first property is %q, want %q", got, tt.schema)
			}
			if n := countSchemas(schema); n > maxNodesPerSchema {
				t.Errorf("the tree has %d nodes", n)
			}
		})
	}
}

// YAML aliases let a small document repeat a large part many times; the view stops at its bound.
func TestReferenceBoundsAliasFanOut(t *testing.T) {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("x-params: &params\n")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&b, "  - {name: p%d, in: query, schema: {type: string}}\n", i)
	}
	b.WriteString("paths:\n")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&b, "  /p%d:\n    get:\n      parameters: *params\n      responses: {'200': {description: ok}}\n", i)
	}
	ref := mustParse(t, b.String()).Reference()
	items, _ := countReference(ref)
	if items > maxViewItems {
		t.Errorf("the view has %d items, over the bound %d", items, maxViewItems)
	}
	if !ref.Truncated {
		t.Error("Truncated is not set on a view cut at its bound")
	}
}

func TestExampleBounds(t *testing.T) {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("x-laughs:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < 12; i++ {
		fmt.Fprintf(&b, "  a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString("paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              example: *a11\n")
	ref := mustParse(t, b.String()).Reference()
	example := ref.Groups[0].Operations[0].Responses[0].Content[0].Example
	if len(example) > maxExampleBytes+8 || !strings.HasSuffix(example, "…") {
		t.Errorf("example of %d bytes, ending %q; want it cut near %d bytes", len(example), example[len(example)-10:], maxExampleBytes)
	}
}

func TestExampleJSON(t *testing.T) {
	tests := []struct {
		yaml string
		want string
	}{
		{"{b: 1, a: [true, null, 1.5, '2', x<y]}", `{"b":1,"a":[true,null,1.5,"2","x<y"]}`},
		{"{}", `{}`},
		{"[]", `[]`},
		{"0x1F", `"0x1F"`},
		{".inf", `".inf"`},
		{"yes", `"yes"`},
		{"'quote \" and \\ back'", `"quote \" and \\ back"`},
	}
	for _, tt := range tests {
		doc := mustParse(t, header+"paths: {}\nx-example: "+tt.yaml+"\n")
		if got := exampleJSON(lookup(doc.root, "x-example"), false); got != tt.want {
			t.Errorf("exampleJSON(%s) = %s, want %s", tt.yaml, got, tt.want)
		}
	}
}
