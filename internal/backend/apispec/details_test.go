package apispec

import (
	"reflect"
	"testing"
)

func TestSpecType(t *testing.T) {
	if got := KindOpenAPI.SpecType(); got != "oas3" {
		t.Errorf("KindOpenAPI.SpecType() = %q", got)
	}
	if got := KindAsyncAPI.SpecType(); got != "asyncapi" {
		t.Errorf("KindAsyncAPI.SpecType() = %q", got)
	}
}

func TestReferenceAnchorsAreUnique(t *testing.T) {
	ref := mustParse(t, header+`tags: [{name: a}, {name: b}]
paths:
  /x:
    get: {tags: [a, b], operationId: same, responses: {'200': {description: ok}}}
    post: {tags: [a], operationId: same, responses: {'200': {description: ok}}}
  /y:
    get: {responses: {'200': {description: ok}}}
`).Reference()
	var anchors []string
	for _, g := range ref.Groups {
		anchors = append(anchors, g.Anchor)
		for _, op := range g.Operations {
			anchors = append(anchors, op.Anchor)
		}
	}
	want := []string{"tag-a", "op-same", "op-same-2", "tag-b", "op-same-3", "tag-other", "op-get-y"}
	if !reflect.DeepEqual(anchors, want) {
		t.Errorf("anchors %q, want %q", anchors, want)
	}
}

func TestReferenceOpenAPI31Schemas(t *testing.T) {
	ref := mustParse(t, `openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /a:
    get:
      parameters:
        - name: filter
          in: query
          content:
            application/json:
              schema: {type: object, properties: {q: {type: string}}}
      responses:
        '200':
          description: ok
          headers:
            X-Rate: {$ref: '#/components/headers/Rate'}
          content:
            application/json:
              schema:
                type: object
                properties:
                  maybe: {type: [string, 'null']}
                  kind: {const: fixed}
                  score: {type: number, exclusiveMinimum: 0, exclusiveMaximum: 1}
                  owner:
                    $ref: '#/components/schemas/User'
                    description: The user who owns it.
                  anything: true
components:
  headers:
    Rate: {description: Requests left., schema: {type: integer}}
  schemas:
    User: {type: object, description: A user., properties: {name: {type: string}}}
`).Reference()
	op := ref.Groups[0].Operations[0]
	if p := op.Parameters[0]; p.Schema == nil || p.Schema.Type != "object" {
		t.Errorf("a parameter with content has schema %+v", p.Schema)
	}
	resp := op.Responses[0]
	if len(resp.Headers) != 1 || resp.Headers[0].Name != "X-Rate" || resp.Headers[0].Description != "Requests left." || resp.Headers[0].Schema.Type != "integer" {
		t.Errorf("headers %+v", resp.Headers)
	}
	props := map[string]*Schema{}
	for _, p := range resp.Content[0].Schema.Properties {
		props[p.Name] = p
	}
	if s := props["maybe"]; s.Type != "string" || !s.Nullable {
		t.Errorf("maybe: type %q nullable %v", s.Type, s.Nullable)
	}
	if s := props["kind"]; !reflect.DeepEqual(s.Enum, []string{"fixed"}) {
		t.Errorf("kind: enum %q", s.Enum)
	}
	if s := props["score"]; !reflect.DeepEqual(s.Constraints, []string{"greater than 0", "less than 1"}) {
		t.Errorf("score: constraints %q", s.Constraints)
	}
	if s := props["owner"]; s.RefName != "User" || s.Description != "The user who owns it." || len(s.Properties) != 1 {
		t.Errorf("owner: %+v", s)
	}
	if s := props["anything"]; s == nil || s.Summary() != "any" {
		t.Errorf("anything: %+v", s)
	}
}

func TestSchemaSummary(t *testing.T) {
	tests := []struct {
		schema *Schema
		want   string
	}{
		{nil, "any"},
		{&Schema{}, "any"},
		{&Schema{Type: "string", Format: "date-time"}, "string (date-time)"},
		{&Schema{Type: "string", RefName: "Status"}, "string"},
		{&Schema{Type: "object", RefName: "Pet"}, "Pet"},
		{&Schema{Type: "array", Items: &Schema{Type: "object", RefName: "Pet"}}, "array of Pet"},
		{&Schema{Type: "array", Items: &Schema{Type: "array", Items: &Schema{Type: "integer"}}}, "array of array of integer"},
		{&Schema{Variants: []*Schema{{RefName: "Cat", Type: "object"}, {Type: "string"}}, Combinator: "oneOf"}, "one of Cat, string"},
		{&Schema{Variants: []*Schema{{Type: "integer"}}, Combinator: "anyOf"}, "any of integer"},
		{&Schema{RefName: "Node", Recursive: true}, "Node (recursive)"},
		{&Schema{RefName: "Big", Truncated: true}, "Big"},
		{&Schema{Properties: []*Schema{{Name: "a"}}}, "object"},
	}
	for _, tt := range tests {
		if got := tt.schema.Summary(); got != tt.want {
			t.Errorf("Summary(%+v) = %q, want %q", tt.schema, got, tt.want)
		}
	}
}
